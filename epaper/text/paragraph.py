"""Compose a paragraph: shape its words, break it into lines, justify or align each line."""

from __future__ import annotations

from dataclasses import dataclass

from epaper.model.edition import Span
from epaper.model.frame import PlacedWord, Word
from epaper.text.linebreak import SPACE, LineBreak, total_fit
from epaper.text.words import Font, Fragment, WordMaker, fragments, tokenize


@dataclass(frozen=True)
class SetLine:
    """A composed line, words placed relative to the line's left edge (x=0)."""

    words: tuple[PlacedWord, ...]
    width: float  # measure
    natural: float  # width of the words at natural spacing
    ratio: float
    last: bool
    overfull: bool = False
    hyphenated: bool = False
    pieces: int = 0  # line-breaking items it holds (a rejoined word counts its pieces)

    @property
    def text(self) -> str:
        return "".join(w.word.text + ("" if w.word.joined else " ") for w in self.words).rstrip()


def compose(
    maker: WordMaker,
    spans: tuple[Span, ...] | list[Span],
    font: Font,
    width: float,
    *,
    align: str = "justify",
    indent: float = 0.0,
    hyphenate: tuple[str, ...] = (),
) -> list[SetLine]:
    frags, _owners = fragments(maker, tokenize(spans), font, width, indent, hyphenate)
    return set_words(maker, font, frags, width, align=align, indent=indent)


def set_words(maker: WordMaker, font: Font, frags: list[Fragment], width: float, *,
              align: str = "justify", indent: float = 0.0) -> list[SetLine]:
    space = maker.space(font)
    breaks = total_fit([f.item() for f in frags], space,
                       lambda k: width - (indent if k == 0 else 0.0),
                       justify=align == "justify")
    return [_set_line(maker, font, frags, b, space, width, align,
                      indent if b.start == 0 else 0.0) for b in breaks]


def _line_words(maker: WordMaker, font: Font, line: list[Fragment], hyphenated: bool
                ) -> tuple[list[Word], list[int]]:
    """The line's words, pieces of a word it keeps together joined into one again; and
    after each word but the last, 1 for a word space, 0 for none."""
    words: list[Word] = []
    gaps: list[int] = []
    group: list[Fragment] = []
    for k, f in enumerate(line):
        group.append(f)
        end_of_line = k == len(line) - 1
        if f.after == SPACE or end_of_line:
            hyphen = end_of_line and hyphenated
            if len(group) == 1 and not hyphen:
                words.append(f.word)
            elif len(group) == 1 and f.hyphenated is not None:
                words.append(f.hyphenated)
            else:
                words.append(maker.rejoin(group, font, hyphen))
            if not end_of_line:
                gaps.append(1)
            group = []
    return words, gaps


def _set_line(maker: WordMaker, font: Font, frags: list[Fragment], b: LineBreak, space: float,
              width: float, align: str, indent: float) -> SetLine:
    words, gaps = _line_words(maker, font, frags[b.start:b.end], b.hyphenated)
    measure = width - indent
    boxes = sum(w.width for w in words)
    natural = boxes + space * sum(gaps)
    gap = space
    if align == "justify" and not b.last and sum(gaps):
        # From the words as drawn: rejoined pieces may kern a little differently.
        gap = (measure - boxes) / sum(gaps)
    elif natural > measure and sum(gaps):
        gap = space * max(b.ratio, 0.0)  # shrink a last/ragged line that needs it
    used = boxes + gap * sum(gaps)
    x = indent
    if align == "center":
        x += max(0.0, (measure - used) / 2)
    elif align == "right":
        x += max(0.0, measure - used)
    placed = []
    for k, w in enumerate(words):
        placed.append(PlacedWord(w, x))
        x += w.width + (gap * gaps[k] if k < len(gaps) else 0.0)
    ratio = gap / space if space else 1.0
    return SetLine(tuple(placed), width, natural, ratio, b.last, b.overfull, b.hyphenated,
                   b.end - b.start)
