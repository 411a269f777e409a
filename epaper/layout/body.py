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
    # The same measure reached by other sums (4 columns of a span, 1 of a narrower one)
    # differs in the last bits: round it, and set at the rounded measure, so the result
    # does not depend on which of them came first.
    width = round(width, 4)
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


WIDOW_SLACK = 1  # rows a full column may give up to avoid a widow or an orphan (level feet)


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
    are squared off (`square_off`): their feet differ by at most one line, the last
    column shortest, unless a subhead or the story's end forbids it. `reserve` rows at
    the foot of the last column are kept free (the jump line).
    """
    caps = [max(0, row_end - s) for s in starts]
    caps[-1] = max(0, caps[-1] - reserve)
    total = len([r for r in rows if r.kind != "space"])
    if total <= sum(caps):
        found = square_off(rows, starts, [s + c for s, c in zip(starts, caps, strict=True)],
                           stats)
        if found is not None:
            return found, len(rows)
    limits = [s + c for s, c in zip(starts, caps, strict=True)]
    return _fill(rows, starts, limits, stats)


# What a column end costs when a story's columns are squared off (all its rows fit). A
# column may be one line short of the deepest (the last ones first); more than that only
# where a subhead or the story's end leaves no level break, and a widow or an orphan is
# avoided only within those bounds: level feet come first.
HARD = 1e6  # a column ending after a subhead (or the space above one) or a hyphen
UNLEVEL = 100.0  # per line beyond one that a column is shorter than the deepest
WIDOW = 20.0  # a widow or an orphan at the break
SHORT = 1.0  # a column one line short
OUT_OF_ORDER = 5.0  # a column deeper than the one before it
MAX_SHORT = 8  # lines short a column may be before the story's end is all that is left
DEEPER = 2  # how many lines deeper than the least the feet may go to find level breaks


def _skip(rows: list[Row], k: int) -> int:
    while k < len(rows) and rows[k].kind == "space":
        k += 1  # no blank row at the top of a column
    return k


def _end_cost(rows: list[Row], e: int) -> float:
    if e >= len(rows) or e <= 0:
        return 0.0
    prev = rows[e - 1]
    if prev.kind != "para":
        return HARD
    if prev.line is not None and prev.line.words and prev.line.words[-1].word.joined:
        return HARD  # a hyphen never crosses a column (nor the text layer's word)
    return WIDOW if widow_or_orphan(rows, e) else 0.0


def square_off(rows: list[Row], starts: list[int], limits: list[int],
               stats: dict[str, int] | None = None) -> list[list[Row]] | None:
    """The column breaks that place every row with the feet level: for the least foot F
    that holds the rows (and up to DEEPER lines deeper), choose each column's end by
    dynamic programming over break positions, at the costs above. None if the rows do
    not fit under `limits` at all."""
    stats = {} if stats is None else stats
    stats.clear()
    n = len(starts)
    total = len([r for r in rows if r.kind != "space"])
    lo = min(starts) + 1
    while lo <= max(limits) and sum(max(0, min(lo, lim) - s)
                                    for s, lim in zip(starts, limits, strict=True)) < total:
        lo += 1
    quick = _level_ends(rows, starts, [min(lo, lim) for lim in limits])
    if quick is not None:
        return _columns(rows, quick)
    best: tuple[float, list[int], int] | None = None
    for foot in range(lo, min(lo + DEEPER, max(limits)) + 1):
        found = _square(rows, starts, [min(foot, lim) for lim in limits], foot)
        if found is not None:
            cost = found[0] + SHORT * (foot - lo) * n
            if best is None or cost < best[0]:
                best = (cost, found[1], foot)
            if found[0] < SHORT * n:  # level already: deeper feet only add white
                break
    if best is None or best[0] >= HARD:
        return None  # only by breaking a keep: the columns are filled as when overset
    cols, k = [], 0
    foot = best[2]
    for i, e in enumerate(best[1]):
        k = _skip(rows, k)
        level = k + foot - starts[i]  # where a full column would have ended
        if e < level < len(rows) and widow_or_orphan(rows, level):
            stats["avoided"] = stats.get("avoided", 0) + 1
        cols.append(rows[k:e])
        k = e
    return cols


def _level_ends(rows: list[Row], starts: list[int], limits: list[int]) -> list[int] | None:
    """The plain squaring off: fill each column to `limits`, giving the surplus back from
    the right one line per column. Its ends if every break is free (no keep, widow or
    orphan), else None."""
    total = len([r for r in rows if r.kind != "space"])
    room = sum(max(0, lim - s) for lim, s in zip(limits, starts, strict=True))
    limits = list(limits)
    surplus = room - total
    for i in range(len(limits) - 1, -1, -1):
        if surplus > 0 and limits[i] > starts[i]:
            limits[i] -= 1
            surplus -= 1
    ends, k = [], 0
    for i, (s, lim) in enumerate(zip(starts, limits, strict=True)):
        k = _skip(rows, k)
        e = len(rows) if i == len(starts) - 1 else min(len(rows), k + max(0, lim - s))
        if e - k > max(0, lim - s) or _end_cost(rows, e) > 0:
            return None
        ends.append(e)
        k = e
    return ends


def _columns(rows: list[Row], ends: list[int]) -> list[list[Row]]:
    cols, k = [], 0
    for e in ends:
        k = _skip(rows, k)
        cols.append(rows[k:e])
        k = e
    return cols


def _square(rows: list[Row], starts: list[int], limits: list[int], foot: int
            ) -> tuple[float, list[int]] | None:
    """Cheapest column ends with every column's foot at most `limits[i]` (all rows set),
    measured against `foot`: (cost, end index of each column), or None."""
    n, total = len(starts), len(rows)
    ecost = [_end_cost(rows, e) for e in range(total + 1)]
    skip = list(range(total + 1))
    for k in range(total - 1, -1, -1):
        if rows[k].kind == "space":
            skip[k] = skip[k + 1]
    # states: (first row of the next column, lines short of the previous, capped) →
    # (cost, the state it came from, this column's end)
    layers: list[dict[tuple[int, int], tuple[float, tuple[int, int] | None, int]]] = [
        {(0, 0): (0.0, None, 0)}]
    for i in range(n):
        nxt: dict[tuple[int, int], tuple[float, tuple[int, int] | None, int]] = {}
        room = max(0, limits[i] - starts[i])
        for (k, prev), (cost, _from, _e) in layers[-1].items():
            k0 = skip[k]
            top = min(total, k0 + room)
            if i == n - 1:
                choices = [total] if total <= top else []
            else:
                choices = list(range(top, max(k0, top - MAX_SHORT) - 1, -1))
                if total <= top and total not in choices:
                    choices.append(total)
            base = foot - starts[i] + k0
            for e in choices:
                # A column `short` lines short of the foot costs SHORT, and UNLEVEL per
                # line beyond one (written out, as is min(): this loop runs for every
                # break of every column of every story the auto search squares off).
                short = base - e
                c = cost + ecost[e] + (0.0 if short <= 0 else SHORT + UNLEVEL * (short - 1)) \
                    + (OUT_OF_ORDER if short < prev else 0)
                key = (e, short if short < 2 else 2)
                old = nxt.get(key)
                if old is None or c < old[0]:
                    nxt[key] = (c, (k, prev), e)
        layers.append(nxt)
    done = sorted((v[0], key) for key, v in layers[-1].items() if key[0] >= total)
    if not done:
        return None
    cost, key = done[0]
    ends: list[int] = []
    for layer in range(n, 0, -1):
        _c, back, e = layers[layer][key]
        ends.append(e)
        assert back is not None
        key = back
    return cost, ends[::-1]
