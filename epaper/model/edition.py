"""The edition as the desk wrote it: pages, stories, photos, paper identity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["para", "subhead", "item", "quote"]


@dataclass(frozen=True)
class Span:
    """A stretch of text with one emphasis; `link` is the URL it links to (for the
    e-paper: print shows the text only)."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str = ""


@dataclass(frozen=True)
class Block:
    """A body paragraph, subhead, list item or block quote, with the line it starts on in
    its story file.

    A list item (`item`) has its `marker` ("•", "১.", "2.") and `depth` (1 for a top-level
    item); an item's later paragraphs have no marker. `after_break` marks text after a
    hard line break: it goes on from the block before, without a paragraph indent."""

    kind: BlockKind
    spans: tuple[Span, ...]
    line: int = 0
    marker: str = ""
    depth: int = 0
    after_break: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Photo:
    path: Path
    caption: str = ""
    credit: str = ""
    focus: tuple[float, float] = (0.5, 0.5)
    pixel_size: tuple[int, int] = (0, 0)  # upright (EXIF orientation applied), as crops are
    digest: str = ""  # content hash: names the image in the PDF and keys caches
    line: int = 0  # line of its `file:` in the story file, for messages


@dataclass(frozen=True)
class Cleanup:
    """A kind of change input cleanup made on one line of a story file."""

    line: int
    field: str  # "body", "headline", "photos[0].caption", …
    rule: str
    count: int


@dataclass(frozen=True)
class Story:
    id: str
    path: Path
    lang: str
    headline: str
    kicker: str = ""
    subheadline: str = ""
    byline: str = ""
    dateline: str = ""
    source: str = ""
    photos: tuple[Photo, ...] = ()
    blocks: tuple[Block, ...] = ()
    cleanups: tuple[Cleanup, ...] = ()  # what input cleanup changed, for the desk

    def words(self) -> list[str]:
        """Every body word in reading order (subheads included)."""
        return [w for b in self.blocks for w in b.text.split()]


@dataclass(frozen=True)
class Continuation:
    """Where a story's overflow goes: a page number and, optionally, a slot there."""

    page: int
    slot: str | None = None


@dataclass(frozen=True)
class Placement:
    story: Story
    slot: str | None = None
    continue_to: Continuation | None = None
    line: int = 0  # line of this entry in edition.yaml
    shape: str | None = None  # on an auto page: the shape this story must take


@dataclass(frozen=True)
class PageSpec:
    number: int
    template: str
    section: str = ""
    placements: tuple[Placement, ...] = ()
    ads: tuple[tuple[str, Path], ...] = ()  # (slot, image) pairs
    line: int = 0
    mono: bool = False  # printed in black only (the press plan's colour positions)
    auto: bool = False  # the engine chooses every story's shape and place (template shapes)
    template_line: int = 0  # where its template is named: a bad name's caret goes there


@dataclass(frozen=True)
class Paper:
    """The newspaper's identity, printed on the masthead, folios and imprint."""

    name: str = ""
    name_en: str = ""
    tagline: str = ""
    publisher: str = ""
    editor: str = ""
    address: str = ""
    phone: str = ""
    web: str = ""
    price: str = ""
    volume: str = ""
    issue: str = ""
    copyright: str = ""

    def merged(self, overrides: dict[str, str]) -> Paper:
        values = {k: v for k, v in self.__dict__.items()}
        values.update({k: v for k, v in overrides.items() if v})
        return Paper(**values)


@dataclass(frozen=True)
class Edition:
    root: Path
    source: Path  # the edition.yaml
    date: dt.date
    lang: str
    layout: Path  # the template set file
    paper: Paper
    pages: tuple[PageSpec, ...]
    hijri_offset: int = 0
    stories: tuple[Story, ...] = field(default=())
    profile: Path | None = None  # the printer's CMYK profile, over the template set's

    def page(self, number: int) -> PageSpec | None:
        for p in self.pages:
            if p.number == number:
                return p
        return None
