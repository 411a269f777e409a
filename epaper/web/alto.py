"""ALTO XML v4 per page (web/alto/NN.xml): every printed word at the place layout set it.

Coordinates are pixels of the page's full-size IIIF image (the manifest's canvas), taken
from the layout, not from OCR. Each article's blocks sit in a ComposedBlock tagged with
the article (a StructureTag whose LABEL is the story id), and the ReadingOrder lists
them in the order they are read. A word broken over two lines is two Strings marked
HypPart1/HypPart2, each with the whole word as SUBS_CONTENT; a hyphen the layout added
is a HYP at the end of its line.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from epaper import __version__
from epaper.model.frame import Box, Element, Line, PageFrame, PlacedWord
from epaper.web.edition import article_parts
from epaper.web.images import PageImages

NS = "http://www.loc.gov/standards/alto/ns-v4#"
SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"
# The box of a line of type, in ems from its baseline: room for Bengali vowel signs above
# the headstroke (ি ী ৈ reach about 0.9 em) and below it (ু ূ ৃ about 0.3 em).
ASCENT, DESCENT = 0.9, 0.3


@dataclass(frozen=True)
class Token:
    """One ALTO String: a word or the part of one a line holds."""

    text: str
    x0: float
    x1: float
    style: str = ""
    part: int = 0  # 1 or 2: the halves of a word broken over two lines
    whole: str = ""  # the whole word of a broken one
    hyphen: tuple[float, float] | None = None  # the drawn hyphen's x0, x1 (HYP)


def _group_text(group: Sequence[PlacedWord]) -> str:
    return "".join(pw.word.text for pw in group)


def _groups(line: Line) -> list[list[PlacedWord]]:
    """Pieces of one word that one line holds, together (as the PDF text layer has them)."""
    groups: list[list[PlacedWord]] = []
    for pw in line.words:
        if groups and groups[-1][-1].word.joined:
            groups[-1].append(pw)
        else:
            groups.append([pw])
    return groups


def _style(group: Sequence[PlacedWord]) -> str:
    return _style_of(tuple(r.font for pw in group for r in pw.word.runs))


@functools.cache
def _style_of(fonts: tuple[str, ...]) -> str:
    """ALTO's STYLE from the faces a word is set in (FontBook keys name their weight)."""
    keys = [f.lower() for f in fonts]
    styles = [s for s, mark in (("bold", "bold"), ("italics", "italic"))
              if keys and all(mark in k for k in keys)]
    return " ".join(styles)


def _simple(ch: str) -> bool:
    """A character HarfBuzz draws as one glyph of its own (no conjunct, no reordering)."""
    return ord(ch) < 0x0300 or "\u09e6" <= ch <= "\u09ef" or ch == "\u09f3"


def _split(text: str, x0: float, x1: float, starts: list[float]
           ) -> list[tuple[str, float, float]]:
    """A word layout kept together across a space ("৫৫ শতাংশ", "Falcon 9") as the words
    ALTO wants. Where everything before a space drew one glyph per character (a number,
    a Latin name: the usual case), the space is that glyph and the split is exact;
    otherwise the width is shared in proportion to characters. `starts`: each glyph's x."""
    if " " not in text:
        return [(text, x0, x1)]
    per = (x1 - x0) / max(1, len(text))
    cuts: list[tuple[int, float, float]] = []  # (char index of the space, left end, right start)
    for i, ch in enumerate(text):
        if ch != " ":
            continue
        if all(_simple(c) for c in text[:i]) and i + 1 < len(starts):
            cuts.append((i, starts[i], starts[i + 1]))
        else:
            cuts.append((i, x0 + i * per, x0 + (i + 1) * per))
    out = []
    a, left = 0, x0
    for i, end, nxt in cuts:
        if text[a:i]:
            out.append((text[a:i], left, end))
        a, left = i + 1, nxt
    if text[a:]:
        out.append((text[a:], left, x1))
    return out


def line_tokens(line: Line) -> list[Token]:
    """The line's Strings, with the line's horizontal scale (font expansion) applied."""
    scale = line.scale
    out: list[Token] = []
    for group in _groups(line):
        first, last = group[0], group[-1]
        x0 = first.x
        x1 = last.x + last.word.width * scale
        hyphen = None
        if last.word.hyphen and last.word.runs and last.word.runs[-1].glyphs:
            # The hyphen is the word's last glyph: the String ends where it starts.
            at = last.x + last.word.runs[-1].glyphs[-1].x * scale
            hyphen, x1 = (at, x1), at
        text = _group_text(group)
        pieces = [(text, x0, x1)]
        if " " in text:
            starts = [pw.x + g.x * scale for pw in group for r in pw.word.runs for g in r.glyphs]
            pieces = _split(text, x0, x1, starts)
        style = _style(group)
        for k, (text, a, b) in enumerate(pieces):
            out.append(Token(text, a, b, style,
                             hyphen=hyphen if k == len(pieces) - 1 else None))
    return out


def article_tokens(lines: Sequence[Line]) -> list[list[Token]]:
    """Tokens of consecutive lines (one article's, in reading order), broken words marked:
    the end of a line whose last word runs on, and the start of the next."""
    tokens = [line_tokens(ln) for ln in lines]
    for i, ln in enumerate(lines[:-1]):
        if not (ln.words and ln.words[-1].word.joined and tokens[i] and tokens[i + 1]):
            continue
        whole = tokens[i][-1].whole  # set when this piece continues a longer word
        if not whole:
            whole = tokens[i][-1].text + tokens[i + 1][0].text
            j = i + 1  # a word too long for two lines runs on again
            while (j < len(lines) - 1 and len(tokens[j]) == 1 and lines[j].words
                   and lines[j].words[-1].word.joined and tokens[j + 1]):
                j += 1
                whole += tokens[j][0].text
        tokens[i][-1] = _mark(tokens[i][-1], 1, whole)
        tokens[i + 1][0] = _mark(tokens[i + 1][0], 2, whole)
    return tokens


def _mark(t: Token, part: int, whole: str) -> Token:
    if t.part and t.part != part:  # the middle piece of a word over three lines
        return Token(t.text, t.x0, t.x1, t.style, 1, t.whole or whole, t.hyphen)
    return Token(t.text, t.x0, t.x1, t.style, part, t.whole or whole, t.hyphen)


class _Writer:
    """Boxes in points (top-left) to canvas pixels, and the XML text."""

    def __init__(self, frame: PageFrame, images: PageImages) -> None:
        self.sx = images.service.width / frame.width
        self.sy = images.service.height / frame.height
        self.out: list[str] = []

    def pos(self, x0: float, y0: float, x1: float, y1: float) -> str:
        return (f'HPOS="{_n(x0 * self.sx)}" VPOS="{_n(y0 * self.sy)}" '
                f'WIDTH="{_n((x1 - x0) * self.sx)}" HEIGHT="{_n((y1 - y0) * self.sy)}"')

    def box(self, b: Box) -> str:
        return self.pos(b.x0, b.y0, b.x1, b.y1)


def _n(v: float) -> str:
    return f"{v:.1f}"


_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                       "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})


def _attr(text: str) -> str:
    """An attribute value in double quotes (saxutils.quoteattr, without its choosing)."""
    return '"' + text.translate(_ATTR) + '"'


def _line_box(line: Line) -> tuple[float, float]:
    size = max((r.size for pw in line.words for r in pw.word.runs), default=0.0)
    return line.baseline - ASCENT * size, line.baseline + DESCENT * size


def _text_block(w: _Writer, el: Element, block_id: str, lang: str, tags: str,
                tokens: list[list[Token]]) -> None:
    w.out.append(f'<TextBlock ID="{block_id}" {w.box(el.box)}{tags}'
                 + (f' LANG="{lang}"' if lang else "") + ">")
    for line, toks in zip(el.lines, tokens, strict=True):
        if toks:
            _text_line(w, line, toks)
    w.out.append("</TextBlock>")


def _text_line(w: _Writer, line: Line, toks: list[Token]) -> None:
    top, bottom = _line_box(line)
    sx = w.sx
    # Every String of a line shares its top and height: formatted once.
    vpos = f'VPOS="{_n(top * w.sy)}"'
    tall = f'{vpos} HEIGHT="{_n((bottom - top) * w.sy)}"'
    x1 = max(t.hyphen[1] if t.hyphen else t.x1 for t in toks)
    base = _n(line.baseline * w.sy)
    out = w.out
    out.append(f'<TextLine HPOS="{_n(toks[0].x0 * sx)}" {vpos} '
               f'WIDTH="{_n((x1 - toks[0].x0) * sx)}" HEIGHT="{_n((bottom - top) * w.sy)}" '
               f'BASELINE="{_n(toks[0].x0 * sx)},{base} {_n(x1 * sx)},{base}">')
    prev = None
    for t in toks:
        if prev is not None:
            out.append(f'<SP HPOS="{_n(prev * sx)}" {vpos} WIDTH="{_n((t.x0 - prev) * sx)}"/>')
        extra = f' STYLE="{t.style}"' if t.style else ""
        if t.part:
            extra += f' SUBS_TYPE="HypPart{t.part}" SUBS_CONTENT={_attr(t.whole)}'
        out.append(f'<String CONTENT={_attr(t.text)} HPOS="{_n(t.x0 * sx)}" {tall} '
                   f'WIDTH="{_n((t.x1 - t.x0) * sx)}"{extra}/>')
        prev = t.x1
    last = toks[-1]
    if last.hyphen:
        out.append(f'<HYP HPOS="{_n(last.hyphen[0] * sx)}" {tall} '
                   f'WIDTH="{_n((last.hyphen[1] - last.hyphen[0]) * sx)}" CONTENT="-"/>')
    out.append("</TextLine>")


def _illustration(w: _Writer, el: Element, block_id: str, kind: str, tags: str) -> None:
    w.out.append(f'<Illustration ID="{block_id}" TYPE="{kind}" {w.box(el.box)}{tags}/>')


def page_alto(frame: PageFrame, images: PageImages, tags: Mapping[str, str],
              langs: Mapping[str, str], edition_lang: str, image_id: str) -> str:
    """The ALTO document of one page. `tags` maps story ids to their StructureTag IDs
    (the same on every page), `langs` story ids to their language."""
    w = _Writer(frame, images)
    n = frame.number
    parts = article_parts(frame)
    part_of = {id(el): k for k, p in enumerate(parts) for el in p.elements}
    done: set[int] = set()
    order: list[tuple[str, list[str]]] = []
    counter = iter(range(1, 1_000_000))
    body: list[str] = []
    w.out = body
    for el in frame.elements:
        k = part_of.get(id(el))
        if k is None:
            if el.lines:
                _text_block(w, el, f"P{n}_B{next(counter)}", edition_lang, "",
                            article_tokens(el.lines))
            elif el.image is not None:
                _illustration(w, el, f"P{n}_B{next(counter)}",
                              "advertisement" if el.role == "ad" else "image", "")
            continue
        if k in done:
            continue
        done.add(k)
        order.append(_composed(w, parts[k], n, counter, tags, langs))
    head = _head(frame, images, parts, tags, order, image_id, edition_lang)
    return head + "".join(body) + "</PrintSpace></Page></Layout></alto>\n"


def _composed(w: _Writer, part, n: int, counter, tags: Mapping[str, str],  # type: ignore[no-untyped-def]
              langs: Mapping[str, str]) -> tuple[str, list[str]]:
    tag = tags[part.story]
    ref = f' TAGREFS="{tag}"'
    w.out.append(f'<ComposedBlock ID="P{n}_A{next(counter)}" TYPE="article" '
                 f'{w.box(part.box)}{ref}>')
    texts = [el for el in part.elements if el.lines]
    # Broken words may run from one block into the next (a column's foot, the next top).
    tokens = article_tokens([ln for el in texts for ln in el.lines])
    ids: list[str] = []
    at = 0
    for el in part.elements:
        block_id = f"P{n}_B{next(counter)}"
        if el.lines:
            _text_block(w, el, block_id, langs.get(part.story, ""), ref,
                        tokens[at:at + len(el.lines)])
            at += len(el.lines)
        elif el.image is not None:
            _illustration(w, el, block_id, "photo", ref)
        else:
            continue
        ids.append(block_id)
    w.out.append("</ComposedBlock>")
    return tag, ids


def _head(frame: PageFrame, images: PageImages, parts, tags: Mapping[str, str],  # type: ignore[no-untyped-def]
          order: list[tuple[str, list[str]]], image_id: str, lang: str) -> str:
    n = frame.number
    s = images.service
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<alto xmlns="{NS}" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xsi:schemaLocation="{NS} {SCHEMA}" SCHEMAVERSION="4.4">',
           "<Description><MeasurementUnit>pixel</MeasurementUnit>",
           f"<sourceImageInformation><fileName>{escape(image_id)}</fileName>"
           "</sourceImageInformation>",
           '<Processing ID="layout"><processingCategory>contentGeneration'
           "</processingCategory><processingStepDescription>Text and positions as set by "
           "the typesetter from the desk's copy (not OCR); coordinates are pixels of the "
           f"full-size page image, {s.width} x {s.height}.</processingStepDescription>"
           "<processingSoftware><softwareName>epaper</softwareName>"
           f"<softwareVersion>{__version__}</softwareVersion></processingSoftware>"
           "</Processing></Description>"]
    stories = list(dict.fromkeys(p.story for p in parts))
    if stories:
        out.append("<Tags>")
        out += [f'<StructureTag ID="{tags[sid]}" TYPE="article" LABEL={_attr(sid)}/>'
                for sid in stories]
        out.append("</Tags>")
    if order:
        out.append('<ReadingOrder><UnorderedGroup ID="RO">')
        for g, (tag, ids) in enumerate(order, 1):
            if not ids:
                continue
            out.append(f'<OrderedGroup ID="RO_{n}_{g}" TAGREFS="{tag}">')
            out += [f'<ElementRef ID="RO_{n}_{g}_{k}" REF="{ref}"/>'
                    for k, ref in enumerate(ids, 1)]
            out.append("</OrderedGroup>")
        out.append("</UnorderedGroup></ReadingOrder>")
    out.append(f'<Layout><Page ID="P{n}" PHYSICAL_IMG_NR="{n}" PRINTED_IMG_NR="{n}" '
               f'WIDTH="{s.width}" HEIGHT="{s.height}" LANG="{lang}">'
               f'<PrintSpace HPOS="0" VPOS="0" WIDTH="{s.width}" HEIGHT="{s.height}">')
    return "".join(out)
