"""Turn styled text into shaped words: tokenize at spaces, itemize by font, shape each run."""

from __future__ import annotations

from dataclasses import dataclass

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
