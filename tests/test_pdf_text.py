"""The PDF text layer: every placed word comes back, in order, as the desk typed it."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import SAMPLES

from epaper.build import build_edition
from epaper.content.story import load_story

BENGALI_CONJUNCTS = ("ক্ষ জ্ঞ ন্ত্র স্ত্র ঙ্ক কর্ম র্কে ব্যাংক প্রকৃতি কি কে কৈ কো কৌ উৎসব চাঁদ "
                     "রাষ্ট্রপতি সম্প্রচার")


def norm(text: str) -> str:
    # pdfium marks a line-end hyphen it joined back into its word: U+FFFE in the page's
    # text, U+0002 in text read from a rectangle.
    for mark in ("\ufffe", "\x02"):
        text = text.replace(mark + "\r\n", "").replace(mark, "")
    return " ".join(join_compounds(text).split())


def join_compounds(text: str) -> str:
    """A compound broken after its own hyphen comes back as "সর্দি" / "-কাশি" (the text
    layer hands the hyphen to the next line, where pdfium does not take it for a soft
    hyphen): one word again."""
    return text.replace("\r\n-", "-").replace("\n-", "-")


class PdfText:
    """Text of a PDF's pages: whole pages, and inside layout.json boxes."""

    def __init__(self, path: Path) -> None:
        self.doc = pdfium.PdfDocument(path)
        self.pages = [self.doc[i].get_textpage() for i in range(len(self.doc))]
        # layout.json is in the trimmed page's space; the print sheet adds bleed and slug.
        self.origin = [self.doc[i].get_trimbox()[:2] for i in range(len(self.doc))]
        self.full = [tp.get_text_range() for tp in self.pages]

    def page(self, number: int) -> str:
        text = self.full[number - 1].replace("\ufffe\r\n", "").replace("\ufffe", "")
        return join_compounds(text)

    def within(self, number: int, box: list[float]) -> str:
        dx, dy = self.origin[number - 1]
        x0, y0, x1, y1 = box
        return self.pages[number - 1].get_text_bounded(x0 + dx, y0 + dy, x1 + dx, y1 + dy)

    def close(self) -> None:
        for tp in self.pages:
            tp.close()
        self.doc.close()


@pytest.fixture(scope="module")
def edition_text(sample_build):
    out, _ = sample_build
    text = PdfText(out / "edition.pdf")
    yield text
    text.close()


@pytest.fixture(scope="module")
def sample_words(sample_report):
    """Story id -> every body word of its story file."""
    root = SAMPLES.resolve()
    return {sid: load_story(root / info["file"], root, info["lang"]).words()
            for sid, info in sample_report["stories"].items()}


def lines_text(lines: list[dict]) -> str:
    """Lines of layout.json as running text: a word broken at a line end is joined back."""
    out = ""
    for ln in lines:
        text = ln["text"]
        if ln.get("continues") == "hyphen":
            out += text[:-1]
        elif ln.get("continues"):
            out += text
        else:
            out += text + " "
    return out


def placed_words(words: list[str], info: dict) -> list[str]:
    return words[:len(words) - len(info["overset_words"])]


def body_elements(layout: dict, story: str, page: int | None = None) -> list[tuple[int, dict]]:
    return [(pg["number"], e) for pg in layout["pages"] for e in pg["elements"]
            if e["story"] == story and e["role"] == "body"
            and (page is None or pg["number"] == page)]


def is_subsequence(needles: list[str], haystack: list[str]) -> tuple[bool, int]:
    """Whether `needles` occur in `haystack` in order; else the index of the first missing."""
    it = iter(haystack)
    for k, word in enumerate(needles):
        if not any(tok == word for tok in it):
            return False, k
    return True, len(needles)


# -- the sample edition ----------------------------------------------------------------

def test_report_counts_match_story_files(sample_report, sample_words):
    for sid, info in sample_report["stories"].items():
        words = sample_words[sid]
        assert info["words"] == len(words), sid
        assert info["words_placed"] + len(info["overset_words"]) == len(words), sid


def test_overset_words_are_the_tail_of_the_story(sample_report, sample_words):
    oversets = 0
    for sid, info in sample_report["stories"].items():
        overset = info["overset_words"]
        if overset:
            oversets += 1
            assert overset == sample_words[sid][-len(overset):], sid
            assert info["overset_text"], sid
    assert oversets == 0  # the sample sets every story whole; overset: a small edition


def test_story_words_in_page_text_in_order(sample_report, sample_words, edition_text):
    for sid, info in sample_report["stories"].items():
        tokens = [t for p in info["pages"] for t in edition_text.page(p).split()]
        ok, k = is_subsequence(placed_words(sample_words[sid], info), tokens)
        assert ok, f"{sid}: word {k} {sample_words[sid][k]!r} missing or out of order"


def test_body_boxes_hold_exactly_the_placed_words(sample_report, sample_words, sample_layout,
                                                  edition_text):
    for sid, info in sample_report["stories"].items():
        got = " ".join(edition_text.within(p, e["box"])
                       for p, e in body_elements(sample_layout, sid))
        assert norm(got) == " ".join(placed_words(sample_words[sid], info)), sid


def test_overset_tail_is_not_printed(make_edition, tmp_path):
    from test_layout_geometry import lengthen

    lengthen(make_edition)
    out = tmp_path / "out"
    result = build_edition(make_edition, out)
    info = result.report["stories"]["second"]
    overset = info["overset_words"]
    assert overset
    words = load_story(make_edition.resolve() / "stories" / "second.md",
                       make_edition.resolve(), "en").words()
    layout = json.loads((out / "layout.json").read_text(encoding="utf-8"))
    text = PdfText(out / "edition.pdf")
    try:
        body = norm(" ".join(text.within(p, e["box"])
                             for p, e in body_elements(layout, "second")))
    finally:
        text.close()
    printed = body.split()
    assert printed == words[:len(printed)]
    assert len(printed) + len(overset) == len(words)
    assert overset == words[-len(overset):]


def test_continued_story_split_across_pages_in_order(sample_report, sample_words,
                                                     sample_layout, edition_text):
    continued = {sid: info for sid, info in sample_report["stories"].items()
                 if info["continued_to"]}
    assert "satellite-launch" in continued
    for sid, info in continued.items():
        first, jump = info["pages"][0], info["continued_to"]
        assert info["pages"] == [first, jump], sid
        assert first < jump
        placed = placed_words(sample_words[sid], info)
        on_first = norm(" ".join(edition_text.within(first, e["box"])
                                 for _, e in body_elements(sample_layout, sid, first))).split()
        on_jump = norm(" ".join(edition_text.within(jump, e["box"])
                                for _, e in body_elements(sample_layout, sid, jump))).split()
        assert on_first and on_jump, sid
        assert on_first == placed[:len(on_first)], sid
        assert on_jump == placed[len(on_first):], sid
        # and in the whole page text too, each part in order on its own page
        assert is_subsequence(on_first, edition_text.page(first).split())[0], sid
        assert is_subsequence(on_jump, edition_text.page(jump).split())[0], sid


def test_jump_line_names_the_continuation_page(sample_report, sample_layout, edition_text):
    info = sample_report["stories"]["satellite-launch"]
    first, jump = info["pages"][0], info["continued_to"]
    roles = {(p["number"], e["role"]) for p in sample_layout["pages"] for e in p["elements"]
             if e["story"] == "satellite-launch"}
    assert (first, "jumpline") in roles
    assert (jump, "jumphead") in roles
    assert (jump, "jumpfrom") in roles


def test_every_text_element_box_holds_its_lines(sample_layout, edition_text):
    for page in sample_layout["pages"]:
        for el in page["elements"]:
            if not el.get("lines"):
                continue
            want = norm(lines_text(el["lines"]))
            got = norm(edition_text.within(page["number"], el["box"]))
            if el["role"] == "masthead":  # the tagline sits inside the masthead box
                assert got.startswith(want), (page["number"], el["role"], got)
            else:
                assert got == want, (page["number"], el["role"], el["story"])


def _bad_chars(text: str) -> set[str]:
    return {f"U+{ord(ch):04X}" for ch in text
            if 0xE000 <= ord(ch) <= 0xF8FF
            or (unicodedata.category(ch) == "Cc" and ch not in "\r\n")}


def test_no_private_use_or_control_characters(edition_text):
    for number, text in enumerate(edition_text.full, 1):
        assert _bad_chars(text) == set(), number


def test_no_replacement_characters(edition_text):
    for number, text in enumerate(edition_text.full, 1):
        assert "\ufffd" not in text, number


def test_single_page_pdfs_have_the_same_text(sample_build, edition_text):
    out, _ = sample_build
    for number, text in enumerate(edition_text.full, 1):
        single = PdfText(out / "pages" / f"{number:02d}.pdf")
        try:
            assert len(single.full) == 1
            assert norm(single.full[0]) == norm(text), number
        finally:
            single.close()


# -- a targeted mini edition: Bengali conjuncts ------------------------------------------

@pytest.fixture
def conjunct_build(make_edition, tmp_path):
    (make_edition / "edition.yaml").write_text(
        "date: 2026-12-07\nlayout: broadsheet\nlang: bn\npages:\n  - template: inside\n"
        "    stories:\n      - {file: stories/first.md, slot: top}\n", encoding="utf-8")
    (make_edition / "stories" / "first.md").write_text(
        '---\nheadline: "যুক্তাক্ষর পরীক্ষা"\n---\n' + BENGALI_CONJUNCTS + "\n",
        encoding="utf-8")
    out = tmp_path / "out"
    build_edition(make_edition, out)
    layout = json.loads((out / "layout.json").read_text(encoding="utf-8"))
    text = PdfText(out / "edition.pdf")
    yield layout, text
    text.close()


def test_bengali_conjuncts_round_trip_in_body(conjunct_build):
    layout, text = conjunct_build
    body = [e for e in layout["pages"][0]["elements"] if e["role"] == "body"]
    assert body
    got = norm(" ".join(text.within(1, e["box"]) for e in body))
    assert got == BENGALI_CONJUNCTS


def test_bengali_conjuncts_in_page_text(conjunct_build):
    _layout, text = conjunct_build
    assert BENGALI_CONJUNCTS in norm(text.page(1))
    assert _bad_chars(text.page(1)) == set()


def test_bengali_conjunct_headline_round_trips(conjunct_build):
    layout, text = conjunct_build
    (headline,) = [e for e in layout["pages"][0]["elements"] if e["role"] == "headline"]
    assert norm(text.within(1, headline["box"])) == "যুক্তাক্ষর পরীক্ষা"
