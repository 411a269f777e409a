"""Peer engines for the production benchmark: the same edition set by Typst and by
WeasyPrint, each built and timed as a whole process.

    python bench/peers.py EDITION_DIR [--work DIR] [--repeat 3] [--png] [--hyphenate LANGS]

`make_typst` / `make_html` turn an edition folder (edition.yaml, stories/*.md with YAML
front matter, photos/, ads/) into a Typst document and an HTML/CSS document with the same
pages: the template set's page size and slots, the same stories in the same slots with
kicker, headline, byline, photo, caption and body in that order, the body justified in the
template's narrow columns at its size and leading, the camera JPEGs placed as they are
(hard links, never downscaled) and the fonts of the project's fonts/ folder, stacked as
fonts/fonts.yaml stacks them. `run_typst` / `run_weasyprint` build one in a child
process and time it (wall clock, CPU, peak RSS, several repeats); `check_fonts` lists the
fonts a PDF embeds, so that a peer setting tofu cannot pass for a fast one.
bench/production.py prints our times as ratios to these.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from struct import error as struct_error

import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from epaper.calendars import bn_digits, masthead_dateline  # noqa: E402
from epaper.model.template import PageTemplate, Slot, Style, TemplateSet  # noqa: E402
from epaper.templates.loader import load_template_set  # noqa: E402

HERE = Path(__file__).resolve().parent / "peers"
CMYK = tuple[float, float, float, float]
FACES = ("regular", "bold", "italic", "bolditalic")


# ---------------------------------------------------------------------------------------
# The edition as the desk wrote it


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    subhead: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class PhotoRef:
    path: Path
    caption: str
    credit: str
    pixels: tuple[int, int]


@dataclass(frozen=True)
class StoryText:
    id: str
    lang: str
    headline: str
    kicker: str = ""
    byline: str = ""
    dateline: str = ""
    photos: tuple[PhotoRef, ...] = ()
    paras: tuple[Para, ...] = ()


class PeerInputError(Exception):
    """An edition file the peers cannot read: names the file and what is wrong."""


_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)
_HEADING = re.compile(r"#{1,6}(?:[ \t]+(.*))?")  # CommonMark ATX: "#Hashtag" is body text
_INLINE = re.compile(r"(\*\*.+?\*\*|\*[^*\s](?:.*?[^*\s])?\*)")


def parse_inline(text: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    pos = 0
    for m in _INLINE.finditer(text):
        runs.append(Run(text[pos:m.start()]))
        token = m.group(0)
        runs.append(Run(token[2:-2], bold=True) if token.startswith("**")
                    else Run(token[1:-1], italic=True))
        pos = m.end()
    runs.append(Run(text[pos:]))
    return tuple(r for r in runs if r.text)


def parse_body(text: str) -> tuple[Para, ...]:
    """Paragraphs separated by blank lines (lines of one paragraph joined by a space) and
    `## ` subheads."""
    paras: list[Para] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            paras.append(Para(parse_inline(" ".join(lines))))
            lines.clear()

    for raw in text.splitlines():
        line = raw.strip()
        heading = _HEADING.fullmatch(line)
        if not line or heading:
            flush()
            if heading and heading.group(1):
                paras.append(Para(parse_inline(heading.group(1).strip().rstrip("#").strip()),
                                  subhead=True))
            continue
        lines.append(line)
    flush()
    return tuple(paras)


def _text(meta: dict[str, object], key: str, path: Path) -> str:
    value = meta.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise PeerInputError(f"{path}: field {key!r} must be text, got {type(value).__name__}")
    return str(value).strip()


def _photos(meta: dict[str, object], path: Path) -> tuple[PhotoRef, ...]:
    raw = meta.get("photos", meta.get("photo", []))
    items = raw if isinstance(raw, list) else [raw]
    out: list[PhotoRef] = []
    for item in items:
        spec = {"file": item} if isinstance(item, str) else item
        if not isinstance(spec, dict) or not spec.get("file"):
            raise PeerInputError(f"{path}: each photo needs a file")
        file = (path.parent / str(spec["file"])).resolve()
        if not file.is_file():
            raise PeerInputError(f"{path}: photo {spec['file']} not found ({file})")
        with Image.open(file) as im:  # reads the header only
            pixels = im.size
        out.append(PhotoRef(file, _text(spec, "caption", path), _text(spec, "credit", path),
                            pixels))
    return tuple(out)


def read_story(path: Path, lang: str = "bn") -> StoryText:
    """One story file: YAML front matter (headline, kicker, byline, dateline, lang,
    photos) and a Markdown body."""
    text = path.read_text(encoding="utf-8")
    m = _FRONT.match(text)
    try:
        meta = yaml.safe_load(m.group(1)) if m else {}
    except yaml.YAMLError as error:
        raise PeerInputError(f"{path}: front matter is not YAML: {error}") from error
    if not isinstance(meta, dict):
        raise PeerInputError(f"{path}: front matter must be a mapping")
    body = text[m.end():] if m else text
    return StoryText(id=path.stem, lang=_text(meta, "lang", path) or lang,
                     headline=_text(meta, "headline", path), kicker=_text(meta, "kicker", path),
                     byline=_text(meta, "byline", path), dateline=_text(meta, "dateline", path),
                     photos=_photos(meta, path), paras=parse_body(body))


# ---------------------------------------------------------------------------------------
# The plan both peers set: boxes on each page, in points from the page's top-left corner


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Piece:
    """One story (or the part of it) as set in one box."""

    story: StoryText
    paras: tuple[Para, ...]
    headline_style: str
    headline_size: float
    photo: PhotoRef | None = None
    photo_w: float = 0.0
    photo_h: float = 0.0
    meta: bool = True  # kicker and byline (not on a continuation)
    jump_in: str = ""
    jump_out: str = ""


@dataclass(frozen=True)
class Block:
    kind: str  # story | picture | briefs | ad | masthead | folio | imprint
    box: Box
    columns: int = 1
    gutter: float = 0.0
    pieces: tuple[Piece, ...] = ()
    title: str = ""
    image: Path | None = None
    lines: tuple[str, ...] = ()  # masthead, folio, imprint text
    fill: CMYK | None = None
    fill_box: Box | None = None


@dataclass(frozen=True)
class Rule:
    x: float
    y: float
    length: float
    vertical: bool


@dataclass(frozen=True)
class PagePlan:
    number: int
    template: str
    blocks: tuple[Block, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Stack:
    """A fonts.yaml family: its members' files per face, first member first."""

    name: str
    members: tuple[dict[str, Path], ...]


@dataclass(frozen=True)
class EditionPlan:
    width: float
    height: float
    baseline: float
    pages: tuple[PagePlan, ...]
    styles: tuple[Style, ...]
    stacks: tuple[Stack, ...]
    lang: str
    hyphenate: tuple[str, ...]  # languages whose body words may be hyphenated
    stories: int = 0
    photos: int = 0

    def style(self, name: str) -> Style:
        return next(s for s in self.styles if s.name == name)

    def stack(self, name: str) -> Stack:
        return next(s for s in self.stacks if s.name == name)


def read_stacks(fonts: Path) -> tuple[Stack, ...]:
    spec = yaml.safe_load((fonts / "fonts.yaml").read_text(encoding="utf-8"))
    stacks = []
    for name, members in spec["families"].items():
        faces = tuple({face: fonts / m.get(face, m["regular"]) for face in FACES}
                      for m in members)
        for member in faces:
            for file in member.values():
                if not file.is_file():
                    raise PeerInputError(f"{fonts / 'fonts.yaml'}: font {file.name} missing")
        stacks.append(Stack(str(name), faces))
    return tuple(stacks)


class Metrics:
    """Unshaped advance widths from the font files: enough to pick a headline size and to
    cut a jumping story at about where its first box is full, the same for both peers."""

    def __init__(self, stacks: tuple[Stack, ...]) -> None:
        self._stacks = {s.name: s for s in stacks}
        self._fonts: dict[Path, tuple[dict[int, str], dict[str, tuple[int, int]], int]] = {}

    def _font(self, path: Path) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
        if path not in self._fonts:
            from fontTools.ttLib import TTFont
            font = TTFont(path, lazy=True)
            self._fonts[path] = (font.getBestCmap(), dict(font["hmtx"].metrics),
                                 font["head"].unitsPerEm)
        return self._fonts[path]

    def width(self, text: str, family: str, size: float, bold: bool = False) -> float:
        faces = [self._font(m["bold" if bold else "regular"])
                 for m in self._stacks[family].members]
        total = 0.0
        for ch in text:
            for cmap, hmtx, upm in faces:
                glyph = cmap.get(ord(ch))
                if glyph is not None:
                    total += hmtx[glyph][0] / upm
                    break
            else:
                total += 0.5
        return total * size

    def lines(self, text: str, style: Style, width: float, size: float | None = None) -> int:
        if not text:
            return 0
        return max(1, math.ceil(self.width(text, style.family, size or style.size, style.bold)
                                / (width * 0.97)))


def _layouts(edition: Path, name: str) -> Path:
    for path in (edition / "layouts" / f"{name}.yaml", edition / f"{name}.yaml",
                 ROOT / "layouts" / f"{name}.yaml"):
        if path.is_file():
            return path
    raise PeerInputError(f"{edition / 'edition.yaml'}: unknown layout {name!r}")


@dataclass
class _Ctx:
    tset: TemplateSet
    metrics: Metrics
    edition: Path
    lang: str
    date: dt.date
    hijri_offset: int
    paper: dict[str, str]
    stories: dict[str, StoryText] = field(default_factory=dict)

    def style(self, name: str) -> Style:
        return self.tset.style(name)


def plan_edition(edition: Path, fonts: Path,
                 hyphenate: tuple[str, ...] | None = None) -> EditionPlan:
    """Read the edition and lay its pages out as boxes on the template's grid. Body words
    are hyphenated in the languages `hyphenate` names, by default those of the template's
    body style (the broadsheet's: en and bn, as our engine sets them)."""
    spec_path = edition / "edition.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    if not isinstance(spec, dict) or not isinstance(spec.get("pages"), list):
        raise PeerInputError(f"{spec_path}: needs a mapping with a list of pages")
    tset = load_template_set(_layouts(edition, str(spec.get("layout", "broadsheet"))))
    stacks = read_stacks(fonts)
    date = spec.get("date") or dt.date.today()
    date = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date))
    ctx = _Ctx(tset, Metrics(stacks), edition, str(spec.get("lang", "bn")), date,
               int(spec.get("hijri_offset", 0)),
               dict(tset.paper) | {str(k): str(v) for k, v in (spec.get("paper") or {}).items()})
    pages_spec: list[dict[str, object]] = spec["pages"]
    jumps = _jumps(ctx, pages_spec)
    pages = tuple(_page(ctx, n, p, jumps) for n, p in enumerate(pages_spec, start=1))
    first = tset.pages[0]
    langs = tset.style("body").hyphenate if hyphenate is None else hyphenate
    return EditionPlan(first.width, first.height, first.grid.baseline, pages, tset.styles,
                       stacks, ctx.lang, tuple(langs), len(ctx.stories),
                       sum(len(s.photos) for s in ctx.stories.values()))


def _template(ctx: _Ctx, page: dict[str, object]) -> PageTemplate:
    tpl = ctx.tset.page(str(page.get("template", "")))
    if tpl is None:
        raise PeerInputError(f"{ctx.edition / 'edition.yaml'}: unknown template "
                             f"{page.get('template')!r}")
    return tpl


def _placements(page: dict[str, object]) -> list[dict[str, object]]:
    return [p for p in page.get("stories") or [] if isinstance(p, dict)]  # type: ignore[union-attr]


def _story(ctx: _Ctx, file: object) -> StoryText:
    key = str(file)
    if key not in ctx.stories:
        ctx.stories[key] = read_story(ctx.edition / key, ctx.lang)
    return ctx.stories[key]


def _slot_box(tpl: PageTemplate, slot: Slot) -> Box:
    w = slot.span * tpl.column_width + (slot.span - 1) * tpl.grid.gutter
    h = slot.height - (tpl.grid.baseline if "bottom" in slot.rules else 0.0)
    return Box(tpl.column_x(slot.col), tpl.margin_top + slot.top, w, h)


def _columns(tpl: PageTemplate, slot: Slot) -> int:
    return slot.columns or slot.span


def _column_width(tpl: PageTemplate, slot: Slot, box: Box) -> float:
    n = _columns(tpl, slot)
    return (box.w - (n - 1) * tpl.grid.gutter) / n


def _headline_size(ctx: _Ctx, slot: Slot, text: str, width: float) -> float:
    style = ctx.style(slot.headline_style)
    fit = slot.headline
    if fit is None:
        return style.size
    size = fit.max_size
    while size > fit.min_size and ctx.metrics.lines(text, style, width, size) > fit.max_lines:
        size -= 1
    return max(size, fit.min_size)


def _piece(ctx: _Ctx, tpl: PageTemplate, slot: Slot, story: StoryText) -> Piece:
    box = _slot_box(tpl, slot)
    size = _headline_size(ctx, slot, story.headline, box.w)
    photo = story.photos[0] if story.photos and slot.photo.position != "none" else None
    if photo is None:
        return Piece(story, story.paras, slot.headline_style, size)
    span = slot.photo.span or _columns(tpl, slot)
    width = span * _column_width(tpl, slot, box) + (span - 1) * tpl.grid.gutter
    natural = width * photo.pixels[1] / photo.pixels[0]
    lo, hi = slot.photo.min_height, slot.photo.max_height or box.h / 2
    base = tpl.grid.baseline
    height = max(lo, min(hi, round(natural / base) * base))
    return Piece(story, story.paras, slot.headline_style, size, photo, width, height)


def _header_height(ctx: _Ctx, piece: Piece, box: Box) -> float:
    """About how far down the body starts: kicker, headline, byline, photo, caption."""
    hl = ctx.style(piece.headline_style)
    h = (ctx.metrics.lines(piece.story.headline, hl, box.w, piece.headline_size)
         * hl.leading * piece.headline_size / hl.size + 5)
    if piece.meta and piece.story.kicker:
        h += ctx.style("kicker").leading + 2
    if piece.meta and (piece.story.byline or piece.story.dateline):
        h += ctx.style("byline").leading + 5
    if piece.photo:
        cap = ctx.style("caption")
        h += (piece.photo_h + 3 + 6 + ctx.metrics.lines(piece.photo.caption, cap, piece.photo_w)
              * cap.leading + (ctx.style("credit").leading if piece.photo.credit else 0))
    return h


def _split(ctx: _Ctx, tpl: PageTemplate, slot: Slot, piece: Piece) -> int:
    """How many paragraphs of the piece fit in its slot (the rest jumps)."""
    box = _slot_box(tpl, slot)
    body = ctx.style("body")
    per_column = int((box.h - _header_height(ctx, piece, box)) // body.leading)
    room = per_column * _columns(tpl, slot) - 1  # the last line says where the rest is
    width = _column_width(tpl, slot, box)
    for n, para in enumerate(piece.paras):
        room -= ctx.metrics.lines(para.text, body, width) + (1 if para.subhead else 0)
        if room < 0:
            return n
    return len(piece.paras)


def _jumps(ctx: _Ctx, pages: list[dict[str, object]]) -> dict[tuple[int, str], Piece]:
    """Cut each story that continues on another page; the rest, keyed by its target."""
    out: dict[tuple[int, str], Piece] = {}
    for number, page in enumerate(pages, start=1):
        tpl = _template(ctx, page)
        for place in _placements(page):
            cont = place.get("continue")
            slot = tpl.slot(str(place.get("slot")))
            if not isinstance(cont, dict) or slot is None:
                continue
            story = _story(ctx, place.get("file"))
            cut = _split(ctx, tpl, slot, _piece(ctx, tpl, slot, story))
            target = int(cont["page"]), str(cont["slot"])
            target_tpl = _template(ctx, pages[target[0] - 1])
            target_slot = target_tpl.slot(target[1])
            if target_slot is None:
                raise PeerInputError(f"{ctx.edition / 'edition.yaml'}: page {number} jumps "
                                     f"to slot {target[1]!r}, not on page {target[0]}")
            into = ("প্রথম পৃষ্ঠার পর" if number == 1
                    else f"পৃষ্ঠা {bn_digits(number)}-এর পর")
            out[(number, str(slot.name))] = Piece(
                story, story.paras[:cut], "", 0.0,
                jump_out=f"বাকি অংশ পৃষ্ঠা {bn_digits(target[0])}, "
                         f"কলাম {bn_digits(target_slot.col)}")
            out[target] = Piece(story, story.paras[cut:], target_slot.headline_style,
                                ctx.style(target_slot.headline_style).size, meta=False,
                                jump_in=into)
    return out


def _page(ctx: _Ctx, number: int, page: dict[str, object],
          jumps: dict[tuple[int, str], Piece]) -> PagePlan:
    tpl = _template(ctx, page)
    by_slot: dict[str, list[StoryText]] = {}
    for place in _placements(page):
        by_slot.setdefault(str(place.get("slot")), []).append(_story(ctx, place.get("file")))
    ads = {str(a.get("slot")): ctx.edition / str(a.get("file"))
           for a in page.get("ads") or [] if isinstance(a, dict)}  # type: ignore[union-attr]
    blocks: list[Block] = []
    rules: list[Rule] = []
    for slot in tpl.slots:
        block = _block(ctx, tpl, number, page, slot, by_slot.get(slot.name, []),
                       ads.get(slot.name), jumps)
        if block is not None:
            blocks.append(block)
            rules += _rules(tpl, slot)
    return PagePlan(number, tpl.name, tuple(blocks), tuple(rules))


def _block(ctx: _Ctx, tpl: PageTemplate, number: int, page: dict[str, object], slot: Slot,
           stories: list[StoryText], ad: Path | None,
           jumps: dict[tuple[int, str], Piece]) -> Block | None:
    box = _slot_box(tpl, slot)
    cols, gutter = _columns(tpl, slot), tpl.grid.gutter
    if slot.role in ("story", "jumps"):
        piece = jumps.get((number, slot.name))
        if piece is not None and stories and not piece.headline_style:  # the jump's start
            full = _piece(ctx, tpl, slot, stories[0])
            piece = Piece(full.story, piece.paras, full.headline_style, full.headline_size,
                          full.photo, full.photo_w, full.photo_h, jump_out=piece.jump_out)
        elif piece is None and stories:
            piece = _piece(ctx, tpl, slot, stories[0])
        return Block("story", box, cols, gutter, (piece,)) if piece else None
    if slot.role == "photo" and stories:
        return Block("picture", box, pieces=(_picture(ctx, tpl, slot, stories[0]),))
    if slot.role == "briefs" and stories:
        pieces = tuple(Piece(s, s.paras, slot.headline_style,
                             _headline_size(ctx, slot, s.headline, box.w)) for s in stories)
        return Block("briefs", box, cols, gutter, pieces, title=slot.title)
    if slot.role == "ad" and ad is not None:
        return Block("ad", Box(box.x, box.y, box.w, slot.height), image=ad.resolve())
    if slot.role in ("masthead", "folio", "imprint"):
        return _furniture(ctx, tpl, number, page, slot, box)
    return None


def _picture(ctx: _Ctx, tpl: PageTemplate, slot: Slot, story: StoryText) -> Piece:
    """A picture slot: headline, the photo as large as the box allows, caption."""
    box = _slot_box(tpl, slot)
    size = _headline_size(ctx, slot, story.headline, box.w)
    piece = Piece(story, (), slot.headline_style, size,
                  story.photos[0] if story.photos else None, box.w, 0.0, meta=False)
    if piece.photo is None:
        return piece
    height = box.h - _header_height(ctx, piece, box) - tpl.grid.baseline
    return Piece(story, (), slot.headline_style, size, piece.photo, box.w, max(height, 20.0),
                 meta=False)


def _furniture(ctx: _Ctx, tpl: PageTemplate, number: int, page: dict[str, object],
               slot: Slot, box: Box) -> Block:
    day = masthead_dateline(ctx.date, ctx.lang, ctx.hijri_offset)
    paper = ctx.paper
    if slot.role == "masthead":
        lines = (paper.get("tagline", ""), paper.get("name", ""),
                 f"{day.weekday}, {day.gregorian} | {day.bangla} | {day.hijri}",
                 paper.get("price", ""))
        fill_box = Box(0.0, 0.0, tpl.width, box.y + box.h) if slot.bleed else box
        return Block("masthead", box, lines=lines, fill=slot.fill, fill_box=fill_box)
    if slot.role == "folio":
        lines = (bn_digits(number), paper.get("name", ""),
                 f"{day.weekday} {day.gregorian}, {page.get('section', '')}")
        return Block("folio", box, lines=lines)
    parts = [f"সম্পাদক: {paper['editor']}" if paper.get("editor") else "",
             f"প্রকাশক: {paper['publisher']}" if paper.get("publisher") else "",
             paper.get("address", ""), paper.get("phone", ""), paper.get("web", ""),
             paper.get("copyright", "")]
    return Block("imprint", box, lines=(" | ".join(p for p in parts if p),))


def _rules(tpl: PageTemplate, slot: Slot) -> list[Rule]:
    x = tpl.column_x(slot.col)
    w = slot.span * tpl.column_width + (slot.span - 1) * tpl.grid.gutter
    y, h = tpl.margin_top + slot.top, slot.height
    out = []
    if "right" in slot.rules:
        out.append(Rule(x + w + tpl.grid.gutter / 2, y, h - tpl.grid.baseline / 2, True))
    if "left" in slot.rules:
        out.append(Rule(x - tpl.grid.gutter / 2, y, h - tpl.grid.baseline / 2, True))
    if "bottom" in slot.rules:
        out.append(Rule(x, y + h - tpl.grid.baseline / 2, w, False))
    if "top" in slot.rules:
        out.append(Rule(x, y, w, False))
    return out


# ---------------------------------------------------------------------------------------
# Assets: the edition's own image files, linked (not copied, never re-encoded)


def _link_assets(plan: EditionPlan, edition: Path, work: Path) -> dict[Path, str]:
    """Hard-link every photo and ad into work/assets (a copy across file systems); the
    peers read the very bytes the desk delivered."""
    assets = work / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    names: dict[Path, str] = {}
    for page in plan.pages:
        for block in page.blocks:
            files = [p.photo.path for p in block.pieces if p.photo] + (
                [block.image] if block.image else [])
            for file in files:
                if file in names:
                    continue
                try:
                    rel = file.resolve().relative_to(edition.resolve())
                except ValueError:
                    rel = Path(file.name)
                name = "assets/" + "__".join(rel.parts)
                dest = work / name
                if dest.exists():
                    dest.unlink()
                try:
                    os.link(file, dest)
                except OSError:
                    shutil.copyfile(file, dest)
                names[file] = name
    return names


def _family_name(path: Path) -> str:
    from fontTools.ttLib import TTFont
    names = TTFont(path, lazy=True)["name"]
    return str(names.getDebugName(16) or names.getDebugName(1))


# ---------------------------------------------------------------------------------------
# Typst

_TYPST_SPECIAL = set("\\#*_$@<>[]`~/=-+'\".:")


def typst_escape(text: str) -> str:
    """Text as Typst markup that reads back as itself: every markup character escaped
    (also quotes, dashes and dots, which Typst would turn into smart quotes, en/em dashes
    and ellipses)."""
    return "".join("\\" + ch if ch in _TYPST_SPECIAL else ch for ch in text)


def _key(style: str) -> str:
    """A style's name as a Typst dictionary key (`st.headline_small`)."""
    return style.replace("-", "_")


def _pt(value: float) -> str:
    return f"{value:.2f}pt"


def _typst_runs(runs: tuple[Run, ...]) -> str:
    out = []
    for run in runs:
        text = typst_escape(run.text)
        if run.bold:
            text = f"#strong[{text}];"
        if run.italic:
            text = f"#emph[{text}];"
        out.append(text)
    return "".join(out)


def _typst_cmyk(color: CMYK | None) -> str:
    c = color or (0.0, 0.0, 0.0, 1.0)
    return "cmyk(" + ", ".join(f"{v * 100:.1f}%" for v in c) + ")"


def _typst_styles(plan: EditionPlan) -> str:
    families = {s.name: tuple(_family_name(m["regular"]) for m in s.members)
                for s in plan.stacks}
    lines = ["// Generated by bench/peers.py from the template set's styles.", "#let st = ("]
    for s in plan.styles:
        font = ", ".join(f'"{f}"' for f in families[s.family])
        lines.append(
            f"  {_key(s.name)}: (font: ({font},), size: {_pt(s.size)}, leading: {_pt(s.leading)}, "
            f"weight: \"{'bold' if s.bold else 'regular'}\", fill: {_typst_cmyk(s.color)}, "
            f"justify: {'true' if s.align == 'justify' else 'false'}, "
            f"align: {s.align if s.align in ('left', 'right', 'center') else 'left'}, "
            f"indent: {_pt(s.indent)}),")
    lines.append(")")
    return "\n".join(lines) + "\n"


def _typst_piece(plan: EditionPlan, piece: Piece, block: Block,
                 names: dict[Path, str]) -> list[str]:
    story = piece.story
    out = []
    if piece.jump_in:
        out.append(f"#jumpline[{typst_escape(piece.jump_in)}]")
    if piece.meta and story.kicker:
        out.append(f"#kicker[{typst_escape(story.kicker)}]")
    if story.headline:
        out.append(f'#headline({_pt(piece.headline_size)}, style: "'
                   f'{_key(piece.headline_style)}")[{typst_escape(story.headline)}]')
    byline = ", ".join(t for t in (story.byline, story.dateline) if t)
    if piece.meta and byline:
        out.append(f"#byline[{typst_escape(byline)}]")
    if piece.photo:
        out.append(f'#photo("{names[piece.photo.path]}", {_pt(piece.photo_w)}, '
                   f"{_pt(piece.photo_h)}, [{typst_escape(piece.photo.caption)}], "
                   f"[{typst_escape(piece.photo.credit)}])")
    if piece.paras or piece.jump_out:
        paras = [f"#subhead[{_typst_runs(p.runs)}]" if p.subhead else _typst_runs(p.runs)
                 for p in piece.paras]
        if piece.jump_out:
            paras.append(f"#jumpline[{typst_escape(piece.jump_out)}]")
        hyphenate = "true" if story.lang in plan.hyphenate else "false"
        out.append(f'#body({block.columns}, {_pt(block.gutter)}, "{story.lang}", {hyphenate})[\n'
                   + "\n\n".join(paras) + "\n]")
    return out


def _typst_block(plan: EditionPlan, block: Block, names: dict[Path, str]) -> list[str]:
    b = block.box
    where = f"{_pt(b.x)}, {_pt(b.y)}, {_pt(b.w)}, {_pt(b.h)}"
    if block.kind == "ad" and block.image:
        return [f'#slot({where})[#image("{names[block.image]}", width: 100%, height: 100%, '
                'fit: "cover")]']
    if block.kind in ("masthead", "folio", "imprint"):
        return _typst_furniture(block, where)
    body: list[str] = []
    if block.title:
        body.append(f'#headline(st.headline_small.size, style: "headline_small")'
                    f"[{typst_escape(block.title)}]")
    for piece in block.pieces:
        body += _typst_piece(plan, piece, block, names)
    return [f"#slot({where})[", *body, "]"]


def _typst_furniture(block: Block, where: str) -> list[str]:
    t = [typst_escape(x) for x in block.lines]
    if block.kind == "masthead":
        out = []
        if block.fill and block.fill_box:
            f = block.fill_box
            out.append(f"#place(top + left, dx: {_pt(f.x)}, dy: {_pt(f.y)}, rect(width: "
                       f"{_pt(f.w)}, height: {_pt(f.h)}, fill: {_typst_cmyk(block.fill)}, "
                       "stroke: none))")
        out.append(f"#slot({where})[#styled(st.folio)[{t[0]}] #v(1fr) "
                   f"#align(center, styled(st.masthead)[{t[1]}]) #v(1fr) "
                   f"#line(length: 100%, stroke: 0.5pt) #v(2pt) "
                   f"#styled(st.dateline)[{t[2]} #h(1fr) {t[3]}]]")
        return out
    if block.kind == "folio":
        return [f"#slot({where})[#styled(st.folio)[{t[0]} #h(1fr) {t[1]} #h(1fr) {t[2]}] "
                "#v(2pt) #line(length: 100%, stroke: 0.5pt)]"]
    return [f"#slot({where})[#line(length: 100%, stroke: 0.5pt) #v(3pt) "
            f"#align(center, styled(st.imprint)[{t[0]}])]"]


def typst_source(plan: EditionPlan, names: dict[Path, str]) -> str:
    out = ['#import "newspaper.typ": *', "#import \"styles.typ\": st",
           f"#set page(width: {_pt(plan.width)}, height: {_pt(plan.height)}, margin: 0pt)",
           f'#set text(lang: "{plan.lang}")', ""]
    for page in plan.pages:
        out.append(f"// page {page.number}: {page.template}")
        out.append("#page[")
        for block in page.blocks:
            out += _typst_block(plan, block, names)
        for r in page.rules:
            fn = "rule-v" if r.vertical else "rule-h"
            out.append(f"#{fn}({_pt(r.x)}, {_pt(r.y)}, {_pt(r.length)})")
        out.append("]")
    return "\n".join(out) + "\n"


def make_typst(edition: Path, work: Path, fonts: Path,
               hyphenate: tuple[str, ...] | None = None) -> Path:
    """Write work/edition.typ (with newspaper.typ, styles.typ and assets/) for `edition`;
    build it with `run_typst(source, pdf, fonts)`. `hyphenate`: see plan_edition."""
    plan = plan_edition(edition, fonts, hyphenate)
    work.mkdir(parents=True, exist_ok=True)
    names = _link_assets(plan, edition, work)
    shutil.copyfile(HERE / "newspaper.typ", work / "newspaper.typ")
    (work / "styles.typ").write_text(_typst_styles(plan), encoding="utf-8")
    source = work / "edition.typ"
    source.write_text(typst_source(plan, names), encoding="utf-8")
    return source


# ---------------------------------------------------------------------------------------
# HTML and CSS for WeasyPrint


def _css_cmyk(color: CMYK | None) -> str:
    c = color or (0.0, 0.0, 0.0, 1.0)
    return "device-cmyk(" + " ".join(f"{v:.3f}" for v in c) + ")"


def _css(plan: EditionPlan) -> str:
    out = ["/* Generated by bench/peers.py: the project's fonts, page size and styles. */"]
    for stack in plan.stacks:
        for i, member in enumerate(stack.members):
            for face, file in member.items():
                out.append(
                    f'@font-face {{ font-family: "{stack.name}-{i}"; '
                    f"font-weight: {700 if 'bold' in face else 400}; "
                    f"font-style: {'italic' if 'italic' in face else 'normal'}; "
                    f'src: url("{file.resolve().as_uri()}"); }}')
    out.append(f"@page {{ size: {_pt(plan.width)} {_pt(plan.height)}; margin: 0; }}")
    out.append(f".page {{ width: {_pt(plan.width)}; height: {_pt(plan.height)}; }}")
    for s in plan.styles:
        families = ", ".join(f'"{s.family}-{i}"' for i in range(len(plan.stack(s.family).members)))
        out.append(f".st-{s.name} {{ font-family: {families}; font-size: {_pt(s.size)}; "
                   f"line-height: {_pt(s.leading)}; font-weight: {700 if s.bold else 400}; "
                   f"font-style: {'italic' if s.italic else 'normal'}; "
                   f"color: {_css_cmyk(s.color)}; text-align: {s.align}; }}")
    body = plan.style("body")
    out.append(f".body p + p {{ text-indent: {_pt(body.indent)}; }}")
    out.append(f".subhead {{ margin-top: {_pt(body.leading)}; }}")
    out += [f'.cols[lang="{lang}"] {{ hyphens: auto; }}' for lang in plan.hyphenate]
    return "\n".join(out) + "\n"


def _html_runs(runs: tuple[Run, ...]) -> str:
    out = []
    for run in runs:
        text = html.escape(run.text, quote=False)
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out)


def _box_style(b: Box) -> str:
    return f"left:{_pt(b.x)};top:{_pt(b.y)};width:{_pt(b.w)};height:{_pt(b.h)}"


def _html_piece(plan: EditionPlan, piece: Piece, names: dict[Path, str]) -> list[str]:
    story, e = piece.story, html.escape
    out = []
    if piece.jump_in:
        out.append(f'<p class="span st-jumpline">{e(piece.jump_in)}</p>')
    if piece.meta and story.kicker:
        out.append(f'<p class="span kicker st-kicker">{e(story.kicker)}</p>')
    if story.headline:
        hl = plan.style(piece.headline_style)
        lead = hl.leading * piece.headline_size / hl.size
        out.append(f'<h2 class="span st-{piece.headline_style}" style="font-size:'
                   f'{_pt(piece.headline_size)};line-height:{_pt(lead)}">{e(story.headline)}</h2>')
    byline = ", ".join(t for t in (story.byline, story.dateline) if t)
    if piece.meta and byline:
        out.append(f'<p class="span byline st-byline">{e(byline)}</p>')
    if piece.photo:
        credit = (f'<span class="row credit st-credit">{e(piece.photo.credit)}</span>'
                  if piece.photo.credit else "")
        out.append(f'<figure class="span" style="width:{_pt(piece.photo_w)}">'
                   f'<img src="{e(names[piece.photo.path])}" alt="" '
                   f'style="height:{_pt(piece.photo_h)}"><figcaption class="st-caption">'
                   f"{e(piece.photo.caption)}{credit}</figcaption></figure>")
    if piece.paras or piece.jump_out:
        body = ['<div class="body st-body">']
        body += [f'<h3 class="subhead st-subhead">{_html_runs(p.runs)}</h3>' if p.subhead
                 else f"<p>{_html_runs(p.runs)}</p>" for p in piece.paras]
        if piece.jump_out:
            body.append(f'<h3 class="st-jumpline">{e(piece.jump_out)}</h3>')
        out.append("".join(body) + "</div>")
    return out


def _html_block(plan: EditionPlan, block: Block, names: dict[Path, str]) -> list[str]:
    where = _box_style(block.box)
    if block.kind == "ad" and block.image:
        return [f'<div class="slot" style="{where}"><img src="{html.escape(names[block.image])}"'
                ' alt="" style="display:block;width:100%;height:100%;object-fit:cover"></div>']
    if block.kind in ("masthead", "folio", "imprint"):
        return _html_furniture(block, where)
    inner: list[str] = []
    if block.title:
        inner.append(f'<h2 class="span st-headline-small">{html.escape(block.title)}</h2>')
    for piece in block.pieces:
        inner += _html_piece(plan, piece, names)
    lang = block.pieces[0].story.lang if block.pieces else plan.lang
    return [f'<div class="slot" style="{where}"><div class="cols" lang="{lang}" style="'
            f'columns:{block.columns};column-gap:{_pt(block.gutter)};height:{_pt(block.box.h)}">',
            *inner, "</div></div>"]


def _html_furniture(block: Block, where: str) -> list[str]:
    t = [html.escape(x) for x in block.lines]
    if block.kind == "masthead":
        out = []
        if block.fill and block.fill_box:
            out.append(f'<div class="panel" style="{_box_style(block.fill_box)};'
                       f'background:{_css_cmyk(block.fill)}"></div>')
        out.append(f'<div class="slot" style="{where}"><p class="st-folio">{t[0]}</p>'
                   f'<p class="st-masthead" style="margin:20pt 0 12pt;text-align:center">{t[1]}</p>'
                   f'<p class="row st-dateline" style="border-top:0.5pt solid black;'
                   f'padding-top:2pt"><span class="right">{t[3]}</span>{t[2]}</p></div>')
        return out
    if block.kind == "folio":
        return [f'<div class="slot" style="{where}"><p class="st-folio" style="border-bottom:'
                f'0.5pt solid black;display:flex;justify-content:space-between"><span>{t[0]}'
                f"</span><span>{t[1]}</span><span>{t[2]}</span></p></div>"]
    return [f'<div class="slot" style="{where}"><p class="st-imprint" style="border-top:0.5pt '
            f'solid black;padding-top:3pt">{t[0]}</p></div>']


def html_source(plan: EditionPlan, names: dict[Path, str]) -> str:
    out = ["<!DOCTYPE html>", f'<html lang="{plan.lang}"><head><meta charset="utf-8">',
           "<title>edition</title>", '<link rel="stylesheet" href="newspaper.css">',
           '<link rel="stylesheet" href="edition.css"></head><body>']
    for page in plan.pages:
        out.append(f'<div class="page" data-template="{page.template}">')
        for block in page.blocks:
            out += _html_block(plan, block, names)
        for r in page.rules:
            kind, size = ("rule-v", "height") if r.vertical else ("rule-h", "width")
            out.append(f'<div class="{kind}" style="left:{_pt(r.x)};top:{_pt(r.y)};'
                       f'{size}:{_pt(r.length)}"></div>')
        out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def make_html(edition: Path, work: Path, fonts: Path,
              hyphenate: tuple[str, ...] | None = None) -> Path:
    """Write work/edition.html (with newspaper.css, edition.css and assets/) for
    `edition`; build it with `run_weasyprint(source, pdf)`. `hyphenate`: see
    plan_edition (WeasyPrint hyphenates through pyphen, which has no Bengali patterns)."""
    plan = plan_edition(edition, fonts, hyphenate)
    work.mkdir(parents=True, exist_ok=True)
    names = _link_assets(plan, edition, work)
    shutil.copyfile(HERE / "newspaper.css", work / "newspaper.css")
    (work / "edition.css").write_text(_css(plan), encoding="utf-8")
    source = work / "edition.html"
    source.write_text(html_source(plan, names), encoding="utf-8")
    return source


# ---------------------------------------------------------------------------------------
# Running and checking


@dataclass(frozen=True)
class PeerRun:
    """One peer's build of one document, as a whole process, repeated."""

    engine: str
    ok: bool
    wall: float  # median wall-clock seconds
    walls: tuple[float, ...]
    cpu: float  # median user + system seconds of the child
    peak_rss_mib: float  # the largest of the runs
    pages: int
    pdf_mib: float
    fonts: tuple[str, ...]  # embedded font names (subset tags removed)
    message: str = ""  # stderr of a failed run, or the peer's warnings

    @property
    def bengali_embedded(self) -> bool:
        return any("Bengali" in f for f in self.fonts)


_TYPST_SCRIPT = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
                 "font_paths=[sys.argv[3]], ignore_system_fonts=True)")


def _timed(cmd: list[str], cwd: Path, log: Path) -> tuple[float, float, float, int]:
    """(wall s, cpu s, peak RSS MiB, exit code) of one child process; wait4 gives the
    child's own resource usage (RUSAGE_CHILDREN would mix in earlier children)."""
    with log.open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=err,
                                 stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode


def _run(engine: str, cmd: list[str], cwd: Path, out_pdf: Path, repeat: int) -> PeerRun:
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    log = out_pdf.with_suffix(".log")
    runs = []
    for _ in range(max(1, repeat)):
        if out_pdf.exists():
            out_pdf.unlink()
        runs.append(_timed(cmd, cwd, log))
        if runs[-1][3] != 0:
            break
    message = log.read_text(encoding="utf-8", errors="replace").strip()
    ok = all(r[3] == 0 for r in runs) and out_pdf.is_file()
    pages, fonts = (_pages(out_pdf), tuple(check_fonts(out_pdf))) if ok else (0, ())
    return PeerRun(engine, ok, statistics.median(r[0] for r in runs),
                   tuple(round(r[0], 3) for r in runs), statistics.median(r[1] for r in runs),
                   max(r[2] for r in runs), pages,
                   out_pdf.stat().st_size / 2**20 if ok else 0.0, fonts, message)


def run_typst(source: Path, out_pdf: Path, fonts: Path, repeat: int = 3) -> PeerRun:
    """Compile with the PyPI `typst` package in a fresh Python process, only the fonts of
    `fonts` (system fonts ignored: a missing face shows as tofu and in check_fonts)."""
    import typst
    version = getattr(typst, "__version__", "")
    cmd = [sys.executable, "-c", _TYPST_SCRIPT, str(source.resolve()),
           str(out_pdf.resolve()), str(fonts.resolve())]
    return _run(f"Typst {version}".strip(), cmd, source.parent, out_pdf, repeat)


def run_weasyprint(source: Path, out_pdf: Path, repeat: int = 3) -> PeerRun:
    """Render with WeasyPrint's own command line (`python -m weasyprint`), defaults."""
    import weasyprint
    cmd = [sys.executable, "-m", "weasyprint", str(source.resolve()), str(out_pdf.resolve())]
    return _run(f"WeasyPrint {weasyprint.__version__}", cmd, source.parent, out_pdf, repeat)


def _pages(pdf: Path) -> int:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def _program_name(descriptor: object) -> str:
    """The PostScript name inside an embedded font program ('' if none): WeasyPrint names
    its fonts after the @font-face family, so only the program says which face it is."""
    import io

    import pikepdf
    from fontTools.ttLib import TTFont, TTLibError
    if not isinstance(descriptor, pikepdf.Dictionary):
        return ""
    stream = next((descriptor[k] for k in ("/FontFile2", "/FontFile3", "/FontFile")
                   if k in descriptor), None)
    if stream is None:
        return ""
    try:
        return str(TTFont(io.BytesIO(stream.read_bytes()))["name"].getDebugName(6) or "?")
    except (TTLibError, KeyError, AssertionError, ValueError, struct_error):
        return "?"  # embedded, but not an sfnt (Type 1, bare CFF)


def check_fonts(pdf: Path) -> list[str]:
    """The fonts `pdf` embeds, sorted: each font program's own PostScript name (e.g.
    NotoSerifBengali-Regular), else the PDF's name for it without its subset tag. A peer
    that set the Bengali text in its face lists a *Bengali* name; fonts named in the PDF
    but not embedded are left out."""
    import pikepdf
    names: set[str] = set()
    seen: set[tuple[int, int]] = set()

    def walk(resources: object) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        fonts = resources.get("/Font")
        for font in (fonts.values() if isinstance(fonts, pikepdf.Dictionary) else []):
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            for f in [font, *font.get("/DescendantFonts", [])]:
                program = _program_name(f.get("/FontDescriptor"))
                if program and program != "?":
                    names.add(program)
                elif program:
                    names.add(re.sub(r"^[A-Z]{6}\+", "", str(f.get("/BaseFont", ""))[1:]))
        xobjects = resources.get("/XObject")
        for xo in (xobjects.values() if isinstance(xobjects, pikepdf.Dictionary) else []):
            if xo.objgen not in seen and xo.get("/Subtype") == "/Form":
                seen.add(xo.objgen)
                walk(xo.get("/Resources"))

    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            walk(page.obj.get("/Resources"))
    return sorted(names)


def render_page(pdf: Path, png: Path, index: int = 0, scale: float = 1.0) -> Path:
    """Rasterise one page, to look at it."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(pdf)
    try:
        doc[index].render(scale=scale).to_pil().save(png)
    finally:
        doc.close()
    return png


# ---------------------------------------------------------------------------------------


def _report(edition: Path, runs: list[PeerRun], repeat: int, load: tuple[float, ...]) -> str:
    head = (f"peer engines on {edition} — whole process, median of {repeat}; indicative: "
            f"{os.cpu_count()} cores, load average {load[0]:.1f} at the start")
    rows = [("engine", "wall s", "runs s", "cpu s", "peak RSS", "pages", "PDF", "Bengali face")]
    for r in runs:
        bengali = ", ".join(f for f in r.fonts if "Bengali" in f) or "MISSING (tofu)"
        rows.append((r.engine, f"{r.wall:.2f}" if r.ok else "failed",
                     " ".join(f"{w:.2f}" for w in r.walls), f"{r.cpu:.2f}",
                     f"{r.peak_rss_mib:.0f} MiB", str(r.pages), f"{r.pdf_mib:.1f} MiB",
                     bengali if r.ok else r.message.splitlines()[-1][:60] if r.message else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [head] + ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                      for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("edition", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/epaper-peers"),
                    help="folder for the documents, PDFs and logs (default /tmp/epaper-peers)")
    ap.add_argument("--fonts", type=Path, default=ROOT / "fonts")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engines", default="typst,weasyprint")
    ap.add_argument("--png", action="store_true", help="rasterise page 1 of each PDF")
    ap.add_argument("--hyphenate", default=None, metavar="LANGS",
                    help="languages whose body words are hyphenated, e.g. 'en' or 'none' "
                    "(default: the template's body style, en,bn for the broadsheet)")
    args = ap.parse_args(argv)
    hyphenate = (None if args.hyphenate is None else
                 tuple(x for x in args.hyphenate.split(",") if x and x != "none"))
    load = os.getloadavg()
    runs: list[PeerRun] = []
    engines = args.engines.split(",")
    if "typst" in engines:
        src = make_typst(args.edition, args.work / "typst", args.fonts, hyphenate)
        runs.append(run_typst(src, args.work / "typst.pdf", args.fonts, args.repeat))
    if "weasyprint" in engines:
        src = make_html(args.edition, args.work / "html", args.fonts, hyphenate)
        runs.append(run_weasyprint(src, args.work / "weasyprint.pdf", args.repeat))
    print(_report(args.edition, runs, args.repeat, load))
    for r in runs:
        if r.ok and r.message:
            print(f"{r.engine} said: " + " | ".join(r.message.splitlines()[:3]))
        if r.ok and args.png:
            stem = r.engine.split()[0].lower()
            print(f"page 1: {render_page(args.work / f'{stem}.pdf', args.work / f'{stem}-p1.png')}")
    return 0 if all(r.ok and r.bengali_embedded for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
