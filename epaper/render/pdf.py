"""Draw PageFrames into PDF content streams: glyph runs with ActualText, images, rules.

A page is drawn once per variant into a `PageDrawing` (its content stream and the fonts,
glyphs and images it uses); `writer.py` writes drawings into files, so the page file and
the edition file carry the same drawing. Nothing here touches ReportLab.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from epaper.model.frame import Box, Element, Line, PageFrame, PlacedWord
from epaper.model.template import CMYK
from epaper.render.embed import FontMetrics, SubsetCache


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


class _Pen:
    """Where the PDF's own glyph advances leave the next glyph inside a text object."""

    def __init__(self) -> None:
        self.x: float | None = None
        self.y = 0.0
        self.font: tuple[str, float] | None = None
        self.scale = 1.0  # horizontal scaling in force (Tz / 100): the line's font expansion


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

    def metrics(self, key: str) -> FontMetrics:
        return _metrics(self.font_paths[key])


@functools.lru_cache(maxsize=64)
def _metrics(path: Path) -> FontMetrics:
    return FontMetrics(path)


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
    fonts: tuple[tuple[str, frozenset[int]], ...]  # face key, glyph ids drawn
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


class _DrawnFont:
    """A face as one page uses it: its resource name, metrics and the glyphs drawn."""

    def __init__(self, name: str, metrics: FontMetrics) -> None:
        self.name = name
        self.metrics = metrics
        self.used: set[int] = set()


class PageDrawer:
    """Draws PageFrames into content streams for one variant's sheet."""

    def __init__(self, resources: PdfResources, image_keys: Callable[[Element, bool], str],
                 sheet: Sheet = Sheet()) -> None:
        self.res = resources
        self.image_keys = image_keys  # element, mono -> prepared-image key
        self.sheet = sheet
        self._mono = False
        self._fonts: dict[str, _DrawnFont] = {}
        self._images: list[str] = []
        self._ink = _InkTracker()

    # -- fonts -------------------------------------------------------------------------
    def _font(self, key: str) -> _DrawnFont:
        found = self._fonts.get(key)
        if found is None:
            found = self._fonts[key] = _DrawnFont(font_name(key), self.res.metrics(key))
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
            code.append(self._marks(frame, m))
            code.append(f"q 1 0 0 1 {_num(m)} {_num(m)} cm")
            code.append(self._text(slug, frame.height)[0])
            code.append("Q")
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
        fonts = tuple((k, frozenset(f.used)) for k, f in sorted(self._fonts.items()))
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
        """One text object for a block of lines. Within a line the pen runs on from word
        to word and each gap is a TJ adjustment, so a word costs its glyphs, one number
        and its ActualText span: positions are not repeated word by word.

        `carry` is text the block before handed on (a compound's hyphen); `pass_on` says
        that the block drawn next continues this one, so its last line may hand on too.
        Returns the content and what is handed on."""
        out: list[str] = []
        color = None
        overprint = False
        pen = _Pen()
        lines = list(lines)
        for n, line in enumerate(lines):
            if line.color != color:
                color = line.color
                if self._overprint(color) != overprint:
                    overprint = not overprint
                    out.append(f"/{OVERPRINT_GS} gs" if overprint else "/EPknockout gs")
                out.append(self._color(color))
            y = page_h - line.baseline
            pen.x = None  # a new line starts with a Tm
            if line.scale != pen.scale:  # Tz scales glyphs and TJ adjustments, not Tm
                out.append(f"{_num(line.scale * 100, 2)} Tz")
                pen.scale = line.scale
            groups = _groups(line)
            for k, group in enumerate(groups):
                text, carry = _span_text(group, k == len(groups) - 1, carry,
                                         n < len(lines) - 1 or pass_on)
                out.append(f"/Span <</ActualText {_actual_text(text)}>> BDC")
                for pw in group:
                    for run in pw.word.runs:
                        if run.glyphs:
                            out.append(self._run(run, pw.x, y, pen))
                out.append("EMC")
        return ("q BT " + "\n".join(out) + " ET Q" if out else ""), carry

    def _run(self, run, x0: float, y0: float, pen: _Pen) -> str:  # type: ignore[no-untyped-def]
        font = self._font(run.font)
        adv = font.metrics.advances
        size = run.size
        parts = []
        if pen.font != (font.name, size):
            parts.append(f"/{font.name} {_num(size)} Tf")
            pen.font = (font.name, size)
        tj: list[str] = []
        scale = pen.scale
        for g in run.glyphs:
            font.used.add(g.gid)
            gx, gy = x0 + g.x * scale, y0 + g.y
            if pen.x is None or abs(gy - pen.y) > 1e-4:
                if tj:
                    parts.append("[" + "".join(tj) + "] TJ")
                    tj = []
                parts.append(f"1 0 0 1 {_num(gx, 2)} {_num(gy, 2)} Tm")
                pen.y = gy
            elif abs(gx - pen.x) > 1e-4:
                tj.append(_num(-(gx - pen.x) * 1000.0 / (size * scale), 1))
            if tj and tj[-1].endswith(">"):
                tj[-1] = tj[-1][:-1] + f"{g.gid:04X}>"
            else:
                tj.append(f"<{g.gid:04X}>")
            pen.x = gx + adv[g.gid] * size * scale / 1000.0
        if tj:
            parts.append("[" + "".join(tj) + "] TJ")
        return " ".join(parts)

def _groups(line: Line) -> list[list[PlacedWord]]:
    """The line's words, a word broken into pieces that stayed on one line one group
    again: pdfium puts a space between neighbouring spans."""
    groups: list[list[PlacedWord]] = []
    for pw in line.words:
        if groups and groups[-1][-1].word.joined:
            groups[-1].append(pw)
        else:
            groups.append([pw])
    return groups


def _span_text(group: list[PlacedWord], line_end: bool, carry: str, runs_on: bool
               ) -> tuple[str, str]:
    """The ActualText of one group, and what it hands on to the next line's first span.

    The space after a word belongs to its ActualText: extractors then give back the
    desk's spaces whatever the justified gap looks like. A line-end hyphen belongs to the
    span: pdfium reports it as its soft-hyphen mark (U+FFFE), poppler joins the word back
    up. But a compound broken after its own hyphen ("সর্দি-" / "কাশি") would lose that
    hyphen the same way, as pdfium takes any hyphen-minus ending a line for a soft one:
    its text goes to the next line (`runs_on`: there is one), where it is read back."""
    tail = group[-1].word
    text = carry + "".join(pw.word.text for pw in group)
    if not line_end and not tail.joined:
        text += " "
    if tail.hyphen:
        return text + "-", ""
    if line_end and tail.joined and text.endswith("-") and runs_on:
        return text[:-1], "-"
    return text, ""


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
