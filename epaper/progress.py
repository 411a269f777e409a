"""What a build is doing, as the desk sees it: a bar per phase on a terminal (tqdm), a
plain line per finished phase in a log (cron), nothing with -q."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

UNITS = {"load": "edition", "layout": "pages", "photos": "photos", "files": "files",
         "preflight": "check", "publish": "step", "e-paper": "pages"}


class _Phase:
    def __init__(self, name: str, total: int) -> None:
        self.name = name
        self.total = total
        self.done = 0
        self.start = time.perf_counter()
        self.end = self.start
        self.bar: Any = None
        self.reported = False


class Display:
    """A `progress(phase, done, total)` callable for build_edition."""

    def __init__(self, stream: TextIO, quiet: bool = False, bars: bool | None = None) -> None:
        self.stream = stream
        self.quiet = quiet
        self.bars = stream.isatty() if bars is None else bars
        self.phases: dict[str, _Phase] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.quiet:
            return
        p = self.phases.get(phase)
        if p is None:
            for other in self.phases.values():  # a new phase: earlier finished ones end
                if other.done >= other.total:
                    self._finish(other)
            p = self.phases[phase] = _Phase(phase, total)
        p.total, p.done, p.end = max(total, done), done, time.perf_counter()
        if self.bars:
            if p.bar is None:
                from tqdm import tqdm

                p.bar = tqdm(total=p.total, desc=f"{phase:<9}", unit=f" {UNITS.get(phase, '')}",
                             file=self.stream, leave=True, dynamic_ncols=True,
                             bar_format="{desc} {bar:24} {n_fmt}/{total_fmt}{unit} "
                                        "{elapsed}")
            p.bar.total = p.total
            p.bar.n = p.done
            p.bar.refresh()

    def note(self, message: str) -> None:
        """A message between the bars (waiting for another build, …)."""
        if not self.quiet:
            print(f"  {message}", file=self.stream, flush=True)

    def _finish(self, p: _Phase) -> None:
        if p.reported:
            return
        p.reported = True
        if p.bar is not None:
            p.bar.n = p.done
            p.bar.close()
        elif not self.bars:
            print(f"  {p.name}: {p.done}/{p.total} {UNITS.get(p.name, '')} "
                  f"({p.end - p.start:.2f} s)", file=self.stream, flush=True)

    def close(self) -> None:
        for p in self.phases.values():
            self._finish(p)


@contextlib.contextmanager
def display(quiet: bool = False) -> Iterator[Display]:
    d = Display(sys.stderr, quiet)
    try:
        yield d
    finally:
        d.close()
