"""The edition format: edition.yaml, story front matter, photos and the Markdown body."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import LAYOUTS, SAMPLES

from epaper.content.edition import load_edition
from epaper.content.markdown import parse_body, parse_inline
from epaper.content.story import load_story
from epaper.errors import ContentError
from epaper.model.edition import Block, Continuation, Span


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def story_error(edition: Path, text: str) -> ContentError:
    """The error a story file with `text` (dedented) is refused with."""
    path = write(edition / "stories" / "x.md", text)
    with pytest.raises(ContentError) as exc:
        load_story(path, edition, "en")
    return exc.value


TWO_PAGES = """\
    date: 2026-11-27
    layout: broadsheet
    lang: en
    hijri_offset: -1
    paper:
      name: "The Test Daily"
      price: "10 Taka"
    pages:
      - template: front
        section: "Front"
        stories:
          - {file: stories/first.md, slot: lead, continue: {page: 2}}
          - stories/second.md
      - template: inside
        stories:
          - {file: stories/third.md, slot: side, continue: 3}
      - template: back
    """


@pytest.fixture
def two_pages(make_edition: Path) -> Path:
    write(make_edition / "edition.yaml", TWO_PAGES)
    write(make_edition / "stories" / "third.md", """\
        ---
        headline: Third
        ---
        One paragraph.
        """)
    return make_edition


# -- edition.yaml ----------------------------------------------------------------------

def test_edition_date_is_a_date(make_edition):
    ed = load_edition(make_edition)
    assert ed.date == dt.date(2026, 12, 7)


def test_quoted_iso_date_is_accepted(make_edition):
    yaml_path = make_edition / "edition.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("date: 2026-12-07",
                                                       'date: "2026-12-08"'))
    assert load_edition(make_edition).date == dt.date(2026, 12, 8)


def test_edition_layout_resolves_to_shipped_template_set(make_edition):
    ed = load_edition(make_edition)
    assert ed.layout == (LAYOUTS / "broadsheet.yaml").resolve()


def test_edition_root_and_source(make_edition):
    ed = load_edition(make_edition)
    assert ed.root == make_edition.resolve()
    assert ed.source == make_edition.resolve() / "edition.yaml"


def test_edition_lang_defaults_to_bengali(make_edition):
    yaml_path = make_edition / "edition.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("lang: bn\n", ""))
    ed = load_edition(make_edition)
    assert ed.lang == "bn"
    assert ed.stories[0].lang == "bn"


def test_edition_lang_is_default_for_stories(two_pages):
    ed = load_edition(two_pages)
    assert ed.lang == "en"
    by_id = {s.id: s for s in ed.stories}
    assert by_id["first"].lang == "en"  # no lang: in its front matter
    assert by_id["third"].lang == "en"


def test_story_lang_overrides_edition_lang(make_edition):
    ed = load_edition(make_edition)
    by_id = {s.id: s for s in ed.stories}
    assert ed.lang == "bn"
    assert by_id["first"].lang == "bn"
    assert by_id["second"].lang == "en"


def test_paper_override_fields(make_edition):
    ed = load_edition(make_edition)
    assert ed.paper.volume == "৮"
    assert ed.paper.issue == "২৪৬"
    assert ed.paper.name == ""  # not overridden: the template set's name applies


def test_paper_override_merges_over_template_paper(two_pages):
    from epaper.layout.edition import paper_of
    from epaper.templates.loader import load_template_set

    ed = load_edition(two_pages)
    assert ed.paper.name == "The Test Daily"
    assert ed.paper.price == "10 Taka"
    merged = paper_of(ed, load_template_set(ed.layout))
    assert merged.name == "The Test Daily"
    assert merged.price == "10 Taka"
    assert merged.name_en == "The Daily Samachar"  # from layouts/broadsheet.yaml


def test_hijri_offset(two_pages):
    assert load_edition(two_pages).hijri_offset == -1


def test_hijri_offset_defaults_to_zero(make_edition):
    assert load_edition(make_edition).hijri_offset == 0


def test_pages_numbered_in_order_with_template_and_section(two_pages):
    ed = load_edition(two_pages)
    assert [p.number for p in ed.pages] == [1, 2, 3]
    assert [p.template for p in ed.pages] == ["front", "inside", "back"]
    assert [p.section for p in ed.pages] == ["Front", "", ""]
    assert [p.line for p in ed.pages] == [9, 14, 17]


def test_page_without_stories(two_pages):
    ed = load_edition(two_pages)
    assert ed.pages[2].placements == ()


def test_story_as_plain_path(make_edition):
    ed = load_edition(make_edition)
    placement = ed.pages[0].placements[1]
    assert placement.story.id == "second"
    assert placement.story.path == make_edition.resolve() / "stories" / "second.md"
    assert placement.slot is None
    assert placement.continue_to is None
    assert placement.line == 12


def test_story_as_file_and_slot(make_edition):
    ed = load_edition(make_edition)
    placement = ed.pages[0].placements[0]
    assert placement.story.id == "first"
    assert placement.slot == "top"
    assert placement.line == 11


def test_continue_as_mapping(two_pages):
    ed = load_edition(two_pages)
    assert ed.pages[0].placements[0].continue_to == Continuation(2, None)


def test_continue_as_page_number(two_pages):
    ed = load_edition(two_pages)
    assert ed.pages[1].placements[0].continue_to == Continuation(3, None)


def test_continue_with_slot(two_pages):
    yaml_path = two_pages / "edition.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("continue: {page: 2}",
                                                       "continue: {page: 2, slot: lower}"))
    ed = load_edition(two_pages)
    assert ed.pages[0].placements[0].continue_to == Continuation(2, "lower")


@pytest.mark.parametrize("value", ["1", "4", "0", "next"])
def test_continue_to_missing_or_same_page_is_an_error(two_pages, value):
    yaml_path = two_pages / "edition.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("continue: {page: 2}",
                                                       f"continue: {value}"))
    with pytest.raises(ContentError) as exc:
        load_edition(two_pages)
    assert exc.value.field == "pages[0].stories[0].continue"
    assert exc.value.line == 12


def test_stories_in_order_of_first_appearance(two_pages):
    ed = load_edition(two_pages)
    assert [s.id for s in ed.stories] == ["first", "second", "third"]


def test_same_story_file_listed_twice_is_refused(make_edition):
    # A second listing would print the story twice and count its words twice; the rest
    # of a story goes to another page with continue:, not by listing it again.
    yaml_path = make_edition / "edition.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("- stories/second.md",
                                                       "- stories/../stories/first.md"))
    with pytest.raises(ContentError) as exc:
        load_edition(make_edition)
    assert exc.value.line == 12
    assert exc.value.field == "pages[0].stories[1].file"
    assert "stories/first.md is listed twice" in exc.value.message


def test_sample_edition_loads():
    ed = load_edition(SAMPLES)
    assert ed.date == dt.date(2026, 12, 7)
    assert ed.lang == "bn"
    assert len(ed.pages) == 8
    assert ed.hijri_offset == -1
    assert len(ed.stories) == len({s.path for s in ed.stories}) >= 30
    lead = ed.pages[0].placements[0]
    assert (lead.story.id, lead.slot) == ("satellite-launch", "lead")
    assert lead.continue_to is not None and lead.continue_to.page == 2
    assert all(s.headline and (s.blocks or s.photos) for s in ed.stories)


# -- story front matter ------------------------------------------------------------------

def test_story_front_matter_fields(make_edition):
    story = load_story(make_edition / "stories" / "first.md", make_edition, "bn")
    assert story.id == "first"
    assert story.headline == "নদীর পাড়ে নতুন বাঁধ"
    assert story.kicker == "উপকূল"
    assert story.byline == "নিজস্ব প্রতিবেদক"
    assert story.dateline == "খুলনা"
    assert story.subheadline == ""
    assert story.source == ""


def test_story_text_fields_have_whitespace_collapsed(make_edition):
    path = write(make_edition / "stories" / "ws.md", """\
        ---
        headline: "  Two   spaces\tand a tab  "
        subheadline: >
          folded
          over lines
        source: 2026
        ---
        Body.
        """)
    story = load_story(path, make_edition, "en")
    assert story.headline == "Two spaces and a tab"
    assert story.subheadline == "folded over lines"
    assert story.source == "2026"


def test_story_with_bom_and_crlf(make_edition):
    path = make_edition / "stories" / "crlf.md"
    path.write_bytes("\ufeff---\r\nheadline: Windows\r\n---\r\nFirst para\r\nsame para.\r\n"
                     "\r\nSecond.\r\n".encode())
    story = load_story(path, make_edition, "en")
    assert story.headline == "Windows"
    assert [b.text for b in story.blocks] == ["First para same para.", "Second."]
    assert [b.line for b in story.blocks] == [4, 7]


def test_unknown_story_field(make_edition):
    err = story_error(make_edition, """\
        ---
        headline: X
        author: Someone
        ---
        Body.
        """)
    assert (err.field, err.line) == ("author", 3)


def test_story_without_front_matter(make_edition):
    assert story_error(make_edition, "Just a body.\n").line == 1


def test_unclosed_front_matter(make_edition):
    path = write(make_edition / "stories" / "x.md", "---\nheadline: X\nBody.\n")
    with pytest.raises(ContentError, match="not closed"):
        load_story(path, make_edition, "en")


# -- photos ------------------------------------------------------------------------------

def test_photo_fields(make_edition):
    story = load_story(make_edition / "stories" / "first.md", make_edition, "bn")
    assert len(story.photos) == 1
    photo = story.photos[0]
    assert photo.path == make_edition.resolve() / "photos" / "river.jpg"
    assert photo.caption == "নদীর পাড়ে বাঁধের কাজ চলছে"
    assert photo.credit == "ছবি: সমাচার"
    assert photo.focus == (0.5, 0.4)
    assert photo.pixel_size == (800, 600)
    assert len(photo.digest) == 64


def test_photo_as_plain_path_has_centre_focus(make_edition):
    path = write(make_edition / "stories" / "p.md", """\
        ---
        headline: X
        photos:
          - ../photos/river.jpg
        ---
        Body.
        """)
    photo = load_story(path, make_edition, "en").photos[0]
    assert photo.focus == (0.5, 0.5)
    assert photo.caption == ""
    assert photo.credit == ""


def test_same_photo_same_digest(make_edition):
    path = write(make_edition / "stories" / "p.md", """\
        ---
        headline: X
        photos:
          - ../photos/river.jpg
          - {file: ../photos/river.jpg, focus: [0, 1]}
        ---
        Body.
        """)
    photos = load_story(path, make_edition, "en").photos
    assert photos[0].digest == photos[1].digest
    assert photos[1].focus == (0.0, 1.0)


@pytest.mark.parametrize("focus", ["[0.5]", "[0.5, 1.5]", "[-0.1, 0.5]", "middle",
                                   "[0.5, 0.5, 0.5]"])
def test_bad_focus(make_edition, focus):
    err = story_error(make_edition, f"""\
        ---
        headline: X
        photos:
          - file: ../photos/river.jpg
            focus: {focus}
        ---
        Body.
        """)
    assert (err.field, err.line) == ("photos[0].focus", 5)


def test_photos_must_be_a_list(make_edition):
    err = story_error(make_edition, """\
        ---
        headline: X
        photos: ../photos/river.jpg
        ---
        Body.
        """)
    assert (err.field, err.line) == ("photos", 3)


def test_photo_path_relative_to_story_file(make_edition):
    (make_edition / "stories" / "river.jpg").write_bytes(
        (make_edition / "photos" / "river.jpg").read_bytes())
    path = write(make_edition / "stories" / "p.md", """\
        ---
        headline: X
        photos: [river.jpg]
        ---
        Body.
        """)
    photo = load_story(path, make_edition, "en").photos[0]
    assert photo.path == (make_edition / "stories" / "river.jpg").resolve()


# -- Markdown body -----------------------------------------------------------------------

def test_body_blocks_of_mini_story(make_edition):
    story = load_story(make_edition / "stories" / "first.md", make_edition, "bn")
    assert [b.kind for b in story.blocks] == ["para", "subhead", "para"]
    assert [b.line for b in story.blocks] == [12, 14, 16]
    assert story.blocks[1].spans == (Span("কাজ চলবে এক বছর"),)
    assert story.blocks[2].spans == (
        Span("প্রকল্পের "), Span("প্রথম ধাপ", bold=True),
        Span(" আগামী বর্ষার আগে শেষ হবে বলে "), Span("আশা", italic=True),
        Span(" করা হচ্ছে।"))


def test_paragraph_lines_join_with_one_space():
    blocks = parse_body("one\n  two  \nthree\n\n\n\nfour\n", 10)
    assert blocks == (Block("para", (Span("one two three"),), 10),
                      Block("para", (Span("four"),), 16))


def test_subhead_ends_paragraph_without_blank_line():
    blocks = parse_body("para line\n## Sub head\nnext para\n")
    assert [(b.kind, b.text, b.line) for b in blocks] == [
        ("para", "para line", 1), ("subhead", "Sub head", 2), ("para", "next para", 3)]


def test_subhead_may_carry_emphasis():
    (block,) = parse_body("## A **bold** word")
    assert block.kind == "subhead"
    assert block.spans == (Span("A "), Span("bold", bold=True), Span(" word"))


def test_bold_and_italic_spans():
    assert parse_inline("a **b c** d *e* f") == (
        Span("a "), Span("b c", bold=True), Span(" d "), Span("e", italic=True), Span(" f"))


def test_emphasis_at_both_ends():
    assert parse_inline("**Dhaka**, *yesterday*") == (
        Span("Dhaka", bold=True), Span(", "), Span("yesterday", italic=True))


def test_lone_asterisks_are_text():
    assert parse_inline("5 * 3 = 15") == (Span("5 * 3 = 15"),)
    assert parse_inline("a* b *c") == (Span("a* b *c"),)


def test_block_text_joins_spans():
    (block,) = parse_body("x **y** *z*")
    assert block.text == "x y z"


def test_words_are_body_words_in_reading_order(make_edition):
    story = load_story(make_edition / "stories" / "second.md", make_edition, "en")
    assert story.words() == ("Light to moderate rain is likely in most divisions on Saturday, "
                             "the Met office said. Temperatures may drop slightly after the "
                             "rain.").split()


def test_words_include_subheads_without_markup(make_edition):
    story = load_story(make_edition / "stories" / "first.md", make_edition, "bn")
    words = story.words()
    assert words[:3] == ["খুলনার", "উপকূলে", "নতুন"]
    assert "কাজ" in words and "##" not in words
    assert "প্রথম" in words and not any("*" in w for w in words)


def test_empty_body_has_no_blocks(make_edition):
    path = write(make_edition / "stories" / "e.md", "---\nheadline: X\n---\n\n\n")
    assert load_story(path, make_edition, "en").blocks == ()


@pytest.mark.parametrize("old, new, field, line, hint", [
    pytest.param("lang: bn", "lang: fr", "lang", 3, "", id="unknown-edition-lang"),
    pytest.param('  volume: "৮"', '  motto: "x"', "paper.motto", 5, "",
                 id="unknown-paper-field"),
    pytest.param("lang: bn", "langauge: bn", "langauge", 3, "known fields",
                 id="unknown-edition-field"),
    pytest.param("slot: top}", "slot: top, size: 3}", "pages[0].stories[0]", 11, "",
                 id="unknown-story-entry-field"),
])
def test_bad_edition_field_names_field_and_line(make_edition, old, new, field, line, hint):
    yaml_path = make_edition / "edition.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    assert old in text
    yaml_path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        load_edition(make_edition)
    assert (exc.value.field, exc.value.line) == (field, line)
    assert hint in (exc.value.hint or "")
