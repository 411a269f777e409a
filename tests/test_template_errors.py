"""A template set with one field of the wrong type or out of range: a TemplateError naming
the file, the line and the field with the allowed range, never an internal error, a
ZeroDivisionError at layout time or a silently accepted value.

Most cases call the loader directly (fast); a few go through `epaper build` to show the
desk sees one clear line, exit 1 and nothing written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, diagnostics, leftovers

from epaper.build import build_edition
from epaper.cli import main
from epaper.errors import EpaperError, FontError, TemplateError
from epaper.templates.loader import load_template_set
from epaper.text.fonts import FontBook

BROADSHEET = (ROOT / "layouts" / "broadsheet.yaml").read_text(encoding="utf-8")


def _block(start: str, end: str) -> str:
    """The broadsheet's text from `start` up to (not including) `end`."""
    i = BROADSHEET.index(start)
    return BROADSHEET[i:BROADSHEET.index(end, i)]


PAPER = _block("paper:\n", "images:")
STYLES = _block("styles:\n", "page:\n")
PAGE = _block("page:\n", "pages:\n")
PAGES = BROADSHEET[BROADSHEET.index("pages:\n"):]
FRONT = _block("  front:\n", "  inside:\n")
LEAD_HEADLINE = "headline: {size: [30, 42], lines: 2}"
LEAD_PHOTO = "photo: {position: top, height: [16, 24]}"
LEAD_TOP = "        top: 10\n        height: 54"
BODY = "body: {family: serif, size: 9, leading: 13, align: justify, indent: 3"
KICKER_COLOR = "color: [0, 90, 85, 5]"
IMAGES = "images: {min_ppi: 150, floor_ppi: 50, target_ppi: 200, screen_ppi: 110}"
FONTS = f"fonts: {ROOT / 'fonts'}"  # as write_set makes it
SHIPPED_PROFILE = f"{ROOT / 'profiles'}/newsprint-tr002.icc"
MARGINS = "margins: {top: 12, bottom: 13.5, left: 11, right: 11}"


def write_set(folder: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the broadsheet set in `folder` with `old` replaced by `new`; the path and
    the line of the first line of `new` that was not in `old` (where the bad value sits)."""
    text = BROADSHEET.replace("fonts: ../fonts", f"fonts: {ROOT / 'fonts'}").replace(
        "profile: ../profiles/", f"profile: {ROOT / 'profiles'}/")
    assert text.count(old) >= 1, old
    at = text.index(old)
    old_lines = old.splitlines()
    offset = next(k for k, ln in enumerate(new.splitlines()) if ln not in old_lines)
    path = (folder / "custom.yaml").resolve()
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return path, text[:at].count("\n") + 1 + offset


CASES = [
    # -- containers of the wrong type (were internal errors) ----------------------------
    ("images", IMAGES, "images: [150]", ["mapping"]),
    ("images-string", IMAGES, "images: high", ["mapping"]),
    ("paper-list", PAPER, "paper: [x]\n", ["mapping"]),
    ("styles-list", STYLES, "styles: [a]\n\n", ["mapping"]),
    ("pages-list", PAGES, "pages: [front]\n", ["mapping"]),
    ("page-list", PAGE, "page: [1]\n\n", ["mapping"]),
    ("margins-number", MARGINS, "margins: 12", ["mapping"]),
    ("slots-list", FRONT, "  front:\n    slots: [a]\n", ["mapping"]),
    ("extends-list", "extends: inside", "extends: [inside]", ["extends unknown", "inside"]),
    ("headline-string", LEAD_HEADLINE, "headline: big", ["mapping"]),
    ("headline-size-strings", LEAD_HEADLINE, "headline: {size: [a, b], lines: 2}",
     ["headline size must be between 4 and 200 pt"]),
    ("headline-size-one-string", LEAD_HEADLINE, "headline: {size: [26, b], lines: 2}",
     ["between 4 and 200 pt"]),
    ("headline-lines-word", LEAD_HEADLINE, "headline: {size: [30, 42], lines: two}",
     ["lines must be a whole number between 1 and 10"]),
    ("photo-string", LEAD_PHOTO, "photo: top", ["mapping"]),
    ("photo-height-number", LEAD_PHOTO, "photo: {position: top, height: 16}", ["[min, max]"]),
    ("photo-height-one", LEAD_PHOTO, "photo: {position: top, height: [16]}", ["[min, max]"]),
    ("photo-span-word", LEAD_PHOTO, "photo: {position: top, height: [16, 24], span: x}",
     ["whole number between 0 and 5"]),
    ("slot-columns-word", "        columns: 1\n", "        columns: two\n",
     ["whole number between 0 and 20"]),
    ("slot-columns-negative", "        columns: 1\n", "        columns: -2\n",
     ["between 0 and 20"]),
    ("style-size-zero", BODY, BODY.replace("size: 9", "size: 0"),
     ["size must be between 4 and 200 pt"]),
    ("style-size-nan", BODY, BODY.replace("size: 9", "size: .nan"), ["between 4 and 200 pt"]),
    ("style-size-inf", BODY, BODY.replace("size: 9", "size: .inf"), ["between 4 and 200 pt"]),
    ("color-word", KICKER_COLOR, "color: red", ["CMYK in percent"]),
    ("color-number", KICKER_COLOR, "color: 100", ["CMYK in percent"]),
    ("page-width-zero", "  width: 330", "  width: 0", ["width must be between 50 and 2000 mm"]),
    ("page-width-negative", "  width: 330", "  width: -330", ["between 50 and 2000 mm"]),
    ("margins-eat-the-page", MARGINS, "margins: {top: 12, bottom: 13.5, left: 200, right: 200}",
     ["type area", "at least 8 mm"]),
    ("columns-500", "  columns: 8", "  columns: 500", ["between 1 and 40"]),
    ("columns-too-narrow", "  columns: 8", "  columns: 40", ["at least 8 mm wide"]),
    ("baseline-zero", "  baseline: 13pt", "  baseline: 0", ["between 4 and 72 pt"]),
    ("min-ppi-word", IMAGES, IMAGES.replace("min_ppi: 150", "min_ppi: high"),
     ["min_ppi must be between 0 and 1200 ppi"]),
    ("underset-word", "underset_tolerance: 3", "underset_tolerance: few",
     ["whole number between 0 and 50"]),
    ("loose-ratio-word", "underset_tolerance: 3", "underset_tolerance: 3\nloose_ratio: loose",
     ["loose_ratio must be between 1 and 10"]),
    # -- silently accepted before ---------------------------------------------------------
    ("photo-unknown-key", LEAD_PHOTO, "photo: {position: top, heigth: [16, 24]}",
     ["'heigth'", "height, position, span"]),
    ("headline-unknown-key", LEAD_HEADLINE, "headline: {size: [30, 42], line: 2}",
     ["'line'", "lines, size"]),
    ("margins-unknown-key", MARGINS, "margins: {top: 12, bottom: 13.5, inside: 11, right: 11}",
     ["'inside'", "bottom, left, right, top"]),
    ("top-level-unknown-key", "underset_tolerance: 3", "underset_tolerance: 3\nunderset: 3",
     ["'underset'", "underset_tolerance"]),
    ("slot-above-page", LEAD_TOP, "        top: -20\n        height: 54",
     ["above the type area", "0 or more grid lines"]),
    ("slot-height-zero", LEAD_TOP, "        top: 10\n        height: 0",
     ["more than 0 grid lines"]),
    ("slot-height-negative", LEAD_TOP, "        top: 10\n        height: -4",
     ["more than 0 grid lines"]),
    ("headline-lines-zero", LEAD_HEADLINE, "headline: {size: [30, 42], lines: 0}",
     ["between 1 and 10"]),
    ("headline-lines-negative", LEAD_HEADLINE, "headline: {size: [30, 42], lines: -1}",
     ["between 1 and 10"]),
    ("headline-size-reversed", LEAD_HEADLINE, "headline: {size: [42, 30], lines: 2}",
     ["min above max"]),
    ("style-size-5000", BODY, BODY.replace("size: 9", "size: 5000"),
     ["size must be between 4 and 200 pt"]),
    ("leading-zero", BODY, BODY.replace("leading: 13", "leading: 0"),
     ["leading must be between 4 and 300 pt"]),
    ("indent-negative", BODY, BODY.replace("indent: 3", "indent: -3"),
     ["indent must be between 0 and 30 mm"]),
    ("gutter-negative", "  gutter: 4", "  gutter: -4", ["gutter must be between 0 and 30 mm"]),
    ("align-middle", BODY, BODY.replace("align: justify", "align: middle"),
     ["'middle'", "left, justify, center, right"]),
    ("bold-string", BODY, BODY.replace("family: serif,", "family: serif, bold: 'no',"),
     ["true or false"]),
    ("color-over-100", KICKER_COLOR, "color: [0, 90, 185, 5]", ["CMYK in percent", "0 and 100"]),
    ("color-negative", KICKER_COLOR, "color: [0, -90, 85, 5]", ["CMYK in percent"]),
    ("photo-position-sideways", LEAD_PHOTO, "photo: {position: sideways, height: [16, 24]}",
     ["'sideways'", "top, none"]),
    ("photo-height-negative", LEAD_PHOTO, "photo: {position: top, height: [-16, 24]}",
     ["negative"]),
    ("photo-taller-than-slot", LEAD_PHOTO, "photo: {position: top, height: [60, 70]}",
     ["more than the slot's height"]),
    ("photo-span-too-wide", LEAD_PHOTO, "photo: {position: top, height: [16, 24], span: 6}",
     ["between 0 and 5"]),
    ("screen-ppi-zero", IMAGES, IMAGES.replace("screen_ppi: 110", "screen_ppi: 0"),
     ["screen_ppi must be between 36 and 600 ppi"]),
    ("floor-above-min", IMAGES, IMAGES.replace("floor_ppi: 50", "floor_ppi: 300"),
     ["above min_ppi"]),
    ("bleed-300", "  bleed: 3\n", "  bleed: 300\n", ["bleed must be between 0 and 20 mm"]),
    ("slug-5000", "  slug: 12 ", "  slug: 5000 ", ["slug must be between 3 and 50 mm"]),
    ("slug-zero", "  slug: 12 ", "  slug: 0 ", ["between 3 and 50 mm"]),
    ("hairline-zero", "  hairline: 0.25", "  hairline: 0", ["between 0.05 and 2 pt"]),
    ("min-text-size-50", "  min_text_size: 5", "  min_text_size: 50", ["between 2 and 20 pt"]),
    ("text-columns-too-narrow", "        columns: 1\n", "        columns: 8\n",
     ["do not fit", "at least 8 mm"]),
    ("col-past-grid", "        col: 7\n        span: 2\n        top: 64",
     "        col: 9\n        span: 2\n        top: 64", ["between 1 and 8"]),
    ("story-slots-overlap", "        top: 46\n        height: 18",
     "        top: 40\n        height: 18", ["'second'", "'third'", "overlap"]),
    ("slot-below-type-area", "        top: 46\n        height: 18",
     "        top: 46\n        height: 118", ["runs below the type area"]),
    ("paper-unknown-key", '  editor: "নাসরিন আহমেদ"', '  editr: "নাসরিন আহমেদ"',
     ["'editr'", "editor"]),
    ("paper-value-list", '  price: "১২ টাকা"', "  price: [12, taka]", ["expected text"]),
    ("title-list", '        title: "সংক্ষেপে"', "        title: [a, b]", ["expected text"]),
    ("family-list", BODY, BODY.replace("family: serif", "family: [serif]"), ["expected text"]),
    ("page-defaults-with-slots", "  baseline: 13pt", "  slots: {}\n  baseline: 13pt",
     ["'slots'"]),
    ("fonts-not-a-path", FONTS, "fonts: [x]", ["fonts folder"]),
    ("fonts-folder-missing", FONTS, "fonts: /no/such/folder", ["fonts.yaml does not exist"]),
]


@pytest.mark.parametrize("old, new, says", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_bad_template_field_is_refused(tmp_path, old, new, says):
    path, line = write_set(tmp_path, old, new)
    with pytest.raises(TemplateError) as err:
        load_template_set(path)
    message = str(err.value)
    assert f"{path}:{line}:" in message, (line, message)
    assert err.value.field, message
    for words in says:
        assert words in message, (words, message)


def test_shipped_template_sets_load(make_edition, tmp_path):
    """Every template set in layouts/ loads, and builds an edition that uses each of its
    page templates, one story a page, set whole."""
    shipped = sorted((ROOT / "layouts").glob("*.yaml"))
    assert {p.stem for p in shipped} >= {"broadsheet", "tabloid"}
    first = (make_edition / "stories" / "first.md").read_text(encoding="utf-8")
    for path in shipped:
        tset = load_template_set(path)
        names = [page.name for page in tset.pages]
        assert names and tset.styles, path
        for n in range(len(names)):
            (make_edition / "stories" / f"{path.stem}-{n}.md").write_text(first, "utf-8")
        (make_edition / "edition.yaml").write_text("".join(
            [f"date: 2026-12-07\nlayout: {path.stem}\nlang: bn\npages:\n"]
            + [f"  - template: {name}\n    section: \"দেশ\"\n    stories:\n"
               f"      - stories/{path.stem}-{n}.md\n" for n, name in enumerate(names)]),
            encoding="utf-8")
        out = tmp_path / path.stem
        build_edition(make_edition, out)
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert [page["template"] for page in report["pages"]] == names, path
        for n in range(len(names)):
            story = report["stories"][f"{path.stem}-{n}"]
            assert story["words"] > 0 and story["words_placed"] == story["words"], (path, n)
            assert story["pages"] == [n + 1], (path, n)
        assert len(list((out / "pages").glob("*.pdf"))) == len(names)


def _cut_profile(folder: Path) -> Path:
    data = (ROOT / "profiles" / "newsprint-tr002.icc").read_bytes()
    cut = folder / "cut.icc"
    cut.write_bytes(data[: len(data) // 2])
    return cut


def test_profile_cut_short_is_refused_when_loading(tmp_path):
    cut = _cut_profile(tmp_path)
    path, line = write_set(tmp_path, SHIPPED_PROFILE, str(cut))
    with pytest.raises(TemplateError) as err:
        load_template_set(path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}:") and "error: print.profile:" in message
    assert "cut.icc" in message and "cut short" in message


# -- fonts.yaml, the fonts folder's family map ------------------------------------------

GOOD_FONTS = (ROOT / "fonts" / "fonts.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, line, says", [
    pytest.param("families:\n  serif: [\n", 3, "YAML", id="yaml-error"),
    pytest.param("", 1, "must map families", id="empty"),
    pytest.param("- serif\n- sans\n", 1, "must map families", id="a-list"),
    pytest.param("families:\n  serif: NotoSerif-Regular.ttf\n", 2, "must be a list",
                 id="family-as-a-string"),
    pytest.param("families:\n  serif:\n    - NotoSerif-Regular.ttf\n", 3, "regular:",
                 id="face-as-a-string"),
    pytest.param("families:\n  serif:\n    - {regular: a.ttf, heavy: b.ttf}\n", 3, "'heavy'",
                 id="unknown-face-style"),
])
def test_bad_fonts_yaml_is_refused(tmp_path, text, line, says):
    (tmp_path / "fonts.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FontError) as err:
        FontBook(tmp_path)
    message = str(err.value)
    assert f"{tmp_path / 'fonts.yaml'}:{line}:" in message, message
    assert says in message


def test_good_fonts_yaml_still_reads():
    assert FontBook(ROOT / "fonts").families == ("serif", "headline", "sans", "serif-latin",
                                                 "lohit")


# -- the same through the CLI: one line, exit 1, nothing written ---------------------------

def _build(edition: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "epaper.cli", "build", str(edition), "-o",
                           str(out)], capture_output=True, text=True, cwd=ROOT, timeout=60)


def _refused(proc: subprocess.CompletedProcess[str], out: Path, file: Path,
             line: int | None) -> str:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "internal error" not in proc.stderr
    errors = diagnostics(proc.stderr)
    assert len(errors) == 1, proc.stderr
    where = str(file) + (f":{line}:" if line is not None else "")
    assert where in errors[0], (where, errors[0])
    assert not out.exists()
    assert not leftovers(out.parent)
    assert proc.stdout == ""
    return errors[0]


def _use_layout(edition: Path) -> None:
    ed = edition / "edition.yaml"
    ed.write_text(ed.read_text(encoding="utf-8").replace("layout: broadsheet",
                                                         "layout: custom.yaml"), "utf-8")


@pytest.mark.parametrize("old, new, says", [
    pytest.param(IMAGES, "images: [150]", "mapping", id="images-list"),
    pytest.param(BODY, BODY.replace("size: 9", "size: 0"), "between 4 and 200 pt",
                 id="style-size-zero"),
    pytest.param(LEAD_PHOTO, "photo: {position: top, heigth: [16, 24]}", "'heigth'",
                 id="photo-unknown-key"),
])
def test_cli_refuses_bad_template(make_edition, tmp_path, old, new, says):
    path, line = write_set(make_edition, old, new)
    _use_layout(make_edition)
    out = tmp_path / "out"
    assert says in _refused(_build(make_edition, out), out, path, line)


def test_cli_refuses_profile_cut_short(make_edition, tmp_path):
    cut = _cut_profile(make_edition)
    path, line = write_set(make_edition, SHIPPED_PROFILE, str(cut))
    _use_layout(make_edition)
    out = tmp_path / "out"
    assert "cut short" in _refused(_build(make_edition, out), out, path, line)


def test_cli_refuses_fonts_yaml_that_is_a_list(make_edition, tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "fonts.yaml").write_text("- serif\n- sans\n", encoding="utf-8")
    write_set(make_edition, FONTS, f"fonts: {fonts}")
    _use_layout(make_edition)
    out = tmp_path / "out"
    assert "families" in _refused(_build(make_edition, out), out, fonts / "fonts.yaml", 1)


def test_template_errors_are_epaper_errors(make_edition, tmp_path):
    """A template or font error the loader raises is an EpaperError: the CLI catches it
    as such and prints one diagnostic naming the file and line, exit 1 (anything else would
    come out as "internal error")."""
    path, line = write_set(make_edition, BODY, BODY.replace("size: 9", "size: 0"))
    with pytest.raises(EpaperError):
        load_template_set(path)
    _use_layout(make_edition)
    result = CliRunner().invoke(main, ["build", str(make_edition), "-o", str(tmp_path / "a")])
    assert result.exit_code == 1, result.output
    # One diagnostic, at the file and line (progress lines may come before it).
    errors = diagnostics(result.stderr)
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"{path}:{line}:") and ": error: " in errors[0], errors[0]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "fonts.yaml").write_text("- serif\n", encoding="utf-8")
    write_set(make_edition, FONTS, f"fonts: {fonts}")
    with pytest.raises(EpaperError):
        FontBook(fonts)
    result = CliRunner().invoke(main, ["build", str(make_edition), "-o", str(tmp_path / "b")])
    assert result.exit_code == 1, result.output
    errors = diagnostics(result.stderr)
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"{fonts / 'fonts.yaml'}:1:") and ": error: " in errors[0]
