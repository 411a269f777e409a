"""Many editions in one run: each into its own folder under one root, sharing the cache
(photos used by several editions are prepared once), on this machine or on a Dask
cluster. An edition that fails, fails alone."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from epaper.diagnostics import Diagnostic
from epaper.errors import EpaperError
from epaper.pipeline.run import Dask, Runner


@dataclass
class EditionOutcome:
    edition: Path
    out: Path
    result: Any = None  # BuildResult
    errors: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error(self) -> str:
        return "\n".join(d.message for d in self.errors)


def out_folders(editions: list[Path], out_root: Path) -> list[Path]:
    """OUT_ROOT/<edition folder name>/, refusing two editions of the same name."""
    seen: dict[str, Path] = {}
    for ed in editions:
        name = ed.resolve().name
        if name in seen:
            raise EpaperError(f"two editions are named {name!r} ({seen[name]} and {ed}); "
                              "each builds into OUT_ROOT/<folder name>", file=ed,
                              hint="rename one of the folders")
        seen[name] = ed
    return [out_root / ed.resolve().name for ed in editions]


def build_many(editions: list[Path], out_root: Path, *, jobs: int = 1,
               scheduler: str | None = None, client: Any = None,
               on_done: Callable[[EditionOutcome], None] | None = None,
               **options: Any) -> list[EditionOutcome]:
    """Build each edition into OUT_ROOT/<name>/ with one cache, OUT_ROOT/.epaper-cache/
    unless `options` name another. With `scheduler` (an address) or `client`, every task
    runs on that Dask cluster and the editions are built side by side."""
    from epaper.build import build_edition

    outs = out_folders(editions, out_root)
    options.setdefault("cache", out_root / ".epaper-cache")
    runner: Runner | None = None
    if scheduler is not None or client is not None:
        runner = Dask(scheduler, client)
    outcomes = [EditionOutcome(ed, out) for ed, out in zip(editions, outs, strict=True)]

    def one(outcome: EditionOutcome) -> EditionOutcome:
        try:
            outcome.result = build_edition(outcome.edition, outcome.out, jobs=jobs,
                                           runner=runner, **options)
        except EpaperError as exc:
            outcome.errors = list(exc.diagnostics)
        if on_done is not None:
            on_done(outcome)
        return outcome

    try:
        if runner is None:
            for outcome in outcomes:  # each build has the machine's cores to itself
                one(outcome)
        else:
            # On a cluster the work is the cluster's: this process only plans, so the
            # editions are planned side by side.
            with cf.ThreadPoolExecutor(max_workers=min(8, len(outcomes))) as pool:
                list(pool.map(one, outcomes))
    finally:
        if runner is not None:
            runner.close()
    return outcomes
