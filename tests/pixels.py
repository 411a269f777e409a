"""Render a few composed lines through the real PDF writer and measure their pixels.

Shared by the typography pixel tests and `bench/latin.py`: a line is composed by the text
engine, drawn by `render/pdf.py` into a one-page screen PDF and rasterised by pdfium, so
what is measured is what a reader sees.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from epaper.model.edition import Span
from epaper.model.frame import Box, Element, Line, PageFrame, PlacedWord
from epaper.render.pdf import PageDrawer, PdfResources, Sheet
from epaper.render.writer import write_pdf
from epaper.text.fonts import FontBook
from epaper.text.paragraph import compose
from epaper.text.words import Font, WordMaker

MARGIN = 10.0  # pt around the text


@dataclass(frozen=True)
class Rendered:
    """A rasterised block of lines: ink (0 paper … 1 solid) and where the lines are."""

    ink: np.ndarray  # rows × columns, float
    scale: float  # pixels per point
    lines: tuple[Line, ...]

    def px(self, pt: float) -> int:
        return int(round(pt * self.scale))

    def baseline(self, k: int = 0) -> int:
        """Pixel row of line k's baseline (the row just above it holds the ink)."""
        return self.px(self.lines[k].baseline)

    def columns(self, x0: float, x1: float, k: int = 0, up: float = 1.2,
                down: float = 0.4, size: float = 0.0) -> np.ndarray:
        """Ink of line k between page x0 and x1 (points), from `up` em above the
        baseline to `down` em below it."""
        size = size or self.lines[k].words[0].word.runs[0].size
        b = self.baseline(k)
        return self.ink[b - self.px(up * size):b + self.px(down * size), self.px(x0):self.px(x1)]

    def top(self, x0: float, x1: float, k: int = 0, threshold: float = 0.5) -> float:
        """Height (points) above line k's baseline of the highest ink between x0 and x1,
        looking no higher than 1.2 em (the line above is not this line's ink)."""
        b = self.baseline(k)
        above = b - self.px(1.2 * self.lines[k].words[0].word.runs[0].size)
        strip = self.ink[above:b, self.px(x0):self.px(x1)]
        rows = np.nonzero((strip >= threshold).any(axis=1))[0]
        return (b - above - rows[0]) / self.scale if len(rows) else 0.0

    def blank_runs(self, x0: float, x1: float, k: int = 0, threshold: float = 0.25
                   ) -> list[tuple[float, float]]:
        """Runs of blank pixel columns of line k between x0 and x1, as (start, width) in
        points: the gaps a reader sees."""
        strip = self.columns(x0, x1, k)
        blank = ~(strip >= threshold).any(axis=0)
        runs: list[tuple[float, float]] = []
        start = None
        for i, b in enumerate(list(blank) + [False]):
            if b and start is None:
                start = i
            elif not b and start is not None:
                runs.append((x0 + start / self.scale, (i - start) / self.scale))
                start = None
        return runs


    def gap_before(self, x: float, k: int = 0) -> float:
        """Width (points) of the blank run of line k that ends at page x (within a
        pixel), e.g. at a glyph's ink; 0 if the ink there touches what is before it."""
        runs = self.blank_runs(x - 20, x + 1 / self.scale, k)
        ends = [(abs(s + w - x), w) for s, w in runs]
        near = [w for d, w in ends if d <= 1.5 / self.scale]
        return near[0] if near else 0.0


def glyph_ink(fonts: FontBook, line: Line, k: int, char: str, nth: int = 0) -> float:
    """Page x of the left edge of the ink of the `nth` glyph of word k that draws `char`
    (as its cmap glyph)."""
    pw = line.words[k]
    found = []
    for run in pw.word.runs:
        gid = fonts.outlines(run.font).glyph_id(char)
        for g in run.glyphs:
            if g.gid == gid:
                ink = fonts.ink(run.font, gid)
                assert ink is not None
                found.append(pw.x + g.x + ink[0] * run.size)
    return sorted(found)[nth]


def word_box(line: Line, k: int) -> tuple[float, float]:
    """Page x of word k's pen start and end (its advance, not its ink)."""
    w = line.words[k]
    return w.x, w.x + w.word.width


def render(maker: WordMaker, paragraphs: list[str], font: Font, width: float = 400.0, *,
           align: str = "left", scale: float = 4.0, leading: float = 0.0,
           out: Path | None = None) -> Rendered:
    """Compose each paragraph at `font` in a column `width` wide, draw them one under the
    other and rasterise at `scale` pixels per point (4 = 288 dpi)."""
    leading = leading or font.size * 1.6
    lines: list[Line] = []
    y = MARGIN + font.size * 1.2
    for text in paragraphs:
        for sl in compose(maker, [Span(text)], font, width, align=align):
            words = tuple(PlacedWord(w.word, MARGIN + w.x) for w in sl.words)
            lines.append(Line(words, y, MARGIN, sl.width, ratio=sl.ratio))
            y += leading
    height = y + MARGIN
    frame = PageFrame(1, "test", "", width + 2 * MARGIN, height, 0.0,
                      (Element("body", Box(MARGIN, MARGIN, MARGIN + width, height - MARGIN),
                               "t", "t", tuple(lines)),))
    res = PdfResources({p.stem: p for p in maker.fonts.dir.glob("*.ttf")})
    drawing = PageDrawer(res, lambda _el, _mono: "", Sheet("screen")).draw(frame)
    data = write_pdf([drawing], res, {}, title="test", author="", day=dt.date(2026, 12, 7))
    with tempfile.TemporaryDirectory(prefix="epaper-pixels-") as tmp:
        path = out or Path(tmp) / "line.pdf"
        path.write_bytes(data)
        pdf = pdfium.PdfDocument(str(path))
        image = pdf[0].render(scale=scale, grayscale=True).to_pil().convert("L")
        pdf.close()
    ink = 1.0 - np.asarray(image, dtype=np.float64) / 255.0
    return Rendered(ink, scale, tuple(lines))


def maker_for(fonts_dir: Path) -> WordMaker:
    return WordMaker(FontBook(fonts_dir))
