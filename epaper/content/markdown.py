"""Story bodies as CommonMark (markdown-it-py): paragraphs, subheads, emphasis, lists,
block quotes, links and hard line breaks into Blocks; what a newspaper body cannot
hold (images, tables, raw HTML, code) is refused at its line.

CommonMark is what desk tools (and the desk's own habits) write: `*` and `_` for
emphasis, `**` and `__` for strong, `\\*` for a literal star, `- ` or `1. ` lists, a
backslash at a line's end for a line break (trailing spaces are not one here). The
token stream's line maps give each block its line in the story file; the line of a
construct inside a paragraph is counted from the paragraph's soft and hard breaks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from epaper.errors import Collector, ContentError
from epaper.model.edition import Block, BlockKind, Span
from epaper.yamlio import Pos

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@cache
def _parser() -> MarkdownIt:
    """Made on first use: a rebuild whose stories all come from the cache parses none."""
    from markdown_it import MarkdownIt

    # GFM tables are switched on only so that a table is recognised, and refused.
    return MarkdownIt("commonmark", {"html": True}).enable("table")

BULLETS = ("•", "–", "◦")  # by depth: a news list's bullet, then dashes for sub-items
BN_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")

# What cannot be printed in a column of body text, with what to do instead.
REFUSED = {
    "image": ("an image", "![", "put the photo in the front matter "
              "(photos: - file: …) with its caption"),
    "table_open": ("a table", "|", "tables are not set in body text; write the figures as "
                   "sentences or a list, or supply the table as a graphic"),
    "html_block": ("raw HTML", "<", "write the text without HTML tags"),
    "html_inline": ("raw HTML", "<", "write the text without HTML tags; use **bold** or "
                    "*italic* for emphasis"),
    "code_inline": ("code (`…`)", "`", "remove the backticks"),
    "code_block": ("an indented code block (a line indented by 4 spaces or a tab)", None,
                   "remove the indent: paragraphs are separated by blank lines"),
    "fence": ("a code block (```)", "`", "remove the ``` lines"),
    "hr": ("a thematic break (---, ***)", None, "a story is broken by a subhead "
           "(## …), not a rule; remove the line"),
}


@dataclass
class _Context:
    """Where the walk is: list nesting (kind, next number, delimiter) and quotes."""

    lists: list[list[object]] = field(default_factory=list)
    quote: int = 0
    item_open: bool = False  # the current list item has had its first block


def _marker(ctx: _Context, lang: str) -> str:
    kind, number, delim = ctx.lists[-1]
    if kind == "bullet":
        return BULLETS[min(len(ctx.lists), len(BULLETS)) - 1]
    text = str(number)
    return (text.translate(BN_DIGITS) if lang == "bn" else text) + str(delim)


def _inline(token: Token, first: int, file: Path | None, source: list[str],
            sink: Collector) -> Iterator[tuple[tuple[Span, ...], int]]:
    """The inline content as runs of spans, split at hard breaks; each with its line."""
    spans: list[Span] = []
    bold = italic = 0
    link = ""
    line = first
    start = line
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            spans.append(Span(child.content, bold > 0, italic > 0, link))
        elif kind == "softbreak":
            spans.append(Span(" ", bold > 0, italic > 0, link))
            line += 1
        elif kind == "hardbreak":
            yield tuple(spans), start
            spans, line = [], line + 1
            start = line
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind == "strong_open" else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind == "em_open" else -1
        elif kind == "link_open":
            link = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            link = ""
        elif kind in REFUSED:
            _refuse(kind, line, file, source, sink)
    yield tuple(spans), start


def _refuse(kind: str, line: int, file: Path | None, source: list[str],
            sink: Collector) -> None:
    what, mark, hint = REFUSED[kind]
    text = source[line - 1] if 0 < line <= len(source) else ""
    col = text.find(mark) + 1 if mark and mark in text else 0
    where = Pos(line, col, col + len(mark)) if col and mark else line
    sink.add(ContentError(f"{what} cannot be printed in a news story's body", file=file,
                          line=where, field="body", code="E-markdown", hint=hint))


def _merge(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Neighbouring spans of one style as one (the parser splits text at every escape)."""
    out: list[Span] = []
    for s in spans:
        if out and (out[-1].bold, out[-1].italic, out[-1].link) == (s.bold, s.italic, s.link):
            out[-1] = Span(out[-1].text + s.text, s.bold, s.italic, s.link)
        elif s.text:
            out.append(s)
    # Leading and trailing blanks (a hard break's spaces) are not text.
    if out:
        out[0] = Span(out[0].text.lstrip(), out[0].bold, out[0].italic, out[0].link)
        out[-1] = Span(out[-1].text.rstrip(), out[-1].bold, out[-1].italic, out[-1].link)
    return tuple(s for s in out if s.text)


def _block(ctx: _Context, heading: bool, lang: str) -> tuple[BlockKind, str, int]:
    """What a paragraph (or heading) here is: its kind, list marker and depth."""
    if heading and not ctx.lists:
        return "subhead", "", 0
    if ctx.lists:
        marker = "" if ctx.item_open else _marker(ctx, lang)
        ctx.item_open = True
        return "item", marker, len(ctx.lists)
    return ("quote" if ctx.quote else "para"), "", 0


def parse_inline(text: str) -> tuple[Span, ...]:
    """One paragraph's text as spans (emphasis, strong, links; escapes resolved)."""
    sink = Collector()
    runs = [spans for token in _parser().parseInline(text) if token.type == "inline"
            for spans, _line in _inline(token, 1, None, text.split("\n"), sink)]
    sink.check()
    return _merge(tuple(s for k, run in enumerate(runs)
                        for s in ((Span(" "),) if k else ()) + run))


class _Walk:
    """The token stream into blocks, keeping track of lists, quotes and headings."""

    def __init__(self, first_line: int, lang: str, file: Path | None, source: list[str],
                 sink: Collector) -> None:
        self.first, self.lang, self.file, self.source, self.sink = (
            first_line, lang, file, source, sink)
        self.ctx = _Context()
        self.heading = False
        self.table = 0
        self.blocks: list[Block] = []

    def token(self, token: Token) -> None:
        kind = token.type
        line = self.first + token.map[0] if token.map else self.first
        ctx = self.ctx
        if self.table:  # a refused table's cells are not set as paragraphs
            self.table += {"table_open": 1, "table_close": -1}.get(kind, 0)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1)
            ctx.lists.append(["bullet" if kind.startswith("bullet") else "ordered", start,
                              token.markup or "."])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            ctx.lists.pop()
        elif kind == "list_item_open":
            ctx.item_open = False
        elif kind == "list_item_close":
            ctx.lists[-1][1] = int(str(ctx.lists[-1][1])) + 1
            ctx.item_open = True  # what follows in the parent item continues it
        elif kind in ("blockquote_open", "blockquote_close"):
            ctx.quote += 1 if kind == "blockquote_open" else -1
        elif kind in ("heading_open", "heading_close"):
            self.heading = kind == "heading_open"
        elif kind == "inline":
            self.inline(token, line)
        elif kind in REFUSED:
            self.table = 1 if kind == "table_open" else 0
            _refuse(kind, line, self.file, self.source, self.sink)

    def inline(self, token: Token, line: int) -> None:
        block_kind, marker, depth = _block(self.ctx, self.heading, self.lang)
        for k, (spans, at) in enumerate(_inline(token, line, self.file, self.source,
                                                self.sink)):
            merged = _merge(spans)
            if merged:
                self.blocks.append(Block(block_kind, merged, at, marker=marker if not k
                                         else "", depth=depth, after_break=k > 0))


def parse_body(text: str, first_line: int = 1, *, lang: str = "bn",
               file: Path | None = None, sink: Collector | None = None
               ) -> tuple[Block, ...]:
    """Blocks of a story body; `first_line` is the file line the body starts on. Each
    construct that cannot be printed is an error in `sink` (or raised, without one)."""
    own = sink is None
    sink = sink or Collector()
    source = [""] * (first_line - 1) + text.split("\n")
    # A hard line break is a backslash at the line's end. Trailing spaces, CommonMark's
    # other way, are invisible and left by word processors at random: they are not one.
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    walk = _Walk(first_line, lang, file, source, sink)
    for token in _parser().parse(text):
        walk.token(token)
    if own:
        sink.check()
    return tuple(walk.blocks)
