"""Set text in a template style: the bridge from Style to the text engine."""

from __future__ import annotations

from dataclasses import replace

from epaper.model.edition import Span
from epaper.model.frame import Line, PlacedWord
from epaper.model.template import Style
from epaper.text.paragraph import SetLine, compose
from epaper.text.words import Font, WordMaker


def font_for(style: Style, lang: str, size: float | None = None) -> Font:
    return Font(style.family, size or style.size, style.bold, style.italic, lang)


# Room a line takes above and below its baseline, in em of its size: at least this (what
# the templates were drawn with), more where the style's fonts reach further (Lohit's ট
# and ী stand 0.975 em high, Noto Serif Bengali Bold's ঁ 0.953).
ASCENT_EM = 0.95
DESCENT_EM = 0.4


class Typesetter:
    def __init__(self, maker: WordMaker) -> None:
        self.maker = maker

    def extent(self, style: Style, size: float | None = None) -> tuple[float, float]:
        """(ascent, descent) of a line in `style`, in points."""
        size = size or style.size
        up, down = self.maker.extent(font_for(style, "bn", size))
        return max(up, ASCENT_EM) * size, max(down, DESCENT_EM) * size

    def set(self, text: str | tuple[Span, ...], style: Style, width: float, lang: str, *,
            size: float | None = None, align: str | None = None,
            indent: float = 0.0, balance: bool = False) -> list[SetLine]:
        spans = (Span(text),) if isinstance(text, str) else text
        return compose(self.maker, spans, font_for(style, lang, size), width,
                       align=align or style.align, indent=indent, hyphenate=style.hyphenate,
                       balance=balance)


def place(lines: list[SetLine], x0: float, first_baseline: float, leading: float,
          style: Style) -> tuple[Line, ...]:
    """Put composed lines on the page: absolute word x, one baseline per leading."""
    out = []
    for i, sl in enumerate(lines):
        words = tuple(PlacedWord(w.word, x0 + w.x) for w in sl.words)
        out.append(Line(words, first_baseline + i * leading, x0, sl.width, style.color,
                        sl.ratio, sl.scale))
    return tuple(out)


def with_baseline(line: Line, baseline: float, x0: float) -> Line:
    shift = x0 - line.x0
    return replace(line, baseline=baseline, x0=x0,
                   words=tuple(PlacedWord(w.word, w.x + shift) for w in line.words))
