"""Compose a paragraph: shape its words, break it into lines, justify or align each line."""

from __future__ import annotations

from dataclasses import dataclass, replace

from epaper.model.edition import Span
from epaper.model.frame import PlacedWord, Word
from epaper.text.balance import balanced, end_costs
from epaper.text.linebreak import (
    MAX_LATIN_TRACK,
    SHRINK,
    SPACE,
    LineBreak,
    even_gaps,
    justify_line,
    natural_line,
    total_fit,
)
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
    scale: float = 1.0  # horizontal scale of its glyphs (font expansion); x includes it

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
    balance: bool = False,
) -> list[SetLine]:
    frags, _owners = fragments(maker, tokenize(spans), font, width, indent, hyphenate)
    return set_words(maker, font, frags, width, align=align, indent=indent, balance=balance)


def inset(lines: list[SetLine], left: float, width: float) -> list[SetLine]:
    """Lines set on a narrower measure, moved `left` points in from the start of a
    `width` measure (list items, block quotes)."""
    return [replace(ln, words=tuple(PlacedWord(w.word, w.x + left) for w in ln.words),
                    width=width) for ln in lines]


def with_marker(line: SetLine, marker: Word, x: float) -> SetLine:
    """The line with `marker` (a list item's bullet or number) drawn first, at `x`."""
    return replace(line, words=(PlacedWord(marker, x), *line.words))


def set_words(maker: WordMaker, font: Font, frags: list[Fragment], width: float, *,
              align: str = "justify", indent: float = 0.0,
              balance: bool = False) -> list[SetLine]:
    """Break and set the fragments. `balance` (ragged text only: headlines, kickers,
    decks) keeps the number of lines total-fit finds and evens out their lengths."""
    space = maker.space(font)
    items = [f.item() for f in frags]

    def line_width(k: int) -> float:
        return width - (indent if k == 0 else 0.0)

    breaks = total_fit(items, space, line_width, justify=align == "justify", em=font.size)
    if balance and align != "justify" and len(breaks) > 1:
        texts = ["".join(p[0] for p in f.pieces) for f in frags]
        breaks = balanced(items, space, line_width, len(breaks), end_costs(texts)) or breaks
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
            else:
                words.append(maker.rejoin(group, font, hyphen))
            if not end_of_line:
                gaps.append(1)
            group = []
    return words, gaps


def _latin(word: Word) -> bool:
    return word.text.isascii()


def _letters(word: Word) -> int:
    """Gaps between the word's glyphs: where letter-spacing goes."""
    return max(0, sum(len(r.glyphs) for r in word.runs) - 1)


def _letterspaced(words: list[Word], track: float) -> list[Word]:
    """Words with `track` points added after each glyph but a word's last."""
    out = []
    for w in words:
        n = 0
        runs = []
        for run in w.runs:
            glyphs = []
            for g in run.glyphs:
                glyphs.append(replace(g, x=g.x + n * track))
                n += 1
            runs.append(replace(run, glyphs=tuple(glyphs)))
        out.append(replace(w, runs=tuple(runs), width=w.width + _letters(w) * track))
    return out


def _even(words: list[Word], gaps: list[int], scale: float, total: float, floor: float
          ) -> list[float]:
    """The line's word spaces, `total` in all, set so that the gaps a reader sees (each
    space with the side bearings beside it) come out alike."""
    bearings = [scale * (a.bearings[1] + b.bearings[0])
                for a, b, g in zip(words, words[1:], gaps, strict=False) if g]
    return even_gaps(bearings, total, floor)


def _set_line(maker: WordMaker, font: Font, frags: list[Fragment], b: LineBreak, space: float,
              width: float, align: str, indent: float) -> SetLine:
    words, gaps = _line_words(maker, font, frags[b.start:b.end], b.hyphenated)
    measure = width - indent
    spaces = sum(gaps)
    boxes = sum(w.width for w in words)
    natural = boxes + space * spaces
    # From the words as drawn: rejoined pieces may kern a little differently from the
    # pieces the line breaker measured.
    if align == "justify" and not b.last and spaces:
        # Bengali is never letter-spaced: only a line wholly in Latin has letters to space.
        letters = sum(_letters(w) for w in words) if all(_latin(w) for w in words) else 0
        fit = justify_line(boxes, spaces, space, measure, letters,
                           font.size * MAX_LATIN_TRACK)
        if fit.track:
            words = _letterspaced(words, fit.track)
            boxes = sum(w.width for w in words)
        set_spaces = _even(words, gaps, fit.scale, measure - boxes * fit.scale,
                           space * (1 - SHRINK))
    else:
        fit = natural_line(boxes, spaces, space, measure)
        set_spaces = [space * fit.ratio] * spaces
    ratio, scale = fit.ratio, fit.scale
    used = boxes * scale + sum(set_spaces)
    x = indent
    if align == "center":
        x += max(0.0, (measure - used) / 2)
    elif align == "right":
        x += max(0.0, measure - used)
    placed = []
    spaced = iter(set_spaces)
    for k, w in enumerate(words):
        placed.append(PlacedWord(w, x))
        x += w.width * scale + (next(spaced) if k < len(gaps) and gaps[k] else 0.0)
    return SetLine(tuple(placed), width, natural, ratio if spaces else 1.0, b.last, b.overfull,
                   b.hyphenated, b.end - b.start, scale)
