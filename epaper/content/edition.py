"""An edition folder's edition.yaml, its stories and photos into one Edition."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from epaper.content.paths import inside
from epaper.content.story import LANGS, load_story, probe_image
from epaper.errors import ContentError
from epaper.model.edition import Continuation, Edition, PageSpec, Paper, Placement, Story
from epaper.yamlio import Located, load_yaml, read_text

KNOWN = {"date", "layout", "lang", "paper", "pages", "hijri_offset", "print"}
PAGE_KNOWN = {"template", "section", "stories", "ads", "mono"}
PAPER_FIELDS = tuple(Paper.__dataclass_fields__)
def _layouts_dir() -> Path:
    """The shipped template sets: beside the package in a checkout (editable install),
    else where a wheel installs them (<prefix>/share/epaper/layouts)."""
    checkout = Path(__file__).resolve().parents[2] / "layouts"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "epaper" / "layouts"


LAYOUTS_DIR = _layouts_dir()


def resolve_layout(value: object, root: Path, meta: Located) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ContentError("layout must name a template set, e.g. 'broadsheet'",
                           file=meta.file, line=meta.line("layout"), field="layout")
    candidates = [(root / value), LAYOUTS_DIR / f"{value}.yaml", LAYOUTS_DIR / value]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    known = ", ".join(sorted(p.stem for p in LAYOUTS_DIR.glob("*.yaml")))
    raise ContentError(f"unknown layout {value!r}", file=meta.file, line=meta.line("layout"),
                       field="layout", hint=f"shipped template sets: {known}")


def load_edition(folder: Path) -> Edition:
    root = folder.resolve()
    source = root / "edition.yaml"
    if not root.is_dir():
        raise ContentError("edition folder not found", file=folder)
    meta = load_yaml(read_text(source, ContentError, "edition.yaml"), source, ContentError)
    data = meta.data
    if not isinstance(data, dict):
        raise ContentError("edition.yaml must be a mapping (date:, layout:, pages:)",
                           file=source, line=1)
    for key in data:
        if key not in KNOWN:
            raise ContentError(f"unknown field {key!r}", file=source, line=meta.line(key),
                               field=str(key), hint=f"known fields: {', '.join(sorted(KNOWN))}")
    date = _date(data.get("date"), meta)
    lang = data.get("lang", "bn")
    if lang not in LANGS:
        raise ContentError(f"unknown language {lang!r}", file=source, line=meta.line("lang"),
                           field="lang", hint="use bn or en")
    layout = resolve_layout(data.get("layout"), root, meta)
    offset = data.get("hijri_offset", 0)
    if not isinstance(offset, int) or isinstance(offset, bool) or abs(offset) > 3:
        raise ContentError("hijri_offset must be a whole number of days between -3 and 3",
                           file=source, line=meta.line("hijri_offset"), field="hijri_offset")
    paper = _paper(data.get("paper") or {}, meta)
    profile = _profile(data.get("print"), meta, root)
    stories: dict[Path, Story] = {}
    pages = _pages(data.get("pages"), meta, root, lang, stories)
    return Edition(root=root, source=source, date=date, lang=lang, layout=layout,
                   paper=paper, pages=pages, hijri_offset=offset,
                   stories=tuple(stories.values()), profile=profile)


def _profile(raw: object, meta: Located, root: Path) -> Path | None:
    """The printer's own CMYK profile, when the edition names one (print: {profile: …})."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"profile"}:
        raise ContentError("print takes one field: profile (the printer's ICC file)",
                           file=meta.file, line=meta.line("print"), field="print")
    from epaper.templates.loader import check_profile

    path = inside(root, root, raw.get("profile"), file=meta.file,
                  line=meta.line("print", "profile"), field="print.profile")
    check_profile(path, lambda msg: ContentError(
        msg, file=meta.file, line=meta.line("print", "profile"), field="print.profile",
        hint="name a CMYK output profile (.icc) inside the edition folder"))
    return path


def _date(value: object, meta: Located) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ContentError(f"date must be an ISO date like 2026-11-27, got {value!r}",
                       file=meta.file, line=meta.line("date"), field="date")


def _paper(value: object, meta: Located) -> Paper:
    if not isinstance(value, dict):
        raise ContentError("paper must be a mapping", file=meta.file, line=meta.line("paper"),
                           field="paper")
    for key in value:
        if key not in PAPER_FIELDS:
            raise ContentError(f"unknown field {key!r}", file=meta.file,
                               line=meta.line("paper", key), field=f"paper.{key}",
                               hint=f"known: {', '.join(PAPER_FIELDS)}")
    return Paper(**{k: str(v) for k, v in value.items() if v is not None})


def _pages(value: object, meta: Located, root: Path, lang: str,
           stories: dict[Path, Story]) -> tuple[PageSpec, ...]:
    if not isinstance(value, list) or not value:
        raise ContentError("pages must be a non-empty list", file=meta.file,
                           line=meta.line("pages"), field="pages")
    pages = []
    for i, page in enumerate(value):
        where = ("pages", i)
        if not isinstance(page, dict):
            raise ContentError("each page must be a mapping with a template",
                               file=meta.file, line=meta.line(*where), field=f"pages[{i}]")
        for key in page:
            if key not in PAGE_KNOWN:
                raise ContentError(f"unknown field {key!r}", file=meta.file,
                                   line=meta.line(*where, key), field=f"pages[{i}].{key}",
                                   hint=f"known: {', '.join(sorted(PAGE_KNOWN))}")
        template = page.get("template")
        if not isinstance(template, str):
            raise ContentError("missing template", file=meta.file, line=meta.line(*where),
                               field=f"pages[{i}].template")
        items = page.get("stories") or []
        if not isinstance(items, list):
            raise ContentError("stories must be a list of story files", file=meta.file,
                               line=meta.line(*where, "stories"), field=f"pages[{i}].stories",
                               hint="write each story on its own '- ' line")
        placements = tuple(_placement(item, meta, root, lang, stories, i, k, len(value))
                           for k, item in enumerate(items))
        ads = tuple(_ad(item, meta, root, i, k) for k, item in enumerate(page.get("ads") or []))
        mono = page.get("mono", False)
        if not isinstance(mono, bool):
            raise ContentError("mono is true (black-only page) or false", file=meta.file,
                               line=meta.line(*where, "mono"), field=f"pages[{i}].mono")
        pages.append(PageSpec(i + 1, template, str(page.get("section") or ""), placements, ads,
                              meta.line(*where) or 0, mono))
    return tuple(pages)


def _placement(item: object, meta: Located, root: Path, lang: str,
               stories: dict[Path, Story], i: int, k: int, n_pages: int) -> Placement:
    where = ("pages", i, "stories", k)
    field = f"pages[{i}].stories[{k}]"
    line = meta.line(*where)
    if isinstance(item, str):
        item = {"file": item}
    if not isinstance(item, dict) or "file" not in item:
        raise ContentError("a story entry is a path or {file: PATH, slot: NAME}",
                           file=meta.file, line=line, field=field)
    unknown = set(item) - {"file", "slot", "continue"}
    if unknown:
        raise ContentError(f"unknown field {sorted(unknown)[0]!r}", file=meta.file, line=line,
                           field=field, hint="a story entry has file, slot and continue")
    path = inside(root, root, item["file"], file=meta.file, line=line, field=f"{field}.file")
    if path not in stories:
        if not path.is_file():
            raise ContentError(f"story file not found: {item['file']}", file=meta.file,
                               line=line, field=f"{field}.file")
        stories[path] = load_story(path, root, lang)
    cont = item.get("continue")
    continuation = None
    if cont is not None:
        if isinstance(cont, int):
            cont = {"page": cont}
        target = cont.get("page") if isinstance(cont, dict) else None
        if not isinstance(target, int) or not 1 <= target <= n_pages or target == i + 1:
            raise ContentError(f"continue needs an existing other page (1..{n_pages})",
                               file=meta.file, line=meta.line(*where, "continue"),
                               field=f"{field}.continue")
        continuation = Continuation(target, cont.get("slot"))
    slot = item.get("slot")
    return Placement(stories[path], str(slot) if slot else None, continuation, line or 0)


def _ad(item: object, meta: Located, root: Path, i: int, k: int) -> tuple[str, Path]:
    line = meta.line("pages", i, "ads", k)
    field = f"pages[{i}].ads[{k}]"
    if not isinstance(item, dict) or "slot" not in item or "file" not in item:
        raise ContentError("an ad entry is {slot: NAME, file: IMAGE}", file=meta.file,
                           line=line, field=field)
    path = inside(root, root, item["file"], file=meta.file, line=line, field=f"{field}.file")
    probe_image(path, meta.file, line, f"{field}.file")
    return str(item["slot"]), path
