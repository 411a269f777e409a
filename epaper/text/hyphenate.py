"""Where a word may be hyphenated: English by the TeX patterns (pyphen en_US), Bengali at
akshara (orthographic syllable) boundaries, only where a template allows it.

Bengali dailies rarely hyphenate, so it is off unless a style asks for it (very narrow
columns); even then a break never falls inside a conjunct, before a vowel sign, a
hasanta, a nukta or khanda-ta, nor in a word with digits.
"""

from __future__ import annotations

import functools
import unicodedata

import pyphen

LATIN_MIN_WORD = 6  # letters
LATIN_LEFT, LATIN_RIGHT = 2, 3  # letters kept on each side of a break
BENGALI_MIN_CLUSTERS = 3  # aksharas in the word
BENGALI_LEFT, BENGALI_RIGHT = 2, 2  # aksharas kept on each side of a break

HASANTA = "\u09cd"
SYLLABLE_END = frozenset("\u09be\u09bf\u09c0\u09c1\u09c2\u09c3\u09c4\u09c7\u09c8\u09cb"
                         "\u09cc\u09d7\u0982\u0983\u0981")
INDEPENDENT_VOWELS = frozenset(chr(c) for c in range(0x0985, 0x0995))
# Endings and second halves of compounds common in news copy; a break before one keeps
# both parts whole words to the eye. NFC spellings (য় as য + nukta).
WORD_PARTS = tuple(unicodedata.normalize("NFC", w) for w in (
    "গুলো", "গুলি", "দের", "কেন্দ্র", "যোগ্য", "পূর্ণ", "বাসী", "কারী", "কর্মী", "বিদ",
    "জীবী", "ভিত্তিক", "সংক্রান্ত", "সম্পন্ন", "বিহীন", "হীন", "মূলক", "প্রাপ্ত", "জনিত",
    "বিষয়ক", "পন্থী", "সহ", "কালীন", "ব্যাপী", "মুখী", "যুক্ত", "মন্ত্রী", "মন্ত্রণালয়",
    "বাহিনী", "সভা", "পরিষদ", "কর্তা", "প্রধান", "সচিব", "উন্নয়ন", "ব্যবস্থা"))
# Names the en_US patterns cannot break, common in Bangladeshi English news: TeX's
# \hyphenation{} list. "Bangladesh" alone is in most English stories of the sample.
LATIN_EXCEPTIONS = {w.replace("-", ""): tuple(k - n for n, k in enumerate(
    i for i, c in enumerate(w) if c == "-")) for w in (
    "Bang-la-desh", "Bang-la-deshi", "Bang-la-deshis", "Bang-kok", "Co-lom-bo",
    "Chat-to-gram", "Chit-ta-gong", "Na-ra-yan-ganj", "My-men-singh", "Raj-sha-hi",
    "Ba-ri-shal", "Cu-mil-la", "Ga-zi-pur", "Ja-mu-na", "Sun-dar-bans", "Su-nam-ganj",
    "Ki-shore-ganj", "Ha-bi-ganj", "Ban-dar-ban", "Pa-tu-a-kha-li", "Ku-ri-gram",
    "Sat-khi-ra", "Net-ro-ko-na", "Moul-vi-ba-zar", "pa-ri-shad", "upa-zi-la",
    "Awa-mi", "Ja-tiya", "Far-ha-na", "Shar-min")}
POSSESSIVE = ("’s", "'s")
KHANDA_TA = "\u09ce"
JOINERS = "\u200c\u200d"
# Punctuation that may wrap a word; it stays with the piece it touches.
EDGE_PUNCT = "\"'“”‘’()[]{},.;:!?।॥-–—%"


@functools.cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US", left=LATIN_LEFT, right=LATIN_RIGHT)


def cluster_boundary(text: str, k: int) -> bool:
    """Between text[k-1] and text[k] lies a cluster boundary: no mark follows, and no
    hasanta or joiner binds the two letters into a conjunct."""
    after, before = text[k], text[k - 1]
    if unicodedata.category(after).startswith("M") or after in JOINERS or after == HASANTA:
        return False
    return before not in JOINERS and before != HASANTA


def _core(text: str) -> tuple[int, int]:
    start, end = 0, len(text)
    while start < end and text[start] in EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in EDGE_PUNCT:
        end -= 1
    return start, end


def points(text: str, langs: tuple[str, ...]) -> list[int]:
    """Offsets in `text` where a hyphenated break is allowed, for the languages given."""
    start, end = _core(text)
    core = text[start:end]
    if not core:
        return []
    if "en" in langs:
        core = next((core[:-2] for tail in POSSESSIVE if core.endswith(tail)), core)
        if core.isascii() and core.isalpha() and len(core) >= LATIN_MIN_WORD:
            found = LATIN_EXCEPTIONS.get(core)
            if found is None:
                found = tuple(_hyphenator().positions(core))
            return [start + p for p in found
                    if p >= LATIN_LEFT and len(core) - p >= LATIN_RIGHT]
    if "bn" in langs and all(_bengali_letter(c) for c in core):
        return [start + p for p in _bengali_points(core)]
    return []


def _bengali_letter(ch: str) -> bool:
    o = ord(ch)
    return (0x0980 <= o <= 0x09FF and not 0x09E6 <= o <= 0x09EF) or ch in JOINERS


def _bengali_points(core: str) -> list[int]:
    """Akshara boundaries that are syllable ends: after an explicit vowel sign (or the
    ং ঃ ঁ that follow one) or before an independent vowel — the rule of the TeX Bengali
    patterns. After a bare consonant the inherent vowel may be silent (কর্মকর্তা is
    kor-mo-kor-ta), so a break there would mislead the reader."""
    bounds = [k for k in range(1, len(core))
              if cluster_boundary(core, k) and core[k] != KHANDA_TA]
    clusters = len(bounds) + 1
    if clusters < BENGALI_MIN_CLUSTERS:
        return []
    index = {k: i for i, k in enumerate(bounds)}
    parts = {k: len(_word_part(core, k)) for k in bounds if _word_part(core, k)}
    inside = {j for k, n in parts.items() for j in range(k + 1, k + n)}
    # The cluster just before a word part belongs with what precedes it (উল্লেখ-যোগ্য,
    # not উল্লে-খযোগ্য), and no break falls inside a part.
    before = {bounds[index[k] - 1] for k in parts if index[k] > 0}
    syllables = {k for k in bounds if core[k - 1] in SYLLABLE_END
                 or core[k] in INDEPENDENT_VOWELS} - inside - before
    return [k for k in bounds if (k in parts or k in syllables)
            and index[k] + 1 >= BENGALI_LEFT and clusters - (index[k] + 1) >= BENGALI_RIGHT]


def _word_part(core: str, k: int) -> str:
    """The compound's second part or plural/case ending that starts at k, if any
    (উল্লেখ-যোগ্য, প্রতিষ্ঠান-গুলোর): the best place of all to break."""
    rest = core[k:]
    return next((part for part in WORD_PARTS if rest.startswith(part)), "")
