"""Compose one story in its slot: kicker, fitted headline, byline, photo, body columns."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from epaper.calendars import bn_digits
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
SQUEEZES = ("natural", "photo-min", "headline-min")  # copyfit steps, in order


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
    warnings: list[str] = field(default_factory=list)
    columns_used: int = 0
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

    def style(self, name: str) -> Style:
        return self.tset.style(name)

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
                         columns[0][1] - columns[0][0], story.lang)
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
                out.append((role, style, self.ts.set(text, style, width, story.lang,
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
                from_page: int = 0, blocks: tuple[Block, ...] | None = None) -> Composed:
        """Compose; if the body does not fit, try the template's copyfit steps in turn."""
        result = Composed()
        for squeeze in SQUEEZES:
            result = self._compose(story, reg, squeeze, jump, from_page, blocks)
            if not result.overflow or jump is not None:
                break
        return result

    def _compose(self, story: Story, reg: Region, squeeze: str, jump: Jump | None,
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
            y = self._header(out, story, reg, y, squeeze)
        if not from_page and story.photos:
            shown = 1 if reg.slot.photo.position == "top" else 0
            if shown:
                y = self._photo(out, story, story.photos[0], reg, y, squeeze)
            if len(story.photos) > shown:
                out.warnings.append(_photos_left_out(story, reg, shown))
        self._body(out, story, reg, y, jump, blocks if blocks is not None else story.blocks)
        return out

    def _header(self, out: Composed, story: Story, reg: Region, y: float, squeeze: str) -> float:
        if story.kicker:
            y = self._text_block(out, story, reg, y, "kicker", story.kicker, "kicker")
        fit = reg.slot.headline or HeadlineFit(self.style(reg.slot.headline_style).size,
                                               self.style(reg.slot.headline_style).size, 3)
        y = self._headline(out, story, reg, y, fit, squeeze == "headline-min")
        if story.subheadline:
            y = self._text_block(out, story, reg, y, "subheadline", story.subheadline,
                                 "subheadline")
        byline = byline_text(story)
        if byline:
            y = self._text_block(out, story, reg, y, "byline", byline, "byline")
        return y

    def _text_block(self, out: Composed, story: Story, reg: Region, y: float, role: str,
                    text: str, style_name: str, size: float | None = None) -> float:
        style = self.style(style_name)
        size = size or style.size
        leading = style.leading * size / style.size
        lines = self.ts.set(text, style, reg.box.width, story.lang, size=size)
        up, down = self.ts.extent(style, size)
        first = y + up
        placed = place(lines, reg.box.x0, first, leading, style)
        bottom = first + (len(lines) - 1) * leading + down
        out.elements.append(Element(role, Box(reg.box.x0, y, reg.box.x1, bottom), story.id,
                                    reg.slot.name, placed))
        return bottom + size * HEAD_GAP

    def _headline(self, out: Composed, story: Story, reg: Region, y: float, fit: HeadlineFit,
                  smallest: bool) -> float:
        style = self.style(reg.slot.headline_style)
        size = fit.min_size
        sizes = [fit.min_size] if smallest else _sizes(fit)
        for size in sizes:
            lines = self.ts.set(story.headline, style, reg.box.width, story.lang, size=size)
            if len(lines) <= fit.max_lines:
                break
        else:
            out.warnings.append(f"{story.id}: headline needs more than {fit.max_lines} lines "
                                f"even at {fit.min_size:g}pt")
        out.headline_size = size
        return self._text_block(out, story, reg, y, "headline", story.headline,
                                reg.slot.headline_style, size)

    def _photo(self, out: Composed, story: Story, photo: Photo, reg: Region, y: float,
               squeeze: str) -> float:
        spec = reg.slot.photo
        lead = reg.page.grid.baseline
        columns = reg.text_columns(reg.slot.columns or reg.slot.span)
        span = spec.span or len(columns)
        x0, x1 = columns[0][0], columns[min(span, len(columns)) - 1][1]
        width = x1 - x0
        px_w, px_h = photo.pixel_size
        natural = width * px_h / px_w
        height = spec.min_height if squeeze != "natural" else natural
        height = min(max(height, spec.min_height or natural), spec.max_height or natural)
        rows = max(3, round(height / lead))
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
                hint="supply a larger original or use a smaller slot")
        if ppi < self.tset.min_ppi:
            out.warnings.append(f"{story.id}: photo {photo.path.name} prints at {ppi:.0f} ppi "
                                f"(minimum {self.tset.min_ppi:.0f})")
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
        rows = body_rows(self.ts.maker, blocks, body, subhead, width, story.lang)
        starts = _column_starts(out, reg, y, len(columns))
        # The jump line takes the last row of the last column when the story runs over.
        stats: dict[str, int] = {}
        cols, placed = flow(rows, starts, reg.row_end, stats=stats)
        if placed < len(rows) and jump is not None:
            cols, placed = flow(rows, starts, reg.row_end, reserve=1, stats=stats)
        out.rows, out.placed = rows, placed
        out.widows_orphans_avoided = stats.get("avoided", 0)
        out.widows_orphans_left += _widows_orphans_left(rows, cols, placed)
        broken = [w.word.text for r in rows if r.line for w in r.line.words if w.word.forced]
        if broken:
            out.warnings.append(f"{story.id}: a word is wider than the {width / 72 * 25.4:.0f} mm "
                                f"column and was broken across lines (starts "
                                f"{broken[0][:24]!r}); check it reads right")
        out.overflow = remaining_blocks(blocks, rows, placed)
        lead = reg.page.grid.baseline
        last_row = 0
        for i, col_rows in enumerate(cols):
            if not col_rows:
                continue
            x0, x1 = columns[i]
            lines: list[Line] = []
            row = starts[i]
            for r in col_rows:
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
        if out.overflow and jump is not None:
            self._jump_line(out, story, reg, columns[-1], jump)
        elif not out.overflow:
            out.underset = max(0, reg.row_end - max(last_row, min(starts)))

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


def _photos_left_out(story: Story, reg: Region, shown: int) -> str:
    """A story's photos that its slot has no room for: the desk must hear of each."""
    left = [p.path.name for p in story.photos[shown:]]
    takes = "no photo" if not shown else "one photo"
    return (f"{story.id}: slot '{reg.slot.name}' takes {takes}, so "
            f"{', '.join(left)} (with caption and credit) is not printed; put the story "
            f"in a slot with a photo or take the photo out of its front matter")


def byline_text(story: Story) -> str:
    """The byline as printed: writer, dateline, and the source (an agency) in brackets."""
    line = ", ".join(p for p in (story.byline, story.dateline) if p)
    if story.source:
        return f"{line} ({story.source})" if line else story.source
    return line
