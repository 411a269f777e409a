"""Balanced headlines, kickers and decks: as many lines as the fitted size needs, of
even length, never one word alone on the last line when another break keeps the count."""

from __future__ import annotations

from pathlib import Path

import pytest

from epaper.layout.typeset import Typesetter
from epaper.model.template import Style
from epaper.text.balance import balanced, end_costs
from epaper.text.fonts import FontBook
from epaper.text.linebreak import DASH, SHRINK, SPACE, Item, total_fit
from epaper.text.words import WordMaker

ROOT = Path(__file__).resolve().parents[1]
DISPLAY = ("headline", "jumphead", "kicker", "subheadline")


def display_elements(layout: dict) -> list[tuple[int, dict]]:
    return [(p["number"], e) for p in layout["pages"] for e in p["elements"]
            if e["role"] in DISPLAY]


def test_no_display_line_ends_with_one_word_alone(sample_layout):
    """Every multi-line headline, kicker and deck of the sample: its last line holds more
    than one word whenever it has more words than lines (else no break could help)."""
    multi = 0
    for page, el in display_elements(sample_layout):
        lines = [ln["text"] for ln in el["lines"]]
        if len(lines) < 2:
            continue
        multi += 1
        words = sum(len(t.split()) for t in lines)
        if words > len(lines):
            assert len(lines[-1].split()) > 1, (page, el["story"], el["role"], lines)
    assert multi >= 30  # the sample has them (12 of 31 headlines ended on one word)


def test_balance_keeps_the_number_of_lines_and_the_text():
    maker = WordMaker(FontBook(ROOT / "fonts"))
    ts = Typesetter(maker)
    style = Style(name="headline", family="headline", size=30, leading=34, bold=True)
    for text in ("মোহামেডানের টানা তৃতীয় জয়, রহমতগঞ্জের কাছে আটকে গেল কিংস",
                 "ঢেলে সাজানো হচ্ছে রেলের e-ticket ব্যবস্থা",
                 "বইমেলা ঘিরে ব্যস্ততা বাড়ছে প্রকাশনাপাড়ায়"):
        for width in (220.0, 300.0, 420.0):
            plain = ts.set(text, style, width, "bn")
            even = ts.set(text, style, width, "bn", balance=True)
            assert len(even) == len(plain), (text, width)
            assert " ".join(ln.text for ln in even) == text
            # A ragged line may close its spaces down to 0.8 of a space, no further.
            assert all(ln.natural <= width + 0.01 or ln.ratio >= 1 - SHRINK - 1e-6
                       for ln in even), (text, width)
            if len(even) == 1:
                continue
            spread = [max(ln.natural for ln in s) - min(ln.natural for ln in s)
                      for s in (plain, even)]
            assert spread[1] <= spread[0] + 0.01, (text, width, spread)
            if len(even[-1].words) == 1:
                # Alone only if the word before cannot join it on the last line.
                pair = ts.set(" ".join(text.split()[-2:]), style, 10_000, "bn")[0]
                assert pair.natural > width, [ln.text for ln in even]


def words(*widths: float) -> list[Item]:
    return [Item(w) for w in widths]


def test_equal_words_split_evenly():
    items = words(*[20.0] * 7)
    plain = total_fit(items, 5.0, lambda _k: 130.0, justify=False)
    assert [b.end - b.start for b in plain] == [5, 2]
    even = balanced(items, 5.0, lambda _k: 130.0, len(plain))
    assert even is not None
    assert [b.end - b.start for b in even] == [4, 3]  # the last line a little shorter
    assert [b.last for b in even] == [False, True]
    assert all(b.ratio == 1.0 and not b.overfull for b in even)


def test_one_word_alone_only_when_nothing_else_keeps_the_lines():
    # Two long words and a short one: three lines whatever happens.
    items = words(90.0, 90.0, 20.0)
    even = balanced(items, 5.0, lambda _k: 100.0, 3)
    assert even is not None and [b.end for b in even] == [1, 2, 3]
    # Fits on two lines as [90] [90 20]: the short word joins the last line.
    items = words(90.0, 70.0, 20.0)
    even = balanced(items, 5.0, lambda _k: 100.0, 2)
    assert even is not None and [b.end for b in even] == [1, 3]


def test_cannot_set_in_fewer_lines_than_it_needs():
    assert balanced(words(60.0, 60.0, 60.0), 5.0, lambda _k: 100.0, 2) is None


def test_a_break_inside_a_compound_only_when_it_must():
    # "e-" / "ticket" is a break the word carries (DASH); balance avoids it.
    items = [Item(40.0), Item(15.0, DASH), Item(40.0), Item(40.0, SPACE)]
    even = balanced(items, 5.0, lambda _k: 110.0, 2)
    assert even is not None and [b.end for b in even] == [1, 4]


@pytest.mark.parametrize("texts, want", [
    (["রাজধানীতে", "২৪", "ঘণ্টার"], [0.0, 0.25, 0.0]),
    (["জয়,", "ঘন", "কুয়াশা:"], [-0.05, 0.0, -0.05]),
])
def test_end_costs(texts, want):
    assert end_costs(texts) == pytest.approx(want)


def test_a_line_does_not_end_in_a_number():
    # Five equal words, the third a number: [w w n] [w w] is the most even, but the
    # number belongs with the word after it.
    items = words(*[30.0] * 5)
    plain = balanced(items, 5.0, lambda _k: 100.0, 2)
    assert plain is not None and [b.end for b in plain] == [3, 5]
    costs = end_costs(["চালু", "হলো", "২৪", "ঘণ্টার", "হাসপাতাল"])
    even = balanced(items, 5.0, lambda _k: 100.0, 2, costs)
    assert even is not None and [b.end for b in even] == [2, 5]
