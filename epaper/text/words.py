"""Turn styled text into shaped words: tokenize at spaces, itemize by font, shape each run."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, replace

import pyphen

from epaper.model.edition import Span
from epaper.model.frame import Glyph, GlyphRun, Word
from epaper.text.fonts import FontBook
from epaper.text.itemize import itemize
from epaper.text.shape import Shaper

# A token made only of these belongs to the word before it: no line may start with them.
CLOSING = frozenset("।॥,;:?!)]}’”%›»")
OPENING = frozenset("([{‘“‹«")

Piece = tuple[str, bool, bool]  # text, bold, italic
MIN_SPACE_EM = 0.3


@dataclass(frozen=True)
class Font:
    """What a style asks of the text engine: a family, a size, a weight, a language."""

    family: str
    size: float
    bold: bool = False
    italic: bool = False
    lang: str = "bn"


def tokenize(spans: tuple[Span, ...] | list[Span]) -> list[tuple[Piece, ...]]:
    """Split spans into words (tuples of styled pieces) at whitespace.

    A token of closing punctuation only is glued to the word before it, space included,
    so the text layer keeps the desk's spacing while no line can start with a danda.
    """
    words: list[list[Piece]] = []
    current: list[Piece] = []
    glue_next = False
    for span in spans:
        buf = ""
        for ch in span.text:
            if ch.isspace() and ch != "\u00a0":
                if buf:
                    current.append((buf, span.bold, span.italic))
                    buf = ""
                if current:
                    words.append(current)
                    current = []
                continue
            buf += ch
        if buf:
            current.append((buf, span.bold, span.italic))
    if current:
        words.append(current)
    merged: list[list[Piece]] = []
    for w in words:
        text = "".join(p[0] for p in w)
        if merged and all(c in CLOSING for c in text):
            merged[-1] = merged[-1] + [(" ", w[0][1], w[0][2])] + w
        elif merged and glue_next:
            merged[-1] = merged[-1] + [(" ", w[0][1], w[0][2])] + w
        else:
            merged.append(w)
        glue_next = all(c in OPENING for c in text)
    return [tuple(w) for w in merged]


class WordMaker:
    """Shapes words for one FontBook; caches per (family, pieces, size, weight)."""

    def __init__(self, fonts: FontBook, shaper: Shaper | None = None) -> None:
        self.fonts = fonts
        self.shaper = shaper or Shaper()
        self._cache: dict[tuple[object, ...], Word] = {}

    def space(self, font: Font) -> float:
        """The natural word space: the font's, but never under MIN_SPACE_EM.

        Noto's Bengali space is 0.26 em; in 35 mm columns that leaves justification too
        little to work with, and Bengali dailies set a word space nearer a third of an em.
        """
        face = self.fonts.stack(font.family, font.bold, font.italic)[self._prefer(font)]
        self.shaper.add_face(face.key, face.path)
        own = self.shaper.shape(face.key, " ").advance / face.upem
        return max(own, MIN_SPACE_EM) * font.size

    def _prefer(self, font: Font) -> int:
        if font.lang == "bn":
            return 0
        stack = self.fonts.stack(font.family, font.bold, font.italic)
        return next((i for i, f in enumerate(stack) if f.covers("a")), 0)

    def word(self, pieces: tuple[Piece, ...], font: Font) -> Word:
        key = (pieces, font)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._make(pieces, font)
        return found

    def fitted(self, pieces: tuple[Piece, ...], font: Font, width: float) -> list[Word]:
        """The word, or, when it is wider than `width` (a URL, a long compound), its pieces
        broken at cluster boundaries so that each fits: the last resort before a line
        runs out of its column. Every piece but the last is `joined` to the next."""
        whole = self.word(pieces, font)
        if whole.width <= width:
            return [whole]
        chars = [(ch, b, i) for text, b, i in pieces for ch in text]
        text = "".join(c[0] for c in chars)
        hyphenated = self._hyphenated(chars, font, width)
        if hyphenated:
            return hyphenated
        cuts = [k for k in range(1, len(text)) if _may_break_inside(text, k)]
        out: list[Word] = []
        start = 0
        while start < len(text):
            end = len(text)
            if self._piece_width(chars, start, end, font) > width:
                fits = [k for k in cuts if k > start
                        and self._piece_width(chars, start, k, font) <= width]
                later = [k for k in cuts if k > start]
                end = fits[-1] if fits else (later[0] if later else len(text))
            word = self.word(_pieces(chars[start:end]), font)
            out.append(replace(word, joined=end < len(text)))
            start = end
        return out

    def _hyphenated(self, chars: list[Piece], font: Font, width: float) -> list[Word]:
        """A Latin word broken at dictionary hyphenation points, a hyphen drawn at each
        break; empty if the word has no points that make every piece fit."""
        text = "".join(c[0] for c in chars)
        if not text.isascii() or not text.strip(_WORD_PUNCT).isalpha():
            return []  # numbers, URLs and codes are never hyphenated
        points = [p for p in _hyphenator().positions(text)
                  if text[p - 1].isalpha() and text[p].isalpha()]
        out: list[Word] = []
        start = 0
        while True:
            rest = self.word(_pieces(chars[start:]), font)
            if rest.width <= width:
                out.append(rest)
                return out
            fits = [p for p in points if p > start and self._hyphen_width(chars, start, p, font)
                    <= width]
            if not fits:
                return []
            end = fits[-1]
            word = self.word(_pieces(chars[start:end] + [("-",) + chars[end - 1][1:]]), font)
            out.append(replace(word, text=text[start:end], hyphen=True, joined=True))
            start = end

    def _hyphen_width(self, chars: list[Piece], start: int, end: int, font: Font) -> float:
        return self.word(_pieces(chars[start:end] + [("-",) + chars[end - 1][1:]]), font).width

    def _piece_width(self, chars: list[Piece], start: int, end: int, font: Font) -> float:
        return self.word(_pieces(chars[start:end]), font).width

    def text_words(self, text: str, font: Font) -> list[Word]:
        return [self.word(p, font) for p in tokenize([Span(text, font.bold, font.italic)])]

    def _make(self, pieces: tuple[Piece, ...], font: Font) -> Word:
        runs: list[GlyphRun] = []
        pen = 0.0
        prefer = self._prefer(font)
        for text, bold, italic in pieces:
            stack = self.fonts.stack(font.family, font.bold or bold, font.italic or italic)
            for run in itemize(text, stack, prefer):
                face = run.face
                self.shaper.add_face(face.key, face.path)
                shaped = self.shaper.shape(face.key, text[run.start:run.end])
                scale = font.size / face.upem
                glyphs = []
                for g in shaped.glyphs:
                    glyphs.append(Glyph(g.gid, pen + g.x_offset * scale, g.y_offset * scale))
                    pen += g.advance * scale
                runs.append(GlyphRun(face.key, font.size, tuple(glyphs)))
        text = "".join(p[0] for p in pieces)
        return Word(text=text, width=pen, runs=tuple(runs))


@functools.cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US", left=2, right=3)


_WORD_PUNCT = "\"'“”‘’()[],.;:!?"
HASANTA = "\u09cd"
JOINERS = "\u200c\u200d"


def _may_break_inside(text: str, k: int) -> bool:
    """Between text[k-1] and text[k] lies a cluster boundary: no mark follows, and no
    hasanta or joiner binds the two letters into a conjunct."""
    after, before = text[k], text[k - 1]
    if unicodedata.category(after).startswith("M") or after in JOINERS or after == HASANTA:
        return False
    return before not in JOINERS and before != HASANTA


def _pieces(chars: list[Piece]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    for ch, b, i in chars:
        if out and out[-1][1] == b and out[-1][2] == i:
            out[-1] = (out[-1][0] + ch, b, i)
        else:
            out.append((ch, b, i))
    return tuple(out)


def fitted_words(maker: WordMaker, tokens: list[tuple[Piece, ...]], font: Font,
                 width: float, indent: float = 0.0) -> tuple[list[Word], list[int]]:
    """Shaped words for `tokens`, too-wide ones broken; and for each word its token index.
    Only the first word has to fit beside the paragraph's indent."""
    words: list[Word] = []
    owners: list[int] = []
    for k, token in enumerate(tokens):
        for w in maker.fitted(token, font, width - (indent if k == 0 else 0.0)):
            words.append(w)
            owners.append(k)
    return words, owners
