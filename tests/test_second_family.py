"""Any Bengali font a desk owns (issue 12, item 7): the sample built in Lohit Bengali, a
second design with its own metrics (769 units to the em, taller letters, one weight, its
own glyph names), reads back as well as in Noto.

Shaping goldens for Lohit live with Noto's in tests/shaping (test_shaping.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import LAYOUTS, ROOT, SAMPLES
from test_text_layer import Chars, _letters, needs_poppler, poppler_box

from epaper.build import build_edition
from epaper.content.story import load_story
from epaper.layout.typeset import Typesetter
from epaper.model.template import Style
from epaper.text.fonts import FontBook
from epaper.text.words import WordMaker

FONTS = ROOT / "fonts"


def set_in(edition: Path, family: str) -> None:
    """Point `edition` at a copy of the broadsheet set with every style in `family`."""
    text = (LAYOUTS / "broadsheet.yaml").read_text(encoding="utf-8")
    text = re.sub(r"family: (serif|sans|headline)\b", f"family: {family}", text)
    text = text.replace("fonts: ../fonts", f"fonts: {FONTS}").replace(
        "profile: ../profiles/", f"profile: {ROOT / 'profiles'}/")
    (edition / f"{family}.yaml").write_text(text, encoding="utf-8")
    yaml = edition / "edition.yaml"
    yaml.write_text(re.sub(r"^layout: \S+", f"layout: {family}.yaml",
                           yaml.read_text(encoding="utf-8"), count=1, flags=re.M),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def lohit(tmp_path_factory) -> tuple[Path, Path, dict, dict]:
    """The sample edition set in Lohit Bengali: (edition dir, out dir, report, layout)."""
    root = tmp_path_factory.mktemp("lohit")
    edition = root / "edition"
    shutil.copytree(SAMPLES, edition)
    set_in(edition, "lohit")
    out = root / "out"
    build_edition(edition, out, variants=("screen",))
    return (edition, out, json.loads((out / "report.json").read_text(encoding="utf-8")),
            json.loads((out / "layout.json").read_text(encoding="utf-8")))


def placed(edition: Path, info: dict) -> list[str]:
    words = load_story(edition / info["file"], edition, info["lang"]).words()
    return words[:len(words) - len(info["overset_words"])]


def body(layout: dict, sid: str) -> list[tuple[int, dict]]:
    return [(pg["number"], e) for pg in layout["pages"] for e in pg["elements"]
            if e["story"] == sid and e["role"] == "body"]


def pdfium_norm(text: str) -> list[str]:
    for mark in ("\ufffe", "\x02"):
        text = text.replace(mark + "\r\n", "").replace(mark, "")
    return text.replace("\r\n-", "-").replace("\n-", "-").split()


# -- the fonts' own measures -----------------------------------------------------------

def test_faces_are_measured_from_their_outlines():
    book = FontBook(FONTS)
    lohit, noto = book.face("Lohit-Bengali"), book.face("NotoSerifBengali-Bold")
    assert lohit.upem == 769 and noto.upem == 1000
    # Headstroke: where a Latin capital beside Bengali should end (item 3 builds on it).
    assert lohit.headstroke == pytest.approx(0.650, abs=0.002)
    assert noto.headstroke == pytest.approx(0.622, abs=0.002)
    assert lohit.top == pytest.approx(0.975, abs=0.002)  # ট ঠ ী উ
    assert noto.top == pytest.approx(0.953, abs=0.002)  # ঁ
    latin = book.face("NotoSans-Regular")
    assert latin.cap_height == pytest.approx(0.714, abs=0.002) and latin.headstroke == 0.0
    assert lohit.cap_height == 0.0  # no Latin capitals, and no OS/2 cap height either


def test_a_line_takes_the_room_its_fonts_need():
    ts = Typesetter(WordMaker(FontBook(FONTS)))
    style = Style("headline", "lohit", 40.0, 46.0, bold=True)
    up, down = ts.extent(style)
    assert up == pytest.approx(0.975 * 40) and down == pytest.approx(0.4 * 40)
    assert ts.extent(Style("headline", "serif", 40.0, 46.0, bold=True))[0] == \
        pytest.approx(0.953 * 40)
    assert ts.extent(Style("caption", "sans", 10.0, 12.0))[0] == pytest.approx(9.5)


def test_headline_boxes_hold_their_letters(lohit, sample_report, sample_layout):
    for report, layout, tallest in ((lohit[2], lohit[3], 0.975),
                                    (sample_report, sample_layout, 0.953)):
        checked = 0
        for pg in layout["pages"]:
            for e in pg["elements"]:
                if e["role"] == "headline" and e["story"]:
                    size = report["stories"][e["story"]]["headline_size"]
                    assert e["box"][3] - e["lines"][0]["baseline"] >= tallest * size - 0.01
                    checked += 1
        assert checked >= 20


# -- the sample in Lohit reads back -----------------------------------------------------

def test_lohit_fonts_are_embedded_with_their_own_advances(lohit):
    with pikepdf.open(lohit[1] / "screen" / "pages" / "02.pdf") as pdf:
        fonts = pdf.pages[0].obj.Resources.Font
        lohit_font = [f for f in fonts.values() if "Lohit" in str(f.BaseFont)]
        assert lohit_font
        widths = list(lohit_font[0].DescendantFonts[0].W[1])
    # Advances are the font's (769 units to the em), not rounded to 1000ths of an em.
    assert any(float(w) != int(float(w)) for w in widths)


def test_lohit_sample_words_round_trip_in_pdfium(lohit):
    edition, out, report, layout = lohit
    doc = pdfium.PdfDocument(out / "screen" / "edition.pdf")
    pages = [doc[i].get_textpage() for i in range(len(doc))]
    for sid, info in report["stories"].items():
        got = []
        for number, e in body(layout, sid):
            got += pdfium_norm(pages[number - 1].get_text_bounded(*e["box"]))
        assert got == placed(edition, info), sid


@needs_poppler
def test_lohit_sample_words_round_trip_in_poppler(lohit):
    edition, out, report, layout = lohit
    pdf = out / "screen" / "edition.pdf"
    height = pdfium.PdfDocument(pdf)[0].get_size()[1]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert re.findall(r"\S {2,}\S", text) == []
    for sid, info in report["stories"].items():
        got = [w for number, e in body(layout, sid)
               for w in poppler_box(pdf, number, e["box"], height)]
        assert got == placed(edition, info), sid


def test_lohit_sample_in_pdfminer_has_every_letter_and_no_cid(lohit):
    edition, out, report, layout = lohit
    chars = Chars(out / "screen" / "edition.pdf")
    assert not [c for page in chars.pages for c in page if "(cid:" in c.get_text()]
    for sid, info in report["stories"].items():
        got = sum((_letters("".join(c.get_text() for c in chars.within(number, e["box"])))
                   for number, e in body(layout, sid)), start=_letters(""))
        want = _letters(" ".join(placed(edition, info)))
        want["-"] += sum(ln.get("continues") == "hyphen" for _n, e in body(layout, sid)
                         for ln in e["lines"])
        assert got == want, sid


def test_lohit_sample_is_hyphenated_like_noto(lohit, sample_layout):
    def hyphenated(layout: dict) -> int:
        return sum(ln.get("continues") == "hyphen" for pg in layout["pages"]
                   for e in pg["elements"] for ln in e.get("lines", []))

    # Other widths, other breaks; but Bengali hyphenation works in either design.
    assert hyphenated(lohit[3]) > 0.5 * hyphenated(sample_layout) > 100


def test_lohit_edition_passes_preflight_and_builds_byte_identical(make_edition, tmp_path):
    set_in(make_edition, "lohit")
    first = tmp_path / "a"
    second = tmp_path / "b"
    build_edition(make_edition, first, variants=("print", "screen"))
    build_edition(make_edition, second, variants=("print", "screen"))
    for name in ("edition.pdf", "screen/edition.pdf"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    preflight = json.loads((first / "preflight.json").read_text(encoding="utf-8"))
    assert preflight["ok"], preflight["errors"]
    with pikepdf.open(first / "edition.pdf") as pdf:
        names = {str(f.BaseFont) for f in pdf.pages[0].obj.Resources.Font.values()}
    assert any(n.endswith("+Lohit-Bengali") for n in names), names
