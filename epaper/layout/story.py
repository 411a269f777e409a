"""Compose one story in its slot: kicker, fitted headline, byline, photo, body columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from epaper.calendars import bn_digits
from epaper.diagnostics import Diagnostic, locate
from epaper.errors import ContentError
from epaper.layout.body import Row, body_rows, flow, remaining_blocks, widow_or_orphan
from epaper.layout.geometry import Region, crop_for
from epaper.layout.typeset import Typesetter, place
from epaper.model.edition import Block, Photo, Story
from epaper.model.frame import Box, Element, Image, Line
from epaper.model.template import HeadlineFit, Style, TemplateSet
from epaper.text.paragraph import SetLine

HEAD_GAP = 0.35  # of the grid: space under the headline block
CAPTION_GAP = 0.15  # of the caption size: space between caption and credit
# Ragged display lines broken for even lengths, in as many lines as they need.
BALANCED_ROLES = frozenset({"headline", "jumphead", "kicker", "subheadline"})


@dataclass(frozen=True)
class Fit:
    """One copyfit setting of a story's elastic parts; None means natural.

    Natural: the photo at its own aspect within the slot's photo range, the headline at
    the largest size of its range that fits its lines, no added space. The copyfit
    order (`StoryComposer.compose`) moves these one at a time.
    """

    photo_rows: int | None = None  # grid rows of the photo
    headline_size: float | None = None
    headline_lines: int = 0  # set the headline in this many lines (0: as it breaks)
    space: int = 0  # grid lines added around the deck and byline


NATURAL = Fit()
GROW_PPI = 0.8  # a photo below min_ppi may grow until it loses this share of its ppi
SPACE_STEPS = 2  # at most this many grid lines of added space around deck and byline
MEMO_LIMIT = 4096  # entries a StoryComposer memo holds before it starts afresh


@dataclass
class _BodyText:
    """A story's body set at one column width, and what every composition of it reads:
    its rows, the words broken across lines in them, and the blocks left to set after
    each count of rows placed (found when first asked for)."""

    blocks: tuple[Block, ...]
    rows: list[Row]
    broken: list[str]
    rest: dict[int, tuple[Block, ...]] = field(default_factory=dict)

    def overflow(self, placed: int) -> tuple[Block, ...]:
        found = self.rest.get(placed)
        if found is None:
            found = self.rest[placed] = remaining_blocks(self.blocks, self.rows, placed)
        return found


@dataclass(frozen=True)
class Jump:
    """Where the rest of a story goes: page, grid column, language of the line."""

    page: int
    column: int


@dataclass
class Composed:
    elements: list[Element] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    placed: int = 0  # rows placed
    overflow: tuple[Block, ...] = ()
    headline_size: float = 0.0
    underset: int = 0
    warnings: list[str | Diagnostic] = field(default_factory=list)  # a str: W-layout
    columns_used: int = 0
    photo_rows: int = 0  # grid rows of the photo (0: none)
    level: bool = True  # the body columns' feet are within a line of each other
    headline_lines: int = 0
    widows_orphans_avoided: int = 0
    widows_orphans_left: list[str] = field(default_factory=list)


def jump_line(lang: str, jump: Jump) -> str:
    return jump_lines(lang, jump)[0]


def jump_lines(lang: str, jump: Jump) -> tuple[str, ...]:
    """The jump line, then shorter forms for a column too narrow for it: the page and
    column must both be read, so it is shortened rather than cut."""
    if lang == "bn":
        page, col = bn_digits(jump.page), bn_digits(jump.column)
        return (f"বাকি অংশ পৃষ্ঠা {page}, কলাম {col}", f"বাকি পৃ. {page}, ক. {col}")
    return (f"Continued on page {jump.page}, column {jump.column}",
            f"Continued on page {jump.page}, col. {jump.column}",
            f"See page {jump.page}, col. {jump.column}")


def continued_from(lang: str, page: int) -> str:
    if lang == "bn":
        return "প্রথম পৃষ্ঠার পর" if page == 1 else f"পৃষ্ঠা {bn_digits(page)}-এর পর"
    return f"Continued from page {page}"


class StoryComposer:
    def __init__(self, tset: TemplateSet, typesetter: Typesetter) -> None:
        self.tset = tset
        self.ts = typesetter
        # Copyfit sets the same headline, deck and caption again for every setting it
        # tries: each (text, style, measure, size) is set once.
        self._set_cache: dict[tuple[object, ...], list[SetLine]] = {}
        self.measuring = False  # compose only to measure: body lines are not placed
        # The auto search composes a story in one slot with one fit many times over (its
        # profile, the headline at a depth, copyfit's steps, the best layouts): while
        # measuring, each is composed once. Keyed by the story and page objects (hashing
        # them whole costs more than it saves), which the entry keeps alive and checks.
        self._measured: dict[tuple[object, ...], tuple[Story, object, Composed]] = {}
        # A story's body rows at one column width: the same for every fit of every slot
        # that gives it that width (keyed, and kept, like `_measured`).
        self._rows: dict[tuple[object, ...], _BodyText] = {}
        # Those rows flowed from the same column starts to the same foot: copyfit's steps
        # that move neither (a headline a point smaller on as many lines), and the search
        # meeting one story's text at one depth in other slots.
        self._flows: dict[tuple[object, ...], tuple[list[Row], list[list[Row]], int,
                                                    dict[str, int]]] = {}
        self._headers: dict[tuple[object, ...], tuple[Story, object, float, Composed]] = {}

    def _set(self, text: str, style: Style, width: float, lang: str, *,
             size: float | None = None, align: str | None = None,
             balance: bool = False) -> list[SetLine]:
        key = (text, style, round(width, 3), lang, size, align, balance)
        found = self._set_cache.get(key)
        if found is None:
            found = self._set_cache[key] = self.ts.set(text, style, width, lang, size=size,
                                                       align=align, balance=balance)
        return found

    def style(self, name: str) -> Style:
        return self.tset.style(name)

    def quote_style(self) -> Style | None:
        """The set's style for block quotes; a set without one quotes in the body's."""
        return next((s for s in self.tset.styles if s.name == "quote"), None)

    # -- furniture of story slots ---------------------------------------------------------
    def title(self, reg: Region, lang: str) -> Element:
        """A briefs slot's heading, set like a kicker with a rule under it."""
        style = self.style("kicker")
        lines = self.ts.set(reg.slot.title, style, reg.box.width, lang)
        up, down = self.ts.extent(style)
        first = reg.box.y0 + up
        placed = place(lines, reg.box.x0, first, style.leading, style)
        bottom = first + (len(lines) - 1) * style.leading + down
        return Element("title", Box(reg.box.x0, reg.box.y0, reg.box.x1, bottom), "",
                       reg.slot.name, placed)

    def proof_label(self, reg: Region, text: str) -> Element:
        style = self.style("jumpline")
        lines = self.ts.set(text, style, reg.box.width - 4, "en", align="center")
        first = reg.box.y1 - 4 - (len(lines) - 1) * style.leading - style.size * 0.3
        placed = tuple(replace(ln, color=(0.0, 1.0, 0.0, 0.0))
                       for ln in place(lines, reg.box.x0 + 2, first, style.leading, style))
        return Element("proof", Box(reg.box.x0, first - style.size, reg.box.x1, reg.box.y1),
                       "", reg.slot.name, placed)

    def count_lines(self, story: Story, reg: Region, blocks: tuple[Block, ...]) -> int:
        columns = reg.text_columns(reg.slot.columns or reg.slot.span)
        rows = body_rows(self.ts.maker, blocks, self.style("body"), self.style("subhead"),
                         columns[0][1] - columns[0][0], story.lang, quote=self.quote_style())
        return len([r for r in rows if r.line is not None])

    # -- a photo slot: the picture fills what its caption leaves --------------------------
    def compose_photo(self, story: Story, reg: Region) -> Composed:
        out = Composed()
        y = reg.box.y0
        if story.headline:
            y = self._text_block(out, story, reg, y, "headline", story.headline,
                                 reg.slot.headline_style)
        photo = story.photos[0]
        lead = reg.page.grid.baseline
        caption_h = self._caption_height(story, photo, reg.box.width)
        rows = int((reg.box.y1 - reg.row_top(reg.row_at_or_below(y)) - caption_h) // lead)
        if rows < 3:
            raise ContentError(f"photo slot {reg.slot.name!r} leaves no room for the photo "
                               "under its headline and caption", file=story.path,
                               field="photos[0].caption", hint="shorten the caption")
        self._place_photo(out, story, photo, reg, y, reg.box.x0, reg.box.x1, rows)
        return out

    def _captions(self, story: Story, photo: Photo, width: float
                  ) -> list[tuple[str, Style, list[SetLine]]]:
        """Caption and credit as set under a photo `width` wide (the credit flush right)."""
        out = []
        for role, text in (("caption", photo.caption), ("credit", photo.credit)):
            if text:
                style = self.style(role)
                out.append((role, style, self._set(text, style, width, story.lang,
                                                     align="right" if role == "credit"
                                                     else None)))
        return out

    def _caption_height(self, story: Story, photo: Photo, width: float) -> float:
        """What `_place_photo` puts under the picture."""
        gap = self.style("caption").size * CAPTION_GAP
        return sum(sum(self.ts.extent(style)) + (len(lines) - 1) * style.leading + gap
                   for _role, style, lines in self._captions(story, photo, width))

    # -- the whole story -----------------------------------------------------------------
    def compose(self, story: Story, reg: Region, *, jump: Jump | None = None,
                from_page: int = 0, blocks: tuple[Block, ...] | None = None,
                grow: bool = True) -> Composed:
        """Compose, then copyfit both ways in a fixed order.

        A long story shrinks: its photo row by row down to the slot's minimum, then its
        headline point by point down to its minimum. A short one grows (when `grow`: it
        ends at its slot's foot): its photo row by row up to the slot's maximum, then its
        headline (a larger size within range, then one more line), then a grid line of
        space around the deck and byline at a time. Each step is taken as far as the text
        still fits and stops once the white at the foot is gone.
        """
        def run(fit: Fit) -> Composed:
            return self._compose(story, reg, fit, jump, from_page, blocks)

        result = run(NATURAL)
        if from_page or jump is not None:
            return result
        if result.overflow:
            return self._shrink(story, reg, run, result)
        if grow and result.underset > 0:
            return self._grow(story, reg, run, result)
        return result

    def _shrink(self, story: Story, reg: Region, run: Callable[[Fit], Composed],
                result: Composed) -> Composed:
        lo, natural = self._photo_range(story, reg)
        fit = NATURAL
        for rows in range(natural - 1, lo - 1, -1):
            fit = replace(fit, photo_rows=rows)
            result = run(fit)
            if not result.overflow:
                return result
        head = reg.slot.headline
        if head is None:
            return result
        size = result.headline_size
        while size > head.min_size:
            size = max(head.min_size, size - 1.0)
            result = run(replace(fit, headline_size=size))
            if not result.overflow:
                return result
        return result

    def _grow(self, story: Story, reg: Region, run: Callable[[Fit], Composed],
              result: Composed) -> Composed:
        def best(fits: list[Fit], current: Composed) -> tuple[Fit | None, Composed]:
            """The biggest step (fits[0]) that still fits: the text fits every smaller
            step of a fitting one, so this is a binary search over `fits`."""
            lo, hi, found = 0, len(fits) - 1, None
            while lo <= hi:
                mid = (lo + hi) // 2
                r = run(fits[mid])
                if (not r.overflow and r.underset < current.underset
                        and (r.level or not current.level)):
                    found, hi = (fits[mid], r), mid - 1
                else:
                    lo = mid + 1
            return found if found is not None else (None, current)

        fit = NATURAL
        _lo, natural = self._photo_range(story, reg)
        hi = self._photo_max(story, reg)
        if result.photo_rows and hi > natural:
            found, result = best([replace(fit, photo_rows=k) for k in range(hi, natural, -1)
                                  if self._sharp_enough(story, reg, k, natural)], result)
            fit = found or replace(fit, photo_rows=None)
        head = reg.slot.headline
        if result.underset > 0 and head is not None and result.headline_size < head.max_size:
            style = self.style(reg.slot.headline_style)
            sizes = [x for x in _sizes(head) if x > result.headline_size and len(self._set(
                story.headline, style, reg.box.width, story.lang, size=x)) <= head.max_lines]
            found, result = best([replace(fit, headline_size=x) for x in sizes], result)
            fit = found or fit
        if result.underset > 0 and head is not None and result.headline_lines < head.max_lines:
            found, result = best([replace(fit, headline_size=result.headline_size,
                                          headline_lines=k)
                                  for k in range(head.max_lines, result.headline_lines, -1)],
                                 result)
            fit = found or fit
        if result.underset > 0:
            found, result = best([replace(fit, space=k) for k in range(SPACE_STEPS, 0, -1)],
                                 result)
        return result

    def _photo_range(self, story: Story, reg: Region) -> tuple[int, int]:
        """The photo's least rows in this slot and its natural rows (own aspect)."""
        if not story.photos or reg.slot.photo.position != "top":
            return 0, 0
        spec = reg.slot.photo
        lead = reg.page.grid.baseline
        natural = self._natural_height(story.photos[0], reg)
        height = min(max(natural, spec.min_height or natural), spec.max_height or natural)
        lo = max(3, round((spec.min_height or height) / lead))
        return lo, max(lo, max(3, round(height / lead)))

    def _photo_max(self, story: Story, reg: Region) -> int:
        """The most rows the photo may grow to: the slot's maximum photo height."""
        natural = self._photo_range(story, reg)[1]
        spec = reg.slot.photo
        if not natural or not spec.max_height:
            return natural
        return max(natural, int((spec.max_height + 1e-6) // reg.page.grid.baseline))

    def _sharp_enough(self, story: Story, reg: Region, rows: int, natural: int) -> bool:
        """A photo grown taller than its own aspect is cropped narrower and prints at
        fewer ppi: growth stops at the set's min_ppi, or at GROW_PPI of the natural ppi
        where that is already below it."""
        def ppi(k: int) -> float:
            x0, x1 = self._photo_columns(reg)
            lead = reg.page.grid.baseline
            photo = story.photos[0]
            crop = crop_for(photo.pixel_size, x1 - x0, k * lead - lead * 0.3, photo.focus)
            return (crop[2] - crop[0]) / ((x1 - x0) / 72.0)

        return ppi(rows) >= min(self.tset.min_ppi, GROW_PPI * ppi(natural)) - 1e-6

    def _photo_columns(self, reg: Region) -> tuple[float, float]:
        columns = reg.text_columns(reg.slot.columns or reg.slot.span)
        span = reg.slot.photo.span or len(columns)
        return columns[0][0], columns[min(span, len(columns)) - 1][1]

    def _natural_height(self, photo: Photo, reg: Region) -> float:
        x0, x1 = self._photo_columns(reg)
        px_w, px_h = photo.pixel_size
        return (x1 - x0) * px_h / px_w

    def _compose(self, story: Story, reg: Region, fit: Fit, jump: Jump | None,
                 from_page: int, blocks: tuple[Block, ...] | None) -> Composed:
        if not self.measuring or jump is not None or from_page or blocks is not None:
            return self._compose_now(story, reg, fit, jump, from_page, blocks)
        # What a measured composition is made of: the story, the page and the slot on it
        # (its region follows from them, but is keyed whole in case it was made apart),
        # and the fit. The result is shared: the search only reads it.
        key = (id(story), id(reg.page), reg.slot, reg.box, reg.row0, reg.row_end, fit)
        found = self._measured.get(key)
        if found is not None and found[0] is story and found[1] is reg.page:
            return found[2]
        result = self._compose_now(story, reg, fit, jump, from_page, blocks)
        if len(self._measured) >= MEMO_LIMIT:  # a long edition: keep the page's own
            self._measured.clear()
        self._measured[key] = (story, reg.page, result)
        return result

    def _compose_now(self, story: Story, reg: Region, fit: Fit, jump: Jump | None,
                     from_page: int, blocks: tuple[Block, ...] | None) -> Composed:
        out = Composed()
        y = reg.box.y0
        lang = story.lang
        if from_page:
            y = self._text_block(out, story, reg, y, "jumphead", story.headline,
                                 reg.slot.headline_style)
            y = self._text_block(out, story, reg, y, "jumpfrom",
                                 continued_from(lang, from_page), "kicker")
        else:
            y = self._header(out, story, reg, y, fit)
        if not from_page and story.photos:
            shown = 1 if reg.slot.photo.position == "top" else 0
            if shown:
                y = self._photo(out, story, story.photos[0], reg, y, fit)
            if len(story.photos) > shown:
                out.warnings.append(_photos_left_out(story, reg, shown))
        self._body(out, story, reg, y, jump, blocks if blocks is not None else story.blocks)
        return out

    def _header(self, out: Composed, story: Story, reg: Region, y: float, fit: Fit) -> float:
        """Kicker, headline, deck and byline from y; where the body may start. Copyfit
        sets the same header for every photo size it tries, and the search for every
        depth of a slot: it is set once per what it reads (not the slot's depth)."""
        slot, box = reg.slot, reg.box
        key = (id(story), id(reg.page), slot.name, slot.headline, slot.headline_style,
               box.x0, box.x1, y, fit.headline_size, fit.headline_lines, fit.space)
        found = self._headers.get(key)
        if found is None or found[0] is not story or found[1] is not reg.page:
            part = Composed()
            end = self._header_now(part, story, reg, y, fit)
            if len(self._headers) >= MEMO_LIMIT:
                self._headers.clear()
            found = self._headers[key] = (story, reg.page, end, part)
        part = found[3]
        out.elements += part.elements  # frozen elements: shared
        out.warnings += part.warnings
        out.headline_size, out.headline_lines = part.headline_size, part.headline_lines
        return found[2]

    def _header_now(self, out: Composed, story: Story, reg: Region, y: float, fit: Fit
                    ) -> float:
        lead = reg.page.grid.baseline
        if story.kicker:
            y = self._text_block(out, story, reg, y, "kicker", story.kicker, "kicker")
        head = reg.slot.headline or HeadlineFit(self.style(reg.slot.headline_style).size,
                                                self.style(reg.slot.headline_style).size, 3)
        y = self._headline(out, story, reg, y, head, fit)
        # Added space goes first under the whole block, then above the deck (or byline).
        below = (fit.space + 1) // 2
        above = fit.space - below
        if story.subheadline:
            y = self._text_block(out, story, reg, y + above * lead, "subheadline",
                                 story.subheadline, "subheadline")
            above = 0
        byline = byline_text(story)
        if byline:
            y = self._text_block(out, story, reg, y + above * lead, "byline", byline,
                                 "byline")
            above = 0
        return y + (below + above) * lead

    def _text_block(self, out: Composed, story: Story, reg: Region, y: float, role: str,
                    text: str, style_name: str, size: float | None = None,
                    lines: list[SetLine] | None = None) -> float:
        style = self.style(style_name)
        size = size or style.size
        leading = style.leading * size / style.size
        if lines is None:
            lines = self._set(text, style, reg.box.width, story.lang, size=size,
                              balance=role in BALANCED_ROLES)
        up, down = self.ts.extent(style, size)
        first = y + up
        placed = place(lines, reg.box.x0, first, leading, style)
        bottom = first + (len(lines) - 1) * leading + down
        out.elements.append(Element(role, Box(reg.box.x0, y, reg.box.x1, bottom), story.id,
                                    reg.slot.name, placed))
        return bottom + size * HEAD_GAP

    def _headline(self, out: Composed, story: Story, reg: Region, y: float, fit: HeadlineFit,
                  setting: Fit) -> float:
        style = self.style(reg.slot.headline_style)
        width = reg.box.width
        size = fit.min_size
        sizes = [setting.headline_size] if setting.headline_size else _sizes(fit)
        for size in sizes:
            lines = self._set(story.headline, style, width, story.lang, size=size)
            if len(lines) <= fit.max_lines:
                break
        else:
            out.warnings.append(_warning(
                "W-headline-lines", f"{story.id}: headline needs more than {fit.max_lines} "
                f"lines even at {fit.min_size:g}pt", story, "headline:",
                hint="shorten the headline, or give the slot more headline lines"))
        if setting.headline_lines > len(lines):
            lines = self._stacked_headline(story, style, size, width, setting.headline_lines,
                                           lines)
        else:  # balanced at the size found, in as many lines
            lines = self._set(story.headline, style, width, story.lang, size=size,
                              balance=True)
        out.headline_size = size
        out.headline_lines = len(lines)
        return self._text_block(out, story, reg, y, "headline", story.headline,
                                reg.slot.headline_style, size, lines)

    def _stacked_headline(self, story: Story, style: Style, size: float, width: float,
                          want: int, lines: list[SetLine]) -> list[SetLine]:
        """The headline broken into `want` lines at the same size, each line holding at
        least two words: the narrowest measure that still gives `want` lines wins, so the
        lines come out about equal. As it was if no measure does."""
        words = len(story.headline.split())
        if words < 2 * want:
            return lines
        best = lines
        for k in range(10, 3, -1):
            trial = self._set(story.headline, style, width * k / 10, story.lang, size=size)
            if len(trial) > want:
                break
            if len(trial) == want and all(len(ln.words) >= 2 for ln in trial):
                best = trial
        return best

    def _photo(self, out: Composed, story: Story, photo: Photo, reg: Region, y: float,
               fit: Fit) -> float:
        x0, x1 = self._photo_columns(reg)
        rows = fit.photo_rows or self._photo_range(story, reg)[1]
        out.photo_rows = rows
        return self._place_photo(out, story, photo, reg, y, x0, x1, rows)

    def _place_photo(self, out: Composed, story: Story, photo: Photo, reg: Region, y: float,
                     x0: float, x1: float, rows: int) -> float:
        lead = reg.page.grid.baseline
        width = x1 - x0
        top = reg.row_top(reg.row_at_or_below(y))
        box = Box(x0, top, x1, top + rows * lead - lead * 0.3)
        crop = crop_for(photo.pixel_size, box.width, box.height, photo.focus)
        ppi = (crop[2] - crop[0]) / (box.width / 72.0)
        if ppi < self.tset.floor_ppi:
            raise ContentError(
                f"photo {photo.path.name} would print at {ppi:.0f} ppi, below the hard floor "
                f"of {self.tset.floor_ppi:.0f} ppi", file=story.path, field="photos",
                line=photo.line or None, code="E-low-ppi",
                hint="supply a larger original or use a smaller slot")
        if ppi < self.tset.min_ppi:
            out.warnings.append(Diagnostic(
                "warning", "W-low-ppi", f"{story.id}: photo {photo.path.name} prints at "
                f"{ppi:.0f} ppi (minimum {self.tset.min_ppi:.0f})", str(story.path),
                photo.line or None, field="photos", story=story.id,
                hint="supply a larger original, or a smaller slot or photo height"))
        out.elements.append(Element("photo", box, story.id, reg.slot.name,
                                    image=Image(photo.path, photo.digest, crop, ppi)))
        y = box.y1 + lead * 0.3
        gap = self.style("caption").size * CAPTION_GAP
        for role, style, lines in self._captions(story, photo, width):
            up, down = self.ts.extent(style)
            first = y + up
            placed = place(lines, x0, first, style.leading, style)
            bottom = first + (len(lines) - 1) * style.leading + down
            out.elements.append(Element(role, Box(x0, y, x1, bottom), story.id, reg.slot.name,
                                        placed))
            y = bottom + gap
        return y + lead * 0.2

    def _body(self, out: Composed, story: Story, reg: Region, y: float, jump: Jump | None,
              blocks: tuple[Block, ...]) -> None:
        body, subhead = self.style("body"), self.style("subhead")
        columns = reg.text_columns(reg.slot.columns or reg.slot.span)
        width = columns[0][1] - columns[0][0]
        text = self._body_text(blocks, body, subhead, width, story.lang)
        rows = text.rows
        starts = _column_starts(out, reg, y, len(columns))
        # The jump line takes the last row of the last column when the story runs over.
        stats: dict[str, int] = {}
        cols, placed = self._flow(rows, starts, reg.row_end, 0, stats)
        if placed < len(rows) and jump is not None:
            cols, placed = self._flow(rows, starts, reg.row_end, 1, stats)
        out.rows, out.placed = rows, placed
        out.widows_orphans_avoided = stats.get("avoided", 0)
        out.widows_orphans_left += _widows_orphans_left(rows, cols, placed)
        broken = text.broken
        if broken:
            out.warnings.append(_warning(
                "W-word-broken", f"{story.id}: a word is wider than the "
                f"{width / 72 * 25.4:.0f} mm column and was broken across lines (starts "
                f"{broken[0][:24]!r})", story, broken[0][:12],
                blocks[0].line if blocks else 1, hint="check it reads right; a long URL or "
                "number may need a space where it can break"))
        out.overflow = self._overflow(text, blocks, placed, jump)
        lead = reg.page.grid.baseline
        last_row = 0
        for i, col_rows in enumerate(cols):
            if not col_rows:
                continue
            x0, x1 = columns[i]
            lines: list[Line] = []
            row = starts[i]
            if self.measuring:  # the auto search needs the feet, not the placed words
                row += len(col_rows)
            for r in col_rows if not self.measuring else ():
                if r.line is not None:
                    lines.extend(place([r.line], x0, reg.baseline(row), lead, r.style))
                row += 1
            last_row = max(last_row, row)
            box = Box(x0, reg.row_top(starts[i]), x1, reg.row_top(row))
            out.elements.append(Element("body", box, story.id, reg.slot.name, tuple(lines),
                                        column=i + 1))
            out.columns_used = i + 1
        if "columns" in reg.slot.rules:
            bodies = [e for e in out.elements if e.role == "body" and e.story == story.id]
            for left, right in zip(bodies, bodies[1:], strict=False):
                x = (left.box.x1 + right.box.x0) / 2
                y0, y1 = max(left.box.y0, right.box.y0), max(left.box.y1, right.box.y1)
                out.elements.append(Element("rule", Box(x, y0, x, y1), story.id,
                                            reg.slot.name, stroke=(0, 0, 0, 1),
                                            stroke_width=0.3))
        feet = [starts[i] + len(c) for i, c in enumerate(cols) if c]
        out.level = not feet or max(feet) - min(feet) <= 1
        if out.overflow and jump is not None:
            self._jump_line(out, story, reg, columns[-1], jump)
        elif not out.overflow:
            out.underset = max(0, reg.row_end - max(last_row, min(starts)))

    def _overflow(self, text: _BodyText, blocks: tuple[Block, ...], placed: int,
                  jump: Jump | None) -> tuple[Block, ...]:
        """The blocks not placed, the first cut where its placed rows stop."""
        rows = text.rows
        if self.measuring and jump is None:
            # The search reads only whether any is left (cutting the first block, at
            # every depth it tries, was a tenth of its time): those blocks, whole.
            return blocks[rows[placed].block:] if placed < len(rows) else ()
        return text.overflow(placed)

    def _body_text(self, blocks: tuple[Block, ...], body: Style, subhead: Style,
                   width: float, lang: str) -> _BodyText:
        """`body_rows` at this width, once per blocks (the rows are shared: nothing
        changes them). body_rows sets at the width rounded (layout/body.py _set_block),
        so widths that round alike share them."""
        quote = self.quote_style()
        key = (id(blocks), body, subhead, round(width, 4), lang, quote)
        found = self._rows.get(key)
        if found is not None and found.blocks is blocks:
            return found
        rows = body_rows(self.ts.maker, blocks, body, subhead, width, lang, quote=quote)
        if len(self._rows) >= MEMO_LIMIT:
            self._rows.clear()
        found = self._rows[key] = _BodyText(blocks, rows, [
            w.word.text for r in rows if r.line for w in r.line.words if w.word.forced])
        return found

    def _flow(self, rows: list[Row], starts: list[int], row_end: int, reserve: int,
              stats: dict[str, int]) -> tuple[list[list[Row]], int]:
        """`flow`, once per rows (by identity: they come from `_body_rows`), starts and
        foot. The columns are shared (nothing changes them); `stats` is filled as flow
        fills it."""
        key = (id(rows), tuple(starts), row_end, reserve)
        found = self._flows.get(key)
        if found is None or found[0] is not rows:
            cols, placed = flow(rows, starts, row_end, reserve=reserve, stats=stats)
            if len(self._flows) >= MEMO_LIMIT:
                self._flows.clear()
            found = self._flows[key] = (rows, cols, placed, dict(stats))
        stats.clear()
        stats.update(found[3])
        return found[1], found[2]

    def _jump_line(self, out: Composed, story: Story, reg: Region,
                   column: tuple[float, float], jump: Jump) -> None:
        style = self.style("jumpline")
        row = reg.row_end - 1
        width = column[1] - column[0]
        for text in jump_lines(story.lang, jump):
            lines = self.ts.set(text, style, width, story.lang, align="right")
            if len(lines) == 1:
                break
        placed = place(lines[:1], column[0], reg.baseline(row), reg.page.grid.baseline, style)
        box = Box(column[0], reg.row_top(row), column[1], reg.row_top(row + 1))
        out.elements.append(Element("jumpline", box, story.id, reg.slot.name, placed))


def _sizes(fit: HeadlineFit) -> list[float]:
    sizes = []
    s = fit.max_size
    while s > fit.min_size:
        sizes.append(s)
        s -= 1.0
    sizes.append(fit.min_size)
    return sizes


def _column_starts(out: Composed, reg: Region, y: float, n: int) -> list[int]:
    """The first grid row of each body column: under the headline, and under the photo
    and its caption in the columns the photo spans."""
    photo_bottom = max((e.box.y1 for e in out.elements
                        if e.role in ("caption", "credit", "photo")), default=0)
    head_bottom = max((e.box.y1 for e in out.elements
                       if e.role not in ("photo", "caption", "credit")), default=y)
    span = reg.slot.photo.span or n
    return [reg.row_at_or_below(max(head_bottom, photo_bottom)
                                if photo_bottom and i < span else head_bottom)
            for i in range(n)]


def _widows_orphans_left(rows: list[Row], cols: list[list[Row]], placed: int) -> list[str]:
    """The widows and orphans the column ends could not avoid, for the report."""
    out = []
    k = 0
    for col in cols[:-1]:
        k += len(col)
        if col and k < placed:
            kind = widow_or_orphan(rows, k)
            if kind:
                line = rows[k - 1 if kind == "orphan" else k].line
                out.append(f"{kind}: {line.text if line else ''}")
    return out


def _warning(code: str, message: str, story: Story, find: str, from_line: int = 1, *,
             hint: str) -> Diagnostic:
    """A warning about `story`, its caret on the first `find` in its file."""
    found = locate(story.path, find, from_line)
    return Diagnostic("warning", code, message, str(story.path),
                      found[0] if found else None, found[1] if found else None,
                      hint=hint, end_col=found[2] if found else None, story=story.id)


def _photos_left_out(story: Story, reg: Region, shown: int) -> Diagnostic:
    """A story's photos that its slot has no room for: the desk must hear of each."""
    left = [p.path.name for p in story.photos[shown:]]
    takes = "no photo" if not shown else "one photo"
    return Diagnostic(
        "warning", "W-photo-unused", f"{story.id}: slot '{reg.slot.name}' takes {takes}, so "
        f"{', '.join(left)} (with caption and credit) is not printed", str(story.path),
        story.photos[shown].line or None, field=f"photos[{shown}]", story=story.id,
        hint="put the story in a slot with a photo or take the photo out of its front matter")


def byline_text(story: Story) -> str:
    """The byline as printed: writer, dateline, and the source (an agency) in brackets."""
    line = ", ".join(p for p in (story.byline, story.dateline) if p)
    if story.source:
        return f"{line} ({story.source})" if line else story.source
    return line
