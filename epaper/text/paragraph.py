"""Compose a paragraph: shape its words, break it into lines, justify or align each line."""

from __future__ import annotations

from dataclasses import dataclass, replace

from epaper.model.edition import Span
from epaper.model.frame import PlacedWord, Word
from epaper.text.balance import balanced, end_costs
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

    breaks = total_fit(items, space, line_width, justify=align == "justify")
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


# A loose line set wholly in Latin may take a little letter-spacing before its word spaces
# grow further: at most MAX_LATIN_TRACK em between letters, only above LETTERSPACE_FROM
# times the natural space. Bengali never: spacing its letters breaks the headstroke.
LETTERSPACE_FROM = 1.5
MAX_LATIN_TRACK = 0.015


def _latin(word: Word) -> bool:
    return word.text.isascii()


def _letterspaced(words: list[Word], excess: float, max_track: float) -> list[Word]:
    """Words with `excess` points spread between their letters, up to `max_track` each."""
    gaps = sum(max(0, sum(len(r.glyphs) for r in w.runs) - 1) for w in words)
    if gaps == 0:
        return words
    track = min(max_track, excess / gaps)
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
        out.append(replace(w, runs=tuple(runs), width=w.width + max(0, n - 1) * track))
    return out


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
        if gap > space * LETTERSPACE_FROM and all(_latin(w) for w in words):
            words = _letterspaced(words, (gap - space * LETTERSPACE_FROM) * sum(gaps),
                                  font.size * MAX_LATIN_TRACK)
            boxes = sum(w.width for w in words)
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
