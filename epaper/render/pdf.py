"""Draw PageFrames into PDF content streams: glyphs with the characters they show, a
space glyph between words, ActualText where drawing order is not reading order, images,
rules and marks.

A page is drawn once per variant into a `PageDrawing` (its content stream, and per face
the codes it drew: render/codes.py); `writer.py` writes drawings into files, so the page
file and the edition file carry the same drawing. Nothing here touches ReportLab.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from epaper import kept
from epaper.model.frame import Box, Element, Line, PageFrame, PlacedWord
from epaper.model.template import CMYK
from epaper.render.codes import Code, FontCodes
from epaper.render.embed import FontMetrics, SubsetCache
from epaper.render.textlayer import Drawn, group_text, groups, segments


def _num(v: float, places: int = 3) -> str:
    s = f"{v:.{places}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _circle(cx: float, cy: float, r: float) -> str:
    """A circle as four Bézier quarters, counter-clockwise from its rightmost point."""
    k = 0.5523 * r
    quarters = [((cx + r, cy + k), (cx + k, cy + r), (cx, cy + r)),
                ((cx - k, cy + r), (cx - r, cy + k), (cx - r, cy)),
                ((cx - r, cy - k), (cx - k, cy - r), (cx, cy - r)),
                ((cx + k, cy - r), (cx + r, cy - k), (cx + r, cy))]
    path = [f"{_num(cx + r)} {_num(cy)} m"]
    for points in quarters:
        path.append(" ".join(f"{_num(x)} {_num(y)}" for x, y in points) + " c")
    return " ".join(path)


def _actual_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _cmyk(color: CMYK, stroke: bool = False) -> str:
    op = "K" if stroke else "k"
    return " ".join(_num(c) for c in color) + " " + op


def _rgb(color: CMYK, stroke: bool = False) -> str:
    """Screen colour: the naive conversion is right for the few flat colours we use."""
    c, m, y, k = color
    op = "RG" if stroke else "rg"
    return " ".join(_num((1 - v) * (1 - k)) for v in (c, m, y)) + " " + op


class _Content:
    """Text operators of one text object. Glyphs run on in one TJ array while the font,
    the baseline and marked content stay the same; a gap from where the font's own
    advances leave the pen is a TJ number, so positions are not repeated glyph by glyph."""

    def __init__(self) -> None:
        self.ops: list[str] = []
        self._tj: list[str] = []
        self._hex: list[str] = []  # codes drawn since the last TJ number
        self.x: float | None = None  # None: the next glyph starts with a Tm
        self.y = 0.0
        self.font: FontCodes | None = None
        self.size = 0.0
        # Horizontal glyph scale in force (PDF Tz / 100): advances and TJ numbers are in
        # scaled text space. Font expansion (Line.scale) sets it with its Tz.
        self.hscale = 1.0

    def op(self, text: str) -> None:
        self._flush()
        self.ops.append(text)

    def _flush(self) -> None:
        if self._hex:
            self._tj.append("<" + "".join(self._hex) + ">")
            self._hex = []
        if self._tj:
            self.ops.append("[" + "".join(self._tj) + "] TJ")
            self._tj = []

    def run(self, font: FontCodes, size: float, x0: float, y: float,
            glyphs: Iterable[tuple[int, str, float]]) -> None:
        """Glyphs (glyph id, characters, x from x0) of one font and size on one baseline."""
        if font is not self.font or size != self.size:
            self.op(f"/{font.name} {_num(size)} Tf")
            self.font, self.size = font, size
        widths, codes = font.widths, font.codes
        scale = size / 1000.0 * self.hscale
        x = self.x
        for gid, chars, dx in glyphs:
            cid = codes.get((gid, chars)) or font.code(gid, chars)
            gx = x0 + dx
            if x is None or abs(y - self.y) > 1e-4:
                self.op(f"1 0 0 1 {_num(gx, 2)} {_num(y, 2)} Tm")
                self.y = y
            elif abs(gx - x) > 1e-4:
                if self._hex:
                    self._tj.append("<" + "".join(self._hex) + ">")
                    self._hex = []
                self._tj.append(_num(-(gx - x) / scale, 1))
            self._hex.append(f"{cid:04X}")
            x = gx + widths[cid] * scale
        self.x = x

    def space(self, x1: float) -> None:
        """A word space from the pen to x1: one space glyph of the current font, as wide
        as the gap, so that no extractor adds a space of its own beside it. It starts at
        the pen, not at the word's end: after a word ending in a mark drawn back over its
        letter (মার্চে, কিছু) the gap an extractor measures starts there."""
        font, x0 = self.font, self.x
        if font is None or x0 is None or x1 <= x0:
            return
        scale = self.size / 1000.0 * self.hscale
        cid = font.space((x1 - x0) / scale)
        if cid is not None:  # drawn where the pen is: no position of its own
            self._hex.append(f"{cid:04X}")
            self.x = x0 + font.widths[cid] * scale

    def text(self) -> str:
        self._flush()
        return "\n".join(self.ops)


# A word group as drawn: stretches of glyphs, each with its ActualText or None and its
# runs of one face, size and baseline: (face, size, y, glyphs), a glyph (glyph id, its
# characters, x), x and y from the group's origin.
Run = tuple[str, float, float, tuple[tuple[int, str, float], ...]]
Plan = tuple[tuple[str | None, tuple[Run, ...]], ...]


def _plan(group: list[PlacedWord], text: str, metrics: Callable[[str], FontMetrics],
          hscale: float = 1.0) -> Plan:
    """Which stretches of a word group's glyphs need an ActualText (textlayer.segments).
    `hscale`: the line's font expansion, which scales each glyph's place in its word."""
    x0 = group[0].x
    glyphs = []
    for pw in group:
        dx = pw.x - x0
        for run in pw.word.runs:
            m = metrics(run.font)
            scale = run.size / 1000.0 * hscale
            for g in run.glyphs:
                glyphs.append((run.font, run.size, g.gid, g.text or m.unicode.get(g.gid, ""),
                               dx + g.x * hscale, g.y, m.advances[g.gid] * scale))
    # (plain, ahead, joined) of each glyph: Drawn records are made only for a group
    # whose glyphs do not all read as themselves in order, a few in a hundred.
    flags = []
    start = end = -1e9
    before = None
    for face, size, _gid, _chars, x, y, advance in glyphs:
        place = (face, size, y)
        flags.append((-1e-6 < y < 1e-6 and advance > 0 and x >= start,
                      x + advance >= end - 1e-3, place == before))
        start, before, end = x, place, max(end, x + advance)
    hyphen = bool(glyphs) and group[-1].word.hyphen
    if not hyphen and all(f[0] for f in flags) and "".join(g[3] for g in glyphs) == text:
        return ((None, _runs(glyphs)),)  # most words: every glyph reads as itself, in order
    seen = [Drawn(g[3], *f) for g, f in zip(glyphs, flags, strict=True)]
    if hyphen:
        # pdfium takes a line-end hyphen for a soft one (and joins the word up) when it
        # comes from an ActualText, or else only between ASCII letters: "ক্যানা-" or
        # "মালিক-" drawn plain would come back as two words.
        seen[-1] = seen[-1]._replace(plain=False)
    stretches: list[tuple[str | None, int, int]] = []
    for seg in segments(seen, text):
        if stretches and seg.actual is None and stretches[-1][0] is None:
            stretches[-1] = (None, stretches[-1][1], seg.end)  # glyphs that read alone, one run
        else:
            stretches.append((seg.actual, seg.start, seg.end))
    return tuple((actual, _runs(glyphs[a:b])) for actual, a, b in stretches)


def _runs(glyphs: list[tuple[str, float, int, str, float, float, float]]) -> tuple[Run, ...]:
    out: list[tuple[str, float, float, list[tuple[int, str, float]]]] = []
    for face, size, gid, chars, dx, dy, _advance in glyphs:
        if not out or out[-1][:3] != (face, size, dy):
            out.append((face, size, dy, []))
        out[-1][3].append((gid, chars, dx))
    return tuple((face, size, dy, tuple(gl)) for face, size, dy, gl in out)


def _black_only(color: CMYK) -> CMYK:
    """A colour as the black plate alone prints it: its darkness as a tint of K."""
    c, m, y, k = color
    r, g, b = ((1 - v) * (1 - k) for v in (c, m, y))
    return (0.0, 0.0, 0.0, round(1 - (0.299 * r + 0.587 * g + 0.114 * b), 4))


REGISTRATION: CMYK = (1.0, 1.0, 1.0, 1.0)  # marks print on every plate
MARK_WIDTH = 0.25  # pt: crop marks and registration targets
OVERPRINT_GS = "EPop"  # ExtGStates every print page has (writer.py)
KNOCKOUT_GS = "EPknockout"


@dataclass(frozen=True)
class Sheet:
    """How a variant puts the trimmed page on its sheet.

    `print`: the MediaBox adds bleed and a slug area for crop and registration marks;
    colours stay CMYK and solid black overprints. `screen`: the trimmed page only, RGB.
    """

    variant: str = "print"
    bleed: float = 8.5  # pt
    slug: float = 34.0  # pt beyond the bleed

    @property
    def print(self) -> bool:
        return self.variant == "print"

    @property
    def margin(self) -> float:
        return self.bleed + self.slug if self.print else 0.0


class PdfResources:
    """What the documents of one run share: the faces' metrics and finished subsets."""

    def __init__(self, font_paths: dict[str, Path], subsets: SubsetCache | None = None
                 ) -> None:
        self.font_paths = font_paths
        self.subsets = subsets or SubsetCache()
        # How each word group is drawn (see PageDrawer._group), with the group it was
        # made for: its words stay alive, so the ids in the key are not reused.
        self.plans: dict[tuple[object, ...], tuple[Plan, list[PlacedWord]]] = {}

    def metrics(self, key: str) -> FontMetrics:
        return _metrics(self.font_paths[key])


@functools.lru_cache(maxsize=64)
def _metrics(path: Path) -> FontMetrics:
    known = kept.recall("pdf-font", path)
    if isinstance(known, FontMetrics):
        return known.at(path)
    metrics = FontMetrics(path)
    kept.keep("pdf-font", path, metrics)
    return metrics


def font_name(key: str) -> str:
    """The resource name of a face, the same in every page and document of every run: the
    edition file is assembled from page files, whose fonts it swaps for shared ones."""
    return "F" + hashlib.sha1(key.encode()).hexdigest()[:10]


def image_name(key: str) -> str:
    """The XObject name of a prepared image: its content key, so that equal images are
    one object and rebuilds give identical bytes."""
    return "epaperImg" + key


@dataclass(frozen=True)
class PageDrawing:
    """One page drawn: its content stream (zlib) and what the stream uses. Drawn once per
    variant and written into the page file and the edition file alike."""

    number: int
    size: tuple[float, float]  # the sheet: trim plus bleed and slug for print
    trim: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float] | None
    content: bytes  # zlib-compressed
    fonts: tuple[tuple[str, tuple[Code, ...]], ...]  # face key, its codes (render/codes.py)
    images: tuple[str, ...]  # prepared-image keys, in drawing order
    facts: DrawnFacts


@dataclass(frozen=True)
class DrawnFacts:
    """What preflight asks of a page, known from drawing it: the smallest text, the
    thinnest stroke, and the most ink its vector art puts down in one spot (solid black
    overprinting a tint adds to it; images are measured when they are prepared)."""

    min_text: float | None
    thinnest_stroke: float | None
    vector_ink: float  # percent
    rich_black_text: float | None  # the smallest text size set in rich black, if any


class PageDrawer:
    """Draws PageFrames into content streams for one variant's sheet."""

    def __init__(self, resources: PdfResources, image_keys: Callable[[Element, bool], str],
                 sheet: Sheet = Sheet()) -> None:
        self.res = resources
        self.image_keys = image_keys  # element, mono -> prepared-image key
        self.sheet = sheet
        self._mono = False
        self._fonts: dict[str, FontCodes] = {}
        self._images: list[str] = []
        self._ink = _InkTracker()

    # -- fonts -------------------------------------------------------------------------
    def _font(self, key: str) -> FontCodes:
        found = self._fonts.get(key)
        if found is None:
            found = self._fonts[key] = FontCodes(font_name(key), self.res.metrics(key))
        return found

    # -- pages -------------------------------------------------------------------------
    def _color(self, color: CMYK, stroke: bool = False) -> str:
        if not self.sheet.print:
            return _rgb(color, stroke)
        if self._mono:
            return _cmyk(_black_only(color), stroke)
        return _cmyk(color, stroke)

    def _overprint(self, color: CMYK | None) -> bool:
        """Only solid black overprints: no white halo round text and rules on a tint."""
        return self.sheet.print and color == (0.0, 0.0, 0.0, 1.0)

    def draw(self, frame: PageFrame, slug: tuple[Line, ...] = ()) -> PageDrawing:
        self._mono = frame.mono and self.sheet.print
        self._fonts = {}
        self._images = []
        self._ink = _InkTracker(self._mono)
        m = self.sheet.margin
        w, h = frame.width + 2 * m, frame.height + 2 * m
        code: list[str] = [f"q 1 0 0 1 {_num(m)} {_num(m)} cm"]
        # A compound broken after its own hyphen at a column's foot hands the hyphen's
        # text to the next column of the same story, when that is what is drawn next.
        texts = [el for el in frame.elements if el.lines]
        runs_on = {id(a) for a, b in zip(texts, texts[1:], strict=False)
                   if a.role == b.role == "body" and a.story == b.story}
        carry = ""
        for el in frame.elements:
            if el.fill is not None:
                self._fill(el, frame.height, code)
            if el.image is not None:
                self._image(el, frame.height, code)
            if el.stroke is not None and el.stroke_width > 0:
                self._stroke(el, frame.height, code)
            if el.lines:
                text, carry = self._text(el.lines, frame.height, carry, id(el) in runs_on)
                code.append(text)
        code.append("Q")
        if self.sheet.print:
            b = self.sheet.bleed
            # Marks and slug line are the sheet's, not the page's: artifacts to readers
            # that know marked content (PDF 14.8.2.2), drawn after the page so that
            # stream-order readers (pdfium) end the page's text with the slug line.
            code.append("/Artifact BMC")
            code.append(self._marks(frame, m))
            code.append(f"q 1 0 0 1 {_num(m)} {_num(m)} cm")
            code.append(self._text(slug, frame.height)[0])
            code.append("Q EMC")
            trim = (m, m, m + frame.width, m + frame.height)
            bleed: tuple[float, float, float, float] | None = (
                m - b, m - b, m + frame.width + b, m + frame.height + b)
        else:
            trim, bleed = (0.0, 0.0, frame.width, frame.height), None
        facts = self._ink.facts(frame)
        if self.sheet.print:  # the marks and the slug line are on the sheet too
            slug_sizes = [run.size for ln in slug for w in ln.words for run in w.word.runs
                          if run.glyphs]
            facts = replace(facts, thinnest_stroke=min(MARK_WIDTH, facts.thinnest_stroke
                                                       or MARK_WIDTH),
                            min_text=min([*slug_sizes, *([facts.min_text] if facts.min_text
                                                        else [])], default=None))
        content = zlib.compress(("\n".join(c for c in code if c) + "\n").encode("latin-1"),
                                6)
        fonts = tuple((k, f.table) for k, f in sorted(self._fonts.items()))
        return PageDrawing(frame.number, (w, h), trim, bleed, content, fonts,
                           tuple(dict.fromkeys(self._images)), facts)

    def _marks(self, frame: PageFrame, m: float) -> str:
        """Crop marks at the trim corners, starting outside the bleed; registration targets
        centred on each side. Registration colour: they must show on every plate."""
        b = self.sheet.bleed + 1.5  # clear of the bleed: none of the mark prints on the sheet
        length = min(self.sheet.slug - 4, 17.0)
        x0, y0, x1, y1 = m, m, m + frame.width, m + frame.height
        # Registration colour prints on every plate the page has: one, on a mono page.
        reg = (0.0, 0.0, 0.0, 1.0) if self._mono else REGISTRATION
        out = [f"q {_cmyk(reg, stroke=True)} {_num(MARK_WIDTH)} w 0 J"]
        for x, sx in ((x0, -1), (x1, 1)):
            for y, sy in ((y0, -1), (y1, 1)):
                out.append(f"{_num(x + sx * b)} {_num(y)} m {_num(x + sx * (b + length))} "
                           f"{_num(y)} l S")
                out.append(f"{_num(x)} {_num(y + sy * b)} m {_num(x)} "
                           f"{_num(y + sy * (b + length))} l S")
        r = min(5.0, length / 3)
        off = b + length / 2
        for cx, cy in (((x0 + x1) / 2, y0 - off), ((x0 + x1) / 2, y1 + off),
                       (x0 - off, (y0 + y1) / 2), (x1 + off, (y0 + y1) / 2)):
            out.append(_circle(cx, cy, r) + " S")
            out.append(f"{_num(cx - 1.6 * r)} {_num(cy)} m {_num(cx + 1.6 * r)} {_num(cy)} l S "
                       f"{_num(cx)} {_num(cy - 1.6 * r)} m {_num(cx)} {_num(cy + 1.6 * r)} l S")
        out.append("Q")
        return " ".join(out)

    def _fill(self, el: Element, page_h: float, code: list[str]) -> None:
        b = el.box
        assert el.fill is not None
        code.append(f"q {self._color(el.fill)} {_num(b.x0)} {_num(page_h - b.y1)} "
                    f"{_num(b.width)} {_num(b.height)} re f Q")

    def _stroke(self, el: Element, page_h: float, code: list[str]) -> None:
        b = el.box
        assert el.stroke is not None
        # A rule is a box of zero height (horizontal) or zero width (vertical); any other
        # box is outlined (proof frames).
        op = f"/{OVERPRINT_GS} gs " if self._overprint(el.stroke) else ""
        head = f"q {op}{self._color(el.stroke, stroke=True)} {_num(el.stroke_width)} w 0 J "
        if b.width > 1e-6 and b.height > 1e-6:
            code.append(head + f"{_num(b.x0)} {_num(page_h - b.y1)} {_num(b.width)} "
                        f"{_num(b.height)} re S Q")
        else:
            code.append(head + f"{_num(b.x0)} {_num(page_h - b.y0)} m {_num(b.x1)} "
                        f"{_num(page_h - b.y1)} l S Q")

    def _image(self, el: Element, page_h: float, code: list[str]) -> None:
        key = self.image_keys(el, self._mono)
        self._images.append(key)
        b = el.box
        code.append(f"q {_num(b.width)} 0 0 {_num(b.height)} {_num(b.x0)} "
                    f"{_num(page_h - b.y1)} cm /{image_name(key)} Do Q")

    def _text(self, lines: Iterable[Line], page_h: float, carry: str = "",
              pass_on: bool = False) -> tuple[str, str]:
        """One text object for a block of lines: glyphs with the characters they show
        (ToUnicode), a space glyph between words, and ActualText where drawing order is
        not reading order (see textlayer.py).

        `carry` is text the block before handed on (a compound's hyphen); `pass_on` says
        that the block drawn next continues this one, so its last line may hand on too.
        Returns the content and what is handed on."""
        out = _Content()
        color = None
        overprint = False
        lines = list(lines)
        for n, line in enumerate(lines):
            if line.color != color:
                color = line.color
                if self._overprint(color) != overprint:
                    overprint = not overprint
                    out.op(f"/{OVERPRINT_GS} gs" if overprint else "/EPknockout gs")
                out.op(self._color(color))
            y = page_h - line.baseline
            out.x = None  # a new line starts with a Tm
            if line.scale != out.hscale:  # Tz scales glyphs and TJ numbers, not Tm
                out.op(f"{_num(line.scale * 100, 2)} Tz")
                out.hscale = line.scale
            line_groups = groups(line)
            for k, group in enumerate(line_groups):
                text, carry = group_text(group, k == len(line_groups) - 1, carry,
                                         n < len(lines) - 1 or pass_on)
                if k:
                    out.space(group[0].x)
                self._group(out, group, text, y)
        return ("q BT " + out.text() + " ET Q" if out.ops else ""), carry

    def _group(self, out: _Content, group: list[PlacedWord], text: str, y: float) -> None:
        """A word's glyphs, the stretches that need it under an ActualText span. The plan
        is made once per run: the edition and its pages, print and screen, draw the same
        words."""
        key = (text, out.hscale, *(id(pw.word) for pw in group),
               *(pw.x - group[0].x for pw in group))
        found = self.res.plans.get(key)
        if found is None:
            found = self.res.plans[key] = (_plan(group, text, self.res.metrics, out.hscale),
                                           group)
        x0 = group[0].x
        for actual, runs in found[0]:
            if actual is not None:
                out.op(f"/Span <</ActualText {_actual_text(actual)}>> BDC")
            for face, size, dy, glyphs in runs:
                out.run(self._font(face), size, x0, y + dy, glyphs)
            if actual is not None:
                out.op("EMC")


def _tac(color: CMYK) -> float:
    return sum(color) * 100


class _InkTracker:
    """The most ink a page's vector art puts down in one spot, from what was drawn: each
    tint on its own, and solid black text or rules overprinting a tint add their 100 %
    of K to the tint's C, M and Y (knocked-out colours replace what is under them)."""

    def __init__(self, mono: bool = False) -> None:
        self.mono = mono
        self.fills: list[tuple[Box, CMYK]] = []
        self.marks: list[tuple[Box, CMYK]] = []  # text and strokes, drawn over the fills

    def _plate(self, color: CMYK) -> CMYK:
        return _black_only(color) if self.mono else color

    def element(self, el: Element) -> None:
        if el.fill is not None:
            self.fills.append((el.box, self._plate(el.fill)))
        if el.stroke is not None and el.stroke_width > 0:
            self.marks.append((el.box, self._plate(el.stroke)))

    def text(self, el: Element) -> None:
        for line in el.lines:
            self.marks.append((el.box, self._plate(line.color)))

    def facts(self, frame: PageFrame) -> DrawnFacts:
        for el in frame.elements:
            self.element(el)
            if el.lines:
                self.text(el)
        ink = max((_tac(c) for _b, c in self.fills), default=0.0)
        for box, color in self.marks:
            ink = max(ink, _tac(color))
            if color == (0.0, 0.0, 0.0, 1.0):  # overprints: adds to the tint under it
                for under, tint in self.fills:
                    if _touches(box, under):
                        ink = max(ink, _tac((tint[0], tint[1], tint[2], 1.0)))
        sizes = [run.size for el in frame.elements for ln in el.lines for w in ln.words
                 for run in w.word.runs if run.glyphs]
        rich = [run.size for el in frame.elements for ln in el.lines
                if _rich_black(self._plate(ln.color)) for w in ln.words
                for run in w.word.runs if run.glyphs]
        strokes = [el.stroke_width for el in frame.elements
                   if el.stroke is not None and el.stroke_width > 0]
        return DrawnFacts(min(sizes, default=None), min(strokes, default=None),
                          round(ink, 1), min(rich, default=None))


def _touches(a: Box, b: Box) -> bool:
    """Boxes that share area, or a rule (a box of no width or height) lying on the other."""
    return a.x0 <= b.x1 and b.x0 <= a.x1 and a.y0 <= b.y1 and b.y0 <= a.y1


def _rich_black(color: CMYK) -> bool:
    """Black built of more than the K plate: blurs when the plates misregister."""
    c, m, y, k = color
    return k > 0.9 and c + m + y > 0.05
