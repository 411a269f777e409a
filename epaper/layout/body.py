"""Body text: blocks into grid rows, rows flowed into balanced columns, overflow kept."""

from __future__ import annotations

from dataclasses import dataclass, replace

from epaper.layout.typeset import font_for
from epaper.model.edition import Block, Span
from epaper.model.template import Style
from epaper.text.paragraph import SetLine, inset, set_words, with_marker
from epaper.text.words import Font, Piece, WordMaker, fragments, tokenize

TEXT_ROWS = ("para", "item", "quote")  # running text: a column may end after such a row
LIST_INDENT_EM = 1.5  # each list level insets its items' text this far (of the body size)
MARKER_GAP_EM = 0.3  # between an item's number and its text
QUOTE_INSET_EM = 1.0  # a block quote is inset this far on both sides (of its size)


@dataclass(frozen=True)
class Row:
    """One grid row of body text: a line, a subhead line, or the space before a subhead."""

    kind: str  # para | item | quote | subhead | space
    line: SetLine | None
    block: int
    start: int  # first token index of the line within its block
    end: int
    style: Style


def spans_from_tokens(tokens: list[tuple[Piece, ...]]) -> tuple[Span, ...]:
    spans: list[Span] = []
    for k, token in enumerate(tokens):
        if k:
            spans.append(Span(" "))
        spans.extend(Span(t, b, i) for t, b, i in token)
    return tuple(spans)


def quote_style(body: Style, quote: Style | None = None) -> Style:
    """The template set's `quote` style, or the body's set flush left (a set without one)."""
    return quote if quote is not None else replace(body, name="quote", align="left",
                                                   indent=0.0)


def body_rows(maker: WordMaker, blocks: tuple[Block, ...], body: Style, subhead: Style,
              width: float, lang: str, *, indent_first: bool = False,
              quote: Style | None = None) -> list[Row]:
    rows: list[Row] = []
    indent_next = indent_first
    styles = {"subhead": subhead, "quote": quote_style(body, quote)}
    for b, block in enumerate(blocks):
        style = styles.get(block.kind, body)
        # Only a paragraph's first line is indented: not a list item, a quote, or the line
        # after a hard break.
        indent = body.indent if (indent_next and block.kind == "para"
                                 and not block.after_break) else 0.0
        if block.kind == "subhead" and rows:
            rows.append(Row("space", None, b, 0, 0, style))
        lines, owners = _set_block(maker, block, style, width, lang, indent)
        indent_next = block.kind != "subhead"
        # Rows count whole tokens: a token broken across rows belongs to the row where it
        # starts, so overflow restarts with the whole token rather than losing a piece.
        k = 0
        for line in lines:
            # A line's words may be several pieces joined again: count them in pieces.
            first, k = k, k + line.pieces
            start = owners[first]
            end = owners[k - 1] + (0 if line.words[-1].word.joined else 1)
            rows.append(Row(block.kind, line, b, start, max(start, end), style))
    return rows


def _set_block(maker: WordMaker, block: Block, style: Style, width: float, lang: str,
               indent: float) -> tuple[list[SetLine], list[int]]:
    """A block's lines, and for each of its pieces the token it belongs to. A story is
    set again for every shape the layout tries; a paragraph at a width is set once."""
    key = (block.kind, block.spans, block.marker, block.depth, style, width, lang, indent)
    found = maker.paragraphs.get(key)
    if found is None:
        font = font_for(style, lang)
        left, right = _insets(block, style)
        measure = width - left - right
        words, owners = fragments(maker, tokenize(block.spans), font, measure, indent,
                                  style.hyphenate)
        align = "left" if block.kind == "subhead" else style.align
        lines = set_words(maker, font, words, measure, align=align, indent=indent)
        if left or right:
            lines = inset(lines, left, width)
        if block.marker and lines:
            lines[0] = _marked(maker, lines[0], block, font, left)
        found = maker.paragraphs[key] = (lines, owners)
    return found  # type: ignore[return-value]


def _insets(block: Block, style: Style) -> tuple[float, float]:
    """How far a block's lines stand in from the column's left and right edges: a list
    item by its depth (a hanging indent: the marker hangs in it), a quote on both sides."""
    if block.kind == "item":
        return max(1, block.depth) * LIST_INDENT_EM * style.size, 0.0
    if block.kind == "quote":
        side = style.indent or QUOTE_INSET_EM * style.size
        return side, side
    return 0.0, 0.0


def _marked(maker: WordMaker, line: SetLine, block: Block, font: Font, left: float
            ) -> SetLine:
    """An item's first line with its marker in the hanging indent: a bullet at the level's
    start, a number set flush against the text so that "9." and "10." align their dots."""
    shaped = maker.word(((block.marker, False, False),), font)
    # Its text carries the space after it, and it is joined to the next word: the text
    # layer reads "১. প্রথম", and it is not counted as a word of the story.
    marker = replace(shaped, text=block.marker + " ", joined=True)
    level = left - LIST_INDENT_EM * font.size
    if block.marker[-1:] in ".)":
        x = max(level, left - MARKER_GAP_EM * font.size - shaped.width)
    else:
        x = level
    return with_marker(line, marker, x)


def remaining_blocks(blocks: tuple[Block, ...], rows: list[Row], first: int) -> tuple[Block, ...]:
    """The blocks still to set when rows[first:] did not fit (first one maybe partial)."""
    if first >= len(rows):
        return ()
    row = rows[first]
    block = blocks[row.block]
    rest = list(blocks[row.block + 1:])
    if row.kind == "space":
        return tuple([block] + rest)
    tokens = tokenize(block.spans)[row.start:]
    # What goes on elsewhere is the same kind of block, its marker already printed.
    return tuple([replace(block, spans=spans_from_tokens(tokens), marker="")] + rest)


def _hard_keep(rows: list[Row], k: int) -> bool:
    """May a column end after row k-1? Never after a subhead or the space before one, nor
    after a line whose last word runs on (hyphenated): a hyphen never crosses a column."""
    if k <= 0 or k >= len(rows):
        return True
    prev = rows[k - 1]
    if prev.kind not in TEXT_ROWS:
        return False
    return not (prev.line is not None and prev.line.words and prev.line.words[-1].word.joined)


def widow_or_orphan(rows: list[Row], k: int) -> str:
    """What a column end after row k-1 leaves alone: "orphan" (a paragraph's first line at
    the foot), "widow" (its last line at the head of the next column) or ""."""
    if k <= 0 or k >= len(rows):
        return ""
    prev, nxt = rows[k - 1], rows[k]
    if prev.kind not in TEXT_ROWS or nxt.kind not in TEXT_ROWS or prev.block != nxt.block:
        return ""
    if prev.start == 0 and (k < 2 or rows[k - 2].block != prev.block):
        return "orphan"
    if k + 1 >= len(rows) or rows[k + 1].block != nxt.block:
        return "widow"
    return ""


def _column_end(rows: list[Row], k: int, end: int, stats: dict[str, int]) -> int:
    """The column ends at `end` or a little before: hard rules always, widow and orphan
    rules while that costs at most WIDOW_SLACK rows."""
    for e in range(end, max(k, end - WIDOW_SLACK) - 1, -1):
        if e > k and _hard_keep(rows, e) and not widow_or_orphan(rows, e):
            if e < end and widow_or_orphan(rows, end):
                stats["avoided"] = stats.get("avoided", 0) + 1
            return e
    for e in range(end, k, -1):
        if _hard_keep(rows, e):
            return e
    return end


WIDOW_SLACK = 2  # rows a column may give up to avoid a widow or an orphan


def _fill(rows: list[Row], starts: list[int], limits: list[int],
          stats: dict[str, int] | None = None) -> tuple[list[list[Row]], int]:
    stats = {} if stats is None else stats
    stats.clear()
    columns: list[list[Row]] = []
    k = 0
    for start, limit in zip(starts, limits, strict=True):
        while k < len(rows) and rows[k].kind == "space":
            k += 1  # no blank row at the top of a column
        take = max(0, limit - start)
        end = min(len(rows), k + take)
        if end < len(rows):
            end = _column_end(rows, k, end, stats)
        columns.append(rows[k:end])
        k = end
    return columns, k


def flow(rows: list[Row], starts: list[int], row_end: int, reserve: int = 0,
         stats: dict[str, int] | None = None) -> tuple[list[list[Row]], int]:
    """Flow rows into columns starting at `starts` rows and ending before `row_end`.

    Returns the columns and how many rows were placed. When everything fits, the columns
    are balanced: their last rows differ by at most one. `reserve` rows at the foot of the
    last column are kept free (the jump line).
    """
    n = len(starts)
    caps = [max(0, row_end - s) for s in starts]
    caps[-1] = max(0, caps[-1] - reserve)
    total = len([r for r in rows if r.kind != "space"])
    if total <= sum(caps):
        for end in range(min(starts) + 1, row_end + 1):
            limits = [min(s + c, end) for s, c in zip(starts, caps, strict=True)]
            room = sum(max(0, lim - s) for lim, s in zip(limits, starts, strict=True))
            if room < total:
                continue
            # Give the surplus back from the right, one row per column: the feet stay level.
            surplus = room - total
            for i in range(n - 1, -1, -1):
                if surplus and limits[i] > starts[i]:
                    limits[i] -= 1
                    surplus -= 1
            columns, placed = _fill(rows, starts, limits, stats)
            if placed >= len(rows):
                return columns, placed
    limits = [s + c for s, c in zip(starts, caps, strict=True)]
    return _fill(rows, starts, limits, stats)
