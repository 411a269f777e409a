"""Compose a paragraph: shape its words, break it into lines, justify or align each line."""

from __future__ import annotations

from dataclasses import dataclass

from epaper.model.edition import Span
from epaper.model.frame import PlacedWord, Word
from epaper.text.linebreak import LineBreak, total_fit
from epaper.text.words import Font, WordMaker, fitted_words, tokenize


@dataclass(frozen=True)
class SetLine:
    """A composed line, words placed relative to the line's left edge (x=0)."""

    words: tuple[PlacedWord, ...]
    width: float  # measure
    natural: float  # width of the words at natural spacing
    ratio: float
    last: bool
    overfull: bool = False

    @property
    def text(self) -> str:
        return " ".join(w.word.text for w in self.words)


def compose(
    maker: WordMaker,
    spans: tuple[Span, ...] | list[Span],
    font: Font,
    width: float,
    *,
    align: str = "justify",
    indent: float = 0.0,
) -> list[SetLine]:
    words, _owners = fitted_words(maker, tokenize(spans), font, width, indent)
    return set_words(words, maker.space(font), width, align=align, indent=indent)


def set_words(
    words: list[Word], space: float, width: float, *, align: str = "justify", indent: float = 0.0
) -> list[SetLine]:
    breaks = total_fit([w.width for w in words], space,
                       lambda k: width - (indent if k == 0 else 0.0),
                       justify=align == "justify")
    return [_set_line(words, b, space, width, align, indent if b.start == 0 else 0.0)
            for b in breaks]


def _set_line(words: list[Word], b: LineBreak, space: float, width: float, align: str,
              indent: float) -> SetLine:
    line_words = words[b.start:b.end]
    measure = width - indent
    natural = sum(w.width for w in line_words) + space * (len(line_words) - 1)
    gap = space
    if align == "justify" and not b.last and len(line_words) > 1:
        gap = space * b.ratio
    elif natural > measure and len(line_words) > 1:
        gap = space * max(b.ratio, 0.0)  # shrink a last/ragged line that needs it
    used = sum(w.width for w in line_words) + gap * (len(line_words) - 1)
    x = indent
    if align == "center":
        x += max(0.0, (measure - used) / 2)
    elif align == "right":
        x += max(0.0, measure - used)
    placed = []
    for w in line_words:
        placed.append(PlacedWord(w, x))
        x += w.width + gap
    ratio = gap / space if space else 1.0
    return SetLine(tuple(placed), width, natural, ratio, b.last, b.overfull)
