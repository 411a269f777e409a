"""An edition folder's edition.yaml, its stories and photos into one Edition."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from epaper.content import fields
from epaper.content.paths import inside, resolved
from epaper.content.story import LANGS, probe_image, read_story, replacement_chars
from epaper.errors import Collector, ContentError
from epaper.model.edition import Continuation, Edition, PageSpec, Paper, Placement, Story
from epaper.resources import data_dir
from epaper.yamlio import Located, load_yaml, read_text

KNOWN = {"date", "layout", "lang", "paper", "pages", "hijri_offset", "print"}
PAGE_KNOWN = {"template", "section", "stories", "ads", "mono", "auto"}
PAPER_FIELDS = tuple(Paper.__dataclass_fields__)
STORY_ENTRY = {"file", "slot", "continue", "shape"}
CONTINUE_KNOWN = {"page", "slot"}
AD_KNOWN = {"slot", "file"}


def resolve_layout(value: object, root: Path, meta: Located) -> Path:
    """A shipped template set by name (`broadsheet`), or a set's .yaml file in the edition
    folder (`custom.yaml`, `layouts/custom.yaml`). Like every path an edition names, a
    file must stay inside the edition folder (README: "must stay inside the edition
    folder"); a bare name may also be a shipped set."""
    if not isinstance(value, str) or not value.strip():
        raise ContentError("layout must name a template set, e.g. 'broadsheet'",
                           file=meta.file, line=meta.line("layout"), field="layout")
    shipped = data_dir("layouts")
    known = ", ".join(sorted(p.stem for p in shipped.glob("*.yaml")))
    bare = "/" not in value and "\\" not in value and value not in (".", "..")
    local = root / value
    if not bare or local.is_file():
        path = inside(root, root, value, file=meta.file, line=meta.line("layout"),
                      field="layout", hint="copy the template set into the edition folder, "
                      f"or name a shipped one: {known}")
        if path.is_file():
            return path
    else:
        for c in (shipped / f"{value}.yaml", shipped / value):
            if c.is_file():
                return c.resolve()
    raise ContentError(f"unknown layout {value!r}", file=meta.file, line=meta.line("layout"),
                       field="layout", hint=f"shipped template sets: {known}")


@dataclass(frozen=True)
class Draft:
    """An edition as far as it could be read, for checks that go on past its errors:
    `layout_ok` says whether the template set was found, `broken_pages` which pages had
    an entry that could not be read (their slots are not checked: it would mislead)."""

    edition: Edition
    layout_ok: bool = True
    broken_pages: frozenset[int] = frozenset()


def load_edition(folder: Path) -> Edition:
    """The edition in `folder`, or an EpaperError carrying every error found in it."""
    sink = Collector()
    draft = read_edition(folder, sink)
    sink.check()
    assert draft is not None
    return draft.edition


def read_edition(folder: Path, sink: Collector) -> Draft | None:
    """Read everything that can be read, recording each error in `sink` and going on;
    None when edition.yaml itself cannot be read as a mapping."""
    with sink.guard():
        return _read(folder, sink)
    return None


def _read(folder: Path, sink: Collector) -> Draft:
    root = resolved(folder, file=folder)
    source = root / "edition.yaml"
    if not root.is_dir():
        what = "is a file, not an edition folder" if root.exists() else "not found"
        raise ContentError(f"edition folder {what}", file=folder, code="E-missing-file",
                           hint="name the folder that holds edition.yaml")
    text = read_text(source, ContentError, "edition.yaml")
    meta = load_yaml(text, source, ContentError, strict=True)
    data = meta.data
    if not isinstance(data, dict):
        raise ContentError("edition.yaml must be a mapping (date:, layout:, pages:)",
                           file=source, line=1)
    replacement_chars(text, source, sink)
    for key in data:
        if key not in KNOWN:
            sink.add(ContentError(f"unknown field {key!r}", file=source, line=meta.key_line(key),
                                  field=str(key), code="E-unknown-field",
                                  hint=f"known fields: {', '.join(sorted(KNOWN))}"))
    date = dt.date(2026, 1, 1)  # stands in for a bad date while the rest is checked
    with sink.guard():
        date = _date(data.get("date"), meta)
    lang = data.get("lang", "bn")
    if lang not in LANGS:
        sink.add(ContentError(f"unknown language {lang!r}", file=source,
                              line=meta.line("lang"), field="lang", hint="use bn or en"))
        lang = "bn"
    layout, layout_ok = Path(), False
    with sink.guard():
        layout, layout_ok = resolve_layout(data.get("layout"), root, meta), True
    offset = data.get("hijri_offset", 0)
    if not isinstance(offset, int) or isinstance(offset, bool) or abs(offset) > 3:
        sink.add(ContentError("hijri_offset must be a whole number of days between -3 and 3",
                              file=source, line=meta.line("hijri_offset"),
                              field="hijri_offset"))
        offset = 0
    with sink.guard():
        _date_in_calendars(date, offset, meta)
    paper = Paper()
    with sink.guard():
        paper = _paper(data.get("paper"), meta)
    profile = None
    with sink.guard():
        profile = _profile(data.get("print"), meta, root)
    stories: dict[Path, Story] = {}
    broken: set[int] = set()
    pages = _pages(data.get("pages"), meta, root, lang, stories, sink, broken)
    edition = Edition(root=root, source=source, date=date, lang=lang, layout=layout,
                      paper=paper, pages=pages, hijri_offset=offset,
                      stories=tuple(stories.values()), profile=profile)
    return Draft(edition, layout_ok, frozenset(broken))


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
    if isinstance(value, dt.datetime):
        raise ContentError(f"date has a time of day ({value.time().isoformat('minutes')}); "
                           "an edition is dated by its day", file=meta.file,
                           line=meta.line("date"), field="date",
                           hint=f"write date: {value.date().isoformat()}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            if re.fullmatch(r"\d{4}-\d\d-\d\d", value.strip()):
                raise ContentError(f"{value.strip()} is not a day of the calendar: {exc}",
                                   file=meta.file, line=meta.line("date"), field="date",
                                   hint="dates are written 2026-12-07 (year-month-day)"
                                   ) from None
    if value is None:
        raise ContentError("missing date", file=meta.file, line=meta.line("date") or 1,
                           field="date", code="E-required",
                           hint="every edition needs 'date: 2026-12-07' (its ISO date)")
    raise ContentError(f"date must be an ISO date like 2026-11-27, got {value!r}",
                       file=meta.file, line=meta.line("date"), field="date",
                       hint="write the day as year-month-day: date: 2026-12-07")


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
                               line=meta.key_line("paper", key), field=f"paper.{key}",
                               code="E-unknown-field",
                               hint=f"known: {', '.join(PAPER_FIELDS)}")
    return Paper(**{str(k): fields.text(meta, v, ("paper", k), f"paper.{k}")
                    for k, v in value.items() if v is not None})


def _pages(value: object, meta: Located, root: Path, lang: str, stories: dict[Path, Story],
           sink: Collector, broken: set[int]) -> tuple[PageSpec, ...]:
    if not isinstance(value, list) or not value:
        sink.add(ContentError("pages must be a non-empty list", file=meta.file,
                              line=meta.line("pages"), field="pages", code="E-required",
                              hint="pages:\n  - template: front\n    stories: [...]"))
        return ()
    pages = []
    listed: dict[Path, tuple[str, int | None]] = {}  # story file → where it was listed
    for i, page in enumerate(value):
        errors = len(sink.errors)
        with sink.guard():
            pages.append(_page(page, i, meta, root, lang, stories, listed, len(value), sink))
        if len(sink.errors) > errors:
            broken.add(i + 1)
    return tuple(pages)


def _page(page: object, i: int, meta: Located, root: Path, lang: str,
          stories: dict[Path, Story], listed: dict[Path, tuple[str, int | None]],
          n_pages: int, sink: Collector) -> PageSpec:
    """One page entry; each story and ad entry is checked on its own."""
    where = ("pages", i)
    if not isinstance(page, dict):
        raise ContentError("each page must be a mapping with a template",
                           file=meta.file, line=meta.line(*where), field=f"pages[{i}]",
                           hint="- template: inside\n    stories: [...]")
    for key in page:
        if key not in PAGE_KNOWN:
            sink.add(ContentError(f"unknown field {key!r}", file=meta.file,
                                  line=meta.key_line(*where, key), field=f"pages[{i}].{key}",
                                  code="E-unknown-field",
                                  hint=f"known: {', '.join(sorted(PAGE_KNOWN))}"))
    template = ""
    with sink.guard():
        template = fields.text(meta, page.get("template"), (*where, "template"),
                               f"pages[{i}].template")
        if not template.strip():
            raise ContentError("missing template", file=meta.file, line=meta.line(*where),
                               field=f"pages[{i}].template", code="E-required",
                               hint="name a page template of the set, e.g. template: inside")
    section = ""
    with sink.guard():
        section = fields.text(meta, page.get("section"), (*where, "section"),
                              f"pages[{i}].section")
    placements = []
    with sink.guard():
        items = _list(page, "stories", meta, i, "stories must be a list of story files",
                      "write each story on its own '- ' line")
        for k, item in enumerate(items):
            with sink.guard():
                placement = _placement(item, meta, root, lang, stories, listed, i, k,
                                       n_pages, sink)
                if placement is not None:
                    placements.append(placement)
    ads: list[tuple[str, Path]] = []
    with sink.guard():
        for k, item in enumerate(_list(page, "ads", meta, i, "ads must be a list of "
                                       "{slot: NAME, file: IMAGE}",
                                       "write each ad on its own '- ' line")):
            with sink.guard():
                ads.append(_ad(item, meta, root, i, k, ads))
    mono = page.get("mono", False)
    if not isinstance(mono, bool):
        sink.add(ContentError("mono is true (black-only page) or false", file=meta.file,
                              line=meta.line(*where, "mono"), field=f"pages[{i}].mono"))
        mono = False
    auto = page.get("auto", False)
    if not isinstance(auto, bool):
        sink.add(ContentError("auto is true (the engine lays the page out from the "
                              "template's shapes) or false", file=meta.file,
                              line=meta.line(*where, "auto"), field=f"pages[{i}].auto"))
        auto = False
    return PageSpec(i + 1, template, section, tuple(placements), tuple(ads),
                    meta.line(*where) or 0, mono, auto,
                    meta.line(*where, "template") or meta.line(*where) or 0)


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
               i: int, k: int, n_pages: int, sink: Collector) -> Placement | None:
    """The entry's placement; None when its story file could not be read at all (the
    reason is in `sink`)."""
    where = ("pages", i, "stories", k)
    field = f"pages[{i}].stories[{k}]"
    line = meta.line(*where)
    if isinstance(item, str):
        item = {"file": item}
    if not isinstance(item, dict) or "file" not in item:
        raise ContentError("a story entry is a path or {file: PATH, slot: NAME}",
                           file=meta.file, line=line, field=field)
    unknown = sorted(map(str, set(item) - STORY_ENTRY))
    if unknown:
        raise ContentError(f"unknown field {unknown[0]!r}", file=meta.file,
                           line=meta.key_line(*where, unknown[0]), field=field,
                           code="E-unknown-field",
                           hint="a story entry has file, slot, shape and continue")
    line = meta.line(*where, "file")  # the caret goes under the file name
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
    _story_file(path, item["file"], meta, line, field)
    same_id = next((p for p in listed if p.stem == path.stem), None)
    if same_id is not None:
        raise ContentError(
            f"story id {path.stem!r} is used by two files: {_rel(same_id, root)} and "
            f"{_rel(path, root)}", file=meta.file, line=line, field=f"{field}.file",
            hint="story ids (report.json, layout.json) come from file names without the "
                 "folder; rename one of the files")
    listed[path] = (field, line)
    story = read_story(path, root, lang, sink)
    if story is None:
        return None
    stories[path] = story
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


def _story_file(path: Path, named: object, meta: Located, line: int | None,
                field: str) -> None:
    if path.is_dir():
        raise ContentError(f"{named} is a folder, not a story file", file=meta.file,
                           line=line, field=f"{field}.file",
                           hint="name the story's .md file inside it")
    if not path.is_file():
        raise ContentError(f"story file not found: {named}", file=meta.file,
                           line=line, field=f"{field}.file", code="E-missing-file",
                           hint="check the file name; paths are relative to edition.yaml")


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
    line = meta.line(*where, "file")
    path = inside(root, root, item["file"], file=meta.file, line=line, field=f"{field}.file")
    probe_image(path, meta.file, line, f"{field}.file")
    return slot, path
