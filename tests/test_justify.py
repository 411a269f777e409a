"""Justification that minimises visible holes: the stages (word spaces, font expansion,
Latin letter-spacing), gaps evened by side bearings, lines that span their measure, the
PDF's Tz and text layer, and a loose paragraph that loses its hole on the pixels."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import ROOT
from PIL import Image

from epaper.build import build_edition, layout, load
from epaper.model.frame import PageFrame
from epaper.text import linebreak, paragraph, words
from epaper.text.fonts import FontBook
from epaper.text.linebreak import (
    EXPAND_FROM,
    MAX_EXPAND,
    SHRINK,
    even_gaps,
    justify_line,
    natural_line,
)
from epaper.text.paragraph import compose
from epaper.text.words import Font, WordMaker

# The reviewer's loose paragraph (issue 12: "সমতাসূচক গোলদাতা" left a hole of about three
# ems): at 35 mm with word spaces alone its first line holds two words, the third will
# not fit, so the two stand apart.
LOOSE = ("সমতাসূচক গোলদাতা আলমগীর কবির বলেন, “সবাই ভেবেছিল আমরা বড় ব্যবধানে হারব। কিন্তু "
         "শেষ পর্যন্ত লড়াই করার প্রতিজ্ঞা নিয়েই আমরা মাঠে নেমেছিলাম। এই ড্র আমাদের "
         "আত্মবিশ্বাস অনেক বাড়িয়ে দেবে।”")
COLUMN = 99.21  # the broadsheet's body measure, 35 mm
BODY = Font("serif", 9.0, lang="bn")
EM = BODY.size


# -- the stages, on their own -----------------------------------------------------------

def _fills(fit: linebreak.Fit, boxes: float, spaces: int, space: float, width: float,
           letters: int = 0) -> float:
    return (boxes + letters * fit.track) * fit.scale + spaces * space * fit.ratio - width


@pytest.mark.parametrize("boxes", [91.0, 92.5, 94.0, 95.0])
def test_no_scale_while_word_spaces_suffice(boxes):
    fit = justify_line(boxes, 2, 3.0, 100.0)  # ratio 1.5 … 0.83
    assert fit.scale == 1.0 and fit.track == 0.0
    assert 1 - SHRINK <= fit.ratio <= EXPAND_FROM
    assert _fills(fit, boxes, 2, 3.0, 100.0) == pytest.approx(0, abs=1e-9)


def test_glyphs_widen_after_the_spaces_reach_their_stage():
    # Word spaces alone would be 1.67 times natural: glyphs widen just enough to hold
    # them at EXPAND_FROM.
    fit = justify_line(90.0, 2, 3.0, 100.0)
    assert 1.0 < fit.scale < 1 + MAX_EXPAND
    assert fit.ratio == pytest.approx(EXPAND_FROM, abs=1e-3)
    assert _fills(fit, 90.0, 2, 3.0, 100.0) == pytest.approx(0, abs=1e-9)


def test_glyphs_widen_at_most_two_percent_then_spaces_grow_again():
    fit = justify_line(80.0, 2, 3.0, 100.0)
    assert fit.scale == 1 + MAX_EXPAND == 1.02
    assert fit.ratio == pytest.approx((100 - 80 * 1.02) / 6)
    assert _fills(fit, 80.0, 2, 3.0, 100.0) == pytest.approx(0, abs=1e-9)


def test_glyphs_narrow_only_once_the_spaces_are_shrunk_in_full():
    fit = justify_line(96.0, 2, 3.0, 100.0)  # spaces alone would be 0.67 times natural
    assert 1 - MAX_EXPAND <= fit.scale < 1.0
    assert fit.ratio == pytest.approx(1 - SHRINK, abs=2e-3) and fit.ratio >= 1 - SHRINK
    assert _fills(fit, 96.0, 2, 3.0, 100.0) <= 1e-9  # never over the measure


def test_a_last_line_keeps_natural_spaces_and_glyphs():
    assert natural_line(60.0, 3, 3.0, 100.0) == linebreak.Fit(1.0)
    fit = natural_line(98.0, 1, 3.0, 100.0)  # too long at natural spacing: shrinks
    assert fit.scale < 1.0 and fit.ratio == pytest.approx(1 - SHRINK, abs=0.05)


def test_latin_letter_spacing_comes_after_expansion():
    fit = justify_line(80.0, 2, 3.0, 100.0, letters=40, max_track=0.135)
    assert fit.scale == 1.02 and fit.track == 0.135
    assert fit.ratio == pytest.approx((100 - (80 + 40 * 0.135) * 1.02) / 6)
    assert _fills(fit, 80.0, 2, 3.0, 100.0, letters=40) == pytest.approx(0, abs=1e-9)
    # A line with letters to spare but spaces still under EXPAND_FROM takes none.
    assert justify_line(92.0, 2, 3.0, 100.0, letters=40, max_track=0.135).track == 0.0


def test_even_gaps_make_the_visible_gaps_alike():
    bearings = [0.2, 1.0, 0.0]
    spaces = even_gaps(bearings, 9.0, 1.0)
    assert sum(spaces) == pytest.approx(9.0)
    seen = [s + b for s, b in zip(spaces, bearings, strict=True)]
    assert max(seen) - min(seen) == pytest.approx(0, abs=1e-9)
    # A space beside a wide bearing is held at the floor; the others share the rest.
    spaces = even_gaps([5.0, 0.0, 0.0], 6.0, 1.5)
    assert spaces == pytest.approx([1.5, 2.25, 2.25])
    assert even_gaps([0.3, 0.0], 1.0, 1.5) == [0.5, 0.5]  # overfull: alike


def test_expansion_off_is_allowed(monkeypatch):
    monkeypatch.setattr(linebreak, "MAX_EXPAND", 0.0)
    items = [linebreak.Item(w) for w in (30, 12, 25, 8, 40, 22, 18, 35, 9, 27)]
    assert all(b.scale == 1.0 for b in linebreak.total_fit(items, 3.0, lambda k: 100.0))


# -- the cost of a hole ---------------------------------------------------------------------

def test_one_hole_costs_more_than_several_loose_lines():
    loose = linebreak._demerits(2.6, 1.02, 3, False, True, False, False, gap=0.85)
    hole = linebreak._demerits(3.1, 1.02, 3, False, True, False, False, gap=0.95)
    assert hole > 10 * loose


def test_a_gaping_hole_costs_more_than_a_small_one_and_a_half():
    one = linebreak._demerits(3.1, 1.02, 3, False, True, False, False, gap=0.9)
    wide = linebreak._demerits(4.0, 1.02, 3, False, True, False, False, gap=1.25)
    gaping = linebreak._demerits(7.0, 1.02, 3, False, True, False, False, gap=2.2)
    assert 1.5 * one < wide < 2 * one
    assert gaping > 3 * one


def test_the_breaker_makes_as_few_holes_as_it_can(monkeypatch):
    items = [linebreak.Item(w) for w in (39, 29, 29, 40, 18, 11, 38, 37, 32, 37)]

    def holes() -> int:
        lines = linebreak.total_fit(items, 3.0, lambda k: 100.0, em=10.0)
        return sum(b.ratio * 3.0 / 10.0 > linebreak.HOLE_EM for b in lines if not b.last)

    assert holes() == 1
    monkeypatch.setattr(linebreak, "HOLE_DEMERITS", 0.0)  # badness alone spreads them out
    assert holes() == 2


# -- composed paragraphs ------------------------------------------------------------------

@pytest.fixture(scope="module")
def maker() -> WordMaker:
    return WordMaker(FontBook(ROOT / "fonts"))


@pytest.fixture(scope="module")
def loose_lines(maker):
    from epaper.model.edition import Span

    return compose(maker, (Span(LOOSE),), BODY, COLUMN, hyphenate=())


def test_justified_lines_span_their_measure_exactly(loose_lines, maker):
    space = maker.space(BODY)
    for sl in loose_lines[:-1]:
        first, last = sl.words[0], sl.words[-1]
        assert first.x == 0.0
        assert last.x + last.word.width * sl.scale == pytest.approx(COLUMN, abs=1e-6)
        # Words never touch: every gap at least a fully shrunk space.
        for a, b in zip(sl.words, sl.words[1:], strict=False):
            assert b.x - (a.x + a.word.width * sl.scale) >= space * (1 - SHRINK) - 1e-6


def test_scale_within_two_percent_and_only_where_needed(loose_lines, maker):
    space = maker.space(BODY)
    scaled = 0
    for sl in loose_lines[:-1]:
        assert 1 - MAX_EXPAND <= sl.scale <= 1 + MAX_EXPAND
        natural = (COLUMN - sum(w.word.width for w in sl.words)) / (
            space * sum(not w.word.joined for w in sl.words[:-1]))
        if 1 - SHRINK <= natural <= EXPAND_FROM:
            assert sl.scale == 1.0, sl.text
        else:
            scaled += 1
            assert sl.scale != 1.0, sl.text
    assert scaled  # the paragraph is loose: some of its lines widen their glyphs
    last = loose_lines[-1]  # natural spacing; narrowed only if it would not fit else
    end = last.words[-1].x + last.words[-1].word.width * last.scale
    if last.natural <= COLUMN:
        assert last.scale == 1.0 and last.ratio == 1.0
    else:
        assert 1 - MAX_EXPAND <= last.scale < 1.0 and last.ratio >= 1 - SHRINK - 1e-9
        assert end <= COLUMN + 1e-6


def test_visible_gaps_of_a_line_come_out_alike(loose_lines, maker):
    floor = maker.space(BODY) * (1 - SHRINK)
    for sl in loose_lines[:-1]:
        pairs = [(a, b) for a, b in zip(sl.words, sl.words[1:], strict=False)
                 if not a.word.joined]
        spaces = [b.x - (a.x + a.word.width * sl.scale) for a, b in pairs]
        seen = [s + sl.scale * (a.word.bearings[1] + b.word.bearings[0])
                for s, (a, b) in zip(spaces, pairs, strict=True)]
        # Alike, but for a space held at its floor on a tight line: the bearings beside
        # it leave a gap wider than the others already.
        free = [v for s, v in zip(spaces, seen, strict=True) if s > floor + 1e-6]
        held = [v for s, v in zip(spaces, seen, strict=True) if s <= floor + 1e-6]
        assert all(s >= floor - 1e-6 for s in spaces), sl.text
        if free:
            assert max(free) - min(free) < 1e-6, sl.text
            assert all(v >= max(free) - 1e-6 for v in held), sl.text
        if sl.ratio > 1.0:
            assert not held, sl.text


def test_bengali_is_never_letter_spaced(loose_lines, maker):
    for sl in loose_lines:
        for pw in sl.words:
            if not pw.word.hyphen:
                shaped = maker.word(((pw.word.text, False, False),), BODY)
                assert [g.x for r in pw.word.runs for g in r.glyphs] == [
                    g.x for r in shaped.runs for g in r.glyphs]


def test_side_bearings_come_from_the_glyph_outlines(maker):
    (danda,) = maker.text_words("।", BODY)
    lead, tail = danda.bearings
    assert 0 < lead < danda.width and 0 < tail < danda.width
    (word,) = maker.text_words("কফি", BODY)  # ক starts at its origin, ি ends near its advance
    assert abs(word.bearings[0]) < 0.1 * EM and abs(word.bearings[1]) < 0.1 * EM


# -- the PDF: Tz where the layout says, positions, text -----------------------------------

def _loose_edition(root: Path) -> Path:
    """The tiny edition with the loose paragraph as its first story's whole body."""
    story = root / "stories" / "first.md"
    _, front, _body = story.read_text(encoding="utf-8").split("---\n", 2)
    story.write_text(f"---\n{front}---\n{LOOSE}\n", encoding="utf-8")
    return root


def _no_hyphens(monkeypatch) -> None:
    """The test's paragraph is set without hyphenation, whatever the rules for it."""
    monkeypatch.setattr(words, "hyphen_points", lambda text, langs: [])


def _words_only(monkeypatch) -> None:
    """The justification before this one: word spaces alone, all alike, no hole cost."""
    monkeypatch.setattr(linebreak, "MAX_EXPAND", 0.0)
    monkeypatch.setattr(linebreak, "HOLE_DEMERITS", 0.0)
    monkeypatch.setattr(paragraph, "_even",
                        lambda words, gaps, scale, total, floor: [total / sum(gaps)] * sum(gaps))


@pytest.fixture
def loose_build(make_edition, tmp_path, monkeypatch):
    _no_hyphens(monkeypatch)
    edition = _loose_edition(make_edition)
    out = tmp_path / "out"
    build_edition(edition, out, variants=("screen",), preflight=False)
    frames, _ = layout(load(edition))
    return out, frames


def _widths(font: pikepdf.Dictionary) -> dict[int, float]:
    arr = list(font.DescendantFonts[0].W)
    out: dict[int, float] = {}
    for k in range(0, len(arr), 2):
        for n, w in enumerate(arr[k + 1]):
            out[int(arr[k]) + n] = float(w)
    return out


def _gids(font: pikepdf.Dictionary) -> dict[int, int]:
    """Code -> glyph id: the font's CIDToGIDMap (codes are the page's own)."""
    m = font.DescendantFonts[0].CIDToGIDMap
    if isinstance(m, pikepdf.Name):
        return {}
    data = m.read_bytes()
    return {k // 2: int.from_bytes(data[k:k + 2], "big") for k in range(0, len(data), 2)}


def _spaces(font: pikepdf.Dictionary) -> set[int]:
    """Codes that read as a word space (ToUnicode): drawn between words, not in them."""
    cmap = font.ToUnicode.read_bytes().decode("ascii")
    return {int(code, 16) for code, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)
            if text == "0020"}


def drawn_glyphs(page: pikepdf.Page) -> list[tuple[int, float, float, float]]:
    """(glyph id, x, y, horizontal scale) of every glyph the page draws but the word
    spaces, by following the content stream as a PDF reader does: Tm places, the glyph
    advances from the font's widths and the TJ adjustments move the pen, both times Tz."""
    fonts = page.Resources.Font
    widths = {str(n): _widths(f) for n, f in fonts.items()}
    gids = {str(n): _gids(f) for n, f in fonts.items()}
    spaces = {str(n): _spaces(f) for n, f in fonts.items()}
    out: list[tuple[int, float, float, float]] = []
    state = {"tz": 1.0, "size": 0.0, "name": "", "x": 0.0, "y": 0.0}
    saved: list[float] = []
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "q":
            saved.append(state["tz"])
        elif op == "Q":
            state["tz"] = saved.pop()
        elif op == "Tz":
            state["tz"] = float(operands[0]) / 100
        elif op == "Tf":
            state["name"], state["size"] = str(operands[0]), float(operands[1])
        elif op == "Tm":
            state["x"], state["y"] = float(operands[4]), float(operands[5])
        elif op in ("Tc", "Tw", "Td", "TD", "Tj", "'", '"'):
            raise AssertionError(f"{op} would move glyphs in ways this reader ignores")
        elif op == "TJ":
            out += _shown(operands[0], state, widths, gids, spaces)
    return out


def _shown(parts, state, widths, gids, spaces):  # type: ignore[no-untyped-def]
    """One TJ array's glyphs; the pen (state["x"]) moves on."""
    name, size, tz = state["name"], state["size"], state["tz"]
    out = []
    for part in parts:
        if isinstance(part, pikepdf.String):
            data = bytes(part)
            for k in range(0, len(data), 2):
                code = int.from_bytes(data[k:k + 2], "big")
                if code not in spaces[name]:
                    out.append((gids[name].get(code, code), state["x"], state["y"], tz))
                state["x"] += widths[name][code] / 1000 * size * tz
        else:
            state["x"] -= float(part) / 1000 * size * tz
    return out


def laid_out_glyphs(frame: PageFrame) -> list[tuple[int, float, float, float]]:
    return [(g.gid, pw.x + line.scale * g.x, frame.height - line.baseline + g.y, line.scale)
            for el in frame.elements for line in el.lines for pw in line.words
            for run in pw.word.runs for g in run.glyphs if g.text != " "]


def test_pdf_draws_every_glyph_where_the_layout_puts_it(loose_build):
    out, frames = loose_build
    with pikepdf.open(out / "screen" / "edition.pdf") as pdf:
        got = drawn_glyphs(pdf.pages[0])
    want = laid_out_glyphs(frames[0])
    assert len(got) == len(want)
    assert any(tz != 1.0 for _gid, _x, _y, tz in got)
    for (g1, x1, y1, tz1), (g2, x2, y2, tz2) in zip(got, want, strict=True):
        assert g1 == g2
        assert tz1 == pytest.approx(tz2, abs=1e-9)  # Tz is the line's scale
        assert x1 == pytest.approx(x2, abs=0.01) and y1 == pytest.approx(y2, abs=0.01)


def test_layout_json_says_which_lines_are_scaled(loose_build):
    out, frames = loose_build
    doc = json.loads((out / "layout.json").read_text(encoding="utf-8"))
    for el, item in zip(frames[0].elements, doc["pages"][0]["elements"], strict=True):
        for ln, lj in zip(el.lines, item.get("lines", ()), strict=True):
            assert lj.get("scale", 1.0) == ln.scale


def _body_words(frames: list[PageFrame]) -> list[str]:
    return [w for el in frames[0].elements if el.role == "body" and el.story == "first"
            for ln in el.lines for w in ln.text.split()]


def test_pdfium_reads_the_scaled_paragraph_word_for_word(loose_build):
    out, frames = loose_build
    assert _body_words(frames) == LOOSE.split()
    pdf = pdfium.PdfDocument(out / "screen" / "edition.pdf")
    try:
        tp = pdf[0].get_textpage()
        text = " ".join(tp.get_text_range().split())
        tp.close()
    finally:
        pdf.close()
    assert " ".join(LOOSE.split()) in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_poppler_reads_the_scaled_paragraph_word_for_word(loose_build):
    out, _frames = loose_build
    doc = json.loads((out / "layout.json").read_text(encoding="utf-8"))
    page = doc["pages"][0]
    got: list[str] = []
    for el in page["elements"]:
        if el["role"] != "body" or el["story"] != "first":
            continue
        x0, y0, x1, y1 = el["box"]
        got += subprocess.run(
            ["pdftotext", "-q", "-r", "72", "-x", str(int(x0) - 1), "-y",
             str(int(page["height"] - y1) - 1), "-W", str(int(x1 - x0) + 2), "-H",
             str(int(y1 - y0) + 2), "-enc", "UTF-8", str(out / "screen" / "edition.pdf"),
             "-"], capture_output=True, text=True, check=True).stdout.split()
    assert got == LOOSE.split()


# -- pixels: the loose paragraph loses its hole ---------------------------------------------

def widest_holes(out: Path, story: str, dpi: float = 400) -> list[float]:
    """The widest blank run of pixel columns inside each full justified line of `story`'s
    body, in em (as bench/holes.py measures): ink is any pixel darker than mid-grey."""
    doc = json.loads((out / "layout.json").read_text(encoding="utf-8"))
    page = doc["pages"][0]
    lines = [ln for el in page["elements"] if el["role"] == "body" and el["story"] == story
             for ln in el["lines"]][:-1]  # one paragraph: its last line is the story's
    scale = dpi / 72
    pdf = pdfium.PdfDocument(out / "screen" / "edition.pdf")
    try:
        img = pdf[0].render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    holes = []
    for ln in lines:
        y = (page["height"] - ln["baseline"]) * scale
        box = (int(ln["x0"] * scale) - 2, int(y - 0.9 * EM * scale),
               int((ln["x0"] + ln["width"]) * scale) + 3, int(y + 0.35 * EM * scale))
        strip = img.crop(box).point(lambda v: 255 if v < 128 else 0)  # ink -> 255
        ink = [k for k, v in enumerate(strip.resize((strip.width, 1), Image.BOX,
                                                    reducing_gap=None).getdata()) if v]
        holes.append(max((b - a - 1 for a, b in zip(ink, ink[1:], strict=False)),
                         default=0) / scale / EM)
    return holes


def test_issue_12_a_loose_paragraph_loses_its_hole(make_edition, tmp_path, monkeypatch):
    _no_hyphens(monkeypatch)
    edition = _loose_edition(make_edition)
    # No cache: the old breaker is monkeypatched in, which no content key can see.
    build_edition(edition, tmp_path / "new", variants=("screen",), preflight=False,
                  cache=False)
    with monkeypatch.context() as m:
        _words_only(m)
        build_edition(edition, tmp_path / "old", variants=("screen",), preflight=False,
                      cache=False)
    before = widest_holes(tmp_path / "old", "first")
    after = widest_holes(tmp_path / "new", "first")
    assert len(before) >= 6 and len(after) >= 6
    assert max(before) > 2.0  # a hole a reader sees from across the room
    assert max(after) <= 0.9  # none left
    assert sum(after) < sum(before)
