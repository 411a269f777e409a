"""Latin beside Bengali, punctuation gaps and headline balance, measured on pixels.

    python bench/latin.py [FONTS_DIR] [--layout OUT/layout.json]

For each family of the fonts folder (default: the shipped one) and for the same folder
with every size adjustment and punctuation spacing switched off:

- cap height: the ink height of words made of Latin capitals and figures (DSE, PM2.5,
  92.33%, COVID-19 …) over the height of the Bengali headstroke (the top of কমন), on
  a body line (9 pt) rasterised by pdfium at 800 dpi;
- danda gap: the blank run before । in করেন। লাগছে। হবে।” …, against the line's word
  space (em);
- Latin companion: for the Bengali serif's regular and bold, Noto Serif against Noto
  Sans as its Latin face: the grey value (ink per area between the baseline and the
  headstroke) of a Latin test line over that of a Bengali one, and the stem width of
  Latin l n u I H against the stem of the Bengali া;
- with `--layout`: how many multi-line headlines, kickers and decks of a build end on a
  line of one word.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pixels import Rendered, glyph_ink, maker_for, render, word_box  # noqa: E402

from epaper.text.words import Font, WordMaker  # noqa: E402

CAPS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,%+-")
LINES = ["কমন ঢাকা স্টক এক্সচেঞ্জে DSE প্রধান সূচক DSEX 0.89% বেড়ে 5,412 পয়েন্টে",
         "কমন বস্তুকণার PM2.5 প্রায় ৩৮ শতাংশ; যশোর বোর্ডে, 92.33%। COVID-19 মহামারির",
         "কমন MRT Line-6-এ BGMEA ও EU-তে GSP+ নিয়ে"]
DANDAS = "করেন। লাগছে। হবে।” দাবি। গেল। তা। কমন"
BENGALI_GREY = "ঢাকা স্টক এক্সচেঞ্জের সূচক বেড়েছে রেলের টিকিট ব্যবস্থা নিয়ে বাংলাদেশ ব্যাংক"
LATIN_GREY = "Dhaka Stock Exchange index rose; railway e-ticket system by Bangladesh Bank"
DPI800 = 800 / 72


def variant(source: Path, folder: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """A copy of a fonts folder (font files linked) with its fonts.yaml edited."""
    folder.mkdir()
    for f in source.glob("*.ttf"):
        (folder / f.name).symlink_to(f.resolve())
    data = yaml.safe_load((source / "fonts.yaml").read_text(encoding="utf-8"))
    edit(data["families"])
    (folder / "fonts.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                       encoding="utf-8")
    return folder


def plain(families: dict) -> None:  # type: ignore[type-arg]
    for members in families.values():
        for i, m in enumerate(members):
            if i:
                m["size_adjust"] = 1
            m["spacing"] = {"before_danda": None, "after_quote": None}


def cap_ratios(r: Rendered) -> list[float]:
    out = []
    for k, line in enumerate(r.lines):
        head = r.top(*word_box(line, 0), k=k)
        for i, w in enumerate(line.words):
            text = w.word.text.rstrip("।,")
            if text and set(text) <= CAPS:
                out.append(r.top(*word_box(line, i), k=k) / head)
    return out


def danda_gaps(maker: WordMaker, family: str) -> tuple[list[float], float]:
    size = 9.0
    r = render(maker, [DANDAS], Font(family, size), width=600, scale=DPI800)
    line = r.lines[0]
    gaps = [r.gap_before(glyph_ink(maker.fonts, line, i, "।")) / size
            for i, w in enumerate(line.words) if "।" in w.word.text]
    spaces = [max(wd for _, wd in r.blank_runs(word_box(line, i)[1] - 2,
                                               word_box(line, i + 1)[0] + 1))
              for i in range(len(line.words) - 1)]
    return gaps, min(spaces) / size


def grey(r: Rendered, words: list, head: float, size: float) -> float:  # type: ignore[type-arg]
    b = r.baseline()
    top = b - r.px(head * size)
    ink = area = 0.0
    for w in words:
        x0, x1 = r.px(w.x), r.px(w.x + w.word.width)
        ink += float(r.ink[top:b, x0:x1].sum())
        area += (x1 - x0) * (b - top)
    return ink / area


def stem(r: Rendered, k: int, band: tuple[float, float], size: float) -> float:
    """Width (em) of word k's rightmost stroke, from the ink it covers on rows of `band`."""
    line = r.lines[0]
    x0, x1 = word_box(line, k)
    widths = []
    for fraction in np.linspace(*band, 12):
        row = r.ink[r.baseline() - int(fraction * size * r.scale), r.px(x0) - 4:r.px(x1) + 4]
        end = int(np.nonzero(row > 0.02)[0][-1])
        start = end
        while start > 0 and row[start - 1] > 0.02:
            start -= 1
        widths.append(float(row[start:end + 1].sum()))
    return float(np.median(widths)) / r.scale / size


def companion(maker: WordMaker, bold: bool) -> tuple[float, float, float]:
    """Latin grey over Bengali grey; Latin stem and Bengali stem (em) in family serif."""
    size = 24.0
    r = render(maker, [BENGALI_GREY + " " + LATIN_GREY], Font("serif", size, bold),
               width=4000, scale=6)
    words = r.lines[0].words
    n = len(BENGALI_GREY.split())
    head = maker.fonts.outlines(maker.fonts.stack("serif", bold)[0].key).headstroke or 0.6
    ratio = grey(r, list(words[n:]), head, size) / grey(r, list(words[:n]), head, size)
    s = render(maker, ["কা না বা মা l n u I H"], Font("serif", 48, bold), width=1400, scale=6)
    bengali = float(np.mean([stem(s, k, (0.15, 0.45), 48) for k in range(4)]))
    latin = float(np.mean([stem(s, k, (0.12, 0.4), 48) for k in range(4, 9)]))
    return ratio, latin, bengali


def one_word_endings(layout: Path) -> tuple[int, int]:
    data = json.loads(layout.read_text(encoding="utf-8"))
    multi = ends = 0
    for page in data["pages"]:
        for el in page["elements"]:
            if el["role"] in ("headline", "jumphead", "kicker", "subheadline") \
                    and len(el["lines"]) > 1:
                multi += 1
                ends += len(el["lines"][-1]["text"].split()) == 1
    return multi, ends


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("fonts", nargs="?", type=Path, default=ROOT / "fonts")
    parser.add_argument("--layout", type=Path, help="a build's layout.json")
    args = parser.parse_args(argv)
    fonts = args.fonts
    with tempfile.TemporaryDirectory(prefix="epaper-latin-") as tmp:
        off = variant(fonts, Path(tmp) / "off", plain)

        def sans(families: dict) -> None:  # type: ignore[type-arg]
            families["serif"][1] = {"regular": "NotoSans-Regular.ttf",
                                    "bold": "NotoSans-Bold.ttf"}

        with_sans = variant(fonts, Path(tmp) / "sans", sans)
        makers = {"adjusted": maker_for(fonts), "off": maker_for(off)}
        print("cap height / headstroke (9 pt, 800 dpi; min-max over DSE, PM2.5, 92.33% …)")
        for family in makers["adjusted"].fonts.families:
            for bold in (False, True):
                cells = []
                for name, maker in makers.items():
                    r = render(maker, LINES, Font(family, 9, bold), width=900, scale=DPI800)
                    ratios = cap_ratios(r)
                    cells.append(f"{name} {min(ratios):.3f}-{max(ratios):.3f}")
                print(f"  {family:12} {'bold' if bold else 'regular':8} " + "   ".join(cells))
        print("gap before । (em; word space in brackets), serif 9 pt")
        for name, maker in makers.items():
            gaps, space = danda_gaps(maker, "serif")
            print(f"  {name:9} " + " ".join(f"{g:.3f}" for g in gaps) + f"   ({space:.3f})")
        print("Latin companion of the Bengali serif: grey Latin/Bengali, stem Latin : Bengali া")
        for name, folder in (("Noto Serif", fonts), ("Noto Sans", with_sans)):
            for bold in (False, True):
                ratio, latin, bengali = companion(maker_for(folder), bold)
                print(f"  {name:10} {'bold' if bold else 'regular':8} grey {ratio:.2f}   "
                      f"stem {latin:.3f} : {bengali:.3f} em")
    if args.layout:
        multi, ends = one_word_endings(args.layout)
        print(f"display blocks of 2+ lines: {multi}, ending on one word: {ends}")


if __name__ == "__main__":
    main(sys.argv[1:])
