"""Golden and semantic shaping tests for Bengali, with every shipped Bengali face (Noto
Serif/Sans Bengali and Lohit Bengali: the semantic tests must hold for any design).

The golden tests pin HarfBuzz's output for tests/shaping/bengali.txt exactly, so a HarfBuzz
or font upgrade that changes Bengali shaping fails loudly. The semantic tests read only the
fonts (cmap, GSUB) and the Shaper, never the golden files, so a wrong golden file cannot
make them pass.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from fontTools.ttLib import TTFont

from epaper.text.fonts import Face
from epaper.text.shape import Shaped, ShapedGlyph, Shaper

SHAPING_DIR = Path(__file__).resolve().parent / "shaping"


def _load_golden_module() -> ModuleType:
    # tests/shaping is not a package (regen.py runs as a script), so load it by path.
    spec = importlib.util.spec_from_file_location("shaping_golden", SHAPING_DIR / "golden.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building Case
    spec.loader.exec_module(module)
    return module


golden = _load_golden_module()

FACES: list[Face] = golden.bengali_faces()
CASES = golden.load_cases()
FACE_IDS = [f.key for f in FACES]

HASANTA = "\u09CD"
ZWJ = "\u200D"
ZWNJ = "\u200C"


def face_of(key: str) -> Face:
    return next(f for f in FACES if f.key == key)


# --- shared state: one Shaper, font data read once per face ------------------------------


@cache
def shaper() -> Shaper:
    # The engine's Shaper, as WordMaker uses it: face key = file stem, no script given.
    return golden.shaper_for(FACES)


@dataclass(frozen=True)
class FontData:
    names: list[str]  # glyph order: gid -> post-table name
    cmap: dict[int, str]  # code point -> glyph name
    singles: dict[str, frozenset[str]]  # GSUB single substitutions, glyph -> replacements


def _single_substitutions(font: TTFont) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            kind = lookup.LookupType
            if kind == 7:  # extension lookup: the real subtable is wrapped
                kind, sub = sub.ExtensionLookupType, sub.ExtSubTable
            if kind == 1:
                for src, dst in sub.mapping.items():
                    found.setdefault(src, set()).add(dst)
    return {k: frozenset(v) for k, v in found.items()}


@cache
def font_data(key: str) -> FontData:
    with TTFont(face_of(key).path, lazy=True) as font:
        return FontData(font.getGlyphOrder(), font.getBestCmap(), _single_substitutions(font))


def shape(key: str, text: str) -> Shaped:
    return shaper().shape(key, text)


def names(key: str, text: str) -> list[str]:
    data = font_data(key)
    return [data.names[g.gid] for g in shape(key, text).glyphs]


def cmap_glyph(key: str, char: str) -> str:
    return font_data(key).cmap[ord(char)]


def forms(key: str, char: str) -> set[str]:
    """The cmap glyph of `char` and every glyph GSUB single substitutions turn it into.

    Fonts draw a vowel sign in contextual forms (Serif's `uni09C7.init`, Sans's
    `ivowelsign1beng` before a wide conjunct); these are still that vowel sign.
    """
    singles = font_data(key).singles
    seen = {cmap_glyph(key, char)}
    todo = list(seen)
    while todo:
        for nxt in singles.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def look(glyphs: tuple[ShapedGlyph, ...]) -> list[tuple[int, int, int, int]]:
    """What is drawn, without clusters (they index the input, which differs by spelling)."""
    return [(g.gid, g.advance, g.x_offset, g.y_offset) for g in glyphs]


def visible(key: str, glyphs: tuple[ShapedGlyph, ...]) -> tuple[ShapedGlyph, ...]:
    """Drop zero-width space glyphs: HarfBuzz's stand-in for a hidden ZWJ/ZWNJ."""
    data = font_data(key)
    space = data.cmap[0x20]
    return tuple(g for g in glyphs if g.advance or data.names[g.gid] != space)


# --- golden files ------------------------------------------------------------------------


@cache
def golden_rows(key: str) -> list[tuple[str, str]]:
    return golden.read_golden(golden.golden_path(face_of(key)))


def test_every_bengali_face_has_a_golden_file() -> None:
    assert FACES, "no Bengali face found through fonts/fonts.yaml"
    on_disk = {p.stem for p in SHAPING_DIR.glob("*.golden")}
    assert on_disk == set(FACE_IDS), "run `python tests/shaping/regen.py`"


def test_cases_are_distinct() -> None:
    seen: dict[str, int] = {}
    for case in CASES:
        assert case.text not in seen, f"bengali.txt:{case.line} repeats line {seen[case.text]}"
        seen[case.text] = case.line


@pytest.mark.parametrize("key", FACE_IDS)
def test_golden_lists_every_case_in_order(key: str) -> None:
    inputs = [row[0] for row in golden_rows(key)]
    assert inputs == [c.codepoints for c in CASES], (
        f"{key}.golden is out of step with bengali.txt: run `python tests/shaping/regen.py`")


def _mismatch(key: str, case: golden.Case, expected: str, got: str) -> str:
    path = SHAPING_DIR / f"{key}.golden"
    return (f"Bengali shaping changed for {key}, bengali.txt:{case.line} "
            f"({case.comment})\n"
            f"  input:    {case.text!r} = {case.codepoints}\n"
            f"  expected: {expected}\n"
            f"  got:      {got}\n"
            f"  golden made with {golden.golden_versions(path)}; "
            f"now {golden.versions(face_of(key))}\n"
            f"  if the change is intended, run `python tests/shaping/regen.py` and review the diff")


@pytest.mark.parametrize("key", FACE_IDS)
@pytest.mark.parametrize("case", CASES, ids=[c.codepoints for c in CASES])
def test_golden(key: str, case: golden.Case) -> None:
    rows = dict(golden_rows(key))
    expected = rows.get(case.codepoints)
    assert expected is not None, f"{case.codepoints} not in {key}.golden: run regen.py"
    got = golden.format_glyphs(shape(key, case.text), font_data(key).names)
    assert got == expected, _mismatch(key, case, expected, got)


# --- semantic checks, independent of the golden files -------------------------------------

# Conjuncts and the phala forms: the hasanta is absorbed, never drawn.
ABSORBED_HASANTA = ["ক্ষ", "জ্ঞ", "ন্ত্র", "স্ত্র", "ঙ্ক", "ক্ত", "ন্দ", "ষ্ট", "ব্য", "প্র"]


@pytest.mark.parametrize("key", FACE_IDS)
@pytest.mark.parametrize("text", ABSORBED_HASANTA)
def test_conjunct_has_no_visible_hasanta(key: str, text: str) -> None:
    got = names(key, text)
    assert cmap_glyph(key, HASANTA) not in got, f"{text!r} drew a hasanta: {got}"
    assert len(got) < len(text), f"{text!r} did not form a conjunct: {got}"


@pytest.mark.parametrize("key", FACE_IDS)
@pytest.mark.parametrize("text, sign", [("কি", "ি"), ("কে", "ে"), ("কৈ", "ৈ")])
def test_pre_base_vowel_sign_comes_first(key: str, text: str, sign: str) -> None:
    got = names(key, text)
    assert got[0] in forms(key, sign), f"{text!r}: vowel sign not first: {got}"
    assert got[1:] == [cmap_glyph(key, "ক")], f"{text!r}: consonant does not follow: {got}"


@pytest.mark.parametrize("key", FACE_IDS)
@pytest.mark.parametrize("text, sign", [("স্তি", "ি"), ("ক্ষে", "ে"), ("ক্রি", "ি")])
def test_pre_base_vowel_sign_goes_before_the_whole_conjunct(key: str, text: str,
                                                           sign: str) -> None:
    got = names(key, text)
    assert got[0] in forms(key, sign), f"{text!r}: vowel sign not first: {got}"
    assert len(got) == 2, f"{text!r}: conjunct not one glyph after the sign: {got}"


@pytest.mark.parametrize("key", FACE_IDS)
@pytest.mark.parametrize("composed, decomposed, length_mark", [
    ("কো", "ক\u09C7\u09BE", "\u09BE"),
    ("কৌ", "ক\u09C7\u09D7", "\u09D7"),
])
def test_split_vowel_matches_its_decomposition(key: str, composed: str, decomposed: str,
                                               length_mark: str) -> None:
    one, two = shape(key, composed).glyphs, shape(key, decomposed).glyphs
    assert look(one) == look(two)
    got = names(key, composed)
    # Split: e-kar before the consonant, the second part after it.
    assert got[0] in forms(key, "ে") and got[1] == cmap_glyph(key, "ক"), got
    assert got[2] in forms(key, length_mark), got


@pytest.mark.parametrize("key", FACE_IDS)
@pytest.mark.parametrize("text", ["কর্ম", "র্কে", "বর্ষা", "ধর্মীয়"])
def test_reph_replaces_ra(key: str, text: str) -> None:
    got = names(key, text)
    assert cmap_glyph(key, "র") not in got, f"{text!r}: ra drawn as a letter, not a reph: {got}"
    assert cmap_glyph(key, HASANTA) not in got, got


@pytest.mark.parametrize("key", FACE_IDS)
def test_zwj_after_ra_gives_ya_phala_not_reph(key: str) -> None:
    # র‍্যাব: Unicode's spelling of ra with ya-phala; the ZWJ stops the reph.
    got = names(key, "র" + ZWJ + HASANTA + "যাব")
    assert got[0] == cmap_glyph(key, "র"), got
    assert cmap_glyph(key, "য") not in got and cmap_glyph(key, HASANTA) not in got, got


@pytest.mark.parametrize("key", FACE_IDS)
@pytest.mark.parametrize("text", ["ক" + HASANTA, "ক" + HASANTA + ZWNJ + "ষ"])
def test_hasanta_stays_visible(key: str, text: str) -> None:
    # At the end of a word, or when ZWNJ stops the ka+ssa conjunct. Fonts draw it as
    # ka then the hasanta glyph (Noto), or as one ka-with-hasanta glyph (Lohit's
    # kabeng_viramabeng): either way not as plain ka, and never joined to ssa.
    got = names(key, text)
    ka, hasanta = cmap_glyph(key, "ক"), cmap_glyph(key, HASANTA)
    drawn = got[:2] == [ka, hasanta] or (got[0] not in (ka, hasanta) and hasanta not in got)
    assert drawn, f"{text!r}: hasanta not drawn: {got}"
    if ZWNJ in text:
        assert got[-1] == cmap_glyph(key, "ষ"), f"{text!r}: ssa not drawn by itself: {got}"


@pytest.mark.parametrize("key", FACE_IDS)
@pytest.mark.parametrize("precomposed, with_nukta", [
    ("\u09DF", "\u09AF\u09BC"),  # য়
    ("\u09DC", "\u09A1\u09BC"),  # ড়
    ("\u09DD", "\u09A2\u09BC"),  # ঢ়
])
def test_nukta_letter_encodings_shape_alike(key: str, precomposed: str, with_nukta: str) -> None:
    assert look(shape(key, precomposed).glyphs) == look(shape(key, with_nukta).glyphs)
    assert names(key, with_nukta) == [cmap_glyph(key, precomposed)]


@pytest.mark.parametrize("key", FACE_IDS)
@pytest.mark.parametrize("old, new", [("ত" + HASANTA + ZWJ, "ৎ"),
                                      ("উত" + HASANTA + ZWJ + "সব", "উৎসব")])
def test_khanda_ta_old_spelling(key: str, old: str, new: str) -> None:
    # Observed with HarfBuzz 15 and Noto 2.001: all four faces draw ta+hasanta+ZWJ as the
    # khanda-ta glyph of U+09CE, same advance. Sans ligates ta+hasanta+ZWJ in its GSUB, so
    # the ZWJ is consumed; Serif ligates ta+hasanta only and HarfBuzz then hides the left-
    # over ZWJ as a zero-advance space glyph, which `visible` drops.
    assert look(visible(key, shape(key, old).glyphs)) == look(shape(key, new).glyphs)
    assert shape(key, old).advance == shape(key, new).advance


@pytest.mark.parametrize("key", FACE_IDS)
def test_clusters_are_monotone(key: str) -> None:
    for case in CASES:
        clusters = [g.cluster for g in shape(key, case.text).glyphs]
        assert clusters == sorted(clusters), f"{case.text!r}: {clusters}"
        assert clusters[0] == 0 and clusters[-1] < len(case.text), f"{case.text!r}: {clusters}"
