"""Input cleanup: canonical Bengali spellings, quotes, spacing; every change reported."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from epaper.build import build_edition
from epaper.check import load
from epaper.cli import main
from epaper.content.clean import clean

NUKTA_YA = "\u09af\u09bc"  # য় as NFC keeps it: য + nukta


@pytest.mark.parametrize("given, want, rule", [
    ("\u09a4\u09cd\u200d", "\u09ce", "khanda-ta"),  # উৎসব in the old spelling
    ("উ\u09a4\u09cd\u200dসব", "উৎসব", "khanda-ta"),
    ("\u09df", NUKTA_YA, "nukta"),  # precomposed য় -> য + nukta
    ("বাড\u09bcি", "বাড\u09bcি", None),  # already canonical: no change
    ("ভা\u09dfা", "ভা" + NUKTA_YA + "া", "nukta"),
    ("কথা বলেন ।", "কথা বলেন।", "space-before-punct"),
    ("কী হলো ?", "কী হলো?", "space-before-punct"),
    ("হয়েছে।তিনি বলেন", "হয়েছে। তিনি বলেন", "space-after-danda"),
    ('তিনি বলেন, "আমরা প্রস্তুত।"', "তিনি বলেন, “আমরা প্রস্তুত।”", "quotes"),
    ("It's the 'best' day", "It’s the ‘best’ day", "quotes"),
    ("ab\u00adsorb", "absorb", "soft-hyphen"),
    ("a\u0007b", "ab", "control"),
    ("Temperatures\u000bmay\u000cdrop", "Temperatures may drop", "separator"),  # Word's
    ("এক\u2028দুই", "এক দুই", "separator"),  # manual line break: a space, not glue
])
def test_clean_rules(given, want, rule):
    got, done = clean(given)
    assert got == want
    assert ([r for r, _ in done] == [rule]) if rule else done == []


def test_clean_keeps_zwnj_and_zwj_that_mean_something():
    text = "ক্\u200cষ র\u200d্যাব"  # ZWNJ blocks a conjunct; ZWJ makes ra + ya-phala
    assert clean(text) == (text, [])


def test_cleanup_is_reported_with_file_line_and_field(make_edition, tmp_path):
    story = make_edition / "stories" / "first.md"
    text = story.read_text(encoding="utf-8")
    text = text.replace("শুরু হয়েছে।", 'শুরু হয়েছে । "ভালো"').replace(
        "নদীর পাড়ে বাঁধের কাজ চলছে", "নদীর পা\u09dcে বাঁধের কাজ চলছে")
    story.write_text(text, encoding="utf-8")
    loaded = load(make_edition)
    (first,) = [s for s in loaded.edition.stories if s.id == "first"]
    body_line = text.split("\n").index(next(ln for ln in text.split("\n")
                                            if "শুরু হয়েছে" in ln)) + 1
    rules = {(c.line, c.field, c.rule) for c in first.cleanups}
    assert (body_line, "body", "space-before-punct") in rules
    assert (body_line, "body", "quotes") in rules
    assert any(c.field == "photos[0].caption" and c.rule == "nukta" for c in first.cleanups)
    assert "শুরু হয়েছে। “ভালো”" in " ".join(b.text for b in first.blocks)
    result = build_edition(make_edition, tmp_path / "out")
    report = result.report["stories"]["first"]["cleanup"]
    assert {"line": body_line, "field": "body", "rule": "quotes", "count": 2} in report
    out = CliRunner().invoke(main, ["check", str(make_edition)])
    assert out.exit_code == 0
    assert f"first.md:{body_line}: body: straight quotes made typographic" in out.output


def test_cleaned_text_is_what_the_pdf_says(make_edition, tmp_path):
    import pypdfium2 as pdfium

    story = make_edition / "stories" / "first.md"
    story.write_text(story.read_text(encoding="utf-8").replace(
        "খুশি।", "খুশি ।\u09a4\u09cd\u200dপর"), encoding="utf-8")
    build_edition(make_edition, tmp_path / "out")
    pdf = pdfium.PdfDocument(tmp_path / "out" / "edition.pdf")
    try:
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    assert "খুশি। ৎপর" in text
    layout = json.loads((tmp_path / "out" / "layout.json").read_text(encoding="utf-8"))
    assert "\u200d" not in json.dumps(layout, ensure_ascii=False)
