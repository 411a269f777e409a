"""The small Markdown of story bodies: paragraphs, `## ` subheads (`#` to `######` and
a space), **bold** and *italic*."""

from __future__ import annotations

import re

from epaper.model.edition import Block, Span

# An ATX heading as CommonMark has it: one to six #, then a space or tab (or nothing).
# "#Hashtag" and "#1 priority" are body text, not subheads.
_HEADING = re.compile(r"#{1,6}(?:[ \t]+(.*))?")
_INLINE = re.compile(r"(\*\*.+?\*\*|\*[^*\s](?:.*?[^*\s])?\*)")


def parse_inline(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            spans.append(Span(text[pos:m.start()]))
        token = m.group(0)
        if token.startswith("**"):
            spans.append(Span(token[2:-2], bold=True))
        else:
            spans.append(Span(token[1:-1], italic=True))
        pos = m.end()
    if pos < len(text):
        spans.append(Span(text[pos:]))
    return tuple(s for s in spans if s.text)


def parse_body(text: str, first_line: int = 1) -> tuple[Block, ...]:
    """Blocks of a story body; `first_line` is the file line the body starts on."""
    blocks: list[Block] = []
    para: list[str] = []
    start = 0

    def flush() -> None:
        if para:
            joined = " ".join(p.strip() for p in para)
            blocks.append(Block("para", parse_inline(joined), start))
            para.clear()

    for k, raw in enumerate(text.splitlines()):
        line = raw.strip()
        lineno = first_line + k
        if not line:
            flush()
        elif (heading := _HEADING.fullmatch(line)) is not None:
            flush()
            blocks.append(Block("subhead", parse_inline((heading.group(1) or "").strip()),
                                lineno))
        else:
            if not para:
                start = lineno
            para.append(line)
    flush()
    return tuple(b for b in blocks if b.spans)
