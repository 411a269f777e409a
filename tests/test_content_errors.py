"""Bad input found by fuzzing the content layer: each is a ContentError naming the file,
field and line, never an internal error, a hang or a silently garbled page."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import ROOT, diagnostics, leftovers

from epaper.content.edition import load_edition
from epaper.content.markdown import parse_body
from epaper.content.story import load_story
from epaper.errors import ContentError, TemplateError
from epaper.yamlio import load_yaml

ED, FIRST, SECOND = "edition.yaml", "stories/first.md", "stories/second.md"

# Each level is nine of the one before: 9**8 (43 million) leaves if it were expanded.
ALIAS_BOMB = "x0: &a0 [l, l, l, l, l, l, l, l, l]\n" + "".join(
    f"x{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]\n" for k in range(1, 8))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(edition: Path, file: str, line: int | None, field: str | None) -> ContentError:
    """load_edition refuses, naming `file` (in the edition), `line` and `field`."""
    with pytest.raises(ContentError) as info:
        load_edition(edition)
    err = info.value
    assert err.file == str((edition / file).resolve()), str(err)
    assert err.line == line, str(err)
    assert err.field == field, str(err)
    return err


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "epaper.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def check_and_build_refuse(edition: Path, out: Path, where: str) -> str:
    """`epaper check` and `epaper build` both refuse with one error naming `where`
    ("file:line: what it says"), exit 1, no traceback, nothing written; the error (its
    source line, caret and hint included) is returned."""
    loc, says = re.fullmatch(r"(.*?:\d+): (.*)", where).groups()  # type: ignore[union-attr]
    lines = []
    for proc in (run_cli("check", edition), run_cli("build", edition, "-o", out)):
        assert proc.returncode == 1, (proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
        errors = diagnostics(proc.stderr)
        assert len(errors) == 1, proc.stderr
        assert errors[0].startswith(loc + ":") and says in errors[0], (where, errors[0])
        lines.append(errors[0])
    assert lines[0] == lines[1]  # check and build agree, word for word
    assert not out.exists()
    assert not leftovers(out.parent)
    return lines[0]


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A tiny PNG that claims width × height 1-bit pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    return path


# -- 1. anchors and aliases ---------------------------------------------------------------

@pytest.mark.parametrize("file, after, line", [
    (SECOND, "lang: en\n", 5), (ED, "lang: bn\n", 4)])
def test_alias_bomb_is_refused_at_its_first_anchor(make_edition, file, after, line):
    edit(make_edition / file, after, after + ALIAS_BOMB)
    err = refused(make_edition, file, line, "x0")
    assert "YAML anchor &a0 is not allowed" in err.message
    assert "aliases" in (err.hint or "")


@pytest.mark.parametrize("value", ["&a [*a]", "&a {y: *a}"])
def test_self_referential_alias_is_refused(make_edition, value):
    edit(make_edition / SECOND, "lang: en\n", f"lang: en\nx: {value}\n")
    assert "anchor &a" in refused(make_edition, SECOND, 5, "x").message


def test_alias_without_anchor_is_refused(make_edition):
    edit(make_edition / ED, '    section: "দেশ"\n', '    section: *name\n')
    assert "YAML alias *name is not allowed" in refused(make_edition, ED, 9, None).message


def test_template_sets_may_share_nodes_and_are_walked_once(tmp_path):
    """Template sets keep YAML anchors; the walk for key lines visits a shared node once."""
    located = load_yaml(ALIAS_BOMB + "y: &s [*s]\n", tmp_path / "t.yaml", TemplateError)
    assert located.line("x7") == 8
    assert located.line("y") == 9
    assert located.data["x7"][0][0][0][0][0][0][0] == ["l"] * 9


# -- 2. keys and values of the wrong shape -------------------------------------------------

WRONG_SHAPES = [
    pytest.param(ED, '    section: "দেশ"\n', '    section: "দেশ"\n    ads: 5\n', 10,
                 "pages[0].ads", "ads must be a list", id="ads-a-number"),
    pytest.param(ED, "lang: bn\n", "lang: bn\n? [a, b]\n: x\n", 4, None,
                 "a key must be a plain name", id="complex-key"),
    pytest.param(ED, "lang: bn\n", "lang: bn\n5: x\n", 4, "5", "unknown field 5",
                 id="integer-key"),
    pytest.param(FIRST, "    focus: [0.5, 0.4]", "    focus: [true, false]", 10,
                 "photos[0].focus", "focus must be", id="focus-true-false"),
    pytest.param(ED, "slot: top", "slot: top, continue: {page: 1, slott: x}", 11,
                 "pages[0].stories[0].continue.slott", "unknown field 'slott'",
                 id="unknown-continue-field"),
]


@pytest.mark.parametrize("file, old, new, line, field, says", WRONG_SHAPES)
def test_wrong_shape_is_refused(make_edition, file, old, new, line, field, says):
    edit(make_edition / file, old, new)
    assert says in refused(make_edition, file, line, field).message


def test_deep_nesting_is_refused(make_edition):
    edit(make_edition / ED, "lang: bn\n", "lang: bn\nx: " + "[" * 3000 + "]" * 3000 + "\n")
    assert "nested too deeply" in refused(make_edition, ED, None, None).message


# -- 3. dates the masthead's calendars cannot give ------------------------------------------

@pytest.mark.parametrize("date", ["1900-03-01", "9999-12-31", "0001-01-01", "1924-07-31"])
def test_date_outside_the_hijri_calendar_is_refused_at_load(make_edition, date):
    edit(make_edition / ED, "date: 2026-12-07", f"date: {date}")
    err = refused(make_edition, ED, 1, "date")
    assert "Hijri" in err.message
    assert "1924-08-01 to 2077-11-16" in (err.hint or "")


def test_hijri_offset_moves_the_last_printable_date(make_edition):
    edit(make_edition / ED, "date: 2026-12-07", "date: 2077-11-16\nhijri_offset: 1")
    err = refused(make_edition, ED, 1, "date")
    assert "2077-11-15 with hijri_offset 1" in (err.hint or "")


@pytest.mark.parametrize("date", ["1924-08-01", "2077-11-16"])
def test_first_and_last_hijri_dates_load(make_edition, date):
    edit(make_edition / ED, "date: 2026-12-07", f"date: {date}")
    assert str(load_edition(make_edition).date) == date


def test_check_and_build_agree_on_an_old_date(make_edition, tmp_path):
    edit(make_edition / ED, "date: 2026-12-07", "date: 1900-03-01")
    where = f"{(make_edition / ED).resolve()}:1: date:"
    assert "Hijri" in check_and_build_refuse(make_edition, tmp_path / "out", where)


# -- 4. symlink loops and decompression bombs ---------------------------------------------

def test_story_file_linked_to_itself(make_edition):
    loop = make_edition / "stories" / "loop.md"
    loop.symlink_to(loop)
    edit(make_edition / ED, "- stories/second.md", "- stories/loop.md")
    err = refused(make_edition, ED, 12, "pages[0].stories[1].file")
    assert "loop.md is a symbolic link that leads back to itself" in err.message


def test_photo_linked_to_itself(make_edition):
    loop = make_edition / "photos" / "loop.jpg"
    loop.symlink_to(loop)
    edit(make_edition / FIRST, "../photos/river.jpg", "../photos/loop.jpg")
    assert "loop.jpg is a symbolic link" in refused(make_edition, FIRST, 7,
                                                    "photos[0].file").message


def test_photo_decompression_bomb(make_edition):
    png_header_only(make_edition / "photos" / "big.png", 30000, 30000)
    edit(make_edition / FIRST, "../photos/river.jpg", "../photos/big.png")
    err = refused(make_edition, FIRST, 7, "photos[0].file")
    assert "big.png is too large to open safely" in err.message
    assert "scale the image down" in (err.hint or "")


def test_ad_decompression_bomb(make_edition):
    png_header_only(make_edition / "photos" / "big.png", 30000, 30000)
    edit(make_edition / ED, '    section: "দেশ"\n',
         '    section: "দেশ"\n    ads:\n      - {slot: ad, file: photos/big.png}\n')
    assert "too large" in refused(make_edition, ED, 11, "pages[0].ads[0].file").message


def test_build_refuses_a_story_linked_to_itself(make_edition, tmp_path):
    loop = make_edition / "stories" / "loop.md"
    loop.symlink_to(loop)
    edit(make_edition / ED, "- stories/second.md", "- stories/loop.md")
    check_and_build_refuse(make_edition, tmp_path / "out",
                           f"{(make_edition / ED).resolve()}:12: pages[0].stories[1].file:")


# -- 5. unknown keys in photo and ad entries -------------------------------------------------

def test_misspelt_photo_caption_is_refused(make_edition):
    edit(make_edition / FIRST, "caption:", "captoin:")
    err = refused(make_edition, FIRST, 8, "photos[0].captoin")
    assert "unknown field 'captoin'" in err.message
    assert err.hint == "a photo has: caption, credit, file, focus"


def test_unknown_ad_field_is_refused(make_edition):
    edit(make_edition / ED, '    section: "দেশ"\n', '    section: "দেশ"\n    ads:\n'
         '      - {slot: ad, file: photos/river.jpg, link: "https://example.com"}\n')
    err = refused(make_edition, ED, 11, "pages[0].ads[0].link")
    assert "unknown field 'link'" in err.message
    assert err.hint == "an ad entry has: file, slot"


# -- 6. text fields must be text ---------------------------------------------------------------

CAPTION = 'caption: "নদীর পাড়ে বাঁধের কাজ চলছে"'
HEADLINE = 'headline: "নদীর পাড়ে নতুন বাঁধ"'


NOT_TEXT = [
    pytest.param(ED, 'section: "দেশ"', "section: [a, b]", 9, "pages[0].section",
                 "must be text, not a list", id="section-list"),
    pytest.param(ED, 'volume: "৮"', "volume: [1, 2]", 5, "paper.volume",
                 "must be text, not a list", id="paper-volume-list"),
    pytest.param(ED, 'volume: "৮"', "volume: {a: 1}", 5, "paper.volume",
                 "must be text, not a mapping", id="paper-volume-mapping"),
    pytest.param(FIRST, 'kicker: "উপকূল"', "kicker: no", 3, "kicker",
                 "must be text, not true/false", id="kicker-no"),
    pytest.param(FIRST, CAPTION, "caption: yes", 8, "photos[0].caption",
                 "must be text, not true/false", id="caption-yes"),
    pytest.param(FIRST, CAPTION, "caption: [a, b]", 8, "photos[0].caption",
                 "must be text, not a list", id="caption-list"),
    pytest.param(FIRST, HEADLINE, "headline: [a, b]", 2, "headline",
                 "must be text, not a list", id="headline-list"),
    pytest.param(FIRST, HEADLINE, "headline: 2026-12-07", 2, "headline",
                 "must be text, not a date", id="headline-date"),
    pytest.param(ED, "template: inside", "template: [inside]", 8, "pages[0].template",
                 "must be text", id="template-list"),
]


@pytest.mark.parametrize("file, old, new, line, field, says", NOT_TEXT)
def test_text_field_that_is_not_text_is_refused(make_edition, file, old, new, line, field,
                                                says):
    edit(make_edition / file, old, new)
    assert says in refused(make_edition, file, line, field).message


def test_true_false_hint_says_how_to_quote(make_edition):
    edit(make_edition / FIRST, 'kicker: "উপকূল"', "kicker: no")
    err = refused(make_edition, FIRST, 3, "kicker")
    assert err.hint == 'YAML reads no as false; write kicker: "no"'


PLAIN_NUMBERS = [
    (ED, 'volume: "৮"', "volume: 8", "8"),
    (ED, 'volume: "৮"', "volume: 08", "08"),
    (ED, 'volume: "৮"', "price: 10.50", "10.50"),
    (FIRST, CAPTION, "caption: 0", "0"),
    (FIRST, HEADLINE, "headline: 2026", "2026"),
]


@pytest.mark.parametrize("file, old, new, text", PLAIN_NUMBERS)
def test_plain_number_is_the_text_as_written(make_edition, file, old, new, text):
    edit(make_edition / file, old, new)
    ed = load_edition(make_edition)
    story = ed.stories[0]
    printed = {"volume": ed.paper.volume, "price": ed.paper.price,
               "caption": story.photos[0].caption, "headline": story.headline}
    assert printed[new.split(":")[0]] == text


# -- 7. a key given twice -------------------------------------------------------------------------

DUPLICATES = [
    (ED, "lang: bn\n", "lang: en\n", 4, "lang", 3),
    (ED, "lang: bn\n", "date: 2026-12-08\n", 4, "date", 1),
    (SECOND, "lang: en\n", "headline: Again\n", 5, "headline", 2),
    (ED, '    section: "দেশ"\n', '    section: "নগর"\n', 10, "pages[0].section", 9),
]


@pytest.mark.parametrize("file, after, extra, line, field, first", DUPLICATES)
def test_duplicate_key_is_refused_naming_both_lines(make_edition, file, after, extra, line,
                                                    field, first):
    edit(make_edition / file, after, after + extra)
    err = refused(make_edition, file, line, field)
    assert f"is given twice, on lines {first} and {line}" in err.message


# -- 8, 9. a story listed twice, two stories with one id ---------------------------------------

TWO_PAGES = ("      - stories/second.md\n", "      - stories/second.md\n"
             "  - template: inside\n    stories:\n      - stories/first.md\n")


def test_story_listed_on_two_pages_is_refused(make_edition):
    edit(make_edition / ED, *TWO_PAGES)
    err = refused(make_edition, ED, 15, "pages[1].stories[0].file")
    assert err.message == ("stories/first.md is listed twice: pages[0].stories[0] (line 11) "
                           "and pages[1].stories[0] (line 15)")
    assert "continue: {page: N}" in (err.hint or "")


def test_check_and_build_refuse_a_story_listed_twice(make_edition, tmp_path):
    edit(make_edition / ED, *TWO_PAGES)
    where = f"{(make_edition / ED).resolve()}:15: pages[1].stories[0].file:"
    check_and_build_refuse(make_edition, tmp_path / "out", where)


def test_two_files_with_one_story_id_are_refused(make_edition):
    (make_edition / "other").mkdir()
    (make_edition / "other" / "first.md").write_text("---\nheadline: X\n---\nBody.\n")
    edit(make_edition / ED, "- stories/second.md", "- other/first.md")
    err = refused(make_edition, ED, 12, "pages[0].stories[1].file")
    assert err.message == ("story id 'first' is used by two files: stories/first.md and "
                           "other/first.md")
    assert "file names" in (err.hint or "")


# -- 10. ad slots and slot names -------------------------------------------------------------

def test_two_ads_in_one_slot_are_refused(make_edition):
    edit(make_edition / ED, '    section: "দেশ"\n', '    section: "দেশ"\n    ads:\n'
         "      - {slot: ad, file: photos/river.jpg}\n"
         "      - {slot: ad, file: photos/river.jpg}\n")
    err = refused(make_edition, ED, 12, "pages[0].ads[1].slot")
    assert "ad slot 'ad' is given two ads" in err.message


NOT_SLOT_NAMES = [
    (ED, "slot: top", "slot: 0", 11, "pages[0].stories[0].slot"),
    (ED, "slot: top", "slot: false", 11, "pages[0].stories[0].slot"),
    (ED, "slot: top", 'slot: ""', 11, "pages[0].stories[0].slot"),
    (ED, "slot: top", "slot: top, continue: {page: 2, slot: 0}", 11,
     "pages[0].stories[0].continue.slot"),
    (ED, '    section: "দেশ"\n', '    section: "দেশ"\n    ads:\n'
     "      - {slot: 0, file: photos/river.jpg}\n", 11, "pages[0].ads[0].slot"),
    (ED, '    section: "দেশ"\n', '    section: "দেশ"\n    ads:\n'
     "      - slot:\n        file: photos/river.jpg\n", 11, "pages[0].ads[0].slot"),
]


@pytest.mark.parametrize("file, old, new, line, field", NOT_SLOT_NAMES)
def test_slot_that_is_not_a_name_is_refused(make_edition, file, old, new, line, field):
    if "page: 2" in new:
        edit(make_edition / ED, *TWO_PAGES[:1], TWO_PAGES[0] + "  - template: inside\n")
    edit(make_edition / file, old, new)
    assert "must be a slot name" in refused(make_edition, file, line, field).message


# -- 11. '#' without a space is body text ----------------------------------------------------

@pytest.mark.parametrize("line", ["#Hashtag is trending", "#1 priority", "####### seven"])
def test_hash_without_space_is_body_text(line):
    (block,) = parse_body(line)
    assert (block.kind, block.text) == ("para", line)


@pytest.mark.parametrize("line", ["# One", "## Two", "###### Six", "##\tTab"])
def test_atx_heading_with_space_is_a_subhead(line):
    (block,) = parse_body(line)
    assert block.kind == "subhead"
    assert block.text == line.lstrip("#").strip()


def test_hashtag_words_are_kept_in_a_story(make_edition):
    story = make_edition / "stories" / "second.md"
    edit(story, "Temperatures may", "#Monsoon is trending.\n\nTemperatures may")
    loaded = load_story(story, make_edition, "bn")
    assert "#Monsoon" in loaded.words()
    assert [b.kind for b in loaded.blocks] == ["para", "para", "para"]


# -- 12. layout paths stay inside the edition folder ------------------------------------------

@pytest.mark.parametrize("value", [str(ROOT / "layouts" / "broadsheet.yaml"),
                                   "../../../../../../../../.." + str(ROOT / "layouts"
                                                                       / "broadsheet.yaml")])
def test_layout_outside_the_edition_folder_is_refused(make_edition, value):
    edit(make_edition / ED, "layout: broadsheet", f"layout: {value}")
    err = refused(make_edition, ED, 2, "layout")
    assert "outside the edition folder" in err.message
    assert "broadsheet" in (err.hint or "")


def test_layout_inside_the_edition_folder_is_accepted(make_edition):
    (make_edition / "sets").mkdir()
    (make_edition / "sets" / "mine.yaml").write_text("name: mine\n")
    edit(make_edition / ED, "layout: broadsheet", "layout: sets/mine.yaml")
    assert load_edition(make_edition).layout == (make_edition / "sets" / "mine.yaml").resolve()


# -- 13. YAML tags -------------------------------------------------------------------------------

YAML_TAGS = [
    (ED, "lang: bn", "lang: !bn bn", 3, "lang", "!bn"),
    (ED, "lang: bn", "lang: !!python/object:os.system bn", 3, "lang",
     "!!python/object:os.system"),
    (ED, 'section: "দেশ"', "section: !!binary aGVsbG8=", 9, "pages[0].section", "!!binary"),
    (FIRST, 'kicker: "উপকূল"', "kicker: !!str no", 3, "kicker", "!!str"),
]


@pytest.mark.parametrize("file, old, new, line, field, tag", YAML_TAGS)
def test_yaml_tag_is_refused(make_edition, file, old, new, line, field, tag):
    edit(make_edition / file, old, new)
    err = refused(make_edition, file, line, field)
    assert err.message == f"YAML tags are not allowed (found {tag})"
    assert "dates" not in str(err)


def test_check_and_build_refuse_a_tag_and_an_alias_bomb(make_edition, tmp_path):
    edit(make_edition / SECOND, "lang: en\n", "lang: en\n" + ALIAS_BOMB)
    where = f"{(make_edition / SECOND).resolve()}:5: x0: YAML anchor &a0 is not allowed"
    check_and_build_refuse(make_edition, tmp_path / "out", where)
    edit(make_edition / SECOND, "lang: en\n" + ALIAS_BOMB, "lang: !en en\n")
    where = f"{(make_edition / SECOND).resolve()}:4: lang: YAML tags are not allowed"
    check_and_build_refuse(make_edition, tmp_path / "out2", where)
