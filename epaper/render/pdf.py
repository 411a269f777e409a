"""Draw PageFrames into a PDF with ReportLab: glyph runs with ActualText, images, rules.

This module and `embed.py` are the only places that touch ReportLab. ReportLab's
process-wide state (its font registry, `rl_config`) is not used for our text: fonts are
embedded per document under our own names.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from epaper.model.frame import Element, Line, PageFrame, PlacedWord
from epaper.model.template import CMYK
from epaper.render.embed import EmbeddedFont, FontMetrics, SubsetCache
from epaper.render.images import PreparedImage, image_key
from epaper.render.textlayer import Drawn, group_text, groups, segments

# ReportLab's one process-wide setting that matters to us: streams are ASCII85-encoded in
# pure Python by default (a third of a second per edition, and 25 % larger files).
rl_config.useA85 = 0


class _NoInitialFont:
    """A placeholder 'dynamic' font: with it the canvas writes no initial Helvetica."""

    fontName = "epaper-no-initial-font"
    _dynamicFont = 1
    _multiByte = 0

    class face:  # noqa: N801 - the attribute ReportLab's registry reads
        name = b"epaper-no-initial-font"


def _no_initial_font() -> str:
    try:
        pdfmetrics.getFont(_NoInitialFont.fontName)
    except KeyError:
        pdfmetrics.registerFont(_NoInitialFont())
    return _NoInitialFont.fontName


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
        self.font: EmbeddedFont | None = None
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

    def run(self, font: EmbeddedFont, size: float, x0: float, y: float,
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


def _plan(group: list[PlacedWord], text: str, metrics: Callable[[str], FontMetrics]) -> Plan:
    """Which stretches of a word group's glyphs need an ActualText (textlayer.segments)."""
    x0 = group[0].x
    glyphs = []
    for pw in group:
        dx = pw.x - x0
        for run in pw.word.runs:
            m = metrics(run.font)
            scale = run.size / 1000.0
            for g in run.glyphs:
                glyphs.append((run.font, run.size, g.gid, g.text or m.unicode.get(g.gid, ""),
                               dx + g.x, g.y, m.advances[g.gid] * scale))
    seen: list[Drawn] = []
    start = end = -1e9
    before = None
    for face, size, _gid, chars, x, y, advance in glyphs:
        place = (face, size, y)
        seen.append(Drawn(chars, -1e-6 < y < 1e-6 and advance > 0 and x >= start,
                          x + advance >= end - 1e-3, place == before))
        start, before, end = x, place, max(end, x + advance)
    hyphen = bool(seen) and group[-1].word.hyphen
    if not hyphen and all(d.plain for d in seen) and "".join(d.text for d in seen) == text:
        return ((None, _runs(glyphs)),)  # most words: every glyph reads as itself, in order
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
OVERPRINT_GS = "EPop"  # ExtGState added by the print finishing step (finish.py)


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
    """What several documents of one run share: font metrics and finished subsets."""

    def __init__(self, font_paths: dict[str, Path]) -> None:
        self.font_paths = font_paths
        self._metrics: dict[str, FontMetrics] = {}
        self.subsets = SubsetCache()
        # Glyphs the whole edition draws, per face: page files embed the same subset, so
        # each face is subset once per run instead of once per page.
        self.edition_glyphs: dict[str, frozenset[int]] = {}
        # How each word group is drawn (see PdfWriter._group), with the group it was made
        # for: its words stay alive, so the ids in the key are not reused.
        self.plans: dict[tuple[object, ...], tuple[Plan, list[PlacedWord]]] = {}

    def remember(self, writer: PdfWriter) -> None:
        """Keep the glyph sets of a whole-edition document for the page documents."""
        for key, font in writer._fonts.items():
            self.edition_glyphs[key] = self.edition_glyphs.get(key, frozenset()) | font.used

    def metrics(self, key: str) -> FontMetrics:
        found = self._metrics.get(key)
        if found is None:
            found = self._metrics[key] = FontMetrics(self.font_paths[key])
        return found


class PdfWriter:
    """One PDF document; add pages, then `save()`."""

    def __init__(self, resources: PdfResources, images: dict[str, PreparedImage],
                 title: str = "", author: str = "", sheet: Sheet = Sheet()) -> None:
        self.res = resources
        self.images = images
        self.sheet = sheet
        self._mono = False
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, invariant=1, pageCompression=1,
                             initialFontName=_no_initial_font())
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator("epaper")
        self.canvas.setProducer("epaper (ReportLab)")
        self._fonts: dict[str, EmbeddedFont] = {}

    # -- fonts -------------------------------------------------------------------------
    def _font(self, key: str) -> EmbeddedFont:
        found = self._fonts.get(key)
        if found is None:
            doc = self.canvas._doc
            # Press files take the edition's subset (one subset per face per run); screen
            # pages keep their own, smallest one: readers download them one by one.
            edition = self.res.edition_glyphs.get(key) if self.sheet.print else None
            found = EmbeddedFont(self.res.metrics(key), f"FE{len(self._fonts) + 1}",
                                 self.res.subsets, edition)
            self._fonts[key] = found
            doc.delayedFonts.append(found)
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

    def add_page(self, frame: PageFrame, slug: Iterable[Line] = ()) -> None:
        self._mono = frame.mono and self.sheet.print
        c = self.canvas
        m = self.sheet.margin
        w, h = frame.width + 2 * m, frame.height + 2 * m
        c.setPageSize((w, h))
        code = c._code
        code.append(f"q 1 0 0 1 {_num(m)} {_num(m)} cm")
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
                self._image(el, frame.height)
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
            c.setTrimBox((m, m, m + frame.width, m + frame.height))
            c.setBleedBox((m - b, m - b, m + frame.width + b, m + frame.height + b))
        else:
            c.setTrimBox((0, 0, frame.width, frame.height))
        c.showPage()

    def _marks(self, frame: PageFrame, m: float) -> str:
        """Crop marks at the trim corners, starting outside the bleed; registration targets
        centred on each side. Registration colour: they must show on every plate."""
        b = self.sheet.bleed + 1.5  # clear of the bleed: none of the mark prints on the sheet
        length = min(self.sheet.slug - 4, 17.0)
        x0, y0, x1, y1 = m, m, m + frame.width, m + frame.height
        # Registration colour prints on every plate the page has: one, on a mono page.
        reg = (0.0, 0.0, 0.0, 1.0) if self._mono else REGISTRATION
        out = [f"q {_cmyk(reg, stroke=True)} 0.25 w 0 J"]
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

    def _image(self, el: Element, page_h: float) -> None:
        assert el.image is not None
        prepared = self.images[image_key(el.image, self._mono)]
        c = self.canvas
        doc = c._doc
        name = "epaperImg" + prepared.key
        reg = doc.getXObjectName(name)
        if not doc.idToObject.get(reg):
            obj = pdfdoc.PDFImageXObject(name)
            obj.width, obj.height = prepared.width, prepared.height
            obj.bitsPerComponent = 8
            obj.colorSpace = prepared.color_space
            obj.streamContent = prepared.jpeg
            obj._filters = ("DCTDecode",)
            obj.mask = None
            if prepared.color_space == "DeviceCMYK":
                obj._dotrans = 1
            c._setXObjects(obj)
            doc.Reference(obj, reg)
            doc.addForm(name, obj)
        b = el.box
        self.canvas._code.append(f"q {_num(b.width)} 0 0 {_num(b.height)} {_num(b.x0)} "
                       f"{_num(page_h - b.y1)} cm /{reg} Do Q")
        c._formsinuse.append(name)
        c._currentPageHasImages = 1

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
        key = (text, *(id(pw.word) for pw in group), *(pw.x - group[0].x for pw in group))
        found = self.res.plans.get(key)
        if found is None:
            found = self.res.plans[key] = (_plan(group, text, self.res.metrics), group)
        x0 = group[0].x
        for actual, runs in found[0]:
            if actual is not None:
                out.op(f"/Span <</ActualText {_actual_text(actual)}>> BDC")
            for face, size, dy, glyphs in runs:
                out.run(self._font(face), size, x0, y + dy, glyphs)
            if actual is not None:
                out.op("EMC")

    def save(self, path: Path, finish: Callable[[bytes], bytes] | None = None) -> None:
        """Write atomically: a temporary file in the same folder, then rename."""
        self.canvas.save()
        data = self.buffer.getvalue()
        if finish is not None:
            data = finish(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pdf", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are for the whole desk
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
