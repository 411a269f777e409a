"""What a drawn line says to text extractors: its words' text, and which glyphs need
an ActualText span because their own characters do not read right in drawing order.

Readers take text from two places: the ToUnicode map of the glyphs (every extractor;
pdfminer.six and PDFBox only that) and `/ActualText` spans (pdfium, poppler). Each glyph
maps to the characters it shows (`Glyph.text`), and a word space is a real space glyph
between the words, so a word whose glyphs read in drawing order as the word does (Latin,
and Bengali without pre-base vowel signs, reph or marks) needs no span at all; only the
stretch of glyphs that does not (কি is drawn ি ক) is covered by one.
"""

from __future__ import annotations

from typing import NamedTuple

from epaper.model.frame import Line, PlacedWord


class Segment(NamedTuple):
    """Glyphs `start`..`end` of a word group, and the ActualText that covers them (None:
    the glyphs' own characters are the text)."""

    start: int
    end: int
    actual: str | None


def groups(line: Line) -> list[list[PlacedWord]]:
    """The line's words, a word broken into pieces that stayed on one line one group
    again: its pieces are one word to the reader."""
    out: list[list[PlacedWord]] = []
    for pw in line.words:
        if out and out[-1][-1].word.joined:
            out[-1].append(pw)
        else:
            out.append([pw])
    return out


def group_text(group: list[PlacedWord], line_end: bool, carry: str, runs_on: bool
               ) -> tuple[str, str]:
    """The text a group reads as, and what it hands on to the next line's first group.

    The space after a word is not part of it: a space glyph is drawn between words. A
    line-end hyphen belongs to the word: pdfium reports it as its soft-hyphen mark
    (U+FFFE), poppler joins the word back up. But a compound broken after its own hyphen
    ("সর্দি-" / "কাশি") would lose that hyphen the same way, as pdfium takes any
    hyphen-minus ending a line for a soft one: its text goes to the next line (`runs_on`:
    there is one), where it is read back."""
    tail = group[-1].word
    text = carry + "".join(pw.word.text for pw in group)
    if tail.hyphen:
        return text + "-", ""
    if line_end and tail.joined and text.endswith("-") and runs_on and len(text) > 1:
        return text[:-1], "-"
    return text, ""


class Drawn(NamedTuple):
    """What the text layer needs to know of one glyph as drawn."""

    text: str  # the characters it shows
    plain: bool  # may stand alone: on the baseline, with an advance, not left of the last
    ahead: bool  # ends furthest right of all the word's glyphs drawn so far
    joined: bool  # in the same text object as the glyph before (same font, size, baseline)


def segments(glyphs: list[Drawn], want: str) -> list[Segment]:
    """Cover the glyphs whose characters (in drawing order) do not read as `want` with
    as few ActualText spans as possible.

    A glyph stands alone when everything drawn before it reads as the start of `want`,
    its own characters come next, and it is `plain`: extractors place it as a letter.
    Every other stretch between such points is one span with the text it stands for;
    neighbouring spans are one, and a span never has empty text (an empty ActualText
    hides its glyphs from poppler but not from pdfium): a glyph that says nothing joins
    the span before it, or after it.

    Where a span may end, so that each reader measures the gap after it right:
    - only after a glyph that is `ahead`: poppler takes a span to end where its last
      glyph's advance does, so a span ending on a mark drawn back over its letter (চূ of
      চূড়ান্ত) leaves a gap that poppler reads as a word space;
    - not before the word's end once it holds several text objects (a glyph off the
      baseline has a Tm of its own, another font a Tf): pdfium measures the gap after a
      span from the end of its first text object, and would put a space there
      (চূড় ান্ত)."""
    if not want or not glyphs:
        return [Segment(0, len(glyphs), None)] if glyphs else []
    cuts = [(0, 0)]  # (glyph index, length of `want` read before it)
    read = ""  # the characters of the glyphs since the last cut
    one = True  # the glyphs since the last cut are one text object
    at = 0
    n = len(glyphs)
    for i, g in enumerate(glyphs):
        one = one and (g.joined or not read)
        read += g.text
        last = i + 1 == n
        if not (g.ahead and (last or glyphs[i + 1].plain) and (one or last)):
            continue
        # In step again: the glyphs since the last cut show the next characters of
        # `want`, in some order (ে দ for দে).
        ahead = want[at:at + len(read)]
        if read == ahead or sorted(read) == sorted(ahead):
            at += len(read)
            cuts.append((i + 1, at))
            read, one = "", True
    if cuts[-1][0] != len(glyphs):
        cuts.append((len(glyphs), len(want)))
    # [first glyph, end glyph, text start, text end, stands alone]
    parts: list[list[int]] = []
    for (a, pa), (b, pb) in zip(cuts, cuts[1:], strict=False):
        alone = b - a == 1 and glyphs[a].plain and pb > pa and glyphs[a].text == want[pa:pb]
        parts.append([a, b, pa, pb, int(alone)])
    merged: list[list[int]] = []
    for part in parts:
        prev = merged[-1] if merged else None
        if prev is not None and not part[4] and (not prev[4] or part[2] == part[3]):
            prev[1], prev[3], prev[4] = part[1], part[3], 0
        elif prev is not None and not prev[4] and prev[2] == prev[3]:
            prev[1], prev[3], prev[4] = part[1], part[3], 0
        else:
            merged.append(part)
    return [Segment(a, b, None if alone else want[pa:pb]) for a, b, pa, pb, alone in merged]
