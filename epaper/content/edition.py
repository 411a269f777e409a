"""An edition folder's edition.yaml, its stories and photos into one Edition."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from epaper.content import fields
from epaper.content.paths import inside, resolved
from epaper.content.story import LANGS, load_story, probe_image
from epaper.errors import ContentError
from epaper.model.edition import Continuation, Edition, PageSpec, Paper, Placement, Story
from epaper.yamlio import Located, load_yaml, read_text

KNOWN = {"date", "layout", "lang", "paper", "pages", "hijri_offset", "print"}
PAGE_KNOWN = {"template", "section", "stories", "ads", "mono", "auto"}
PAPER_FIELDS = tuple(Paper.__dataclass_fields__)
STORY_ENTRY = {"file", "slot", "continue", "shape"}
CONTINUE_KNOWN = {"page", "slot"}
AD_KNOWN = {"slot", "file"}


def _layouts_dir() -> Path:
    """The shipped template sets: beside the package in a checkout (editable install),
    else where a wheel installs them (<prefix>/share/epaper/layouts)."""
    checkout = Path(__file__).resolve().parents[2] / "layouts"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "epaper" / "layouts"


LAYOUTS_DIR = _layouts_dir()


def resolve_layout(value: object, root: Path, meta: Located) -> Path:
    """A shipped template set by name (`broadsheet`), or a set's .yaml file in the edition
    folder (`custom.yaml`, `layouts/custom.yaml`). Like every path an edition names, a
    file must stay inside the edition folder (README: "must stay inside the edition
    folder"); a bare name may also be a shipped set."""
    if not isinstance(value, str) or not value.strip():
        raise ContentError("layout must name a template set, e.g. 'broadsheet'",
                           file=meta.file, line=meta.line("layout"), field="layout")
    known = ", ".join(sorted(p.stem for p in LAYOUTS_DIR.glob("*.yaml")))
    bare = "/" not in value and "\\" not in value and value not in (".", "..")
    local = root / value
    if not bare or local.is_file():
        path = inside(root, root, value, file=meta.file, line=meta.line("layout"),
                      field="layout", hint="copy the template set into the edition folder, "
                      f"or name a shipped one: {known}")
        if path.is_file():
            return path
    else:
        for c in (LAYOUTS_DIR / f"{value}.yaml", LAYOUTS_DIR / value):
            if c.is_file():
                return c.resolve()
    raise ContentError(f"unknown layout {value!r}", file=meta.file, line=meta.line("layout"),
                       field="layout", hint=f"shipped template sets: {known}")


def load_edition(folder: Path) -> Edition:
    root = resolved(folder, file=folder)
    source = root / "edition.yaml"
    if not root.is_dir():
        raise ContentError("edition folder not found", file=folder)
    meta = load_yaml(read_text(source, ContentError, "edition.yaml"), source, ContentError,
                     strict=True)
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
    _date_in_calendars(date, offset, meta)
    paper = _paper(data.get("paper"), meta)
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


def _date_in_calendars(date: dt.date, offset: int, meta: Located) -> None:
    """The masthead prints the Hijri date by Umm al-Qura, which hijridate knows for a
    fixed span of years only; outside it the build could not set the masthead. Refused
    here, so that `epaper check` and `epaper build` agree."""
    from hijridate.ummalqura import GREGORIAN_RANGE

    lo, hi = (dt.date(*d) for d in GREGORIAN_RANGE)
    first, last = lo - dt.timedelta(days=offset), hi - dt.timedelta(days=offset)
    if not first <= date <= last:
        with_offset = f" with hijri_offset {offset}" if offset else ""
        raise ContentError(
            f"{date} is outside the years the masthead's Hijri date can be given for",
            file=meta.file, line=meta.line("date"), field="date",
            hint=f"editions can be dated {first} to {last}{with_offset}: the Umm al-Qura "
                 f"calendar is known from {lo} to {hi} only")


def _paper(value: object, meta: Located) -> Paper:
    if value is None:
        return Paper()
    if not isinstance(value, dict):
        raise ContentError("paper must be a mapping", file=meta.file, line=meta.line("paper"),
                           field="paper")
    for key in value:
        if key not in PAPER_FIELDS:
            raise ContentError(f"unknown field {key!r}", file=meta.file,
                               line=meta.line("paper", key), field=f"paper.{key}",
                               hint=f"known: {', '.join(PAPER_FIELDS)}")
    return Paper(**{str(k): fields.text(meta, v, ("paper", k), f"paper.{k}")
                    for k, v in value.items() if v is not None})


def _pages(value: object, meta: Located, root: Path, lang: str,
           stories: dict[Path, Story]) -> tuple[PageSpec, ...]:
    if not isinstance(value, list) or not value:
        raise ContentError("pages must be a non-empty list", file=meta.file,
                           line=meta.line("pages"), field="pages")
    pages = []
    listed: dict[Path, tuple[str, int | None]] = {}  # story file → where it was listed
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
        template = fields.text(meta, page.get("template"), (*where, "template"),
                               f"pages[{i}].template")
        if not template.strip():
            raise ContentError("missing template", file=meta.file, line=meta.line(*where),
                               field=f"pages[{i}].template")
        section = fields.text(meta, page.get("section"), (*where, "section"),
                              f"pages[{i}].section")
        items = _list(page, "stories", meta, i, "stories must be a list of story files",
                      "write each story on its own '- ' line")
        placements = tuple(_placement(item, meta, root, lang, stories, listed, i, k,
                                      len(value)) for k, item in enumerate(items))
        ads: list[tuple[str, Path]] = []
        for k, item in enumerate(_list(page, "ads", meta, i, "ads must be a list of "
                                       "{slot: NAME, file: IMAGE}",
                                       "write each ad on its own '- ' line")):
            ads.append(_ad(item, meta, root, i, k, ads))
        mono = page.get("mono", False)
        if not isinstance(mono, bool):
            raise ContentError("mono is true (black-only page) or false", file=meta.file,
                               line=meta.line(*where, "mono"), field=f"pages[{i}].mono")
        auto = page.get("auto", False)
        if not isinstance(auto, bool):
            raise ContentError("auto is true (the engine lays the page out from the "
                               "template's shapes) or false", file=meta.file,
                               line=meta.line(*where, "auto"), field=f"pages[{i}].auto")
        pages.append(PageSpec(i + 1, template, section, placements, tuple(ads),
                              meta.line(*where) or 0, mono, auto))
    return tuple(pages)


def _list(page: dict, key: str, meta: Located, i: int, message: str, hint: str) -> list:
    """A page's list field (stories, ads); absent or empty is an empty list."""
    items = page.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise ContentError(message, file=meta.file, line=meta.line("pages", i, key),
                           field=f"pages[{i}].{key}", hint=hint)
    return items


def _placement(item: object, meta: Located, root: Path, lang: str,
               stories: dict[Path, Story], listed: dict[Path, tuple[str, int | None]],
               i: int, k: int, n_pages: int) -> Placement:
    where = ("pages", i, "stories", k)
    field = f"pages[{i}].stories[{k}]"
    line = meta.line(*where)
    if isinstance(item, str):
        item = {"file": item}
    if not isinstance(item, dict) or "file" not in item:
        raise ContentError("a story entry is a path or {file: PATH, slot: NAME}",
                           file=meta.file, line=line, field=field)
    unknown = set(item) - STORY_ENTRY
    if unknown:
        raise ContentError(f"unknown field {sorted(map(str, unknown))[0]!r}", file=meta.file,
                           line=line, field=field,
                           hint="a story entry has file, slot, shape and continue")
    path = inside(root, root, item["file"], file=meta.file, line=line, field=f"{field}.file")
    if path in listed:
        # A story is set once; what does not fit goes on with `continue:`. A second
        # listing would print it twice and count its words twice.
        first_field, first_line = listed[path]
        raise ContentError(
            f"{_rel(path, root)} is listed twice: {first_field} (line {first_line}) and "
            f"{field} (line {line})", file=meta.file, line=line, field=f"{field}.file",
            hint="list each story once; to carry the rest to another page, give its "
                 "entry continue: {page: N}")
    if not path.is_file():
        raise ContentError(f"story file not found: {item['file']}", file=meta.file,
                           line=line, field=f"{field}.file")
    same_id = next((p for p in listed if p.stem == path.stem), None)
    if same_id is not None:
        raise ContentError(
            f"story id {path.stem!r} is used by two files: {_rel(same_id, root)} and "
            f"{_rel(path, root)}", file=meta.file, line=line, field=f"{field}.file",
            hint="story ids (report.json, layout.json) come from file names without the "
                 "folder; rename one of the files")
    listed[path] = (field, line)
    stories[path] = load_story(path, root, lang)
    cont = item.get("continue")
    continuation = None
    if cont is not None:
        cont_line = meta.line(*where, "continue")
        if isinstance(cont, int) and not isinstance(cont, bool):
            cont = {"page": cont}
        if isinstance(cont, dict):
            fields.mapping(meta, cont, (*where, "continue"), f"{field}.continue",
                           CONTINUE_KNOWN, "continue")
        target = cont.get("page") if isinstance(cont, dict) else None
        if (not isinstance(target, int) or isinstance(target, bool)
                or not 1 <= target <= n_pages or target == i + 1):
            raise ContentError(f"continue needs an existing other page (1..{n_pages})",
                               file=meta.file, line=cont_line, field=f"{field}.continue")
        assert isinstance(cont, dict)
        continuation = Continuation(target, fields.name(
            meta, cont.get("slot"), (*where, "continue", "slot"), f"{field}.continue.slot",
            "continue.slot"))
    slot = fields.name(meta, item.get("slot"), (*where, "slot"), f"{field}.slot", "slot")
    shape = fields.name(meta, item.get("shape"), (*where, "shape"), f"{field}.shape", "shape")
    return Placement(stories[path], slot, continuation, line or 0, shape)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _ad(item: object, meta: Located, root: Path, i: int, k: int,
        before: list[tuple[str, Path]]) -> tuple[str, Path]:
    where = ("pages", i, "ads", k)
    line = meta.line(*where)
    field = f"pages[{i}].ads[{k}]"
    if not isinstance(item, dict) or "slot" not in item or "file" not in item:
        raise ContentError("an ad entry is {slot: NAME, file: IMAGE}", file=meta.file,
                           line=line, field=field)
    fields.mapping(meta, item, where, field, AD_KNOWN, "an ad entry")
    slot = fields.name(meta, item["slot"], (*where, "slot"), f"{field}.slot", "slot",
                       required=True)
    assert slot is not None  # required
    for j, (other, _path) in enumerate(before):
        if other == slot:
            raise ContentError(
                f"ad slot {slot!r} is given two ads: pages[{i}].ads[{j}] (line "
                f"{meta.line('pages', i, 'ads', j)}) and {field} (line {line})",
                file=meta.file, line=line, field=f"{field}.slot",
                hint="an ad slot holds one ad; remove one or move it to another page")
    path = inside(root, root, item["file"], file=meta.file, line=line, field=f"{field}.file")
    probe_image(path, meta.file, line, f"{field}.file")
    return slot, path
