"""What layout produces and renderers consume: pages of positioned, already-shaped items.

Coordinates are points from the top-left corner of the trimmed page, y growing down;
renderers flip to their own space. Nothing here knows about PDF or pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from epaper.model.template import BLACK, CMYK


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def overlaps(self, other: Box, eps: float = 0.01) -> bool:
        return (
            self.x0 < other.x1 - eps
            and other.x0 < self.x1 - eps
            and self.y0 < other.y1 - eps
            and other.y0 < self.y1 - eps
        )

    def contains(self, other: Box, eps: float = 0.01) -> bool:
        return (
            other.x0 >= self.x0 - eps
            and other.y0 >= self.y0 - eps
            and other.x1 <= self.x1 + eps
            and other.y1 <= self.y1 + eps
        )


@dataclass(frozen=True)
class Glyph:
    """One shaped glyph, positioned relative to its word's origin on the baseline."""

    gid: int
    x: float
    y: float  # up is positive (HarfBuzz's y_offset), in points
    # The characters of the word this glyph shows (a conjunct its letters, a reph "র্",
    # a space glyph " "); "" for one HarfBuzz added (a dotted circle). The PDF's ToUnicode
    # map is made from these, for readers that ignore ActualText.
    text: str = ""


@dataclass(frozen=True)
class GlyphRun:
    """Glyphs of one font at one size: the unit a renderer draws."""

    font: str  # FontBook key of the face
    size: float
    glyphs: tuple[Glyph, ...]


@dataclass(frozen=True)
class Word:
    """A shaped word: what it says (for the text layer) and how it is drawn."""

    text: str
    width: float
    runs: tuple[GlyphRun, ...]
    hyphen: bool = False  # drawn with a trailing hyphen that is not part of `text`
    joined: bool = False  # the next word continues this one: no space in the text layer
    forced: bool = False  # broken only because it is wider than the column (no hyphen)
    # Blank between the word's edges and its ink, left and right (side bearings, points):
    # the gap a reader sees between two words is the word space plus these.
    bearings: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class PlacedWord:
    word: Word
    x: float  # absolute, left edge


@dataclass(frozen=True)
class Line:
    words: tuple[PlacedWord, ...]
    baseline: float  # absolute y
    x0: float
    width: float  # measure of the line box
    color: CMYK = BLACK
    ratio: float = 0.0  # word-space stretch actually used (1.0 = natural)
    # Horizontal scale of every glyph of the line (font expansion, PDF `Tz`): a word at
    # `x` is drawn `word.width * scale` wide, its glyphs at `x + glyph.x * scale`.
    scale: float = 1.0

    @property
    def text(self) -> str:
        """The line as a reader would copy it: a hyphenated break keeps its hyphen."""
        out = ""
        for k, w in enumerate(self.words):
            out += w.word.text + ("-" if w.word.hyphen else "")
            if k < len(self.words) - 1 and not w.word.joined:
                out += " "
        return out


@dataclass(frozen=True)
class Image:
    path: Path
    digest: str
    crop: tuple[float, float, float, float]  # source pixels: left, top, right, bottom
    ppi: float  # effective resolution at placed size


@dataclass(frozen=True)
class Element:
    """One logical piece of a page: a headline, a body column, a photo, a rule."""

    role: str
    box: Box
    story: str = ""
    slot: str = ""
    lines: tuple[Line, ...] = ()
    image: Image | None = None
    fill: CMYK | None = None
    stroke: CMYK | None = None
    stroke_width: float = 0.0
    column: int = 0  # text column index inside its slot, for body elements


@dataclass(frozen=True)
class PageFrame:
    number: int
    template: str
    section: str
    width: float
    height: float
    bleed: float
    elements: tuple[Element, ...]
    mono: bool = False  # print in black only: colours and photos go to the K plate
