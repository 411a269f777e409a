"""The text layer as each kind of reader gets it (issue 12, item 6): pdfium (Chrome),
poppler (pdftotext, Evince, Okular) and pdfminer.six (ToUnicode only, like PDFBox).

pdfium is checked word for word in test_pdf_text.py; here poppler is held to the same,
pdfminer to "every glyph reads as its own letters", and the drawing itself to "one space
glyph between words, ActualText only where drawing order is not reading order".
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import SAMPLES
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from epaper.build import build_edition
from epaper.content.story import load_story
from epaper.render.textlayer import Drawn, segments

POPPLER = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(POPPLER is None, reason="poppler-utils (pdftotext) missing")
ACTUAL_TEXT = re.compile(rb"/ActualText\s*<([0-9A-Fa-f]*)>")


def pdftotext(pdf: Path, *args: str) -> str:
    assert POPPLER is not None
    return subprocess.run([POPPLER, *args, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def poppler_box(pdf: Path, page: int, box: list[float], height: float) -> list[str]:
    """The words poppler gives for a layout.json box (PDF space) of a trimmed page: a
    compound's hyphen, handed to the next line, joined back (as test_pdf_text does)."""
    x0, y0, x1, y1 = box
    text = pdftotext(pdf, "-f", str(page), "-l", str(page), "-x", str(int(x0)),
                     "-y", str(int(height - y1)), "-W", str(int(x1 - x0 + 1.5)),
                     "-H", str(int(y1 - y0 + 1.5)))
    return text.replace("\n-", "-").split()


def placed(sample_report: dict, sid: str) -> list[str]:
    info = sample_report["stories"][sid]
    words = load_story(SAMPLES.resolve() / info["file"], SAMPLES.resolve(),
                       info["lang"]).words()
    return words[:len(words) - len(info["overset_words"])]


class Chars:
    """Every character pdfminer.six reads from a PDF, page by page, with its box: what
    a reader that ignores ActualText gets. No layout analysis: just the glyphs."""

    def __init__(self, path: Path) -> None:
        manager = PDFResourceManager()
        device = PDFPageAggregator(manager, laparams=None)
        interpreter = PDFPageInterpreter(manager, device)
        self.pages: list[list[LTChar]] = []
        with path.open("rb") as fh:
            for page in PDFPage.get_pages(fh):
                interpreter.process_page(page)
                self.pages.append([c for c in device.get_result() if isinstance(c, LTChar)])

    def within(self, page: int, box: list[float], slack: float = 1.0) -> list[LTChar]:
        """Characters centred in `box`; a reph at a line's end may stand a little out."""
        x0, y0, x1, y1 = box
        return [c for c in self.pages[page - 1]
                if x0 - slack <= (c.x0 + c.x1) / 2 <= x1 + slack
                and y0 <= (c.y0 + c.y1) / 2 <= y1]


@pytest.fixture(scope="module")
def screen(sample_build) -> Path:
    return sample_build[0] / "screen" / "edition.pdf"


@pytest.fixture(scope="module")
def screen_chars(screen) -> Chars:
    return Chars(screen)


def body_boxes(layout: dict, sid: str) -> list[tuple[int, dict]]:
    return [(pg["number"], e) for pg in layout["pages"] for e in pg["elements"]
            if e["story"] == sid and e["role"] == "body"]


# -- poppler ---------------------------------------------------------------------------

@needs_poppler
@pytest.mark.parametrize("variant", ["screen/edition.pdf", "edition.pdf"])
def test_issue_12_poppler_gives_one_space_between_words(sample_build, variant):
    text = pdftotext(sample_build[0] / variant)
    assert len(text.split()) > 10000
    doubles = re.findall(r"\S {2,}\S", text)
    assert doubles == [], doubles[:5]


@needs_poppler
def test_poppler_gives_back_every_story_word_for_word(sample_report, sample_layout, screen):
    height = pdfium.PdfDocument(screen)[0].get_size()[1]
    for sid in sample_report["stories"]:
        got = [w for number, e in body_boxes(sample_layout, sid)
               for w in poppler_box(screen, number, e["box"], height)]
        assert got == placed(sample_report, sid), sid


@needs_poppler
def test_poppler_reads_headlines_captions_and_bylines(sample_layout, screen):
    height = pdfium.PdfDocument(screen)[0].get_size()[1]
    roles = {"headline", "kicker", "subheadline", "byline", "caption", "credit"}
    seen = Counter()
    for page in sample_layout["pages"][:3]:
        for e in page["elements"]:
            if e["role"] in roles and e.get("lines"):
                want = " ".join(ln["text"] for ln in e["lines"]).split()
                assert poppler_box(screen, page["number"], e["box"], height) == want, e
                seen[e["role"]] += 1
    assert seen["headline"] >= 5 and seen["caption"] >= 3


@needs_poppler
@pytest.mark.parametrize("mode", [(), ("-layout",)])
def test_issue_12_slug_line_is_the_last_text_poppler_reads(sample_build, mode):
    """Not inside a story: poppler's reading order put it under the left columns."""
    pdf = sample_build[0] / "edition.pdf"
    for number in range(1, 9):
        lines = [ln for ln in pdftotext(pdf, *mode, "-f", str(number), "-l", str(number))
                 .splitlines() if ln.strip()]
        assert sum("epaper" in ln for ln in lines) == 1, number
        assert lines[-1].split()[-2:] == ["print", "epaper"], (number, lines[-1])
        assert f"page {number}/8" in lines[-1]


def test_slug_line_is_an_artifact_drawn_last(sample_build):
    with pikepdf.open(sample_build[0] / "pages" / "01.pdf") as pdf:
        content = pdf.pages[0].Contents.read_bytes()
    tail = content[content.rindex(b"/Artifact BMC"):]
    assert tail.count(b"BT") == 1 and tail.rstrip().endswith(b"EMC")
    text = pdfium.PdfDocument(sample_build[0] / "pages" / "01.pdf")[0].get_textpage()
    assert text.get_text_range().rstrip().endswith("front print epaper")


# -- pdfminer.six (ToUnicode only) -----------------------------------------------------

def test_issue_12_pdfminer_reads_no_cid(screen_chars, sample_build):
    for chars in (screen_chars, Chars(sample_build[0] / "pages" / "02.pdf")):
        unmapped = [c.get_text() for page in chars.pages for c in page
                    if c.get_text().startswith("(cid:")]
        assert unmapped == []
        assert sum(len(p) for p in chars.pages) > 2000


def _letters(text: str) -> Counter:
    # Glyphs show ো as ে … া: compare decomposed, spaces aside.
    return Counter(ch for ch in unicodedata.normalize("NFD", text) if not ch.isspace())


def test_pdfminer_reads_each_glyph_as_its_own_letters(sample_report, sample_layout,
                                                      screen_chars):
    """Every letter of every story comes back, none is made up; only the order of a
    pre-base vowel sign or a reph is the order of drawing (as in print)."""
    for sid in sample_report["stories"]:
        got, hyphens = Counter(), 0
        for number, e in body_boxes(sample_layout, sid):
            got += _letters("".join(c.get_text() for c in screen_chars.within(number,
                                                                                e["box"])))
            hyphens += sum(ln.get("continues") == "hyphen" for ln in e["lines"])
        want = _letters(" ".join(placed(sample_report, sid)))
        want["-"] += hyphens  # the hyphen drawn at a hyphenated line's end
        assert got == want, (sid, (got - want), (want - got))


def _pdfminer_lines(chars: list[LTChar]) -> list[str]:
    """Characters in drawing order, a new line where the baseline moves down."""
    lines: list[str] = []
    base = None
    for c in chars:
        if base is None or c.y0 < base - 2:
            lines.append("")
            base = c.y0
        lines[-1] += c.get_text()
    return lines


def test_pdfminer_reads_english_stories_word_for_word(sample_report, sample_layout,
                                                      screen_chars):
    english = [s for s, info in sample_report["stories"].items() if info["lang"] == "en"]
    assert len(english) >= 4
    for sid in english:
        text = ""
        for number, e in body_boxes(sample_layout, sid):
            lines = _pdfminer_lines(screen_chars.within(number, e["box"]))
            assert len(lines) == len(e["lines"]), sid
            for got, ln in zip(lines, e["lines"], strict=True):
                # pdfminer cannot tell a hyphenated line's hyphen from a compound's
                # (Dhaka-/based): no more than print can; layout.json says which.
                ends = ln.get("continues")
                text += got[:-1] if ends == "hyphen" else got if ends else got + " "
        assert "  " not in text.strip(), sid  # our space glyph, and no second one
        assert text.split() == placed(sample_report, sid), sid


# -- how it is drawn -------------------------------------------------------------------

def _actual_texts(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as doc:
        data = b"".join(page.Contents.read_bytes() for page in doc.pages)
    return [bytes.fromhex(h.decode()).decode("utf-16-be") for h in ACTUAL_TEXT.findall(data)]


def test_no_empty_actualtext(sample_build, screen):
    """An empty span hides its glyphs from poppler but not from pdfium."""
    for pdf in (screen, sample_build[0] / "edition.pdf"):
        texts = _actual_texts(pdf)
        assert texts and all(t.startswith("\ufeff") and len(t) > 1 for t in texts)


ENGLISH = ("Officials said the fifth office in Chittagong would finance affordable "
           "flights, and the figures were confirmed by the ministry on Sunday. ")


@pytest.fixture
def english_build(make_edition, tmp_path):
    (make_edition / "edition.yaml").write_text(
        "date: 2026-12-07\nlayout: broadsheet\nlang: en\npaper: {name: The Daily}\n"
        "pages:\n  - template: inside\n"
        "    stories:\n      - {file: stories/second.md, slot: top}\n", encoding="utf-8")
    body = ENGLISH * 6
    (make_edition / "stories" / "second.md").write_text(
        "---\nheadline: \"Rain expected over the weekend\"\nlang: en\n---\n" + body + "\n",
        encoding="utf-8")
    out = tmp_path / "out"
    build_edition(make_edition, out)
    return out


def test_latin_text_needs_actualtext_only_at_line_end_hyphens(english_build):
    layout = json.loads((english_build / "layout.json").read_text(encoding="utf-8"))
    hyphens = sum(ln.get("continues") == "hyphen" for pg in layout["pages"]
                  for e in pg["elements"] for ln in e.get("lines", []))
    texts = _actual_texts(english_build / "edition.pdf")
    # The span takes the hyphen's letter along: a cut falls only before a plain glyph.
    assert hyphens and len(texts) == hyphens
    assert all(re.fullmatch("\ufeff[a-z]-", t) for t in texts), texts
    page = pdfium.PdfDocument(english_build / "edition.pdf")[0].get_textpage()
    text = " ".join(page.get_text_range().replace("\ufffe\r\n", "").replace("\ufffe", "")
                    .split())
    assert ENGLISH.strip() in text and text.count("Officials said the fifth") == 6


# -- the segment rule, case by case ----------------------------------------------------

def _drawn(texts: list[str], plain: list[bool] | None = None,
           ahead: list[bool] | None = None, joined: list[bool] | None = None) -> list[Drawn]:
    n = len(texts)
    return [Drawn(t, (plain or [True] * n)[i], (ahead or [True] * n)[i],
                  (joined or [True] * n)[i]) for i, t in enumerate(texts)]


def _spans(glyphs: list[Drawn], want: str) -> list[tuple[int, int, str | None]]:
    return [(s.start, s.end, s.actual) for s in segments(glyphs, want)]


def test_segments_latin_word_needs_no_span():
    assert all(a is None for _s, _e, a in _spans(_drawn(list("exam-")), "exam-"))


def test_segments_pre_base_vowel_sign_gets_one_span_for_its_syllable():
    # বাংলাদেশ is drawn ব া ং ল া ে দ শ: only ে দ needs the span.
    got = _spans(_drawn(list("বাংলােদশ")), "বাংলাদেশ")
    assert [s for s in got if s[2] is not None] == [(5, 7, "দে")]
    assert len(got) == 7


def test_segments_mark_drawn_back_stays_with_the_letter_after_it():
    # চূড়ান্ত: ূ has no advance and sits over চ; a span ending on it would leave a gap.
    glyphs = _drawn(["চ", "ূ", "ড়", "া", "ন্ত"], plain=[True, False, True, True, True],
                    ahead=[True, False, True, True, True], joined=[True, False, False, True,
                                                                   True])
    assert _spans(glyphs, "চূড়ান্ত") == [(0, 5, "চূড়ান্ত")]
    same_line = _drawn(["চ", "ূ", "ড়", "া"], plain=[True, False, True, True],
                       ahead=[True, False, True, True])
    assert _spans(same_line, "চূড়া") == [(0, 3, "চূড়"), (3, 4, None)]


def test_segments_never_make_an_empty_span():
    # A compound broken after its hyphen: the hyphen's text goes to the next line.
    got = _spans(_drawn(["স", "র্দ", "ি", "-"]), "সর্দি")
    assert all(a != "" for _s, _e, a in got)
    assert got[-1] == (2, 4, "ি")
    assert _spans(_drawn(["ক", "া", "শ", "ি"]), "-কাশি") == [(0, 4, "-কাশি")]
    # A glyph HarfBuzz added (a dotted circle) says nothing of its own.
    assert _spans(_drawn(["", "ি"]), "ি") == [(0, 2, "ি")]
