"""Turn styled text into shaped words: tokenize at spaces, itemize by font, shape each run."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from epaper.model.edition import Span
from epaper.model.frame import Glyph, GlyphRun, Word
from epaper.text.breaks import seams
from epaper.text.fonts import FontBook
from epaper.text.hyphenate import cluster_boundary
from epaper.text.hyphenate import points as hyphen_points
from epaper.text.itemize import itemize
from epaper.text.linebreak import BREAK, DASH, HYPHEN, SPACE, Item
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
        before = "".join(p[0] for p in merged[-1]) if merged else ""
        if merged and (all(c in CLOSING for c in text) or _no_break(before, text)):
            merged[-1] = merged[-1] + [(" ", w[0][1], w[0][2])] + w
        elif merged and glue_next:
            merged[-1] = merged[-1] + [(" ", w[0][1], w[0][2])] + w
        else:
            merged.append(w)
        glue_next = all(c in OPENING for c in text)
    return [tuple(w) for w in merged]


_NUMBER = re.compile(r"^[(\[“‘]?[৳$€£]?[0-9০-৯][0-9০-৯.,:/–-]*$")
_UNITS = frozenset(["%", "শতাংশ", "percent", "‰", "°", "°C", "°F", "ডিগ্রি", "km", "kg", "g",
                    "m", "cm", "mm", "km/h", "mph", "kW", "MW", "GW", "kWh", "GB", "MB", "TB",
                    "কিমি", "কেজি", "মিমি", "সেমি", "মেগাওয়াট", "কিলোমিটার", "মিলিমিটার"])
_CURRENCY = frozenset("৳$€£")


def _no_break(before: str, after: str) -> bool:
    """Spaces a line must not break at: a number and its unit or percent sign ("৫৫
    শতাংশ", "10 km"), a currency sign and its amount, a name and its model number
    ("Falcon 9")."""
    unit = after.rstrip("".join(CLOSING))
    if _NUMBER.match(before) and unit in _UNITS:
        return True
    if before in _CURRENCY and _NUMBER.match(after.rstrip("".join(CLOSING))):
        return True
    number = after.rstrip("".join(CLOSING))
    return (before.isascii() and before.isalpha() and before[:1].isupper()
            and number.isdigit() and len(number) <= 3)


class WordMaker:
    """Shapes words for one FontBook; caches per (family, pieces, size, weight)."""

    def __init__(self, fonts: FontBook, shaper: Shaper | None = None) -> None:
        self.fonts = fonts
        self.shaper = shaper or Shaper()
        self._cache: dict[tuple[object, ...], Word] = {}
        # A story is set again for each shape the layout tries: its words' break points
        # and pieces are the same every time.
        self._fragments: dict[tuple[object, ...], list[Fragment]] = {}
        # Whole paragraphs set, keyed by all that decides their lines (layout/body.py).
        self.paragraphs: dict[tuple[object, ...], object] = {}

    def space(self, font: Font) -> float:
        """The natural word space: the font's own, but never under MIN_SPACE_EM.

        Bengali fonts' spaces are narrow (Noto 0.26 em, Lohit 0.28 em); in 35 mm columns
        that leaves justification too little to work with, and Bengali dailies set a
        word space nearer a third of an em.
        """
        face = self.fonts.stack(font.family, font.bold, font.italic)[self._prefer(font)]
        self.shaper.add_face(face.key, face.path)
        own = self.shaper.shape(face.key, " ").advance / face.upem
        return max(own, MIN_SPACE_EM) * font.size

    def extent(self, font: Font) -> tuple[float, float]:
        """How far the tallest and deepest common letters of the font's stack reach
        above and below the baseline, in em (measured from the faces' outlines)."""
        stack = self.fonts.stack(font.family, font.bold, font.italic)
        return max(f.top for f in stack), -min(f.bottom for f in stack)

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

    def fragments(self, pieces: tuple[Piece, ...], font: Font, width: float,
                  langs: tuple[str, ...] = ()) -> list[Fragment]:
        """The word as items for the line breaker: whole, or in pieces at the breaks it
        carries itself (after a compound's hyphen or a dash: UAX #14) and at its
        hyphenation points (`langs`: where the style allows them)."""
        key = (pieces, font, width, langs)
        found = self._fragments.get(key)
        if found is None:
            found = self._fragments[key] = self._fragments_of(pieces, font, width, langs)
        return found

    def _fragments_of(self, pieces: tuple[Piece, ...], font: Font, width: float,
                      langs: tuple[str, ...]) -> list[Fragment]:
        chars = [(ch, b, i) for text, b, i in pieces for ch in text]
        text = "".join(c[0] for c in chars)
        bounds = [0, *seams(text), len(text)]
        out: list[Fragment] = []
        for a, b in zip(bounds, bounds[1:], strict=False):
            part = self._part(chars[a:b], font, width, langs)
            if b < len(text):
                last = part[-1]
                part[-1] = Fragment(replace(last.word, joined=True), DASH, last.pieces)
            out += part
        return out

    def _part(self, chars: list[Piece], font: Font, width: float, langs: tuple[str, ...]
              ) -> list[Fragment]:
        """One part of a word: whole, or in pieces at its hyphenation points. A part wider
        than `width` is always broken: at English hyphenation points if they make every
        piece fit, else at cluster boundaries with no hyphen — the last resort before a
        line runs out of its column, marked `forced` so that the layout can warn."""
        text = "".join(c[0] for c in chars)
        whole = self.word(_pieces(chars), font)
        if whole.width <= width:
            cuts = hyphen_points(text, langs) if langs else []
            return self._split(chars, cuts, font, HYPHEN)
        cuts = hyphen_points(text, tuple(dict.fromkeys(("en",) + langs)))
        pieces_fit = all(self._width(chars, a, b, font, hyphen=b < len(text)) <= width
                         for a, b in zip([0] + cuts, cuts + [len(text)], strict=True))
        if cuts and pieces_fit:
            return self._split(chars, cuts, font, HYPHEN)
        return self._split(chars, self._cluster_cuts(chars, font, width), font, BREAK)

    def _cluster_cuts(self, chars: list[Piece], font: Font, width: float) -> list[int]:
        """Where to break a part no hyphenation point can split: after as many clusters as
        fit on a line, again and again. Each line's end is found by galloping and then
        halving, so a pasted 3,000-character token costs a few shapings per line, not one
        per cluster (which took minutes and gigabytes)."""
        text = "".join(c[0] for c in chars)
        ends = [k for k in range(1, len(text)) if cluster_boundary(text, k)] + [len(text)]

        def fits(start: int, j: int) -> bool:
            return self._width(chars, start, ends[j], font) <= width

        cuts: list[int] = []
        start, i = 0, 0
        while i < len(ends):
            last = i  # a single cluster wider than the line still makes a line
            if fits(start, i):
                step = 1
                while last + step < len(ends) and fits(start, last + step):
                    last += step
                    step *= 2
                high = min(last + step, len(ends))  # ends[high] does not fit (or is past)
                while high - last > 1:
                    mid = (last + high) // 2
                    if fits(start, mid):
                        last = mid
                    else:
                        high = mid
            if ends[last] == len(text):
                break
            start = ends[last]
            cuts.append(start)
            i = last + 1
        return cuts

    def _split(self, chars: list[Piece], cuts: list[int], font: Font, kind: str
               ) -> list[Fragment]:
        out: list[Fragment] = []
        text = "".join(c[0] for c in chars)
        bounds = [0] + cuts + [len(text)]
        for k, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
            own = _pieces(chars[a:b])
            word = self.word(own, font)
            if b == len(text):
                out.append(Fragment(word, SPACE, own))
                continue
            word = replace(word, joined=True, forced=kind == BREAK)
            # The hyphen's width, not the hyphenated piece: that is shaped only for the
            # few lines that end here (paragraph._line_words).
            hyphen = self.word((("-",) + chars[b - 1][1:],), font).width if kind == HYPHEN else 0
            out.append(Fragment(word, kind, own, hyphen))
            del k
        return out

    def rejoin(self, frags: list[Fragment], font: Font, hyphen: bool) -> Word:
        """Pieces of one word that a line kept together, shaped again as one word (kerning
        and ligatures across the hyphenation points come back); with its hyphen when the
        line ends at the last piece's hyphenation point."""
        chars = [c for f in frags for text, b, i in f.pieces for c in [(ch, b, i) for ch in text]]
        text = "".join(c[0] for c in chars)
        last = frags[-1]
        if hyphen:
            word = self.word(_pieces(chars + [("-",) + chars[-1][1:]]), font)
            return replace(word, text=text, hyphen=True, joined=True)
        word = self.word(_pieces(chars), font)
        return replace(word, joined=last.after != SPACE, forced=last.word.forced)

    def _width(self, chars: list[Piece], start: int, end: int, font: Font,
               hyphen: bool = False) -> float:
        extra = [("-",) + chars[end - 1][1:]] if hyphen else []
        return self.word(_pieces(chars[start:end] + extra), font).width

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
                    glyphs.append(Glyph(g.gid, pen + g.x_offset * scale, g.y_offset * scale,
                                        g.text))
                    pen += g.advance * scale
                runs.append(GlyphRun(face.key, font.size, tuple(glyphs)))
        text = "".join(p[0] for p in pieces)
        return Word(text=text, width=pen, runs=tuple(runs))


def _pieces(chars: list[Piece]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    for ch, b, i in chars:
        if out and out[-1][1] == b and out[-1][2] == i:
            out[-1] = (out[-1][0] + ch, b, i)
        else:
            out.append((ch, b, i))
    return tuple(out)


@dataclass(frozen=True)
class Fragment:
    """An item for the line breaker: a word or a piece of one, what follows it, and how
    it is drawn when a line ends after it at a hyphenation point."""

    word: Word
    after: str  # SPACE | HYPHEN | DASH | BREAK (see linebreak)
    pieces: tuple[Piece, ...] = ()  # its text, to reshape it with neighbours on one line
    hyphen: float = 0.0  # width a hyphen adds when a line ends here (HYPHEN only)

    def item(self) -> Item:
        return Item(self.word.width, self.after, self.hyphen)


def fragments(maker: WordMaker, tokens: list[tuple[Piece, ...]], font: Font, width: float,
              indent: float = 0.0, langs: tuple[str, ...] = ()
              ) -> tuple[list[Fragment], list[int]]:
    """Items for `tokens`, and for each its token index. Only the first word has to fit
    beside the paragraph's indent."""
    out: list[Fragment] = []
    owners: list[int] = []
    for k, token in enumerate(tokens):
        for f in maker.fragments(token, font, width - (indent if k == 0 else 0.0), langs):
            out.append(f)
            owners.append(k)
    return out, owners
