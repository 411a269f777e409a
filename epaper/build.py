"""The edition build: load → lay out and draw pages → photos → files → preflight → publish.

Each step is a task of `epaper.pipeline.tasks`, keyed by the content it reads and kept in
the cache, so a rebuild redoes only what changed; the same tasks run in this process, in
worker processes (`jobs`) or on a Dask cluster, and give byte-identical files. Nothing
reaches the output folder unless the whole edition builds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from epaper import kept
from epaper.check import Loaded, load
from epaper.diagnostics import Diagnostic
from epaper.errors import EpaperError
from epaper.layout.edition import EditionLayout, merge_logs, sources_of
from epaper.layout.log import LayoutLog
from epaper.model.frame import PageFrame
from epaper.outdir import check_apart
from epaper.outputs import layout_json, report_json
from epaper.pipeline import publish
from epaper.pipeline.cache import Cache, default_root
from epaper.pipeline.keys import digest
from epaper.pipeline.memo import FileFacts, stories_from
from epaper.pipeline.run import Runner, runner_for
from epaper.pipeline.tasks import (
    VARIANTS,
    FileJob,
    Job,
    PageRecord,
    PhotoJob,
    PhotoRecord,
    cached_file,
    cached_page,
    cached_photo,
    lay_out_page,
    prepare_photos,
    register,
    write_file,
)
from epaper.preflight import (
    DrawnImage,
    DrawnPage,
    Preflight,
    preflight_drawn,
    preflight_file,
)
from epaper.render.pdf import image_name

# progress(phase, done, total): what the build is doing, for a display or a log.
Progress = Callable[[str, int, int], None]
PHASES = ("load", "layout", "photos", "files", "preflight", "publish")
VARIANT_DIRS = {"print": "", "screen": "screen"}
TRIM_EVERY = 600.0  # seconds: the cache is held to its size at most this often


@dataclass
class BuildResult:
    """What a build did: the report written to report.json, where outputs went, and how
    the run went (pages built and reused, time per phase: not in report.json, which
    depends on the edition alone)."""

    report: dict[str, Any]
    out_dir: Path | None = None
    files: list[Path] = field(default_factory=list)
    run: dict[str, Any] = field(default_factory=dict)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every warning of the build, as records (code, file, line, …)."""
        return [Diagnostic.from_json(w) for w in self.report["warnings"]]

    @property
    def warnings(self) -> list[str]:
        """The warnings' messages."""
        return [w["message"] for w in self.report["warnings"]]

    @property
    def overset(self) -> dict[str, list[str]]:
        return {k: v["overset_words"] for k, v in self.report["stories"].items()
                if v["overset_words"]}



def check_edition(edition_dir: str | Path) -> list[Diagnostic]:
    """Validate an edition folder as a build would, and lay it out: its warnings.
    Raises EpaperError (carrying every error found) if it cannot be built."""
    return check_and_layout(edition_dir)[1].warnings


def check_and_layout(edition_dir: str | Path) -> tuple[Loaded, LayoutLog]:
    """Load an edition and lay it out, as a build would but without rendering: what only
    layout can find (a photo below the resolution floor, a caption that does not fit) is
    refused by `epaper check` too, and its warnings are the build's."""
    loaded = load(edition_dir)
    _frames, log = layout(loaded)
    return loaded, log


def layout(loaded: Loaded, *, proof: bool = False) -> tuple[list[PageFrame], LayoutLog]:
    """The whole edition laid out in this process (for checks, tests and benchmarks)."""
    frames, log = EditionLayout(loaded.edition, loaded.templates, loaded.fonts,
                                proof=proof).run()
    log.warnings[:0] = loaded.warnings  # what loading found comes first
    return frames, log


def build_edition(edition_dir: str | Path, out_dir: str | Path, *, strict: bool = False,
                  proof: bool = False, variants: tuple[str, ...] = ("print",),
                  preflight: bool | str = True, progress: Progress | None = None,
                  jobs: int = 1, cache: str | Path | bool | None = None,
                  runner: Runner | None = None,
                  on_wait: Callable[[str], None] | None = None,
                  pages: set[int] | None = None, epaper: bool = False,
                  epaper_url: str = "") -> BuildResult:
    """Build `edition_dir` into `out_dir`: edition.pdf and pages/NN.pdf (print),
    screen/edition.pdf and screen/pages/NN.pdf (screen), layout.json, report.json and,
    for print, preflight.json.

    `jobs`: worker processes (1: all in this process); `runner`: run the tasks elsewhere
    (a Dask cluster). `pages`: lay out only these; any other page whose inputs changed
    is kept as the last build into `out_dir` made it (with a warning). `cache`: the cache
    folder (None: $EPAPER_CACHE or .epaper-cache/ beside `out_dir`; False: none).
    `preflight`: True or "fast" checks the print file from what was drawn (ink from the
    prepared photos and the vector colours); "full" also reads the written file back and
    measures its ink with Ghostscript; False skips. `epaper`: also web/, the e-paper
    made from the screen pages (which it implies); `epaper_url` is where web/ will be
    published (IIIF ids are URLs).

    Nothing is written unless the whole edition builds (and, with `strict`, has no
    warnings; for print, passes preflight); existing outputs are replaced only at the
    end, whole, even if the build is interrupted.
    """
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown or not variants:
        raise EpaperError(f"unknown variant {unknown[0] if unknown else '(none)'!r}",
                          hint="variants: print, screen")
    mode = "fast" if preflight is True else "off" if preflight is False else preflight
    if mode not in ("fast", "full", "off"):
        raise EpaperError(f"unknown preflight mode {preflight!r}", hint="fast, full or off")
    check_apart(edition_dir, out_dir)
    if epaper and "screen" not in variants:
        variants = (*variants, "screen")
    out = Path(out_dir)
    with publish.Session(out, on_wait) as session:
        plan = _Plan(edition_dir, session, strict=strict, proof=proof,
                     variants=tuple(v for v in VARIANTS if v in variants),
                     preflight=mode if "print" in variants else "off",
                     progress=progress, jobs=jobs, cache=cache, runner=runner, only=pages,
                     epaper=epaper, epaper_url=epaper_url)
        return plan.run()


class _Plan:
    """One build, step by step. Each step reads as what it does; the tasks do the work."""

    def __init__(self, edition_dir: str | Path, session: publish.Session, *, strict: bool,
                 proof: bool, variants: tuple[str, ...], preflight: str,
                 progress: Progress | None, jobs: int, cache: str | Path | bool | None,
                 runner: Runner | None, only: set[int] | None = None,
                 epaper: bool = False, epaper_url: str = "") -> None:
        self.edition_dir = Path(edition_dir)
        self.session = session
        self.strict, self.proof, self.variants = strict, proof, variants
        self.preflight_mode = preflight
        self.say = progress or (lambda _phase, _done, _total: None)
        self.jobs = jobs
        self._runner = runner
        self._owns_runner = runner is None
        self.cache_arg = cache
        self.only = only
        self.epaper, self.epaper_url = epaper, epaper_url
        self.kept: list[int] = []  # pages taken from the last build (`only`)
        self.timings: dict[str, float] = {}
        self.photos: dict[str, PhotoRecord] = {}
        self.sizes: dict[str, int] = {}

    # -- the plan ------------------------------------------------------------------------
    def run(self) -> BuildResult:
        self.cache = self._open_cache()
        with kept.using(FileFacts(self.cache)):
            return self._run()

    def _run(self) -> BuildResult:
        started = time.perf_counter()
        with stories_from(self.cache):
            loaded = self._timed("load", lambda: load(self.edition_dir))
        ctx = self.ctx = register(loaded, self.proof)
        self.loaded = loaded
        self.last = self._last_build(len(ctx.plans))
        self.job = Job(str(self.edition_dir.resolve()), ctx.loaded_key, str(self.cache.root),
                       self.proof, self.epaper)
        try:
            records = self._pages(len(ctx.plans))
            log = merge_logs([r.log for r in records], loaded.edition,
                             loaded.templates.underset_tolerance)
            log.warnings[:0] = loaded.warnings  # what loading found comes first
            for n in self.kept:
                log.warn(f"page {n} is kept as the last build made it (--pages); its stories "
                         "or layout have changed since", "W-kept-page", page=n,
                         hint="build without --pages to bring it up to date")
            pages = [r.layout for r in records]
            report = report_json(loaded.edition, pages, log)
            self._strict(report)
            self._files(records, ctx.paper.name_en or ctx.paper.name)
            for w in self._photo_warnings(records):
                _warn(report, w)
            checked = self._preflight(records, report)
            self._strict(report)  # the photos' own warnings come late
            if self.epaper:
                self._web(records)
            staging = self.session.staging
            outputs = {"layout.json": layout_json(loaded.edition, pages)}
            if checked is not None:
                outputs["preflight.json"] = checked.to_json()
            outputs["report.json"] = report
            for name, data in outputs.items():
                publish.write_json(staging / name, data)
            files = sorted(p for p in self.session.staging.rglob("*") if p.is_file())
            files = [self.session.out / p.relative_to(self.session.staging) for p in files]
            self._timed("publish", self.session.publish)
            self.cache.put_object("last-build", self._out_key, {r.number: r for r in records})
            run = self._summary(records, started)
        except BaseException:
            self._runner_cancel()  # workers stop now, not after their queue
            raise
        finally:
            self._close()
        return BuildResult(report, self.session.out, files, run)

    # -- steps ---------------------------------------------------------------------------
    def _open_cache(self) -> Cache:
        if self.cache_arg is False:
            return Cache(self.session.scratch / "cache")
        root = Path(self.cache_arg) if isinstance(self.cache_arg, str | Path) else \
            default_root(self.session.out)
        return Cache(root)

    @property
    def _out_key(self) -> str:
        return digest("last-build", str(self.session.out.resolve()))

    def _last_build(self, count: int) -> dict[int, PageRecord]:
        """The pages the last build into this output folder made (for `only`)."""
        if self.only is None:
            return {}
        bad = sorted(n for n in self.only if not 1 <= n <= count)
        if bad:
            raise EpaperError(f"--pages: the edition has no page {bad[0]} (it has {count})",
                              file=self.loaded.edition.source)
        found = self.cache.get_object("last-build", self._out_key)
        return found if isinstance(found, dict) else {}

    @property
    def runner(self) -> Runner:
        """The pool starts only when there is work for it: a warm rebuild needs none."""
        if self._runner is None:
            self._runner = runner_for(self.jobs)
        return self._runner

    def _close(self) -> None:
        if self._runner is not None and self._owns_runner:
            self._runner.close()
        self.cache.trim(every=TRIM_EVERY)

    def _pages(self, count: int) -> list[PageRecord]:
        """Lay out and draw every page, each as soon as the pages jumping into it are
        done; prepare each page's photos as soon as its layout is. What the cache holds
        is taken from it here, without starting a worker."""
        t0 = time.perf_counter()
        run = _PageRun(count)
        publish.fault_point("phase", "layout")
        self.say("layout", 0, count)
        while len(run.done) < count or run.running:
            for n in run.ready(self.ctx.plans):
                self._start_page(run, n)
            if not run.running:
                continue
            for fut in self._wait(run.running):
                kind, what = run.running.pop(fut)
                result = self._result(fut)
                if kind == "page":
                    self._page_done(run, result)
                else:
                    for record in result:
                        self.photos[record.key] = record
                    self.say("photos", len(self.photos), len(run.photos))
            if len(run.done) == count:
                self.timings.setdefault("layout", time.perf_counter() - t0)
        self.timings.setdefault("layout", time.perf_counter() - t0)
        self.timings["photos"] = time.perf_counter() - t0
        self._overflow = run.overflow
        return [run.done[n] for n in range(1, count + 1)]

    def _start_page(self, run: _PageRun, n: int) -> None:
        incoming = {sid: run.overflow[sid] for pl, _f, _s in self.ctx.plans[n - 1].incoming
                    if (sid := pl.story.id) in run.overflow}
        found = cached_page(self.ctx, self.cache, n, incoming, self.variants)
        if found is None and self.only is not None and n not in self.only:
            found = self.last.get(n)
            if found is not None:
                self.kept.append(n)
                found.reused, found.drawn = True, ()
        if found is not None:
            self._page_done(run, found)
        else:
            fut = self.runner.submit(lay_out_page, self.job, n, incoming, self.variants)
            run.running[fut] = ("page", n)

    def _page_done(self, run: _PageRun, record: PageRecord) -> None:
        run.done[record.number] = record
        run.overflow.update(record.overflow)
        self.say("layout", len(run.done), run.count)
        # One task per placed photo: its variants share one decode.
        placed: dict[tuple[object, ...], list[PhotoJob]] = {}
        for variant in self.variants:
            for job in record.photos[variant]:
                if job.key in run.photos:
                    continue
                run.photos[job.key] = job
                found = cached_photo(self.cache, job)
                if found is not None:
                    self.photos[job.key] = found
                else:
                    placed.setdefault((job.image, job.width, job.height), []).append(job)
        for jobs in placed.values():
            fut = self.runner.submit(prepare_photos, self.job, tuple(jobs))
            run.running[fut] = ("photos", tuple(j.key for j in jobs))
        self.say("photos", len(self.photos), len(run.photos))

    def _wait(self, running: dict[Any, Any]) -> set[Any]:
        try:
            publish.raise_if_stopped()
            return self.runner.wait(running)
        except BaseException:
            self._runner_cancel()
            raise

    @staticmethod
    def _result(fut: Any) -> Any:
        try:
            return fut.result()
        except BrokenProcessPool as exc:
            raise EpaperError("a worker process stopped unexpectedly (killed, or out of "
                              "memory); nothing was written",
                              hint="build again; if it happens again, build with --jobs 1 "
                              "and watch the memory") from exc

    def _runner_cancel(self) -> None:
        if self._runner is not None and self._owns_runner:
            self._runner.close(cancel=True)
            self._runner = None

    def _files(self, records: list[PageRecord], title: str) -> None:
        """Every PDF of every variant, each written from the pages' drawings."""
        t0 = time.perf_counter()
        ed = self.loaded.edition
        title = f"{title} {ed.date.isoformat()}"
        files: list[FileJob] = []
        for variant in self.variants:
            folder = self.session.staging / VARIANT_DIRS[variant]
            metas = [r.drawings[variant] for r in records]
            glyphs: dict[str, frozenset[int]] = {}
            for meta in metas:
                for key, gids in meta.fonts:
                    glyphs[key] = glyphs.get(key, frozenset()) | gids
            edition_glyphs = tuple(sorted(glyphs.items()))
            files.append(FileJob(variant, tuple(m.key for m in metas),
                                 str(folder / "edition.pdf"), title, edition_glyphs))
            # Press page files carry the edition's subsets (one subset per face per run);
            # screen pages their own, smallest ones: readers fetch them one at a time.
            page_glyphs = edition_glyphs if variant == "print" else ()
            for r, meta in zip(records, metas, strict=True):
                files.append(FileJob(variant, (meta.key,),
                                     str(folder / "pages" / f"{r.number:02d}.pdf"),
                                     f"{title} page {r.number}", page_glyphs))
        publish.fault_point("phase", "files")
        running = {}
        for f in files:
            size = cached_file(self.cache, f)  # unchanged files: no worker needed
            if size is not None:
                self.sizes[f.path] = size
            else:
                running[self.runner.submit(write_file, self.job, f)] = f
        self.say("files", 0, len(files))
        while running:
            for fut in self._wait(running):
                f = running.pop(fut)
                self.sizes[f.path] = self._result(fut)
                self.say("files", len(files) - len(running), len(files))
        self.timings["files"] = time.perf_counter() - t0

    def _web(self, records: list[PageRecord]) -> None:
        """The e-paper from the screen pages: each page rasterised in a worker while this
        process writes the bundle (article map, ALTO, IIIF, viewer) from the frames."""
        from epaper.pipeline.tasks import cached_web_page, web_page
        from epaper.web.bundle import Downloads, write_bundle
        from epaper.web.edition import page_plan
        from epaper.web.images import PageImages

        t0 = time.perf_counter()
        publish.fault_point("phase", "e-paper")
        web = self.session.staging / "web"
        screen = self.session.staging / "screen"
        # Rasterising starts first, from the plans the page tasks made; the frames (a
        # second of unpickling for 16 pages) are read while the workers draw.
        frames: dict[int, PageFrame] = {}
        for r in records:
            if not isinstance(r.web_plan, PageImages):
                frames[r.number] = self._frame(r)
        plans = [r.web_plan if isinstance(r.web_plan, PageImages) else
                 page_plan(frames[r.number]) for r in records]
        running = {}
        for p in plans:
            pdf = str(screen / "pages" / f"{p.number:02d}.pdf")
            if cached_web_page(self.cache, pdf, str(web), p, self.epaper_url) is None:
                running[self.runner.submit(web_page, self.job, pdf, str(web), p,
                                           self.epaper_url)] = p
        self.say("e-paper", len(plans) - len(running), len(plans))
        ed = self.loaded.edition
        for r in records:
            if r.number not in frames:
                frames[r.number] = self._frame(r)
        write_bundle(web, ed, [frames[r.number] for r in records], plans, self.ctx.paper,
                     self.loaded.templates,
                     downloads=Downloads(screen / "edition.pdf",
                                         {p.number: screen / "pages" / f"{p.number:02d}.pdf"
                                          for p in plans}),
                     base_url=self.epaper_url, fonts=self.loaded.fonts.dir)
        done = len(plans) - len(running)
        while running:
            for fut in self._wait(running):
                running.pop(fut)
                self._result(fut)
                done += 1
                self.say("e-paper", done, len(plans))
        self.timings["e-paper"] = time.perf_counter() - t0

    def _frame(self, r: PageRecord) -> PageFrame:
        """A page's frame for the e-paper: kept in the cache by the page's task; laid out
        again here if the cache has lost it."""
        frame = self.cache.get_object("frame", r.key)
        if frame is None:
            plans = self.ctx.plans
            incoming = {pl.story.id: blocks for pl, _f, _s in plans[r.number - 1].incoming
                        for sid, blocks in self._overflow.items() if sid == pl.story.id}
            with self.ctx.lock:
                frame = self.ctx.layout.page(plans[r.number - 1], plans, incoming).frame
        return frame  # type: ignore[no-any-return]

    def _photo_warnings(self, records: list[PageRecord]) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        spec = self.loaded.templates.print
        for r in records:
            for job in r.photos.get("print", ()) if "print" in self.variants else ():
                done = self.photos[job.key]
                if done.reseparated:
                    found = Diagnostic(
                        "warning", "W-reseparated", f"page {r.number}: {done.name} is CMYK "
                        f"with up to {done.reseparated:.0f}% ink, over the press's "
                        f"{spec.ink_limit:.0f}%; separated again through the press profile",
                        str(job.image.path), page=r.number,
                        hint="check its colours, or ask for newsprint artwork")
                    if found not in out:
                        out.append(found)
        return out

    def _preflight(self, records: list[PageRecord], report: dict[str, Any]
                   ) -> Preflight | None:
        if self.preflight_mode == "off" or "print" not in self.variants:
            return None
        t0 = time.perf_counter()
        publish.fault_point("phase", "preflight")
        self.say("preflight", 0, 1)
        tset = self.loaded.templates
        edition = self.session.staging / "edition.pdf"
        if self.preflight_mode == "full":
            # Findings name each image by the photo or ad file it was made from.
            sources = {image_name(job.key): self.photos[job.key].name for r in records
                       for job in r.photos["print"]}
            checked = preflight_file(edition, tset.print, min_ppi=tset.min_ppi,
                                     floor_ppi=tset.floor_ppi, sources=sources)
        else:
            checked = preflight_drawn(edition, [self._drawn(r) for r in records], tset.print,
                                      min_ppi=tset.min_ppi, floor_ppi=tset.floor_ppi)
        report["preflight"] = {"mode": self.preflight_mode, "errors": len(checked.errors),
                               "warnings": len(checked.warnings),
                               "ink_measured": checked.ink_measured}
        self.say("preflight", 1, 1)
        self.timings["preflight"] = time.perf_counter() - t0
        if checked.errors:
            raise EpaperError.of([Diagnostic(
                "error", "E-preflight", f"preflight: {f}", str(self.loaded.edition.source),
                page=f.page, hint="nothing was written; fix the template or content")
                for f in checked.errors])
        return checked

    def _drawn(self, r: PageRecord) -> DrawnPage:
        meta = r.drawings["print"]
        images = []
        for job in r.photos["print"]:
            done = self.photos[job.key]
            images.append(DrawnImage(done.name, done.color_space, (done.width, done.height),
                                     done.placed, done.ink))
        return DrawnPage(r.number, (0.0, 0.0, *meta.size), meta.trim, meta.bleed,
                         tuple(k for k, _g in meta.fonts), tuple(images), meta.facts.min_text,
                         meta.facts.thinnest_stroke, meta.facts.vector_ink,
                         meta.facts.rich_black_text)

    def _strict(self, report: dict[str, Any]) -> None:
        """--strict: every warning is an error (and keeps its code, to be found by)."""
        if self.strict and report["warnings"]:
            raise EpaperError.of([Diagnostic.from_json(w).as_error()
                                  for w in report["warnings"]])

    def _summary(self, records: list[PageRecord], started: float) -> dict[str, Any]:
        drawn = sorted({r.number for r in records if r.drawn or not r.reused})
        return {"pages": len(records),
                "pages_laid_out": sorted(r.number for r in records if not r.reused),
                "pages_drawn": drawn,
                "pages_reused": sorted(r.number for r in records if r.reused and not r.drawn),
                "pages_kept": sorted(self.kept),
                "photos": len(self.photos), "jobs": getattr(self.runner, "jobs", 1)
                if self._runner is not None else 1,
                "cache": {"folder": None if self.cache_arg is False else str(self.cache.root),
                          "hits": self.cache.stats.hits, "misses": self.cache.stats.misses},
                "bytes": {Path(p).relative_to(self.session.staging).as_posix(): n
                          for p, n in sorted(self.sizes.items())},
                "seconds": {**{k: round(v, 3) for k, v in self.timings.items()},
                            "total": round(time.perf_counter() - started, 3)}}

    def _timed(self, phase: str, step: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        publish.raise_if_stopped()
        publish.fault_point("phase", phase)
        self.say(phase, 0, 1)
        try:
            return step()
        finally:
            self.timings[phase] = time.perf_counter() - t0
            self.say(phase, 1, 1)


@dataclass
class _PageRun:
    """Where the pages of one build stand while they are laid out."""

    count: int
    done: dict[int, PageRecord] = field(default_factory=dict)
    overflow: dict[str, Any] = field(default_factory=dict)
    running: dict[Any, tuple[str, Any]] = field(default_factory=dict)
    photos: dict[str, PhotoJob] = field(default_factory=dict)

    def ready(self, plans: list[Any]) -> list[int]:
        """Pages not started whose sources of jumps are done."""
        waiting = {n for kind, n in self.running.values() if kind == "page"}
        return [n for n in range(1, self.count + 1) if n not in self.done
                and n not in waiting and all(s in self.done for s in sources_of(plans[n - 1]))]


def _warn(report: dict[str, Any], warning: Diagnostic) -> None:
    """A warning found after layout (while preparing images): into the report too."""
    if warning.to_json() not in report["warnings"]:
        report["warnings"].append(warning.to_json())
        report["summary"]["warnings"] = len(report["warnings"])
