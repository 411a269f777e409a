"""Draw PageFrames into a PDF with ReportLab: glyph runs with ActualText, images, rules.

This module and `embed.py` are the only places that touch ReportLab. ReportLab's
process-wide state (its font registry, `rl_config`) is not used for our text: fonts are
embedded per document under our own names.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from epaper.model.frame import Element, Line, PageFrame
from epaper.model.template import CMYK
from epaper.render.embed import EmbeddedFont, FontMetrics, SubsetCache
from epaper.render.images import PreparedImage


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


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _actual_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _cmyk(color: CMYK, stroke: bool = False) -> str:
    op = "K" if stroke else "k"
    return " ".join(_num(c) for c in color) + " " + op


class PdfResources:
    """What several documents of one run share: font metrics and finished subsets."""

    def __init__(self, font_paths: dict[str, Path]) -> None:
        self.font_paths = font_paths
        self._metrics: dict[str, FontMetrics] = {}
        self.subsets = SubsetCache()

    def metrics(self, key: str) -> FontMetrics:
        found = self._metrics.get(key)
        if found is None:
            found = self._metrics[key] = FontMetrics(self.font_paths[key])
        return found


class PdfWriter:
    """One PDF document; add pages, then `save()`."""

    def __init__(self, resources: PdfResources, images: dict[str, PreparedImage],
                 title: str = "", author: str = "") -> None:
        self.res = resources
        self.images = images
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
            found = EmbeddedFont(self.res.metrics(key), f"FE{len(self._fonts) + 1}",
                                 self.res.subsets)
            self._fonts[key] = found
            doc.delayedFonts.append(found)
        return found

    # -- pages -------------------------------------------------------------------------
    def add_page(self, frame: PageFrame) -> None:
        c = self.canvas
        c.setPageSize((frame.width, frame.height))
        code = c._code
        for el in frame.elements:
            if el.fill is not None:
                self._fill(el, frame.height, code)
            if el.image is not None:
                self._image(el, frame.height)
            if el.stroke is not None and el.stroke_width > 0:
                self._stroke(el, frame.height, code)
            if el.lines:
                code.append(self._text(el.lines, frame.height))
        c.setTrimBox((0, 0, frame.width, frame.height))
        c.showPage()

    def _fill(self, el: Element, page_h: float, code: list[str]) -> None:
        b = el.box
        assert el.fill is not None
        code.append(f"q {_cmyk(el.fill)} {_num(b.x0)} {_num(page_h - b.y1)} "
                    f"{_num(b.width)} {_num(b.height)} re f Q")

    def _stroke(self, el: Element, page_h: float, code: list[str]) -> None:
        b = el.box
        assert el.stroke is not None
        # A rule is a box of zero height (horizontal) or zero width (vertical); any other
        # box is outlined (proof frames).
        head = f"q {_cmyk(el.stroke, stroke=True)} {_num(el.stroke_width)} w 0 J "
        if b.width > 1e-6 and b.height > 1e-6:
            code.append(head + f"{_num(b.x0)} {_num(page_h - b.y1)} {_num(b.width)} "
                        f"{_num(b.height)} re S Q")
        else:
            code.append(head + f"{_num(b.x0)} {_num(page_h - b.y0)} m {_num(b.x1)} "
                        f"{_num(page_h - b.y1)} l S Q")

    def _image(self, el: Element, page_h: float) -> None:
        assert el.image is not None
        prepared = self.images[el.image.digest + repr(el.image.crop)]
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
        c._code.append(f"q {_num(b.width)} 0 0 {_num(b.height)} {_num(b.x0)} "
                       f"{_num(page_h - b.y1)} cm /{reg} Do Q")
        c._formsinuse.append(name)
        c._currentPageHasImages = 1

    def _text(self, lines: Iterable[Line], page_h: float) -> str:
        out: list[str] = []
        color = None
        for line in lines:
            if line.color != color:
                color = line.color
                out.append(_cmyk(color))
            y = page_h - line.baseline
            last = len(line.words) - 1
            for k, pw in enumerate(line.words):
                word = pw.word
                # The space after a word belongs to its ActualText: extractors then give
                # back the desk's spaces whatever the justified gap looks like.
                text = word.text if k == last or word.joined else word.text + " "
                runs = word.runs
                hyphen = None
                if word.hyphen:  # the hyphen is drawn outside the span: extractors see a
                    *head, tail = runs  # line-end hyphen and join the word back up
                    runs = (*head, replace(tail, glyphs=tail.glyphs[:-1]))
                    hyphen = replace(tail, glyphs=tail.glyphs[-1:])
                out.append(f"/Span <</ActualText {_actual_text(text)}>> BDC BT")
                for run in runs:
                    if run.glyphs:
                        out.append(self._run(run, pw.x, y))
                out.append("ET EMC")
                if hyphen is not None:
                    out.append(f"/Span <</ActualText {_actual_text('-')}>> BDC BT "
                               + self._run(hyphen, pw.x, y) + " ET EMC")
        return "q " + "\n".join(out) + " Q" if out else ""

    def _run(self, run, x0: float, y0: float) -> str:  # type: ignore[no-untyped-def]
        font = self._font(run.font)
        adv = font.metrics.advances
        size = run.size
        parts = [f"/{font.name} {_num(size)} Tf"]
        tj: list[str] = []
        pen = None  # where the PDF's own advance leaves the next glyph
        cur_y = None
        for g in run.glyphs:
            font.used.add(g.gid)
            gx, gy = x0 + g.x, y0 + g.y
            if cur_y is None or abs(gy - cur_y) > 1e-4 or pen is None:
                if tj:
                    parts.append("[" + "".join(tj) + "] TJ")
                    tj = []
                parts.append(f"1 0 0 1 {_num(gx)} {_num(gy)} Tm")
                cur_y = gy
            elif abs(gx - pen) > 1e-4:
                tj.append(_num(-(gx - pen) * 1000.0 / size))
            tj.append(f"<{g.gid:04X}>")
            pen = gx + adv[g.gid] * size / 1000.0
        if tj:
            parts.append("[" + "".join(tj) + "] TJ")
        return " ".join(parts)

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file in the same folder, then rename."""
        self.canvas.save()
        data = self.buffer.getvalue()
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
