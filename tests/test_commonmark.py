"""Story bodies as CommonMark: every construct a news story uses prints as it should
(read back from the PDF: no Markdown marks left over), lists get a hanging indent and
numerals in the story's language, quotes are inset, and what a body cannot hold is
refused at its file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from epaper.build import build_edition, layout
from epaper.check import load
from epaper.content.markdown import parse_body
from epaper.errors import ContentError
from epaper.layout.body import LIST_INDENT_EM, QUOTE_INSET_EM
from epaper.model.edition import Block, Span

EN_BODY = textwrap.dedent("""\
    Officials said on Sunday that *three* _districts_ and **two** __cities__ were ready,
    and that 5 \\* 3 crews, \\_underscored\\_ names and \\[brackets\\] stay as typed.

    ## What the plan covers

    - Sandbags are stored in every union council office along the river banks
    - Boats are moored near the schools
      - with fuel for a week
    * Shelters open at the first warning

    1. Move livestock to higher ground before the water rises again tonight
    2. Keep documents in a sealed bag

    > We have never been this prepared, the district commissioner told reporters at the
    > control room on Sunday evening.

    Details are on [the ministry website](https://example.gov.bd/flood) and the hotline.\\
    The hotline number is 333.
    """)

BN_BODY = textwrap.dedent("""\
    খুলনার উপকূলে নতুন বাঁধের কাজ শুরু হয়েছে।

    1. প্রথম ধাপে মাটি ভরাট করা হবে এবং নদীর পাড় শক্ত করা হবে
    2. দ্বিতীয় ধাপে ব্লক বসানো হবে
    """)


def new_body(edition: Path, name: str, body: str) -> None:
    """Keep the story's front matter, replace its body."""
    path = edition / "stories" / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("---", 3) + 4] + body, encoding="utf-8")


@pytest.fixture
def marked(make_edition: Path) -> Path:
    new_body(make_edition, "second.md", EN_BODY)
    new_body(make_edition, "first.md", BN_BODY)
    return make_edition


def test_blocks_of_each_construct():
    blocks = parse_body(EN_BODY, 10, lang="en")
    kinds = [(b.kind, b.marker, b.depth) for b in blocks]
    assert kinds == [("para", "", 0), ("subhead", "", 0),
                     ("item", "•", 1), ("item", "•", 1), ("item", "–", 2), ("item", "•", 1),
                     ("item", "1.", 1), ("item", "2.", 1),
                     ("quote", "", 0), ("para", "", 0), ("para", "", 0)]
    first = blocks[0]
    assert first.spans[1] == Span("three", italic=True)
    assert first.spans[3] == Span("districts", italic=True)
    assert Span("two", bold=True) in first.spans and Span("cities", bold=True) in first.spans
    assert "5 * 3 crews, _underscored_ names and [brackets]" in first.text
    assert [b.line for b in blocks] == [10, 13, 15, 16, 17, 18, 20, 21, 23, 26, 27]
    link = next(s for s in blocks[-2].spans if s.link)
    assert link == Span("the ministry website", link="https://example.gov.bd/flood")
    assert blocks[-1].after_break and blocks[-1].text == "The hotline number is 333."


def test_numbers_follow_the_story_language():
    blocks = parse_body("3. তিন\n4. চার\n", lang="bn")
    assert [b.marker for b in blocks] == ["৩.", "৪."]  # the list starts where the desk did
    assert [b.marker for b in parse_body("1) one\n2) two\n", lang="en")] == ["1)", "2)"]


def test_an_items_second_paragraph_has_no_marker():
    blocks = parse_body("- first\n\n  more of the first\n- second\n", lang="en")
    assert [(b.kind, b.marker) for b in blocks] == [("item", "•"), ("item", ""),
                                                   ("item", "•")]


def test_trailing_spaces_are_not_a_line_break():
    (block,) = parse_body("one  \ntwo\n")
    assert block == Block("para", (Span("one two"),), 1)


@pytest.mark.parametrize("body, line, says", [
    ("Text.\n\n![a map](map.png)\n", 3, "an image"),
    ("Text.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", 3, "a table"),
    ("Text with <b>bold</b> HTML.\n", 1, "raw HTML"),
    ("<div>\nblock\n</div>\n", 1, "raw HTML"),
    ("Run `rm -rf` now.\n", 1, "code"),
    ("```\ncode\n```\n", 1, "code block"),
    ("Text.\n\n    indented code\n", 3, "indented code block"),
    ("Text.\n\n***\n\nMore.\n", 3, "thematic break"),
    ("Line one\nline two has ![x](y.png) inside\n", 2, "an image"),
])
def test_what_a_body_cannot_hold_is_refused_at_its_line(body, line, says, tmp_path):
    with pytest.raises(ContentError) as info:
        parse_body(body, 7, file=tmp_path / "s.md")
    err = info.value
    assert err.line == line + 6 and says in err.message and err.field == "body"
    assert err.code == "E-markdown" and err.hint


def test_every_refusal_in_a_story_is_reported(make_edition):
    path = make_edition / "stories" / "second.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n![x](y.png)\n\n<i>x</i>\n",
                    encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load(make_edition)
    found = [(d.file, d.line, d.code) for d in info.value.diagnostics]
    assert found == [(str(path.resolve()), 10, "E-markdown"),
                     (str(path.resolve()), 12, "E-markdown")]


def body_lines(frames, story_id: str):
    return [ln for f in frames for el in f.elements
            if el.story == story_id and el.role == "body" for ln in el.lines]


def test_lists_hang_and_quotes_are_inset(marked):
    loaded = load(marked)
    frames, _log = layout(loaded)
    lines = body_lines(frames, "second")
    body = loaded.templates.style("body")
    unit = LIST_INDENT_EM * body.size
    by_text = {ln.text: ln for ln in lines}
    item = next(ln for t, ln in by_text.items() if t.startswith("• Sandbags"))
    after = lines[lines.index(item) + 1]  # the item's second line, in the same column
    assert not after.text.startswith("•") and after.x0 == item.x0
    # The bullet hangs at the column's edge (x0), the text stands in by one level, on
    # both lines; a sub-item's text by two.
    assert item.words[0].x == pytest.approx(item.x0)
    assert item.words[1].x == pytest.approx(item.x0 + unit)
    assert after.words[0].x == pytest.approx(item.x0 + unit)
    sub = next(ln for t, ln in by_text.items() if t.startswith("– with fuel"))
    assert sub.words[0].x == pytest.approx(sub.x0 + unit)
    assert sub.words[1].x == pytest.approx(sub.x0 + 2 * unit)
    # A number is set flush against its text.
    one = next(ln for t, ln in by_text.items() if t.startswith("1. Move"))
    gap = one.words[1].x - (one.words[0].x + one.words[0].word.width)
    assert gap == pytest.approx(0.3 * body.size)
    assert one.words[1].x == pytest.approx(one.x0 + unit)
    # The quote is inset on both sides, all its lines.
    quote = [ln for ln in lines if "prepared" in ln.text or "control room" in ln.text]
    inset = QUOTE_INSET_EM * body.size
    assert len(quote) >= 2
    assert all(ln.words[0].x == pytest.approx(ln.x0 + inset) for ln in quote)
    assert all(ln.words[-1].x + ln.words[-1].word.width <= ln.x0 + ln.width - inset + 0.01
               for ln in quote)
    plain = next(ln for ln in lines if ln.text.startswith("Officials"))
    assert plain.words[0].x == pytest.approx(plain.x0)  # the first paragraph: no indent


def test_bengali_list_numbers(marked):
    frames, _log = layout(load(marked))
    texts = [ln.text for ln in body_lines(frames, "first")]
    assert any(t.startswith("১. প্রথম") for t in texts), texts
    assert any(t.startswith("২. দ্বিতীয়") for t in texts), texts


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_markdown_marks_do_not_reach_the_page(marked, tmp_path):
    result = build_edition(marked, tmp_path / "out", variants=("screen",))
    assert not result.overset
    text = pdf_text(tmp_path / "out" / "screen" / "edition.pdf")
    words = " ".join(text.replace("\ufffe", "").split())
    # Escaped marks print as themselves, without their backslash ...
    escaped = "5 * 3 crews, _underscored_ names and [brackets] stay as typed."
    assert escaped in words
    words = words.replace(escaped, "")
    # ... and no other mark of the Markdown reaches the page.
    for mark in ("\\", "_", "[", "]", ">", "](", "*", "https://"):
        assert mark not in words, (mark, words)
    assert " - " not in words and not any(w == "-" for w in words.split())
    for shown in ("three districts and two cities were ready",
                  "What the plan covers", "• Sandbags are stored", "– with fuel for a week",
                  "• Shelters open", "1. Move livestock", "2. Keep documents",
                  "We have never been this prepared", "the ministry website and the hotline.",
                  "The hotline number is 333.", "১. প্রথম ধাপে", "২. দ্বিতীয় ধাপে"):
        assert shown in words, (shown, words)
    # Every word of the story is placed once: the markers are not counted as words.
    story = result.report["stories"]["second"]
    assert story["words_placed"] == story["words"]
