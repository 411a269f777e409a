"""Turn styled text into shaped words: tokenize at spaces, itemize by font, shape each run."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from epaper.model.edition import Span
from epaper.model.frame import Glyph, GlyphRun, Word
from epaper.text.breaks import seams
from epaper.text.fonts import FontBook, Spacing
from epaper.text.hyphenate import cluster_boundary
from epaper.text.hyphenate import points as hyphen_points
from epaper.text.itemize import itemize
from epaper.text.linebreak import BREAK, DASH, HYPHEN, SPACE, Item
from epaper.text.shape import Shaper

# A token made only of these belongs to the word before it: no line may start with them.
CLOSING = frozenset("।॥,;:?!)]}’”%›»")
OPENING = frozenset("([{‘“‹«")
# Punctuation whose side-bearing is tightened to a letter gap (fonts.yaml `spacing`).
DANDAS = frozenset("।॥")
OPENING_QUOTES = frozenset("‘“‹«")
SPACED = DANDAS | OPENING_QUOTES
BAR_WIDTH = 1.5  # see WordMaker._bar

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
    # A paragraph is tokenized again for every width it is set at and every time a
    # story runs over in it (layout/body.py remaining_blocks): once is enough. A copy,
    # so no caller can change what the next one gets.
    return list(_tokenize(tuple(spans)))


@functools.lru_cache(maxsize=1 << 14)
def _tokenize(spans: tuple[Span, ...]) -> tuple[tuple[Piece, ...], ...]:
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
    return tuple(tuple(w) for w in merged)


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
        # Per word, font and languages: the cut that serves every measure at least as
        # wide as its widest part, and that width.
        self._anywhere: dict[tuple[object, ...], tuple[float, list[Fragment]]] = {}
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
            # A word whose every part fits the measure is cut only at its own points,
            # whatever the measure: one cut serves every measure its widest part fits.
            wide = self._anywhere.get((pieces, font, langs))
            if wide is not None and wide[0] <= width:
                found = wide[1]
            else:
                found = self._fragments_of(pieces, font, width, langs)
            self._fragments[key] = found
        return found

    def _fragments_of(self, pieces: tuple[Piece, ...], font: Font, width: float,
                      langs: tuple[str, ...]) -> list[Fragment]:
        chars = [(ch, b, i) for text, b, i in pieces for ch in text]
        text = "".join(c[0] for c in chars)
        bounds = [0, *seams(text), len(text)]
        out: list[Fragment] = []
        widest = 0.0  # of its parts whole (`_part` cuts one only where it is too wide)
        for a, b in zip(bounds, bounds[1:], strict=False):
            widest = max(widest, self.word(_pieces(chars[a:b]), font).width)
            part = self._part(chars[a:b], font, width, langs)
            if b < len(text):
                last = part[-1]
                part[-1] = Fragment(replace(last.word, joined=True), DASH, last.pieces)
            out += part
        if widest <= width:
            self._anywhere[(pieces, font, langs)] = (widest, out)
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
        """Shape each run of the word in its face. A run in a fallback face is set at the
        size times its scale (fonts.yaml `size_adjust`) on the same baseline, so Latin
        capitals stand as tall as the Bengali headstroke; then punctuation is spaced."""
        runs: list[GlyphRun] = []
        text = "".join(p[0] for p in pieces)
        # Where each glyph sits, for the spacing pass: only words that need it.
        marks: list[_Mark] | None = None if SPACED.isdisjoint(text) else []
        pen = 0.0
        prefer = self._prefer(font)
        offset = 0
        for piece, bold, italic in pieces:
            b, i = font.bold or bold, font.italic or italic
            stack = self.fonts.stack(font.family, b, i)
            scales = self.fonts.scales(font.family, b, i)
            spacing = self.fonts.spacing(font.family, b, i) if marks is not None else ()
            for run in itemize(piece, stack, prefer):
                face = run.face
                self.shaper.add_face(face.key, face.path)
                shaped = self.shaper.shape(face.key, piece[run.start:run.end])
                size = font.size * scales[run.index] / scales[prefer]
                scale = size / face.upem
                glyphs = []
                for g in shaped.glyphs:
                    glyphs.append(Glyph(g.gid, pen + g.x_offset * scale, g.y_offset * scale,
                                        g.text))
                    pen += g.advance * scale
                    if marks is not None:
                        at = run.start + g.cluster
                        marks.append(_Mark(len(runs), len(glyphs) - 1, face.key, size,
                                           offset + at, piece[at], spacing[run.index]))
                runs.append(GlyphRun(face.key, size, tuple(glyphs)))
            offset += len(piece)
        if marks:
            word = self._spaced(text, runs, marks, pen)
            return replace(word, bearings=self._bearings(word.runs, word.width))
        # Made once, bearings and all: a page makes thousands of words, and copying each
        # to add them was a tenth of what making one cost besides its shaping.
        done = tuple(runs)
        return Word(text=text, width=pen, runs=done, bearings=self._bearings(done, pen))

    def _bearings(self, runs: tuple[GlyphRun, ...], width: float) -> tuple[float, float]:
        """The white before the word's first ink and after its last, in points: what a
        reader sees of a word space is the space plus these (justification evens them)."""
        left, right = float("inf"), float("-inf")
        for run in runs:
            face = self.fonts.face(run.font)
            scale = run.size / face.upem
            for g in run.glyphs:
                ink = self.shaper.ink(face.key, g.gid)
                if ink is not None:
                    left = min(left, g.x + ink[0] * scale)
                    right = max(right, g.x + ink[1] * scale)
        return (left, width - right) if right >= left else (0.0, 0.0)

    def _spaced(self, text: str, runs: list[GlyphRun], marks: list[_Mark], pen: float
                ) -> Word:
        """Close the side-bearing gap before a danda and after an opening quote down to
        the face's letter gap (fonts.yaml `spacing`): the ink on either side of the gap
        is measured, and everything after it moves left. Only ever tighter; a space the
        desk typed is left alone; after a bar (া ী) a danda keeps enough room not to
        read as ॥."""
        glyphs = [list(r.glyphs) for r in runs]
        shift = 0.0  # how far everything from here on moves left, points
        rightmost: _Mark | None = None  # the mark whose ink reaches furthest right so far
        ink_right = 0.0
        quote_right: float | None = None  # of the opening quote just drawn

        def ink(m: _Mark, body: bool = False) -> tuple[float, float] | None:
            g = runs[m.run].glyphs[m.glyph]
            found = (self.fonts.body_ink if body else self.fonts.ink)(m.face, g.gid)
            return None if found is None else (g.x - shift + found[0] * m.size,
                                               g.x - shift + found[1] * m.size)

        for k, m in enumerate(marks):
            left, target = self._gap_before(text, marks, k, rightmost is not None,
                                            quote_right)
            if target is not None and m.char in DANDAS:
                left = ink_right
                if rightmost is not None and self._bar(ink(rightmost, True), ink(m, True)):
                    target = max(target, self.fonts.bar_gap(m.face) or target)
            if left is not None and target is not None:
                # The ink of the cluster that starts here: a pre-base vowel sign or a
                # mark may reach further left than its first glyph.
                edges = [e for n in marks[k:] if n.cluster == m.cluster
                         for e in [ink(n)] if e is not None]
                if edges:
                    shift += max(0.0, min(e[0] for e in edges) - left - target * m.size)
            g = runs[m.run].glyphs[m.glyph]
            glyphs[m.run][m.glyph] = replace(g, x=g.x - shift)
            edge = ink(m)
            if edge is not None and (rightmost is None or edge[1] > ink_right):
                rightmost, ink_right = m, edge[1]
            quote_right = edge[1] if m.char in OPENING_QUOTES and edge else None
        out = tuple(replace(r, glyphs=tuple(gs)) for r, gs in zip(runs, glyphs, strict=True))
        return Word(text=text, width=pen - shift, runs=out)

    @staticmethod
    def _gap_before(text: str, marks: list[_Mark], k: int, inked: bool,
                    quote_right: float | None) -> tuple[float | None, float | None]:
        """If glyph k starts a cluster after a gap to tighten: the ink edge left of the
        gap (for a danda: filled in by the caller) and the gap wanted (em)."""
        m = marks[k]
        if k == 0 or marks[k - 1].cluster == m.cluster or text[m.cluster - 1].isspace():
            return None, None
        if m.char in DANDAS:
            return None, m.spacing.before_danda if inked else None
        if marks[k - 1].char in OPENING_QUOTES:
            return quote_right, marks[k - 1].spacing.after_quote
        return None, None

    @staticmethod
    def _bar(before: tuple[float, float] | None, danda: tuple[float, float] | None) -> bool:
        """Whether the ink before a danda is a bare bar under the matra, as া or ী's stem
        are: no wider there than half again the danda's own stroke."""
        if before is None or danda is None:
            return False
        return before[1] - before[0] <= BAR_WIDTH * (danda[1] - danda[0])


def _pieces(chars: list[Piece]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    for ch, b, i in chars:
        if out and out[-1][1] == b and out[-1][2] == i:
            out[-1] = (out[-1][0] + ch, b, i)
        else:
            out.append((ch, b, i))
    return tuple(out)


@dataclass(frozen=True)
class _Mark:
    """Where a shaped glyph sits (run, index) and what it shows: its face and size, the
    first character of its cluster (index into the word's text, and the character), and
    its face's punctuation spacing."""

    run: int
    glyph: int
    face: str
    size: float
    cluster: int
    char: str
    spacing: Spacing


@dataclass(frozen=True)
class Fragment:
    """An item for the line breaker: a word or a piece of one, what follows it, and how
    it is drawn when a line ends after it at a hyphenation point."""

    word: Word
    after: str  # SPACE | HYPHEN | DASH | BREAK (see linebreak)
    pieces: tuple[Piece, ...] = ()  # its text, to reshape it with neighbours on one line
    hyphen: float = 0.0  # width a hyphen adds when a line ends here (HYPHEN only)

    @functools.cached_property
    def _item(self) -> Item:
        glyphs = sum(len(r.glyphs) for r in self.word.runs)
        return Item(self.word.width, self.after, self.hyphen, *self.word.bearings, glyphs,
                    self.word.text.isascii())

    def item(self) -> Item:
        return self._item  # a paragraph is broken again for each shape a story tries


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
