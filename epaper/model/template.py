"""Page templates as layout reads them: grid, slots and styles, all lengths in points."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CMYK = tuple[float, float, float, float]
BLACK: CMYK = (0.0, 0.0, 0.0, 1.0)

SLOT_ROLES = ("story", "photo", "briefs", "ad", "masthead", "folio", "jumps", "imprint")


@dataclass(frozen=True)
class Style:
    name: str
    family: str
    size: float
    leading: float
    bold: bool = False
    italic: bool = False
    color: CMYK = BLACK
    align: str = "left"  # left | justify | center | right
    indent: float = 0.0  # first-line indent of following paragraphs
    hyphenate: tuple[str, ...] = ()  # languages whose words may be hyphenated (en, bn)


@dataclass(frozen=True)
class HeadlineFit:
    min_size: float
    max_size: float
    max_lines: int


@dataclass(frozen=True)
class PhotoSpec:
    position: str = "top"  # top | none
    span: int = 0  # text columns the photo spans; 0 = all
    min_height: float = 0.0
    max_height: float = 0.0


@dataclass(frozen=True)
class Slot:
    name: str
    role: str
    col: int  # 1-based first grid column
    span: int
    top: float  # points below the top of the type area
    height: float
    columns: int = 0  # text columns inside the slot; 0 = span
    headline: HeadlineFit | None = None
    photo: PhotoSpec = PhotoSpec()
    rules: tuple[str, ...] = ()  # edges that get a rule: bottom, right, top, left
    headline_style: str = "headline"
    title: str = ""  # a briefs slot's heading ("সংক্ষেপে")
    bleed: tuple[str, ...] = ()  # page edges this slot's background fill runs out to
    fill: CMYK | None = None  # background tint of the slot
    line: int = 0  # line in the template file, for messages


@dataclass(frozen=True)
class Shape:
    """A form a story may take on an auto page: grid columns wide by grid lines deep,
    with or without a photo, as a newsroom blueprint's article shapes."""

    name: str
    spans: tuple[int, ...]  # grid columns it may span
    min_depth: int  # grid lines
    max_depth: int
    columns: int = 0  # text columns; 0 = one per grid column
    headline: HeadlineFit | None = None
    photo: PhotoSpec = PhotoSpec(position="none")  # position "top": for stories with photos
    headline_style: str = "headline"
    lead: bool = False  # a shape for the page's first story (the lead) only
    rules: tuple[str, ...] = ()  # "columns": rules between its text columns
    line: int = 0

    @property
    def with_photo(self) -> bool:
        return self.photo.position == "top"


@dataclass(frozen=True)
class FreeArea:
    """Where an auto page's stories go, in grid columns and lines of the type area;
    furniture, ads and pinned slots inside it are left out."""

    col: int  # 1-based
    span: int
    top: int  # grid lines below the type area's top
    height: int


@dataclass(frozen=True)
class Grid:
    columns: int
    gutter: float
    baseline: float  # body leading; every body baseline is on this grid


@dataclass(frozen=True)
class PageTemplate:
    name: str
    width: float
    height: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    grid: Grid
    slots: tuple[Slot, ...]
    bleed: float = 0.0
    shapes: tuple[Shape, ...] = ()  # what stories may become on an auto page
    free: FreeArea | None = None  # None: the whole type area

    @property
    def content_width(self) -> float:
        return self.width - self.margin_left - self.margin_right

    @property
    def content_height(self) -> float:
        return self.height - self.margin_top - self.margin_bottom

    @property
    def column_width(self) -> float:
        g = self.grid
        return (self.content_width - (g.columns - 1) * g.gutter) / g.columns

    def column_x(self, col: int) -> float:
        """Left edge of 1-based grid column `col`."""
        return self.margin_left + (col - 1) * (self.column_width + self.grid.gutter)

    def slot(self, name: str) -> Slot | None:
        for s in self.slots:
            if s.name == name:
                return s
        return None

    def shape(self, name: str) -> Shape | None:
        for s in self.shapes:
            if s.name == name:
                return s
        return None

    @property
    def rows(self) -> int:
        """Whole grid lines in the type area."""
        return int(self.content_height / self.grid.baseline + 1e-4)


@dataclass(frozen=True)
class PrintSpec:
    """What the press asks of the print PDF, and what preflight holds it to."""

    profile: Path | None = None  # CMYK output profile (ICC): image conversion, OutputIntent
    ink_limit: float = 240.0  # total area coverage, percent
    slug: float = 34.0  # pt beyond the bleed for crop/registration marks and the slug line
    min_text: float = 5.0  # pt: smaller text is an error in preflight
    hairline: float = 0.25  # pt: thinner strokes are an error in preflight


@dataclass(frozen=True)
class TemplateSet:
    name: str
    path: Path
    paper: tuple[tuple[str, str], ...]
    styles: tuple[Style, ...]
    pages: tuple[PageTemplate, ...]
    min_ppi: float = 150.0
    floor_ppi: float = 50.0
    target_ppi: float = 200.0
    underset_tolerance: int = 2  # empty grid lines at a story's foot before we report it
    screen_ppi: float = 110.0  # e-paper/screen images
    loose_ratio: float = 2.2  # justified lines with wider word spaces are reported loose
    print: PrintSpec = PrintSpec()

    def style(self, name: str) -> Style:
        for s in self.styles:
            if s.name == name:
                return s
        raise KeyError(name)

    def page(self, name: str) -> PageTemplate | None:
        for p in self.pages:
            if p.name == name:
                return p
        return None
