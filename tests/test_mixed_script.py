"""Latin beside Bengali and punctuation spacing, measured on the pixels pdfium draws:
the Latin fallback's size adjustment (fonts.yaml `size_adjust`), Latin digits in Bengali
text, and the gap before a danda and after an opening quote (`spacing`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pixels import Rendered, glyph_ink, maker_for, render, word_box

from epaper.errors import FontError
from epaper.text.fonts import FontBook
from epaper.text.words import Font, WordMaker

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "fonts"
LOHIT = FONTS / "Lohit-Bengali.ttf"  # shipped (OFL), so these tests never skip

# From the sample's stories: Latin capitals and figures in Bengali sentences. কমন (three
# consonants that hang from the matra, no sign above it) is the headstroke's reference.
LATIN_IN_BENGALI = [
    "কমন ঢাকা স্টক এক্সচেঞ্জে DSE প্রধান সূচক DSEX 0.89% বেড়ে 5,412 পয়েন্টে",
    "কমন বস্তুকণার PM2.5 প্রায় ৩৮ শতাংশ; যশোর বোর্ডে, 92.33%। COVID-19 মহামারির সময়",
    "কমন MRT Line-6-এ BGMEA ও EU-তে GSP+ নিয়ে",
]
# Brackets stand taller than capitals: words with them are not measured.
CAPS_ONLY = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,%+-")


def fonts_dir(tmp_path: Path, yaml_text: str, files: list[Path]) -> Path:
    """A fonts folder with `files` linked in and `yaml_text` as its fonts.yaml."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    for f in files:
        (folder / f.name).symlink_to(f)
    (folder / "fonts.yaml").write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    return folder


def noto(*names: str) -> list[Path]:
    return [FONTS / f"{n}.ttf" for n in names]


def cap_ratios(r: Rendered) -> list[tuple[str, float]]:
    """Per line: each word made only of Latin capitals and figures, with the height of its
    ink over the height of the line's reference word (কমন: the headstroke's top)."""
    out = []
    for k, line in enumerate(r.lines):
        assert line.words[0].word.text == "কমন"
        head = r.top(*word_box(line, 0), k=k)
        for i, w in enumerate(line.words):
            text = w.word.text.rstrip("।,")
            if text and set(text) <= CAPS_ONLY and any(c.isalnum() for c in text):
                out.append((text, r.top(*word_box(line, i), k=k) / head))
    return out


# -- Latin capitals and figures stand at the Bengali headstroke ---------------------------

@pytest.mark.parametrize("family, bold", [("serif", False), ("serif", True),
                                          ("headline", True), ("sans", False),
                                          ("sans", True)])
def test_latin_capitals_at_most_8_percent_over_the_headstroke(family, bold):
    # Body size, at 800 dpi: one pixel is under 2 % of the headstroke's height.
    r = render(maker_for(FONTS), LATIN_IN_BENGALI, Font(family, 9, bold), width=900,
               scale=800 / 72)
    ratios = cap_ratios(r)
    assert {t for t, _ in ratios} >= {"DSE", "DSEX", "0.89%", "5,412", "PM2.5", "92.33%",
                                      "COVID-19", "MRT", "BGMEA"}
    for text, ratio in ratios:
        # Not taller than 8 %, and not shrunk below the headstroke either: lowercase
        # (three quarters of the caps) would read small.
        assert 1.0 <= ratio <= 1.08, (family, bold, text, ratio)


def test_without_the_adjustment_the_capitals_stand_taller(tmp_path):
    """The measurement can fail: the same lines with size_adjust 1 are 14 % taller."""
    folder = fonts_dir(tmp_path, """\
        families:
          serif:
            - regular: NotoSerifBengali-Regular.ttf
            - regular: NotoSerif-Regular.ttf
              size_adjust: 1
        """, noto("NotoSerifBengali-Regular", "NotoSerif-Regular"))
    r = render(maker_for(folder), LATIN_IN_BENGALI, Font("serif", 9), width=900,
               scale=800 / 72)
    assert min(ratio for _, ratio in cap_ratios(r)) > 1.12


def test_size_adjustment_measures_any_bengali_font(tmp_path):
    """Lohit's headstroke sits higher than Noto's (0.650 em against 0.622): the automatic
    adjustment follows the font, not Noto's numbers."""
    folder = fonts_dir(tmp_path, """\
        families:
          serif:
            - regular: Lohit-Bengali.ttf
            - regular: NotoSerif-Regular.ttf
        """, [LOHIT, *noto("NotoSerif-Regular")])
    book = FontBook(folder)
    assert book.outlines("Lohit-Bengali").headstroke == pytest.approx(0.650, abs=0.002)
    assert book.scales("serif") == (1.0, pytest.approx(0.947, abs=0.003))
    r = render(WordMaker(book), LATIN_IN_BENGALI[:2], Font("serif", 9), width=900,
               scale=800 / 72)
    for text, ratio in cap_ratios(r):
        assert 1.0 <= ratio <= 1.08, (text, ratio)


def test_auto_adjustment_is_measured_from_the_outlines():
    book = FontBook(FONTS)
    bengali, latin = book.stack("serif")
    assert book.outlines(bengali.key).headstroke == pytest.approx(0.622, abs=0.002)
    assert book.outlines(latin.key).cap_height == pytest.approx(0.714, abs=0.002)
    assert book.scales("serif") == (1.0, pytest.approx(0.622 * 1.04 / 0.714, abs=0.003))
    # Latin first (an English stack): the Bengali fallback is scaled by the inverse.
    assert book.scales("serif-latin") == (1.0, pytest.approx(0.714 / 0.622 / 1.04, abs=0.004))


def test_a_latin_run_is_set_smaller_on_the_same_baseline():
    maker = WordMaker(FontBook(FONTS))
    scale = maker.fonts.scales("serif")[1]
    word = maker.word((("COVID-19-এর", False, False),), Font("serif", 9))
    latin, bengali = word.runs
    assert (latin.font, bengali.font) == ("NotoSerif-Regular", "NotoSerifBengali-Regular")
    assert latin.size == pytest.approx(9 * scale)
    assert bengali.size == 9
    assert all(g.y == 0 for g in latin.glyphs)  # the baseline is kept
    # The width follows: the Bengali run starts where the smaller Latin run ends.
    alone = maker.word((("COVID-19-", False, False),), Font("serif", 9))
    assert bengali.glyphs[0].x == pytest.approx(alone.width, abs=0.01)


def test_latin_digits_in_bengali_text_go_to_the_latin_face():
    maker = WordMaker(FontBook(FONTS))
    font = Font("serif", 9)
    scale = maker.fonts.scales("serif")[1]
    (run,) = maker.word((("92.33%", False, False),), font).runs
    assert run.font == "NotoSerif-Regular" and run.size == pytest.approx(9 * scale)
    # Bengali digits and their punctuation stay Bengali, whole.
    (run,) = maker.word((("১,৮৪৭টি", False, False),), font).runs
    assert run.font == "NotoSerifBengali-Regular" and run.size == 9


def test_english_text_keeps_its_latin_at_full_size():
    maker = WordMaker(FontBook(FONTS))
    (run,) = maker.word((("COVID-19", False, False),), Font("serif", 9, lang="en")).runs
    assert run.font == "NotoSerif-Regular" and run.size == 9


def test_text_layer_of_adjusted_and_spaced_words_is_exact(tmp_path):
    lines = ["কমন (DSE) সূচক 92.33% বেড়েছে। COVID-19-এর পর “আমরা” হবে।” তা। দুই॥"]
    pdf = tmp_path / "line.pdf"
    render(maker_for(FONTS), lines, Font("serif", 9), width=900, out=pdf)
    doc = pdfium.PdfDocument(str(pdf))
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    assert text.split() == lines[0].split()


@pytest.mark.parametrize("yaml_text, line, says", [
    pytest.param("families:\n  serif:\n    - {regular: a.ttf, size_adjust: 0.9}\n", 3,
                 "first face", id="adjust-on-the-first-face"),
    pytest.param("families:\n  serif:\n    - {regular: a.ttf}\n"
                 "    - {regular: b.ttf, size_adjust: 3}\n", 4, "size_adjust",
                 id="adjust-out-of-range"),
    pytest.param("families:\n  serif:\n    - {regular: a.ttf}\n"
                 "    - {regular: b.ttf, size_adjust: big}\n", 4, "size_adjust",
                 id="adjust-not-a-number"),
    pytest.param("families:\n  serif:\n    - {regular: a.ttf, spacing: {before_danda: 2}}\n",
                 3, "before_danda", id="gap-too-wide"),
    pytest.param("families:\n  serif:\n    - {regular: a.ttf, spacing: {after_comma: 0}}\n",
                 3, "after_comma", id="unknown-gap"),
    pytest.param("families:\n  serif:\n    - {regular: a.ttf, spacing: tight}\n", 3,
                 "spacing", id="spacing-not-a-mapping"),
])
def test_bad_adjustments_are_refused_with_file_line_and_field(tmp_path, yaml_text, line, says):
    (tmp_path / "fonts.yaml").write_text(yaml_text, encoding="utf-8")
    with pytest.raises(FontError) as err:
        FontBook(tmp_path)
    message = str(err.value)
    assert f"{tmp_path / 'fonts.yaml'}:{line}:" in message, message
    assert says in message


# -- the gap before a danda ---------------------------------------------------------------

DANDA_LINE = "করেন। লাগছে। হবে।” দাবি। গেল। কমন"


def gaps_before_danda(r: Rendered, fonts: FontBook, k: int = 0) -> tuple[list[float], float]:
    """The blank run (pt) right before the danda of each word that has one, and the
    narrowest word space of the line as drawn."""
    line = r.lines[k]
    gaps = [r.gap_before(glyph_ink(fonts, line, i, "।"), k)
            for i, w in enumerate(line.words) if "।" in w.word.text]
    spaces = []
    for i in range(len(line.words) - 1):
        a, b = word_box(line, i)[1], word_box(line, i + 1)[0]
        spaces.append(max(wd for _, wd in r.blank_runs(a - 2, b + 1, k)))
    return gaps, min(spaces)


def test_the_gap_before_a_danda_reads_as_letter_spacing():
    maker = maker_for(FONTS)
    r = render(maker, [DANDA_LINE], Font("serif", 9), width=600, scale=800 / 72)
    gaps, space = gaps_before_danda(r, maker.fonts)
    assert len(gaps) == 5
    for gap in gaps:
        assert gap <= 0.5 * space, (gaps, space)
        assert gap >= 0.05 * 9, (gaps, space)  # tightened, not touching


def test_without_spacing_the_danda_stands_a_word_space_off(tmp_path):
    folder = fonts_dir(tmp_path, """\
        families:
          serif:
            - regular: NotoSerifBengali-Regular.ttf
              spacing: {before_danda: null}
            - regular: NotoSerif-Regular.ttf
        """, noto("NotoSerifBengali-Regular", "NotoSerif-Regular"))
    maker = maker_for(folder)
    r = render(maker, [DANDA_LINE], Font("serif", 9), width=600, scale=800 / 72)
    gaps, space = gaps_before_danda(r, maker.fonts)
    assert min(gaps) >= 0.8 * space, (gaps, space)


def test_a_danda_after_a_bar_does_not_read_as_a_double_danda():
    """া। must not look like ত॥: after a bare stroke the danda keeps twice the white
    between the bars of ॥; after a letter's body it closes up to about that white."""
    maker = maker_for(FONTS)
    r = render(maker, ["তা। দুই॥ করেন। কমন"], Font("serif", 24), width=600, scale=6)
    line = r.lines[0]
    after_bar = r.gap_before(glyph_ink(maker.fonts, line, 0, "।"))
    after_letter = r.gap_before(glyph_ink(maker.fonts, line, 2, "।"))
    double = glyph_ink(maker.fonts, line, 1, "॥")
    between_bars = [w for s, w in r.blank_runs(double, double + 0.3 * 24) if s > double][0]
    assert after_bar >= 1.8 * between_bars, (after_bar, between_bars)
    assert after_letter <= 1.3 * between_bars, (after_letter, between_bars)


def test_a_typed_space_before_a_danda_is_kept():
    maker = WordMaker(FontBook(FONTS))
    font = Font("serif", 9)
    spaced = maker.word((("হবে ।", False, False),), font)
    plain = maker.word((("হবে", False, False),), font)
    danda = maker.word((("।", False, False),), font)
    space = maker.word(((" ", False, False),), font)
    assert spaced.width == pytest.approx(plain.width + space.width + danda.width)


def test_danda_spacing_is_measured_from_any_bengali_font(tmp_path):
    folder = fonts_dir(tmp_path, """\
        families:
          serif:
            - regular: Lohit-Bengali.ttf
            - regular: NotoSerif-Regular.ttf
        """, [LOHIT, *noto("NotoSerif-Regular")])
    book = FontBook(folder)
    (own, _latin) = book.spacing("serif")
    assert own.before_danda == pytest.approx(book.outlines("Lohit-Bengali").letter_gap)
    assert 0.1 < own.before_danda < 0.2
    r = render(WordMaker(book), [DANDA_LINE], Font("serif", 9), width=600, scale=800 / 72)
    gaps, space = gaps_before_danda(r, book)
    for gap in gaps:
        assert gap <= 0.6 * space, (gaps, space)


# -- after an opening quote ---------------------------------------------------------------

def quote_gap(r: Rendered, k: int = 0) -> float:
    """The blank run between the opening quote of word 1 and its first letter."""
    x0, x1 = word_box(r.lines[k], 1)
    inner = [wd for s, wd in r.blank_runs(x0, x1, k) if x0 + 0.2 < s < x1 - 0.2]
    return inner[1]  # the first is between the quote's two marks


def test_a_loose_opening_quote_is_closed_up_to_the_gap_asked(tmp_path):
    """Noto's quotes already sit closer than its letter gap (auto leaves them); a face
    told to close them to 0.02 em does, and only there."""
    plain = render(maker_for(FONTS), ["কমন “প্রথম"], Font("serif", 24), width=600, scale=6)
    folder = fonts_dir(tmp_path, """\
        families:
          serif:
            - regular: NotoSerifBengali-Regular.ttf
              spacing: {after_quote: 0.02}
            - regular: NotoSerif-Regular.ttf
        """, noto("NotoSerifBengali-Regular", "NotoSerif-Regular"))
    tight = render(maker_for(folder), ["কমন “প্রথম"], Font("serif", 24), width=600, scale=6)
    assert quote_gap(plain) > 0.05 * 24
    assert quote_gap(tight) == pytest.approx(0.02 * 24, abs=2 / 6)
    # Nothing else moved: the word is narrower by the gap closed.
    a, b = plain.lines[0].words[1].word, tight.lines[0].words[1].word
    assert a.width - b.width == pytest.approx(quote_gap(plain) - quote_gap(tight), abs=2 / 6)
