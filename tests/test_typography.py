"""Typesetting rules on the sample edition and on the line breaker itself: line starts
and ends, hyphenation, number+unit, widows and orphans, both extractors, Bijoy input."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pytest
from click.testing import CliRunner

from epaper.build import build_edition
from epaper.cli import main
from epaper.errors import ContentError
from epaper.text.breaks import seams
from epaper.text.linebreak import DASH, HYPHEN, SPACE, Item, first_fit, total_fit

CLOSING = set("।॥,;:?!)]}’”%")


@pytest.fixture(scope="module")
def sample_words(sample_report):
    from conftest import SAMPLES

    from epaper.content.story import load_story

    root = SAMPLES.resolve()
    return {sid: load_story(root / info["file"], root, info["lang"]).words()
            for sid, info in sample_report["stories"].items()}
OPENING = set("([{‘“")


def body_lines(layout: dict) -> list[tuple[int, dict, dict]]:
    return [(p["number"], e, ln) for p in layout["pages"] for e in p["elements"]
            if e["role"] == "body" for ln in e["lines"]]


# -- line starts and ends ----------------------------------------------------------------

def test_no_line_starts_with_danda_closing_punctuation_or_a_sign(sample_layout):
    for page, el, ln in body_lines(sample_layout):
        first = ln["text"][:1]
        assert first not in CLOSING, (page, el["story"], ln["text"])
        assert not unicodedata.category(first).startswith("M"), (page, ln["text"])
        assert first != "\u09cd", (page, ln["text"])


def test_no_line_ends_with_an_opening_bracket_or_quote(sample_layout):
    for page, el, ln in body_lines(sample_layout):
        assert ln["text"][-1:] not in OPENING, (page, el["story"], ln["text"])


def test_number_and_unit_never_split(sample_layout):
    units = {"শতাংশ", "%", "km", "কিমি", "ডিগ্রি", "9"}
    lines = body_lines(sample_layout)
    for (_, _, a), (_, _, b) in zip(lines, lines[1:], strict=False):
        last, first = a["text"].split()[-1:], b["text"].split()[:1]
        if last and first and first[0].rstrip("।,") in units:
            assert not any(c.isdigit() for c in last[0]) and last[0] != "Falcon", (
                a["text"], b["text"])
    texts = " | ".join(ln["text"] for _, _, ln in lines)
    assert "Falcon 9" in texts  # the sample has it, on one line


# -- hyphenation --------------------------------------------------------------------------

def test_hyphenated_lines_end_in_a_hyphen_and_join_to_story_words(sample_layout, sample_words,
                                                                   sample_report):
    lines = body_lines(sample_layout)
    count: dict[str, int] = {}
    for (_, el, a), (_, _, b) in zip(lines, lines[1:], strict=False):
        if a.get("continues") != "hyphen":
            continue
        count[el["story"]] = count.get(el["story"], 0) + 1
        assert a["text"].endswith("-")
        word = a["text"].split()[-1][:-1] + b["text"].split()[0]
        assert word in sample_words[el["story"]], (a["text"], b["text"])
    assert sum(count.values()) > 50  # 35 mm Bengali columns: the template allows it
    for sid, info in sample_report["stories"].items():
        assert info["hyphenated_lines"] == count.get(sid, 0), sid


def test_no_more_than_two_hyphenated_lines_in_a_row(sample_layout):
    run = 0
    for _, _, ln in body_lines(sample_layout):
        # A compound's own hyphen at a line end reads as a hyphen too: it counts.
        run = run + 1 if ln.get("continues") in ("hyphen", "dash") else 0
        assert run <= 2, ln["text"]


def test_no_column_ends_with_a_hyphen(sample_layout):
    for page in sample_layout["pages"]:
        for el in page["elements"]:
            if el["role"] == "body" and el["lines"]:
                assert el["lines"][-1].get("continues") is None, (page["number"], el["story"])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_poppler_reads_every_body_column_word_for_word(sample_build, sample_layout):
    out, _ = sample_build
    checked = 0
    for page in sample_layout["pages"]:
        pdf = out / "screen" / "pages" / f"{page['number']:02d}.pdf"  # MediaBox = trim
        h = page["height"]
        for el in page["elements"]:
            if el["role"] != "body" or not el["lines"]:
                continue
            x0, y0, x1, y1 = el["box"]
            got = subprocess.run(
                ["pdftotext", "-q", "-r", "72", "-x", str(int(x0) - 1), "-y",
                 str(int(h - y1) - 1), "-W", str(int(x1 - x0) + 2), "-H",
                 str(int(y1 - y0) + 2), "-enc", "UTF-8", str(pdf), "-"],
                capture_output=True, text=True, check=True).stdout
            got = got.replace("\n-", "-")  # a compound's hyphen is read with its next line
            want = []
            for ln in el["lines"]:
                text = ln["text"][:-1] if ln.get("continues") == "hyphen" else ln["text"]
                want.append(text + ("" if ln.get("continues") else " "))
            assert got.split() == "".join(want).split(), (page["number"], el["story"])
            checked += 1
    assert checked > 80


# -- widows, orphans and the report --------------------------------------------------------

def test_typography_report(sample_report):
    t = sample_report["summary"]["typography"]
    assert t["justified_lines"] > 2000
    assert 1.0 <= t["ratio_p50"] <= t["ratio_p95"] <= t["ratio_max"]
    assert t["hyphenated_lines"] == sum(v["hyphenated_lines"]
                                        for v in sample_report["stories"].values())
    # Level column feet come first (issue 13): a widow or an orphan is avoided only where
    # the feet stay within a line of each other.
    assert t["widows_orphans_left"] <= 12
    for info in sample_report["stories"].values():
        assert len(info["loose_lines"]) == sum(r > 2.2 + 1e-9
                                               for r in info["word_space_ratios"])


# -- the line breaker on its own -------------------------------------------------------------

def _measure(width: float):  # type: ignore[no-untyped-def]
    return lambda k: width


def test_total_fit_beats_first_fit_on_the_loosest_line():
    widths = [30, 12, 25, 8, 40, 22, 18, 35, 9, 27, 14, 31, 20, 16, 38, 11, 24]
    items = [Item(w) for w in widths]
    ff = first_fit(items, 3.0, _measure(100))
    tf = total_fit(items, 3.0, _measure(100))
    worst = lambda lines: max(b.ratio for b in lines if not b.last)  # noqa: E731
    assert worst(tf) < worst(ff)
    assert [b.end for b in tf][-1] == len(items)


def test_hyphenation_points_are_used_at_most_twice_in_a_row():
    # Every word can break in the middle; a measure that wants a hyphen on every line.
    items = []
    for _ in range(12):
        items += [Item(20, HYPHEN, 3), Item(20, SPACE)]
    lines = total_fit(items, 3.0, _measure(66))  # word, space, half a word and a hyphen
    run = 0
    for b in lines:
        run = run + 1 if b.hyphenated else 0
        assert run <= 2
    assert not lines[-1].hyphenated
    assert any(b.hyphenated for b in lines)


def test_a_short_word_is_not_left_alone_on_a_justified_line():
    # "For" alone would leave a hole of 85 of 100 points; spreading "For Bangladesh,"
    # leaves one wide space (ratio 7.7), which reads better and never looks like a
    # paragraph's end.
    items = [Item(15), Item(62), Item(35), Item(60)]
    lines = total_fit(items, 3.0, _measure(100))
    assert lines[0].end == 2


def test_sample_has_no_short_word_alone_on_a_line(sample_report):
    typo = sample_report["summary"]["typography"]
    assert typo["lone_word_lines"] <= 2
    for info in sample_report["stories"].values():
        for text in info["lone_word_lines"]:
            assert len(text) >= 12, text  # a long word that nearly fills the measure


def test_a_compounds_own_hyphen_is_a_break_at_a_price():
    # "word word above-" fits exactly; without the break after "above-" the first line
    # would keep two words and stretch them far.
    items = [Item(30), Item(30), Item(30, DASH), Item(30), Item(30), Item(30)]
    lines = total_fit(items, 3.0, _measure(96))
    assert [b.end for b in lines][0] == 3
    assert not lines[0].hyphenated  # nothing is added: the hyphen is in the word
    assert first_fit(items, 3.0, _measure(96))[0].end == 3


def test_dash_breaks_count_towards_hyphens_in_a_row():
    items = []
    for _ in range(12):
        items += [Item(20, DASH), Item(20, SPACE)]
    lines = total_fit(items, 3.0, _measure(43))  # one half and the next, only ever
    run = worst = 0
    for b in lines:
        run = run + 1 if items[b.end - 1].after == DASH and not b.last else 0
        worst = max(worst, run)
    assert worst <= 2


@pytest.mark.parametrize("word, parts", [
    ("above-normal", ["above-", "normal"]),
    ("উইকেটকিপার-ব্যাটার", ["উইকেটকিপার-", "ব্যাটার"]),
    ("ঢাকা–সিলেট", ["ঢাকা–", "সিলেট"]),
    ("তিনি—যিনি", ["তিনি—", "যিনি"]),  # the dash ends a line, never starts one
    ("well-being,", ["well-", "being,"]),
    ("COVID-19", ["COVID-19"]),  # UAX #14: no break before a number
    ("জিপিএ-৫", ["জিপিএ-৫"]),
    ("১০-১৫", ["১০-১৫"]),
    ("২৮৭/৬", ["২৮৭/৬"]),
    ("EU-এর", ["EU-এর"]),  # a case ending never starts a line
    ("e-ticket", ["e-ticket"]),  # nor is one letter left at a line end
    ("“হ্যাঁ”", ["“হ্যাঁ”"]),
    ("৫৫ শতাংশ-ও", ["৫৫ শতাংশ-ও"]),
])
def test_break_opportunities_inside_a_word(word, parts):
    cuts = [0, *seams(word), len(word)]
    assert [word[a:b] for a, b in zip(cuts, cuts[1:], strict=False)] == parts


def test_compound_broken_at_its_hyphen_reads_back_whole(sample_build, sample_layout,
                                                        sample_words):
    """pdfium reads any hyphen-minus ending a line as a soft hyphen (U+FFFE) and drops
    it; the text layer gives a compound's own hyphen to the next line instead."""
    import pypdfium2 as pdfium

    out, _ = sample_build
    lines = body_lines(sample_layout)
    found = 0
    pdf = pdfium.PdfDocument(out / "edition.pdf")
    try:
        for (page, el, a), (_, _, b) in zip(lines, lines[1:], strict=False):
            if a.get("continues") != "dash" or not a["text"].endswith("-"):
                continue
            left, right = a["text"].split()[-1], b["text"].split()[0]
            assert left + right in sample_words[el["story"]] or any(
                w.startswith(left + right) for w in sample_words[el["story"]]), (left, right)
            tp = pdf[page - 1].get_textpage()
            text = tp.get_text_range()
            tp.close()
            assert left[:-1] + "\r\n-" + right in text, (left, right)
            # Not as a whole word: বিদেশি-দের, hyphenated elsewhere, holds দেশি.
            assert not re.search("(?<![\u0980-\u09ff])" + re.escape(left[:-1]) + "\ufffe",
                                 text)
            found += 1
    finally:
        pdf.close()
    assert found >= 5


def test_a_single_item_wider_than_the_measure_stands_alone():
    lines = total_fit([Item(20), Item(150), Item(20)], 3.0, _measure(100))
    assert [(b.start, b.end) for b in lines] == [(0, 1), (1, 2), (2, 3)]
    assert lines[1].overfull


# -- legacy Bijoy input ---------------------------------------------------------------------

BIJOY_BODY = "Avgiv evsjvq Mvb MvB| ‡`‡ki gvbyl Lywk|"


def test_bijoy_story_is_refused_with_file_line_and_what_to_do(make_edition, tmp_path):
    story = make_edition / "stories" / "first.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("খুলনার উপকূলে নতুন বাঁধের কাজ শুরু হয়েছে। স্থানীয় মানুষ খুশি।",
                                  BIJOY_BODY), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        build_edition(make_edition, tmp_path / "out")
    msg = str(info.value)
    line = text.split("\n").index(next(x for x in text.split("\n") if "খুলনার" in x)) + 1
    assert f"first.md:{line}:" in msg and "Bijoy" in msg and "convert-bijoy" in msg
    assert not (tmp_path / "out").exists()


def test_convert_bijoy_then_build(make_edition, tmp_path):
    story = make_edition / "stories" / "first.md"
    text = story.read_text(encoding="utf-8").replace(
        "headline: \"নদীর পাড়ে নতুন বাঁধ\"", "headline: \"b`xi cv‡o bZzb evua\"")
    text = text.replace("খুলনার উপকূলে নতুন বাঁধের কাজ শুরু হয়েছে। স্থানীয় মানুষ খুশি।",
                        BIJOY_BODY)
    story.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["convert-bijoy", "--in-place", str(story)])
    assert result.exit_code == 0, result.output
    converted = story.read_text(encoding="utf-8")
    assert "আমরা বাংলায় গান গাই। দেশের মানুষ খুশি।" in converted
    assert 'headline: "নদীর পাড়ে নতুন বাঁধ"' in unicodedata.normalize("NFC", converted)
    assert (story.parent / "first.md.bijoy").read_text(encoding="utf-8") == text
    build_edition(make_edition, tmp_path / "out")


@pytest.mark.parametrize("word, want", [
    ("উল্লেখযোগ্য", "উল্লেখ-যোগ্য"),  # compound part, not উল্লে-খযোগ্য
    ("প্রতিষ্ঠানগুলোর,", "প্রতি-ষ্ঠান-গুলোর,"),
    ("বাংলাদেশের", "বাংলা-দে-শের"),  # after vowel signs only
    ("আলোচনা", "আলো-চনা"),
    ("উৎসবের", "উৎসবের"),  # no break before ৎ or after a bare consonant
    ("করে", "করে"),  # too short
    ("২০২৬", "২০২৬"),  # numbers never
    ("immunohistochemistry,", "im-muno-his-to-chem-istry,"),
    ("Bangladesh", "Bang-la-desh"),  # a name the en_US patterns cannot break: our list
    ("Bangladesh’s", "Bang-la-desh’s"),  # possessive: the same breaks
    ("Satkhira", "Sat-khira"),  # never fewer than 3 letters after a break
])
def test_hyphenation_points(word, want):
    from epaper.text.hyphenate import points

    cuts = points(word, ("en", "bn"))
    got = "-".join(word[a:b] for a, b in zip([0] + cuts, cuts + [len(word)], strict=False))
    assert got == want


def test_bengali_is_not_hyphenated_unless_the_style_asks():
    from epaper.text.hyphenate import points

    assert points("বাংলাদেশের", ("en",)) == []
    assert points("immunohistochemistry", ("bn",)) == []


def test_no_line_is_a_lone_hyphenated_piece(sample_layout):
    """"বিএসসি-" alone on a line is worse than any loose line: only a word wider than the
    column may be broken that way."""
    for page, el, ln in body_lines(sample_layout):
        assert not (ln.get("continues") == "hyphen" and len(ln["text"].split()) == 1), (
            page, el["story"], ln["text"])

