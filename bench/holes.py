"""Visible holes in justified body text, measured on the pixels of the rendered edition,
against the fewest that any line breaker could leave.

    python bench/holes.py [EDITION_DIR] [--out DIR] [--reuse] [--dpi 400] [--worst N]

It builds the edition (screen variant; or reads the build in --out with --reuse),
rasterises every page at 400 dpi with pypdfium2, and takes each *full justified body
line* — role `body` in layout.json, not the last line of a paragraph, not a line holding
one word — as a strip from 0.9 em above its baseline to 0.35 em below, as wide as its
measure. A pixel darker than mid-grey is ink; the widest run of columns with no ink
between the line's first and last ink is its hole, in em of the body size. Reported:
per 1000 lines, how many have a hole over 0.6, 0.9 and 1.2 em, and the distribution.

Which lines end a paragraph comes from the story text: the layout's lines of a story,
read in order, are matched to its paragraphs character by character.

The bound is bench/justify.py's dynamic program over every way to break each paragraph
(shrink to 0.8, any number of hyphens in a row, no short word alone on a justified line),
with its line test restated in the unit the pixels are measured in: a line's hole is
the widest of its word gaps, each the stretched space plus the blank the two glyphs
beside it leave within their advances (side bearings, from the glyphs' outline boxes),
and of the blanks inside its words. The same model predicts every measured line from
the layout, and its agreement with the pixels is printed, so the conversion is checked
rather than assumed. The bound is given for word spaces only (the old rules) and with
glyphs scaled by up to ±MAX_EXPAND (font expansion).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from epaper.build import build_edition, layout, load  # noqa: E402
from epaper.layout.typeset import font_for  # noqa: E402
from epaper.model.frame import Line, Word  # noqa: E402
from epaper.text import linebreak  # noqa: E402
from epaper.text.linebreak import DASH, HYPHEN, SHRINK, SPACE, Item, _Paragraph  # noqa: E402
from epaper.text.words import Fragment, WordMaker, fragments, tokenize  # noqa: E402

THRESHOLDS = (0.6, 0.9, 1.2)  # em: 0.9 is the hole a reader sees (issue 12)
STRIP_ABOVE, STRIP_BELOW = 0.9, 0.35  # em around the baseline (the result barely moves)
INK = 128  # grey level below which a pixel is ink
MAX_EXPAND = getattr(linebreak, "MAX_EXPAND", 0.02)


@dataclass(frozen=True)
class BodyLine:
    page: int
    story: str
    line: Line
    block: int  # index of the story block it belongs to (-1: unmatched)
    last: bool  # ends its paragraph
    json: dict  # its entry in layout.json

    @property
    def full(self) -> bool:
        """A full justified line: not a paragraph's end, more than one word."""
        return not self.last and any(not w.word.joined for w in self.line.words[:-1])


# -- which lines end a paragraph ------------------------------------------------------------

def _letters(text: str) -> int:
    return sum(not c.isspace() for c in text)


def _line_letters(ln: Line) -> int:
    """Characters of the story text the line holds (a drawn hyphen is not one)."""
    return sum(_letters(w.word.text) for w in ln.words)


def body_lines(loaded, frames, layout_doc: dict) -> list[BodyLine]:  # type: ignore[no-untyped-def]
    """Every body line of the edition with its paragraph, in reading order per story."""
    by_story: dict[str, list[tuple[int, Line, dict]]] = {}
    for frame, page in zip(frames, layout_doc["pages"], strict=True):
        for el, item in zip(frame.elements, page["elements"], strict=True):
            assert el.role == item["role"]
            if el.role != "body":
                continue
            for ln, lj in zip(el.lines, item["lines"], strict=True):
                assert ln.text == lj["text"], (ln.text, lj["text"])
                by_story.setdefault(el.story, []).append((frame.number, ln, lj))
    stories = {s.id: s for s in loaded.edition.stories}
    out: list[BodyLine] = []
    for sid, lines in by_story.items():
        ends, total = [], 0
        for block in stories[sid].blocks:
            total += _letters(block.text)
            ends.append(total)
        seen, b = 0, 0
        for page, ln, lj in lines:
            seen += _line_letters(ln)
            while b < len(ends) and ends[b] < seen:
                b += 1
            matched = b < len(ends)
            out.append(BodyLine(page, sid, ln, b if matched else -1,
                                matched and ends[b] == seen, lj))
    return out


# -- pixels ------------------------------------------------------------------------------------

def widest_blank(ink: np.ndarray) -> int:
    """Length of the longest run of False between the first and the last True."""
    idx = np.flatnonzero(ink)
    if len(idx) < 2:
        return 0
    return int(np.max(np.diff(idx)) - 1)


def pixel_holes(pdf_path: Path, layout_doc: dict, lines: list[BodyLine], dpi: float,
                em: float) -> dict[int, float]:
    """The hole of each line (keyed by id of its layout.json entry), in em."""
    wanted = {id(bl.json) for bl in lines}
    scale = dpi / 72
    out: dict[int, float] = {}
    pdf = pdfium.PdfDocument(str(pdf_path))
    for page, pj in zip(pdf, layout_doc["pages"], strict=True):
        img = np.asarray(page.render(scale=scale, grayscale=True).to_pil().convert("L"))
        height = pj["height"]
        for el in pj["elements"]:
            for lj in el.get("lines", ()):
                if id(lj) not in wanted:
                    continue
                y = (height - lj["baseline"]) * scale
                r0, r1 = int(y - STRIP_ABOVE * em * scale), int(y + STRIP_BELOW * em * scale)
                c0 = int(lj["x0"] * scale) - 2
                c1 = int((lj["x0"] + lj["width"]) * scale) + 3
                ink = (img[r0:r1, c0:c1] < INK).any(axis=0)
                out[id(lj)] = widest_blank(ink) / scale / em
        page.close()
    pdf.close()
    return out


# -- the same holes predicted from glyph outlines ------------------------------------------

class Ink:
    """Horizontal ink extents of glyphs, from their outlines' bounding boxes."""

    def __init__(self, fonts_dir: Path) -> None:
        self.dir = fonts_dir
        self._fonts: dict[str, tuple[object, list[str], int]] = {}
        self._extents: dict[tuple[str, int], tuple[float, float] | None] = {}

    def extent(self, face: str, gid: int) -> tuple[float, float] | None:
        """(xMin, xMax) in em, or None for a glyph with no ink (a space)."""
        key = (face, gid)
        if key not in self._extents:
            self._extents[key] = self._extent(face, gid)
        return self._extents[key]

    def _extent(self, face: str, gid: int) -> tuple[float, float] | None:
        if face not in self._fonts:
            tt = TTFont(self.dir / f"{face}.ttf")
            self._fonts[face] = (tt.getGlyphSet(), tt.getGlyphOrder(), tt["head"].unitsPerEm)
        glyphs, order, upem = self._fonts[face]
        pen = BoundsPen(glyphs)
        glyphs[order[gid]].draw(pen)  # type: ignore[index]
        if pen.bounds is None:
            return None
        return pen.bounds[0] / upem, pen.bounds[2] / upem

    def spans(self, word: Word, x: float = 0.0, scale: float = 1.0) -> list[tuple[float, float]]:
        """The word's inked intervals in points, left to right, drawn at `x`."""
        out = []
        for run in word.runs:
            for g in run.glyphs:
                ext = self.extent(run.font, g.gid)
                if ext is not None:
                    out.append((x + scale * (g.x + ext[0] * run.size),
                                x + scale * (g.x + ext[1] * run.size)))
        return sorted(out)


def widest_between(spans: Sequence[tuple[float, float]]) -> float:
    """Widest stretch no interval covers, between the first ink and the last."""
    best, reach = 0.0, None
    for a, b in spans:
        if reach is not None and a > reach:
            best = max(best, a - reach)
        reach = b if reach is None else max(reach, b)
    return best


def model_hole(ink: Ink, ln: Line) -> float:
    scale = getattr(ln, "scale", 1.0)
    spans = [s for pw in ln.words for s in ink.spans(pw.word, pw.x, scale)]
    return widest_between(sorted(spans))


# -- the bound ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemInk:
    lead: float  # blank from the item's origin to its first ink
    tail: float  # blank from its last ink to its advance
    inner: float  # widest blank inside it


def item_ink(ink: Ink, word: Word) -> ItemInk:
    spans = ink.spans(word)
    if not spans:
        return ItemInk(0.0, word.width, 0.0)
    return ItemInk(max(0.0, spans[0][0]), max(0.0, word.width - max(b for _a, b in spans)),
                   widest_between(spans))


def least_over(items: list[Item], inks: list[ItemInk], space: float, width: float,
               indent: float, limits: Sequence[float], expand: float, even: bool,
               hyphens: int | None = None) -> list[int]:
    """For each limit (points), the fewest full justified lines whose widest gap passes
    it, over every way to break `items` (bench/justify.py's program). Glyphs may scale by
    up to ±`expand` on a line; with `even`, a line's spaces may differ so that the gaps a
    reader sees come out alike (its widest gap is then at least their mean); `hyphens`
    caps the lines in a row that end at a hyphen or a compound's dash (None: no cap)."""
    para = _Paragraph(items, space, lambda k: width - (indent if k == 0 else 0.0))
    n = para.n
    big = n + 1
    rows = (hyphens if hyphens is not None else 0) + 1  # hyphenated lines in a row so far
    # fewest[k][j][h]: lines over limits[k] up to item j, the last h lines hyphenated
    fewest = [[[0] + [big] * n for _ in range(rows)] for _ in limits]
    lo, hi = 1.0 - expand, 1.0 + expand
    for j in range(1, n + 1):
        flagged = j < n and items[j - 1].after in (HYPHEN, DASH)
        widest = total = inner = 0.0  # side bearings at the spaces; widest blank in a word
        for i in range(j - 1, -1, -1):
            boxes, spaces, _ = para.measure(i, j)
            measure = width - (indent if i == 0 else 0.0)
            if boxes * lo + spaces * space * (1 - SHRINK) > measure + 1e-6 and i < j - 1:
                break
            inner = max(inner, inks[i].inner)
            if i < j - 1:
                joint = inks[i].tail + inks[i + 1].lead
                if items[i].after == SPACE:
                    widest, total = max(widest, joint), total + joint
                else:
                    inner = max(inner, joint)
            if j == n or spaces == 0:
                if j < n and boxes * hi < measure - 1e-6:
                    continue  # a word alone that cannot fill its line: not allowed
                hole = -1.0  # not a full justified line: never counted
            else:
                bearings = total / spaces if even else widest
                hole = _least_hole(boxes, spaces, space, measure, bearings, inner, lo, hi)
            for k, limit in enumerate(limits):
                _step(fewest[k], i, j, hole > limit, flagged, hyphens)
    return [min(f[h][n] for h in range(rows)) for f in fewest]


def _step(fewest: list[list[int]], i: int, j: int, over: bool, flagged: bool,
          hyphens: int | None) -> None:
    for h, before in enumerate(fewest):
        h2 = 0 if hyphens is None else (h + 1 if flagged else 0)
        if h2 < len(fewest) and before[i] + over < fewest[h2][j]:
            fewest[h2][j] = before[i] + over


def _least_hole(boxes: float, spaces: int, space: float, measure: float, bearings: float,
                inner: float, lo: float, hi: float) -> float:
    """The smallest widest gap a line can have with its glyphs scaled by s in [lo, hi]:
    its spaces get (measure - s * boxes) / spaces each, no less than SHRINK allows, and
    `bearings` is added to it."""
    floor = space * (1 - SHRINK)
    top = max(lo, min(hi, (measure - spaces * floor) / boxes))  # spaces stay >= floor

    def hole(s: float) -> float:
        return max((measure - s * boxes) / spaces + s * bearings, s * inner)

    # Spaces narrow as s grows, blanks inside words widen: the least is at an end or
    # where the two meet.
    candidates = [lo, top]
    denom = boxes / spaces - bearings + inner
    if denom > 0:
        candidates.append(min(top, max(lo, (measure / spaces) / denom)))
    return min(hole(s) for s in candidates)


def bound(loaded, lines: list[BodyLine], ink: Ink, limits: Sequence[float],  # type: ignore[no-untyped-def]
          expand: float, even: bool, hyphens: int | None) -> tuple[list[int], int]:
    """The fewest lines over each limit in all paragraphs the layout placed whole, and
    how many paragraphs that is."""
    body = loaded.templates.style("body")
    maker = WordMaker(loaded.fonts)
    stories = {s.id: s for s in loaded.edition.stories}
    placed: dict[tuple[str, int], list[BodyLine]] = {}
    for bl in lines:
        if bl.block >= 0:
            placed.setdefault((bl.story, bl.block), []).append(bl)
    totals = [0] * len(limits)
    paras = 0
    for (sid, b), bls in placed.items():
        story = stories[sid]
        block = story.blocks[b]
        if block.kind != "para" or not bls[-1].last:
            continue  # a subhead (ragged), or a paragraph left partly overset
        first = bls[0].line
        indent = first.words[0].x - first.x0
        width = first.width
        font = font_for(body, story.lang)
        frags: list[Fragment] = fragments(maker, tokenize(block.spans), font, width, indent,
                                          body.hyphenate)[0]
        found = least_over([f.item() for f in frags], [item_ink(ink, f.word) for f in frags],
                           maker.space(font), width, indent, limits, expand, even, hyphens)
        totals = [t + f for t, f in zip(totals, found, strict=True)]
        paras += 1
    return totals, paras


# -- report ------------------------------------------------------------------------------------

def distribution(holes: list[float]) -> str:
    h = np.array(sorted(holes))
    pct = "  ".join(f"p{q}={np.percentile(h, q):.2f}" for q in (50, 75, 90, 95, 99))
    pct += "".join(f"  >{t:g} em: {int((h > t).sum())}" for t in (1.5, 2.0))
    bins = np.arange(0.0, max(1.6, float(h.max()) + 0.1), 0.1)
    counts, edges = np.histogram(h, bins=bins)
    rows = [f"    {a:3.1f}–{b:3.1f} em {c:5d} {'#' * int(round(c / len(h) * 200))}"
            for a, b, c in zip(edges, edges[1:], counts, strict=False) if c]
    return f"  {pct}  max={h.max():.2f} em\n" + "\n".join(rows)


def run(edition: Path, out: Path, reuse: bool, dpi: float, worst: int) -> dict:
    if not reuse:
        build_edition(edition, out, variants=("screen",), preflight=False)
    loaded = load(edition)
    frames, _log = layout(loaded)
    layout_doc = json.loads((out / "layout.json").read_text(encoding="utf-8"))
    em = loaded.templates.style("body").size
    lines = body_lines(loaded, frames, layout_doc)
    unmatched = sum(bl.block < 0 for bl in lines)
    full = [bl for bl in lines if bl.full and bl.block >= 0]
    holes = pixel_holes(out / "screen" / "edition.pdf", layout_doc, full, dpi, em)
    measured = [holes[id(bl.json)] for bl in full]
    n = len(full)
    print(f"{edition}: {len(lines)} body lines, {n} full justified "
          f"({sum(bl.last for bl in lines)} paragraph ends, "
          f"{len(lines) - n - sum(bl.last for bl in lines) - unmatched} of one word, "
          f"{unmatched} not matched to the text); body {em:g} pt, {dpi:g} dpi")
    scaled = sum(abs(getattr(bl.line, "scale", 1.0) - 1.0) > 1e-9 for bl in full)
    print(f"  lines with scaled glyphs: {scaled} ({scaled / n:.1%})")
    result: dict = {"lines": n, "over": {}}
    for t in THRESHOLDS:
        c = sum(h > t for h in measured)
        result["over"][t] = c
        print(f"  hole over {t:.1f} em: {c:5d} lines = {c / n * 1000:5.0f} per 1000")
    print("  distribution of the widest hole per line:")
    print(distribution(measured))
    ink = Ink(loaded.fonts.dir)
    model = [model_hole(ink, bl.line) / em for bl in full]
    err = np.abs(np.array(model) - np.array(measured))
    agree = [sum((m > t) == (p > t) for m, p in zip(model, measured, strict=True)) / n
             for t in THRESHOLDS]
    print(f"  glyph-box model against pixels: median |error| {np.median(err):.3f} em, "
          f"p95 {np.percentile(err, 95):.3f} em; same side of 0.6/0.9/1.2: "
          + " / ".join(f"{a:.1%}" for a in agree))
    print("  the same lines by the glyph-box model (the bound's unit): "
          + ", ".join(f"{sum(m > t for m in model)} over {t:.1f} em" for t in THRESHOLDS))
    limits = [t * em for t in THRESHOLDS]
    rule = linebreak.MAX_HYPHENS_IN_A_ROW
    for key, expand, even, hyphens, label in (
            ("bound_spaces_only", 0.0, False, None, "word spaces only, all alike"),
            ("bound_expansion", MAX_EXPAND, False, None,
             f"±{MAX_EXPAND:.0%} expansion, spaces alike"),
            ("bound", MAX_EXPAND, True, None, f"±{MAX_EXPAND:.0%} expansion, gaps evened"),
            ("bound_house_rules", MAX_EXPAND, True, rule,
             f"the same, at most {rule} hyphens in a row")):
        totals, paras = bound(loaded, lines, ink, limits, expand, even, hyphens)
        result[key] = dict(zip(THRESHOLDS, totals, strict=True))
        print(f"  bound, {label} ({paras} whole paragraphs): at least "
              + ", ".join(f"{c} over {t:.1f} em ({c / n * 1000:.0f} per 1000)"
                          for t, c in zip(THRESHOLDS, totals, strict=True)))
    # The pixels read a gap a little wider than the outline boxes do (antialiased edges
    # of round glyphs): the bound at the thresholds moved by that, in the pixels' terms.
    offset = float(np.median(np.array(measured) - np.array(model)))
    totals, _ = bound(loaded, lines, ink, [(t - offset) * em for t in THRESHOLDS],
                      MAX_EXPAND, True, rule)
    result["bound_pixels"] = dict(zip(THRESHOLDS, totals, strict=True))
    print(f"  that last bound in the pixels' terms (they read gaps {offset:+.3f} em wider "
          "than the outline boxes, median): at least "
          + ", ".join(f"{c} over {t:.1f} em ({c / n * 1000:.0f} per 1000)"
                      for t, c in zip(THRESHOLDS, totals, strict=True)))
    if worst:
        print(f"  the {worst} widest holes:")
        for h, bl in sorted(zip(measured, full, strict=True), key=lambda p: -p[0])[:worst]:
            print(f"    {h:4.2f} em  p{bl.page} {bl.story}: {bl.line.text}")
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("edition", nargs="?", default=str(ROOT / "samples"))
    ap.add_argument("--out", default="/tmp/epaper-holes", help="build folder")
    ap.add_argument("--reuse", action="store_true", help="measure the build already in --out")
    ap.add_argument("--dpi", type=float, default=400.0)
    ap.add_argument("--worst", type=int, default=10, help="list the N widest holes")
    args = ap.parse_args(argv)
    run(Path(args.edition), Path(args.out), args.reuse, args.dpi, args.worst)


if __name__ == "__main__":
    main()
