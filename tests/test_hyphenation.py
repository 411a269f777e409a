"""Bengali hyphenation by syllables (issue 12): the wrong breaks a reader found, a golden
table of the sample's breaks, the never-rules over the sample's whole vocabulary and its
laid-out lines, and the syllable list's own form."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from epaper.text import hyphen_bn
from epaper.text.hyphenate import (
    MORPHEME,
    SYLLABLE,
    aksharas,
    bengali_breaks,
    cluster_boundary,
    points,
)

GOLDEN = Path(__file__).with_name("hyphenation_bn.txt")
HASANTA = "\u09cd"
DIPHTHONG_SECONDS = "ইঈউঊ"
PUNCTUATION = "\"'“”‘’()[]{},.;:!?।॥–—%"
# The Latin letters' Bengali names, spelt out here again so that the tests do not read
# the module's own list: an acronym is a run of two or more of them.
LETTERS = ("এ বি সি ডি ই এফ জি এইচ আই জে কে এল এম এন ও পি কিউ আর এস টি ইউ ভি ডব্লিউ "
           "এক্স ওয়াই জেড").split()


def hyphenated(word: str) -> str:
    cuts = points(word, ("bn",))
    return "-".join(word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True))


def golden() -> list[str]:
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    return [unicodedata.normalize("NFC", ln.strip()) for ln in lines
            if ln.strip() and not ln.startswith("#")]


def letter_run(word: str) -> tuple[int, int]:
    """(letter names, offset they reach) of the longest run of Latin letter names that
    starts the word."""
    best = {0: 0}
    for k in range(len(word)):
        if k in best:
            for name in LETTERS:
                if word.startswith(name, k):
                    best[k + len(name)] = max(best.get(k + len(name), 0), best[k] + 1)
    end = max(best)
    return best[end], end


def sample_vocabulary() -> set[str]:
    from conftest import SAMPLES

    words = set()
    for story in sorted((SAMPLES / "stories").glob("*.md")):
        text = unicodedata.normalize("NFC", story.read_text(encoding="utf-8"))
        words |= set(re.findall("[\u0980-\u09e5\u09f0-\u09ff\u200c\u200d]+", text))
    return words


# -- the breaks the reader found wrong -----------------------------------------------------

@pytest.mark.parametrize("word, wrong, right", [
    # the reph carried to the next line: its র্ closes the syllable before
    ("শিক্ষার্থীরা", "শিক্ষা-র্থীরা", "শিক্ষার্-থীরা"),
    ("মুহূর্তটি", "মুহূ-র্তটি", "মুহূর্ত-টি"),
    ("জ্যোতির্বিদদের", "জ্যোতি-র্বিদদের", "জ্যোতির্-বিদ-দের"),
    # a diphthong split
    ("অনলাইন", "অনলা-ইন", "অন-লাইন"),
    ("যাচাইয়ে", "যাচা-ইয়ে", "যাচাইয়ে"),
    # acronyms read letter by letter
    ("ইপিবির", "ইপি-বির", "ইপিবির"),
    ("পিআইসির", "পিআ-ইসির", "পিআইসির"),
    ("এসএমএসের", "এস-এমএসের", "এসএমএসের"),
    # a closed syllable's final consonant pushed over
    ("কয়েকটি", "কয়ে-কটি", "কয়েক-টি"),
    ("আলোকচিত্রী", "আলো-কচিত্রী", "আলোক-চিত্রী"),
    ("উদ্যোগটিকে", "উদ্যো-গটিকে", "উদ্যোগ-টিকে"),
    ("সন্তোষজনক", "সন্তো-ষজনক", "সন্তোষ-জনক"),
    ("প্রক্রিয়াজাতকরণ", "প্রক্রিয়াজা-তকরণ", "প্রক্রি-য়া-জাত-করণ"),
])
def test_issue_12_wrong_breaks_are_gone(word, wrong, right):
    word, wrong, right = (unicodedata.normalize("NFC", w) for w in (word, wrong, right))
    got = hyphenated(word)
    assert got == right
    k = wrong.index("-")
    assert k not in points(word, ("bn",)), wrong


@pytest.mark.parametrize("word, want", [
    ("বিবেচনা", "বিবে-চনা"),  # the inherent vowel spoken: bi-be-cɔ-na, never বিবেচ-না
    ("আলোচনা", "আলো-চনা"),
    ("কয়েকটি", "কয়েক-টি"),  # and silent: kɔek-ʈi
    ("আলোকচিত্রী", "আলোক-চিত্রী"),
])
def test_issue_12_spoken_and_silent_inherent_vowels(word, want):
    assert hyphenated(unicodedata.normalize("NFC", word)) == unicodedata.normalize("NFC", want)


# -- the rules, one case each ---------------------------------------------------------------

@pytest.mark.parametrize("word, want", [
    ("আদালতের", "আদা-লতের"),  # kept before a closed last syllable: a-da-lɔ-ter
    ("উৎসবের", "উৎসবের"),  # ut-ʃɔ-ber: নো উৎস-বের
    ("পরিকল্পনা", "পরি-কল্পনা"),  # kept before a conjunct
    ("বিদ্যালয়ে", "বিদ্যা-লয়ে"),  # a noun's -e keeps it: bid-da-lɔ-e
    ("বদলে", "বদলে"),  # a verb's -e drops it: bɔd-le
    ("সংসদের", "সংসদের"),  # সংসদ + এর, not সংস + দের
    ("মহাসড়কে", "মহা-সড়কে"),  # সড়ক + এ, not মহাসড় + কে
    ("একটি", "একটি"),  # a one-akshara ending only after a stem of three
    ("কমিটি", "কমিটি"),  # nor after a vowel, where it is the word's own syllable
    ("আমরাও", "আমরাও"),  # আমরা is no stem + রা
    ("হওয়ার", "হওয়ার"),  # ও before য় is the w of the next syllable: হ-ওয়ার
    ("আবহাওয়া", "আবহা-ওয়া"),
    ("এনজিওগুলোর", "এনজিও-গুলোর"),  # the acronym whole, its ending apart
    ("সিএনজিচালিত", "সিএনজি-চা-লিত"),
    ("ডিজিটাল", "ডিজি-টাল"),  # two letter names without an ending are a word
    ("স্পেসএক্সের", "স্পেসএক্সের"),  # X's এক্স stays whole
    ("ইন্টারন্যাশনাল", "ইন্টার-ন্যা-শনাল"),  # ্যা is æ, not a cluster
    ("উইকেটকিপার", "উই-কেট-কি-পার"),
    ("প্রতিষ্ঠানগুলোর", "প্রতি-ষ্ঠান-গুলোর"),
    ("সেগুলোর", "সেগুলোর"),  # never inside an ending
    ("কর্মকর্তারা", "কর্ম-কর্-তারা"),  # a reph stays on the line before
])
def test_hyphenation_rules(word, want):
    assert hyphenated(unicodedata.normalize("NFC", word)) == unicodedata.normalize("NFC", want)


def test_breaks_say_whether_they_fall_between_morphemes():
    word = unicodedata.normalize("NFC", "উদ্যোগটিকে")
    assert bengali_breaks(word) == ((word.index("টি"), MORPHEME),)
    word = unicodedata.normalize("NFC", "বিবেচনা")
    assert bengali_breaks(word) == ((word.index("চনা"), SYLLABLE),)


def test_points_keep_the_punctuation_around_a_word():
    text = unicodedata.normalize("NFC", "“কয়েকটি,")
    assert points(text, ("bn",)) == [text.index("টি")]
    assert points(text, ("en",)) == []


# -- the golden table -----------------------------------------------------------------------

def test_golden_table_of_the_sample_breaks():
    """Every word the sample hyphenated, with every point, as a reader checked it."""
    table = golden()
    assert len(table) >= 200
    assert sum(form.count("-") for form in table) >= 200
    wrong = [(form, got) for form in table if (got := hyphenated(form.replace("-", ""))) != form]
    assert not wrong


# -- the never-rules, over every word of the sample ---------------------------------------

def never_rule_broken(word: str, k: int) -> str | None:
    """What a break at k in `word` breaks, if anything."""
    if word.startswith("র্", k) and k + 2 < len(word) and word[k + 2] != "\u200d":
        return "reph split from its syllable"
    if word[k] in DIPHTHONG_SECONDS:
        return "diphthong split"
    names, end = letter_run(word)
    if names >= 2 and k < end and (names >= 3 or len(word) - end <= 3):
        return "acronym split"
    after_reph = word[k - 2:k] == "র্" and (k < 3 or word[k - 3] != HASANTA)
    if not cluster_boundary(word, k) and not after_reph:
        return "inside an akshara"
    return None


def test_no_point_in_the_sample_splits_a_reph_diphthong_acronym_or_conjunct():
    vocabulary = sample_vocabulary()
    assert len(vocabulary) > 3000
    bad = [(w, k, why) for w in sorted(vocabulary) for k in points(w, ("bn",))
           if (why := never_rule_broken(w, k))]
    assert not bad


def test_the_never_rules_catch_the_old_breaks():
    """The check above is not blind: the reader's wrong breaks fail it."""
    for wrong in ("শিক্ষা-র্থীরা", "অনলা-ইন", "যাচা-ইয়ে", "ইপি-বির", "পিআ-ইসির", "এস-এমএসের"):
        wrong = unicodedata.normalize("NFC", wrong)
        assert never_rule_broken(wrong.replace("-", ""), wrong.index("-")), wrong


def test_no_hyphenated_line_of_the_sample_splits_a_reph_diphthong_or_acronym(sample_layout):
    checked = 0
    for page in sample_layout["pages"]:
        for el in page["elements"]:
            lines = el.get("lines") or []
            for a, b in zip(lines, lines[1:], strict=False):
                if a.get("continues") != "hyphen":
                    continue
                left, right = a["text"].split()[-1][:-1], b["text"].split()[0]
                if not re.search("[\u0980-\u09ff]", left):
                    continue
                word, k = broken_word(left, right)
                assert never_rule_broken(word, k) is None, (page["number"], left, right)
                checked += 1
    assert checked > 300


def broken_word(left: str, right: str) -> tuple[str, int]:
    """The word a line broke as `left`-/`right`, without its punctuation and without the
    other parts of a compound written with a hyphen; and where it broke."""
    token, k = left + right, len(left)
    start, end = 0, len(token)
    while token[start] in PUNCTUATION:
        start += 1
    while token[end - 1] in PUNCTUATION:
        end -= 1
    start = max(start, token.rfind("-", 0, k) + 1)
    end = min(end, token.find("-", k) % (len(token) + 1))
    return token[start:end], k - start


# -- the syllable list ---------------------------------------------------------------------

@pytest.mark.parametrize("entry", hyphen_bn.SYLLABLES)
def test_syllable_list_entries_are_syllable_divisions(entry):
    """Marks fall at akshara boundaries; an akshara joined to the one before it is a
    bare consonant closing that syllable, or the second vowel of a diphthong; two codas
    never follow each other."""
    entry = unicodedata.normalize("NFC", entry)
    word = entry.replace("-", "").replace("|", "")
    aks = aksharas(word)
    starts = {a.start for a in aks}
    marks, n = set(), 0
    for ch in entry:
        if ch in "-|":
            marks.add(n)
        else:
            n += 1
    assert marks <= starts, entry
    joined = [i for i, a in enumerate(aks) if i and a.start not in marks]
    for i in joined:
        ak = aks[i]
        assert ak.bare or word[ak.start] in DIPHTHONG_SECONDS, (entry, word[ak.start:ak.end])
        assert i - 1 not in joined or not aks[i - 1].bare, (entry, "two codas")


def test_syllable_list_has_no_duplicates():
    words = [unicodedata.normalize("NFC", w).replace("-", "").replace("|", "")
             for w in hyphen_bn.SYLLABLES]
    assert len(words) == len(set(words))
