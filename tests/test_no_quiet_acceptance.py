"""Nothing is accepted quietly: an empty page, an invisible headline, a lost character
(U+FFFD), a lone vowel sign, a date with a time, a story file that is a folder, an
unknown font family: each an error or a warning at its file and line, saying what to
do; and preflight names photos by their files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from epaper.build import build_edition, check_edition
from epaper.check import load
from epaper.errors import EpaperError
from epaper.templates.loader import load_template_set


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(edition: Path) -> list:
    with pytest.raises(EpaperError) as info:
        load(edition)
    return info.value.diagnostics


def test_headline_of_zero_width_characters_is_refused(make_edition):
    story = make_edition / "stories" / "second.md"
    edit(story, '"Rain expected over the weekend"', '"\u200b\u200c\u2060"')
    (d,) = refused(make_edition)
    assert (d.file, d.line, d.field, d.code) == (str(story.resolve()), 2, "headline",
                                                 "E-invisible")
    assert "U+200B, U+200C, U+2060" in d.message and "type the text again" in (d.hint or "")


def test_replacement_character_is_an_error_at_its_column(make_edition):
    story = make_edition / "stories" / "first.md"
    edit(story, "স্থানীয় মানুষ", "স্থানীয় মা\ufffdনুষ")
    (d,) = refused(make_edition)
    text = story.read_text(encoding="utf-8").split("\n")
    assert d.code == "E-replacement-char" and d.file == str(story.resolve())
    assert text[d.line - 1][d.col - 1] == "\ufffd"
    assert "retype" in (d.hint or "")


def test_lone_vowel_sign_is_a_warning_at_its_column(make_edition):
    story = make_edition / "stories" / "first.md"
    edit(story, "স্থানীয় মানুষ", "স্থানীয় \u09bfমানুষ")  # ি after a space: no letter
    warnings = [w for w in check_edition(make_edition) if w.code == "W-lone-mark"]
    assert len(warnings) == 1
    (w,) = warnings
    text = story.read_text(encoding="utf-8").split("\n")
    assert text[w.line - 1][w.col - 1] == "\u09bf" and w.file == str(story.resolve())
    assert "dotted circle" in w.message and w.hint


def test_signs_on_their_letters_are_not_lone(make_edition):
    assert not [w for w in check_edition(make_edition) if w.code == "W-lone-mark"]


def test_date_with_a_time_is_refused_with_the_date_to_write(make_edition):
    edit(make_edition / "edition.yaml", "date: 2026-12-07", "date: 2026-12-07 06:00:00")
    (d,) = refused(make_edition)
    assert (d.line, d.field) == (1, "date")
    assert "time of day (06:00)" in d.message and d.hint == "write date: 2026-12-07"
    assert "datetime" not in d.message


def test_story_file_that_is_a_folder(make_edition):
    (make_edition / "stories" / "third.md").mkdir()
    edit(make_edition / "edition.yaml", "      - stories/second.md\n",
         "      - stories/second.md\n      - stories/third.md\n")
    (d,) = refused(make_edition)
    assert d.line == 13 and "is a folder, not a story file" in d.message


def test_empty_page_is_a_warning(make_edition):
    with (make_edition / "edition.yaml").open("a", encoding="utf-8") as f:
        f.write("  - template: inside\n    section: \"খেলা\"\n")
    (w,) = [w for w in check_edition(make_edition) if w.code == "W-empty-page"]
    assert (w.line, w.page, w.field) == (13, 2, "pages[1]")
    assert "prints empty" in w.message


def test_unknown_font_family_is_refused_at_the_styles_line(tmp_path):
    text = (ROOT / "layouts" / "broadsheet.yaml").read_text(encoding="utf-8")
    text = text.replace("fonts: ../fonts", f"fonts: {ROOT / 'fonts'}").replace(
        "profile: ../profiles/", f"profile: {ROOT / 'profiles'}/")
    text = text.replace("subhead: {family: serif", "subhead: {family: seriff", 1)
    path = tmp_path / "custom.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EpaperError) as info:
        load_template_set(path)
    (d,) = info.value.diagnostics
    line = next(k for k, ln in enumerate(text.split("\n"), 1) if "seriff" in ln)
    assert (d.file, d.line, d.field) == (str(path), line, "styles.subhead.family")
    assert text.split("\n")[line - 1][d.col - 1:].startswith("seriff")
    assert "'seriff'" in d.message and "sans, serif" in (d.hint or "")


def test_preflight_names_photos_by_their_file(make_edition, tmp_path):
    # The 800 x 600 photo prints under the preflight's 150 ppi minimum: a warning.
    build_edition(make_edition, tmp_path / "out")
    pf = json.loads((tmp_path / "out" / "preflight.json").read_text(encoding="utf-8"))
    warnings = [w["message"] for w in pf["warnings"] if w["check"] == "resolution"]
    assert warnings and all(w.startswith("image photos/river.jpg") for w in warnings), warnings
    images = [i for p in pf["pages"] for i in p["images"]]
    assert [i["file"] for i in images] == ["photos/river.jpg"]
