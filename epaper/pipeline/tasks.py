"""The build's steps as tasks: pure functions of plain values, keyed by their inputs.

load → lay out and draw each page → prepare each photo → write each file. A task reads
the loaded edition through its `Job` (a worker forked after loading has it already; any
other loads it once), reads and writes results in the cache under content keys, and
returns a small record. The same task runs in this process, a worker or on a Dask
cluster, with the same result.
"""

from __future__ import annotations

import functools
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from epaper import kept
from epaper.check import Loaded, load
from epaper.layout.edition import EditionLayout, PageLayout, PagePlan, paper_of, plan
from epaper.layout.furniture import slug_line
from epaper.layout.log import LayoutLog
from epaper.model.edition import Block
from epaper.model.frame import Element, Image, PageFrame
from epaper.outputs import page_json
from epaper.pipeline import keys
from epaper.pipeline.cache import Cache
from epaper.pipeline.keys import digest, file_digest, folder_digest
from epaper.pipeline.memo import FileFacts
from epaper.pipeline.publish import fault_point
from epaper.render.embed import SubsetCache
from epaper.render.finish import finish_screen
from epaper.render.images import PreparedImage, Recipe, prepare_each
from epaper.render.pdf import DrawnFacts, PageDrawer, PageDrawing, PdfResources, Sheet
from epaper.render.writer import PrintIntent, write_pdf

VARIANTS = ("print", "screen")


@dataclass(frozen=True)
class Job:
    """What every task of one build is given: where the edition is, the key of what was
    loaded from it, the cache, and the options that change results."""

    edition_dir: str
    context: str
    cache: str  # the cache folder (a scratch one that the build removes, with --no-cache)
    proof: bool = False
    epaper: bool = False  # page tasks also plan the page's e-paper images


class _Paragraphs(dict):  # type: ignore[type-arg]
    """The layout engine's set paragraphs (WordMaker.paragraphs), noting which a page
    used: those are kept for the page's next layout, in the cache."""

    def __init__(self) -> None:
        super().__init__()
        self.used: set[object] = set()

    def get(self, key, default=None):  # type: ignore[no-untyped-def,override]
        self.used.add(key)
        return super().get(key, default)


T = TypeVar("T")


class Context:
    """A loaded edition as tasks use it, kept per process: its plans, a layout engine
    whose shaping cache lives as long as the process, and the fonts' metrics."""

    def __init__(self, loaded: Loaded, proof: bool) -> None:
        self.loaded = loaded
        ed, tset = loaded.edition, loaded.templates
        self.plans = plan(ed, tset)
        self.layout = EditionLayout(ed, tset, loaded.fonts, proof=proof)
        self.paragraphs = self.layout.ts.maker.paragraphs = _Paragraphs()
        # A Dask worker runs tasks in threads: one layout engine at a time (it is pure
        # Python, so threads would not run it faster anyway).
        self.lock = threading.Lock()
        self.res = PdfResources({p.stem: p for p in loaded.fonts.dir.glob("*.ttf")})
        self.paper = paper_of(ed, tset)
        self.bleed = max((p.template.bleed for p in self.plans), default=0.0)
        profile = tset.print.profile
        self.profile_digest = file_digest(profile) if profile else ""
        self.fonts_key = folder_digest(loaded.fonts.dir)
        # Everything a page's result may depend on besides its own plan: `key` names a
        # page's context in its key; `loaded_key` is all that was loaded (the stories
        # too), so a worker never takes one edition for another of the same day.
        self.key = digest(keys.engine(), ed.date, ed.lang, ed.hijri_offset, ed.layout,
                          self.paper, tset, self.fonts_key, len(self.plans),
                          self.profile_digest, proof)
        self.loaded_key = digest(self.key, ed)


_CONTEXTS: dict[str, Context] = {}
_REGISTRY_LOCK = threading.Lock()
KEEP_CONTEXTS = 4


def register(loaded: Loaded, proof: bool = False) -> Context:
    """Make `loaded` the context of this process's tasks (before forking workers). A
    long-running process (watch, a Dask worker) keeps the last few."""
    ctx = Context(loaded, proof)
    with _REGISTRY_LOCK:
        _CONTEXTS.pop(ctx.loaded_key, None)
        _CONTEXTS[ctx.loaded_key] = ctx
        while len(_CONTEXTS) > KEEP_CONTEXTS:
            del _CONTEXTS[next(iter(_CONTEXTS))]
    return ctx


def context(job: Job) -> Context:
    found = _CONTEXTS.get(job.context)
    if found is None:  # a worker that was not forked from the build: load it here
        found = register(load(job.edition_dir), job.proof)
        if found.loaded_key != job.context:
            from epaper.errors import EpaperError

            raise EpaperError("the edition changed on disk while it was being built",
                              file=job.edition_dir, hint="build again")
    return found


def job_cache(job: Job) -> Cache:
    return Cache(Path(job.cache))


def _facts_kept(task: Callable[..., T]) -> Callable[..., T]:
    """Run a task with the job's cache as epaper.kept's store: a worker process reads
    the fonts' measurements from it instead of opening the fonts."""

    @functools.wraps(task)
    def run(job: Job, *args: Any) -> T:
        with kept.using(FileFacts(job_cache(job))):
            return task(job, *args)

    return run


# -- photos -----------------------------------------------------------------------------

@dataclass(frozen=True)
class PhotoJob:
    """One photo as one variant prints it at one placement."""

    image: Image
    width: float  # placed, points
    height: float
    ppi: float  # the variant's target resolution
    variant: str
    profile: Path | None
    profile_digest: str
    gray: bool
    ink_limit: float
    name: str  # the file as the desk knows it, for messages

    @property
    def key(self) -> str:
        """Names the image in the PDF: from the photo and its processing alone, so the
        files' bytes do not change with the engine's version."""
        return digest("photo", self.image.digest, self.image.crop, self.width, self.height,
                      self.ppi, self.variant, self.profile_digest, self.gray,
                      self.ink_limit)[:32]

    @property
    def cache_key(self) -> str:
        return digest(keys.engine(), self.key)


@dataclass(frozen=True)
class PhotoRecord:
    key: str
    name: str
    variant: str
    width: int  # pixels embedded
    height: int
    color_space: str
    placed: tuple[float, float]  # points
    ink: float  # highest total ink of any pixel, percent (print; 0 for screen)
    reseparated: float


def photo_job(ctx: Context, el: Element, variant: str, mono: bool) -> PhotoJob:
    assert el.image is not None
    tset = ctx.loaded.templates
    root = ctx.loaded.edition.root
    path = el.image.path
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    printing = variant == "print"
    return PhotoJob(el.image, round(el.box.width, 3), round(el.box.height, 3),
                    tset.target_ppi if printing else tset.screen_ppi, variant,
                    tset.print.profile if printing else None,
                    ctx.profile_digest if printing else "", mono and printing,
                    tset.print.ink_limit if printing else 0.0, name)


@_facts_kept
def prepare_photos(job: Job, photos: tuple[PhotoJob, ...]) -> tuple[PhotoRecord, ...]:
    """Crop, scale and separate one placed photo for each variant that prints it,
    decoding it once; the results go to the cache, small records come back."""
    cache = job_cache(job)
    found = [cached_photo(cache, p) for p in photos]
    todo = [p for p, f in zip(photos, found, strict=True) if f is None]
    if todo:
        first = todo[0]
        if file_digest(first.image.path) != first.image.digest:
            # Keys say what the photo was when the edition was read: a result from other
            # bytes must not be kept under them.
            from epaper.errors import ContentError

            raise ContentError(f"photo {first.name} changed while the edition was being "
                               "built", file=first.image.path, hint="build again")
        made = prepare_each(first.image, first.width, first.height,
                            [Recipe(p.ppi, p.variant, p.profile, p.gray, p.ink_limit)
                             for p in todo])
        for photo, done in zip(todo, made, strict=True):
            done = replace(done, key=photo.key)
            cache.put_object("photo", photo.cache_key, done)
            record = PhotoRecord(photo.key, photo.name, photo.variant, done.width,
                                 done.height, done.color_space, (photo.width, photo.height),
                                 done.max_ink, done.reseparated)
            cache.put_object("photo-record", photo.cache_key, record)
            found[photos.index(photo)] = record
    return tuple(f for f in found if f is not None)


def cached_photo(cache: Cache, photo: PhotoJob) -> PhotoRecord | None:
    """The photo's record if the cache has it and its image: no need to prepare it."""
    found = cache.get_object("photo-record", photo.cache_key)
    if found is None or cache.get("photo", photo.cache_key) is None:
        return None
    return found  # type: ignore[no-any-return]


# -- pages ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DrawingMeta:
    """A page's drawing for one variant, as the plan needs it (the drawing is cached)."""

    key: str
    size: tuple[float, float]
    trim: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float] | None
    fonts: tuple[tuple[str, frozenset[int]], ...]  # face key, glyph ids drawn
    images: tuple[str, ...]
    facts: DrawnFacts


@dataclass
class PageRecord:
    """What laying out and drawing a page gave: all the build keeps in memory of it."""

    number: int
    key: str
    log: LayoutLog
    overflow: dict[str, tuple[Block, ...]]
    layout: dict[str, object]  # the page's entry in layout.json
    photos: dict[str, tuple[PhotoJob, ...]]  # per variant
    drawings: dict[str, DrawingMeta] = field(default_factory=dict)
    reused: bool = False  # taken from the cache, not laid out in this build
    drawn: tuple[str, ...] = ()  # variants drawn in this build
    # The page's e-paper images as planned (epaper.web.edition.page_plan), when the build
    # makes the e-paper: its rasterising can start without the frame in the main process.
    web_plan: object | None = None


def page_key(ctx: Context, number: int, incoming: dict[str, tuple[Block, ...]]) -> str:
    """The key of a page's layout: the edition's context, the page's plan (its stories,
    slots and ads, byte for byte), where its jumps go, and what jumps into it."""
    p = ctx.plans[number - 1]
    targets = [(pl.story.id, pl.continue_to, [s for q, _n, s in
                                              ctx.plans[pl.continue_to.page - 1].incoming
                                              if q.story.id == pl.story.id])
               for pl, _slot in p.stories if pl.continue_to]
    ads = [(slot, file_digest(path)) for slot, path in p.spec.ads if path.is_file()]
    return digest(ctx.key, "page", number, _plan_value(p), targets, ads, incoming)


def _plan_value(p: PagePlan) -> object:
    return (p.spec, p.template, [(pl, s) for pl, s in p.stories],
            [(pl.story.id, n, s) for pl, n, s in p.incoming])


def _drawing_key(ctx: Context, page: str, variant: str) -> str:
    t = ctx.loaded.templates
    return digest(page, "drawing", variant, ctx.bleed, t.print.slug, t.target_ppi,
                  t.screen_ppi, ctx.profile_digest)


def cached_page(ctx: Context, cache: Cache, number: int,
                incoming: dict[str, tuple[Block, ...]], variants: tuple[str, ...]
                ) -> PageRecord | None:
    """The page's record if the cache has it with a drawing for every variant."""
    key = page_key(ctx, number, incoming)
    record = cache.get_object("page", key)
    if record is None:
        return None
    for variant in variants:
        meta = record.drawings.get(variant)
        if meta is None or meta.key != _drawing_key(ctx, key, variant) or \
                cache.get("drawing", meta.key) is None:
            return None
    record.reused = True
    return record  # type: ignore[no-any-return]


@_facts_kept
def lay_out_page(job: Job, number: int, incoming: dict[str, tuple[Block, ...]],
                 variants: tuple[str, ...]) -> PageRecord:
    """Lay out page `number` and draw it for each variant (what is cached is reused)."""
    ctx = context(job)
    with ctx.lock:
        return _lay_out_page(ctx, job_cache(job), number, incoming, variants, job.epaper)


def _lay_out_page(ctx: Context, cache: Cache, number: int,
                  incoming: dict[str, tuple[Block, ...]], variants: tuple[str, ...],
                  epaper: bool = False) -> PageRecord:
    key = page_key(ctx, number, incoming)
    record = cache.get_object("page", key)
    frame: PageFrame | None = None
    if record is None:
        laid = _layout(ctx, cache, number, incoming)
        frame = laid.frame
        photos = {v: tuple(photo_job(ctx, el, v, frame.mono) for el in frame.elements
                           if el.image is not None) for v in VARIANTS}
        record = PageRecord(number, key, laid.log, laid.overflow,
                            page_json(ctx.loaded.edition, frame, laid.log), photos)
        cache.put_object("frame", key, frame)
    else:
        record.reused = True
    drawn = []
    for variant in variants:
        dkey = _drawing_key(ctx, key, variant)
        if variant in record.drawings and record.drawings[variant].key == dkey and \
                cache.get("drawing", dkey) is not None:
            continue
        if frame is None:
            frame = cache.get_object("frame", key) or ctx.layout.page(
                ctx.plans[number - 1], ctx.plans, incoming).frame
        drawing = _draw(ctx, frame, variant)
        cache.put_object("drawing", dkey, drawing)
        glyphs = tuple((k, frozenset(g for g, _t, _w in table)) for k, table in drawing.fonts)
        record.drawings[variant] = DrawingMeta(dkey, drawing.size, drawing.trim,
                                               drawing.bleed, glyphs, drawing.images,
                                               drawing.facts)
        drawn.append(variant)
    if epaper and record.web_plan is None:
        from epaper.web.edition import page_plan

        if frame is None:
            frame = cache.get_object("frame", key) or ctx.layout.page(
                ctx.plans[number - 1], ctx.plans, incoming).frame
        record.web_plan = page_plan(frame)
        drawn.append("web plan")  # the record changed: keep it
    record.drawn = tuple(v for v in drawn if v in VARIANTS)
    if drawn or not record.reused:
        cache.put_object("page", key, replace(record, reused=False, drawn=()))
    return record


def _draw(ctx: Context, frame: PageFrame, variant: str) -> PageDrawing:
    tset = ctx.loaded.templates
    sheet = Sheet(variant, bleed=ctx.bleed, slug=tset.print.slug)
    drawer = PageDrawer(ctx.res, lambda el, mono: photo_job(ctx, el, variant, mono).key,
                        sheet)
    slug = slug_line(ctx.layout.ts, tset, ctx.paper, ctx.loaded.edition.date, frame,
                     len(ctx.plans), variant, ctx.bleed) if sheet.print else ()
    return drawer.draw(frame, slug)


def _layout(ctx: Context, cache: Cache, number: int,
            incoming: dict[str, tuple[Block, ...]]) -> PageLayout:
    """Lay out a page, starting from the paragraphs its last layout set: an edit to one
    story sets only that story's changed paragraphs again. (The kept paragraphs are
    found by their own keys, which name their text, style and measure: a stale one is
    never used, only not found.)"""
    hint = digest(keys.engine(), "paragraphs", ctx.fonts_key, str(ctx.loaded.edition.root),
                  number)
    kept = cache.get_object("paragraphs", hint)
    if isinstance(kept, dict):
        for k, v in kept.items():
            ctx.paragraphs.setdefault(k, v)
    ctx.paragraphs.used = set()
    laid = ctx.layout.page(ctx.plans[number - 1], ctx.plans, incoming)
    used = {k: ctx.paragraphs[k] for k in ctx.paragraphs.used if k in ctx.paragraphs}
    cache.put_object("paragraphs", hint, used)
    ctx.loaded.fonts.keep_measured()
    return laid


# -- files ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileJob:
    """One PDF to write: which drawings, for which variant, into which file."""

    variant: str
    drawings: tuple[str, ...]  # drawing keys, in page order
    path: str
    title: str
    edition_glyphs: tuple[tuple[str, frozenset[int]], ...] = ()  # print: subset per face


def file_key(file: FileJob) -> str:
    """A file's bytes follow from its drawings (their keys name everything that went into
    them), its variant, title and subsets."""
    return digest(keys.engine(), "file", file.variant, file.drawings, file.title,
                  file.edition_glyphs)


def cached_file(cache: Cache, file: FileJob) -> int | None:
    """Write the file from the cache if it has it; its size, or None."""
    data = cache.get("file", file_key(file))
    if data is None:
        return None
    save(Path(file.path), data)
    return len(data)


@_facts_kept
def write_file(job: Job, file: FileJob) -> int:
    """Write one PDF from cached drawings and photos; returns its size in bytes."""
    ctx = context(job)
    cache = job_cache(job)
    found = cached_file(cache, file)
    if found is not None:
        return found
    if ctx.res.subsets.store is None:
        ctx.res.subsets = SubsetCache(cache)
    drawings = [_drawing(cache, k) for k in file.drawings]
    images = {k: _photo(cache, k) for d in drawings for k in d.images}
    ed = ctx.loaded.edition
    intent = None
    tset = ctx.loaded.templates
    if file.variant == "print":
        profile = tset.print.profile
        intent = PrintIntent(profile, profile.stem if profile else "")
    data = write_pdf(drawings, ctx.res, images, title=file.title, author=ctx.paper.name,
                     day=ed.date, intent=intent,
                     edition_glyphs=dict(file.edition_glyphs) or None)
    if file.variant == "screen":
        data = finish_screen(data)
    save(Path(file.path), data)
    cache.put("file", file_key(file), data)
    return len(data)


def _drawing(cache: Cache, key: str) -> PageDrawing:
    found = cache.get_object("drawing", key)
    if found is None:
        raise RuntimeError(f"drawing {key} is missing from the cache")
    return found  # type: ignore[no-any-return]


def _photo(cache: Cache, key: str) -> PreparedImage:
    found = cache.get_object("photo", digest(keys.engine(), key))
    if found is None:
        raise RuntimeError(f"photo {key} is missing from the cache")
    return found  # type: ignore[no-any-return]


def save(path: Path, data: bytes) -> None:
    """Write a file whole: a temporary file beside it, renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fault_point("write", path.name)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # outputs are for the whole desk
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# -- the e-paper ------------------------------------------------------------------------

def web_key(pdf: str, plan: object, base_url: str) -> str:
    """A page's e-paper images follow from its screen page PDF, byte for byte, their plan
    and where they will be published."""
    return digest(keys.engine(), "web-page", file_digest(Path(pdf)), plan, base_url)


def cached_web_page(cache: Cache, pdf: str, web: str, plan: object, base_url: str
                    ) -> object | None:
    """Write a page's e-paper images from the cache if it has them; their record, or
    None. (A rebuild rasterises only the pages whose screen PDF changed.)"""
    found = cache.get_object("web-page", web_key(pdf, plan, base_url))
    if not (isinstance(found, tuple) and len(found) == 2):
        return None
    record, files = found
    for rel, data in files.items():
        save(Path(web) / rel, data)
    return record


@_facts_kept
def web_page(job: Job, pdf: str, web: str, plan: object, base_url: str) -> object:
    """One e-paper page's images and tiles from its screen page PDF (epaper.web.images);
    what it wrote goes to the cache too."""
    from epaper.web.images import page_images

    cache = job_cache(job)
    found = cached_web_page(cache, pdf, web, plan, base_url)
    if found is not None:
        return found
    record = page_images(pdf, web, plan, base_url=base_url)  # type: ignore[arg-type]
    files = {rel: (Path(web) / rel).read_bytes() for rel in record.files}
    cache.put_object("web-page", web_key(pdf, plan, base_url), (record, files))
    return record
