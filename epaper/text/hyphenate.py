"""Where a word may be hyphenated: English by the TeX patterns (pyphen en_US), Bengali by
its morphemes and syllables, only where a template allows it.

Bengali dailies rarely hyphenate, so it is off unless a style asks for it (very narrow
columns). Spelling alone does not give Bengali syllables: a bare consonant's inherent
vowel is spoken in some words and silent in others (বিবে-চনা is bi-be-cɔ-na, but কয়েক-টি
is kɔ-ek-ʈi), so a break is offered only where the syllable is certain:

1. Never inside a conjunct, before a vowel sign, hasanta, nukta or ৎ; never before a reph
   (its র্ closes the syllable before: শিক্ষার্-থীরা, not শিক্ষা-র্থীরা); never inside a
   diphthong (অন-লাইন, not অনলা-ইন); never inside an acronym read letter by letter
   (ইপিবি, এসএমএস); never in a word with digits.
2. Best, at a morpheme boundary: before an ending (টি গুলো দের কে রা …), before a
   compound's second part, after a prefix (উদ্যোগ-টিকে, সন্তোষ-জনক, প্রতি-বেদন).
3. Else at a syllable boundary both sides of which are decided. Each bare consonant's
   inherent vowel is spoken, silent or unknown, by the syllable list in hyphen_bn or by
   the standard rules of Bengali schwa deletion: kept in a word's (or part's) first
   akshara, in a conjunct and before one, and before a closed final syllable; dropped at
   the end of a stem. A break is skipped next to an unknown vowel, and after a bare
   consonant that keeps its vowel (a reader takes "বিবেচ-" for bibec-).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import pyphen

from epaper.text import hyphen_bn as bn

LATIN_MIN_WORD = 6  # letters
LATIN_LEFT, LATIN_RIGHT = 2, 3  # letters kept on each side of a break
BENGALI_LEFT, BENGALI_RIGHT = 2, 2  # aksharas kept on each side of a break (see SHORT_TAILS)

HASANTA = "\u09cd"
NUKTA = "\u09bc"
REPH = "\u09b0\u09cd"  # র্ before a consonant
YA = "\u09af\u09bc"  # য়, NFC keeps it decomposed
YA_PHALA_A = "\u09cd\u09af\u09be"  # ্যা
JOINERS = "\u200c\u200d"
CONSONANTS = frozenset([chr(c) for c in range(0x0995, 0x09BA)] + ["\u09f0", "\u09f1"])
VOWELS = frozenset(chr(c) for c in range(0x0985, 0x0995)) | frozenset("\u09e0\u09e1")
VOWEL_SIGNS = frozenset("\u09be\u09bf\u09c0\u09c1\u09c2\u09c3\u09c4\u09c7\u09c8\u09cb\u09cc"
                        "\u09d7\u09e2\u09e3")
MODIFIERS = frozenset("\u0981\u0982\u0983")  # ঁ ং ঃ: a syllable that has them has a vowel
# Vowels that may begin a syllable after another vowel (hiatus: বিএ-নপি's এ, the w of
# ওয়া). ই ঈ উ ঊ and a bare ও join the vowel before into a diphthong (অনলাইন, রানআউট).
HIATUS = frozenset("অআএ")
# Conjuncts that end English loans (পেমেন্ট, টেস্ট, লাইসেন্স): whether their vowel is
# spoken depends on the word, so they decide nothing.
LOAN_CLUSTERS = tuple(unicodedata.normalize("NFC", c) for c in (
    "ন্ট", "ন্ড", "স্ট", "ল্ট", "ল্ড", "র্ট", "র্ড", "ক্স", "ন্স", "স্ক"))
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
# Punctuation that may wrap a word; it stays with the piece it touches.
EDGE_PUNCT = "\"'“”‘’()[]{},.;:!?।॥-–—%"

SPOKEN, SILENT, UNKNOWN = "spoken", "silent", "unknown"
GENITIVE, LOCATIVE = "er", "e"
MORPHEME, SYLLABLE = "morpheme", "syllable"


def _nfc(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", w) for w in words)


PARTICLES, CASES, CLASSIFIERS = _nfc(bn.PARTICLES), _nfc(bn.CASES), _nfc(bn.CLASSIFIERS)
SHORT_TAILS = frozenset(_nfc(bn.SHORT_TAILS))
E_SIGN = "\u09c7"  # ে
PLURAL_RA = "রা"
TA = unicodedata.normalize("NFC", bn.TA)
AFTER_VOWEL = frozenset(_nfc(bn.AFTER_VOWEL))
# -r and -y close the syllable before them (ঢাকার is ḍʰa-kar): never a line of their own.
SILENT_CASES = frozenset(_nfc(("র", "রও", "রই", "য়")))
FUSED_SIGNS = frozenset(bn.FUSED_SIGNS)
PREFIXES = tuple(sorted(_nfc(bn.PREFIXES), key=len, reverse=True))
NOT_SPLIT = frozenset(_nfc(bn.NOT_SPLIT))
OWN_CONSONANT = _nfc(bn.OWN_CONSONANT)
LETTER_NAMES = _nfc(bn.LETTER_NAMES)
ACRONYM_ENDINGS = frozenset(_nfc(bn.ACRONYM_ENDINGS))
SPLIT_LETTERS = _nfc(("এক্স", "ডব্লিউ"))
_NAMES: dict[str, tuple[str, ...]] = {}
for _name in LETTER_NAMES:
    _NAMES[_name[0]] = (*_NAMES.get(_name[0], ()), _name)
_PARTS: dict[str, tuple[str, ...]] = {}
for _part in sorted(_nfc(bn.COMPOUND_PARTS), key=len, reverse=True):
    _PARTS.setdefault(_part[0], ())
    _PARTS[_part[0]] += (_part,)


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
    return list(_points(text, tuple(langs)))


@functools.lru_cache(maxsize=1 << 16)
def _points(text: str, langs: tuple[str, ...]) -> tuple[int, ...]:
    # Cached per word: the layout asks again for every width it tries.
    start, end = _core(text)
    core = text[start:end]
    if not core:
        return ()
    if "en" in langs:
        core = next((core[:-2] for tail in POSSESSIVE if core.endswith(tail)), core)
        if core.isascii() and core.isalpha() and len(core) >= LATIN_MIN_WORD:
            found = LATIN_EXCEPTIONS.get(core)
            if found is None:
                found = tuple(_hyphenator().positions(core))
            return tuple(start + p for p in found
                         if p >= LATIN_LEFT and len(core) - p >= LATIN_RIGHT)
    if "bn" in langs and _BENGALI_WORD.fullmatch(core):
        return tuple(start + p for p, _kind in bengali_breaks(core))
    return ()


# Bengali letters and signs, no digits, and the joiners: a word hyphenation may break.
_BENGALI_WORD = re.compile("[\u0980-\u09e5\u09f0-\u09ff\u200c\u200d]+")


# -- aksharas --------------------------------------------------------------------------

@dataclass(frozen=True)
class Akshara:
    """One orthographic syllable: an independent vowel, or a consonant cluster with its
    vowel sign; ং ঃ ঁ and a following ৎ belong to it."""

    start: int
    end: int
    consonants: int  # letters in the cluster; 0 for an independent vowel
    vowel: bool  # has a vowel of its own: a sign, an independent vowel, or ং ঃ ঁ ৎ after it
    closed: bool  # ends in an explicit hasanta: no vowel at all
    reph: bool  # begins with র্ and a consonant: the র্ closes the syllable before

    @property
    def bare(self) -> bool:
        """A consonant cluster with only its inherent vowel, spoken or not."""
        return self.consonants > 0 and not self.vowel and not self.closed


def aksharas(word: str) -> tuple[Akshara, ...]:
    """The word's aksharas, in order; their starts are the only places a break may fall
    (and the point after a reph, see bengali_breaks)."""
    out = []
    for m in _AKSHARA.finditer(word):
        base, sign, tail, khanda = m.group("base", "sign", "tail", "khanda")
        # The pattern joins one consonant per hasanta inside the cluster.
        consonants = base.count(HASANTA) + 1 if base[0] in CONSONANTS else 0
        vowel = not consonants or bool(sign or khanda or tail.strip(JOINERS + NUKTA))
        reph = consonants > 1 and base.startswith(REPH)
        out.append(Akshara(m.start(), m.end(), consonants, vowel,
                           m.group("hasanta") is not None, reph))
    return tuple(out)


_C = "\u0995-\u09b9\u09f0\u09f1"
# A cluster (consonants bound by hasanta, ZWJ allowed around it, ZWNJ not), or an
# independent vowel (with ্য: অ্যা), then an explicit hasanta or vowel signs, then ং ঃ ঁ,
# joiners, and a ৎ, whose vowel is the cluster's.
_AKSHARA = re.compile(
    f"(?P<base>[{_C}]\u09bc*(?:\u200d?\u09cd\u200d?[{_C}]\u09bc*)*"
    f"|[\u0985-\u0994\u09e0\u09e1](?:\u200d?\u09cd\u200d?[{_C}])*|.)"
    "(?P<hasanta>[\u200c\u200d]*\u09cd[\u200c\u200d]*)?"
    "(?P<sign>[\u09be-\u09cc\u09d7\u09e2\u09e3]*)"
    "(?P<tail>[\u0981-\u0983\u200c\u200d\u09bc]*)"
    "(?P<khanda>\u09ce[\u0981-\u0983\u200c\u200d]*)?", re.S)


# -- the syllable list -----------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """A word of hyphen_bn.SYLLABLES: the inherent vowel of each akshara (None where it
    has a vowel of its own) and the aksharas where a morpheme begins."""

    vowels: tuple[str | None, ...]
    morphemes: frozenset[int]


def parse_entry(marked: str) -> tuple[str, Entry]:
    """'হাস-পা-তাল' → ('হাসপাতাল', its Entry): an akshara after a mark (or first) starts a
    syllable and so keeps its vowel; one joined to the akshara before is its coda."""
    word, marks, morphemes = "", set(), set()
    for ch in unicodedata.normalize("NFC", marked):
        if ch in "-|":
            marks.add(len(word))
            if ch == "|":
                morphemes.add(len(word))
        else:
            word += ch
    aks = aksharas(word)
    vowels = tuple(None if not a.bare else SPOKEN if a.start in marks or a.start == 0
                   else SILENT for a in aks)
    index = {a.start: i for i, a in enumerate(aks)}
    return word, Entry(vowels, frozenset(index[m] for m in morphemes if m in index))


LEXICON: dict[str, Entry] = dict(parse_entry(w) for w in bn.SYLLABLES)


# -- morphology ------------------------------------------------------------------------

@dataclass(frozen=True)
class Analysis:
    """How a word is built: the aksharas where a morpheme begins, those inside an ending,
    its parts (akshara ranges each read as a word of its own), and how many aksharas at
    its start spell an acronym."""

    boundaries: frozenset[int]
    inside: frozenset[int]
    parts: tuple[tuple[int, int], ...]
    fused: str  # GENITIVE or LOCATIVE: the ending -er or -e on the stem's last consonant
    acronym: int


def _analyse(word: str, aks: tuple[Akshara, ...]) -> Analysis:
    index = {a.start: i for i, a in enumerate(aks)}
    acronym = _acronym(word, aks, index)
    if word in NOT_SPLIT:
        return Analysis(frozenset(), frozenset(), ((0, len(aks)),), "", acronym)
    stem, endings, fused = _strip_endings(word, index)
    bounds = {index[s] for s in endings if word[s:s + 2] not in SILENT_CASES}
    inside = {i for s, e in zip(endings, [*endings[1:], len(word)], strict=False)
              for i in range(index[s] + 1, len(aks)) if aks[i].start < e}
    last = index.get(stem, len(aks))
    entry = _lookup(word, aks, 0, last)
    if entry is not None:  # the syllable list knows the stem, and its compounds
        cuts = set(entry.morphemes)
    else:
        cuts = _prefix(word, stem, index) | _compounds(word, stem, index, aks)
    edges = sorted({0, last} | {c for c in cuts if c < last})
    parts = tuple(zip(edges, edges[1:], strict=False))
    return Analysis(frozenset(bounds | cuts), frozenset(inside), parts, fused, acronym)


def _strip_endings(word: str, index: dict[int, int]) -> tuple[int, list[int], str]:
    """Strip particle, case and classifier from the end: (where the stem ends, where each
    ending starts, which vowel ending the stem's last consonant carries: -er or -e)."""
    end, starts = len(word), []
    for options in (PARTICLES, CASES, CLASSIFIERS):
        if word[:end] in NOT_SPLIT:
            break
        found = _ending(word, end, options, index)
        if found is not None:
            end = found
            starts.insert(0, found)
    fused = ""
    if word[end - 1] == E_SIGN:
        fused = GENITIVE if word.startswith("র", end) else LOCATIVE
    if fused == GENITIVE and word.startswith(PLURAL_RA, end):
        starts.pop(0)  # -েরা (আয়োজকেরা): the plural fused with the stem, not a part of it
    ta = _ending(word, end, (TA,), index)
    if ta is not None and index[ta] >= 3:
        starts.insert(0, ta)
        end = ta
    return end, starts, fused


def _ending(word: str, end: int, options: tuple[str, ...], index: dict[int, int]
            ) -> int | None:
    for ending in options:
        if ending[-1] != word[end - 1]:
            continue
        start = end - len(ending)
        if start not in index or index[start] < 1 or not word.startswith(ending, start):
            continue
        if ending in AFTER_VOWEL and not _after_vowel(word, start):
            continue  # -r, -y follow vowels; after a consonant র is the stem's own
        if word[:start + 1].endswith(OWN_CONSONANT):
            continue
        return start
    return None


def _after_vowel(word: str, k: int) -> bool:
    return word[k - 1] in VOWEL_SIGNS or word[k - 1] in VOWELS or word[k - 1] in MODIFIERS


def _prefix(word: str, stem: int, index: dict[int, int]) -> set[int]:
    for prefix in PREFIXES:
        k = len(prefix)
        if word.startswith(prefix) and k in index and index.get(stem, len(index)) - index[k] >= 2:
            return {index[k]}
    return set()


def _compounds(word: str, stem: int, index: dict[int, int], aks: tuple[Akshara, ...]
               ) -> set[int]:
    """Aksharas where a known compound part begins (not the first); a part ends at an
    akshara boundary, or where the stem ends, with or without the fused vowel sign ে."""
    found: set[int] = set()
    i = 1
    while i < len(aks) and aks[i].start < stem:
        pos = aks[i].start
        part = next((p for p in _PARTS.get(word[pos], ()) if word.startswith(p, pos)
                     and _part_ends(word, pos + len(p), stem, index)), None)
        if part is None:
            i += 1
            continue
        found.add(i)
        i = index.get(pos + len(part), len(aks))
    return found


def _part_ends(word: str, end: int, stem: int, index: dict[int, int]) -> bool:
    """A part may end inside the stem at an akshara boundary, at the stem's end, before
    its fused ে, or over a stripped -r that was its own last letter (উইকেটকিপার)."""
    if end > stem:
        return word[stem:end] in SILENT_CASES and end == len(word)
    return end in index or end == stem or (end == stem - 1 and word[end] in FUSED_SIGNS)


def _acronym(word: str, aks: tuple[Akshara, ...], index: dict[int, int]) -> int:
    """How many aksharas at the word's start spell Latin letter names (ইপিবি, পিআইসি):
    all of them when the rest is an ending fused with the last (এসএমএসের). Two names
    count only before an ending (এমপিদের), so ডিজিটাল stays a word."""
    names = {0: 0}  # offset → how many letter names read up to it
    for k in range(len(word)):
        if k in names:
            for name in _NAMES.get(word[k], ()):
                if word.startswith(name, k):
                    names[k + len(name)] = max(names.get(k + len(name), 0), names[k] + 1)
    for k in sorted(names, reverse=True):
        ending = word[k:] in ACRONYM_ENDINGS
        if names[k] < 2 or (names[k] == 2 and not ending):
            continue
        if k == len(word) or (ending and k not in index):
            return len(aks)
        if k in index:
            return index[k]
    return 0


# -- inherent vowels -------------------------------------------------------------------

def _vowels(word: str, aks: tuple[Akshara, ...], an: Analysis) -> list[str | None]:
    """Spoken, silent or unknown for each bare akshara (None for the others): from the
    syllable list where it knows the stem or a part, else by rule."""
    out: list[str | None] = [None] * len(aks)
    whole = _lookup(word, aks, 0, an.parts[-1][1])
    for n, (a, b) in enumerate(an.parts):
        entry, offset = (whole, 0) if whole is not None else (_lookup(word, aks, a, b), a)
        fused = an.fused if n == len(an.parts) - 1 else ""
        for i in range(a, b):
            if not aks[i].bare:
                continue
            if entry is not None and i - offset < len(entry.vowels):
                out[i] = entry.vowels[i - offset]
            else:
                out[i] = _rule(word, aks, i, a, b, fused)
    return out


def _rule(word: str, aks: tuple[Akshara, ...], i: int, a: int, b: int, fused: str) -> str:
    """The schwa-deletion rules, for bare akshara i of the part aks[a:b]."""
    ak = aks[i]
    if i == a:
        return SPOKEN  # a word's first vowel is never dropped
    if ak.consonants > 1:  # a conjunct keeps its vowel, unless it ends an English loan
        text = word[ak.start:ak.end]
        return UNKNOWN if any(text.endswith(c) for c in LOAN_CLUSTERS) else SPOKEN
    if i == b - 1:
        return SILENT  # a stem's last consonant closes its syllable (কয়েক, আদালত)
    nxt = aks[i + 1]
    if nxt.consonants > 1 and not _glide(word, ak) and not _ae(word, nxt):
        return SPOKEN  # before a conjunct (পরিকল্পনা, সম্পর্ক): Bengali has no CC coda
    if i + 1 == b - 1 and _closed_final(nxt, fused, i - a):
        return SPOKEN  # before a closed final syllable (আদালত, উৎসবের): কলম is kɔ-lom
    return UNKNOWN


def _glide(word: str, ak: Akshara) -> bool:
    """য় before a conjunct is the glide of a diphthong (ক্ষয়ক্ষতি, বয়স্ক), not a vowel."""
    return word.startswith(YA, ak.start)


def _ae(word: str, ak: Akshara) -> bool:
    """C্যা spells the vowel æ in English loans (ইন্টারন্যাশনাল, ক্যাম্প), not a cluster."""
    return word[ak.start:ak.end].endswith(YA_PHALA_A)


def _closed_final(last: Akshara, fused: str, before: int) -> bool:
    """The stem's last consonant ends it, silent (কলম), or takes a noun's -er (কলমের): the
    consonant before it keeps its vowel. A verb's -e drops that vowel instead (বদলে is
    bɔd-le), so -e counts only after two aksharas or more (বিদ্যালয়ে), which a verb stem
    of Bengali's own stock never has before its last consonant."""
    return last.bare or fused == GENITIVE or (fused == LOCATIVE and before >= 2)


def _lookup(word: str, aks: tuple[Akshara, ...], a: int, b: int) -> Entry | None:
    start = aks[a].start
    end = aks[b - 1].end
    text = word[start:end]
    found = LEXICON.get(text)
    if found is None and text[-1:] in VOWEL_SIGNS:
        found = LEXICON.get(text[:-1])
    return found


# -- breaks ----------------------------------------------------------------------------

def _opens(word: str, ak: Akshara, vowel: str | None) -> bool:
    """A line may begin with ak: it starts a syllable of its own."""
    if ak.consonants == 0:
        return _vowel_opens(word, ak)
    if ak.reph or ak.closed:
        return False
    return ak.vowel or vowel == SPOKEN


def _closes(word: str, ak: Akshara, vowel: str | None) -> bool:
    """A line may end after ak (with a hyphen) and be read right: its syllable ends here.
    A bare single consonant read at a line's end sounds closed, so it must be silent;
    ও before য় is the w of the syllable after it (হ-ওয়ার)."""
    if ak.consonants == 0 and word[ak.start] == "ও" and word.startswith(YA, ak.end):
        return False
    if not ak.bare:
        return True
    return vowel == (SPOKEN if ak.consonants > 1 else SILENT)


@functools.lru_cache(maxsize=1 << 16)
def bengali_breaks(word: str) -> tuple[tuple[int, str], ...]:
    """Offsets where `word` (Bengali letters only) may be hyphenated, each with its kind:
    MORPHEME (before an ending or a compound part, after a prefix) or SYLLABLE."""
    aks = aksharas(word)
    if len(aks) < BENGALI_LEFT + 1:
        return ()
    an = _analyse(word, aks)
    vowels = _vowels(word, aks, an)
    out: list[tuple[int, str]] = []
    for j in range(max(BENGALI_LEFT, an.acronym), len(aks)):
        ak, tail = aks[j], len(aks) - j
        if aks[j - 1].closed or word[ak.start - 1] in JOINERS or j in an.inside \
                or _in_letter(word, ak):
            continue
        if j in an.boundaries and not ak.reph and _may_begin(word, ak) and (
                tail >= BENGALI_RIGHT or _short_tail(word, aks, j)):
            out.append((ak.start, MORPHEME))
        elif j > an.acronym and tail >= BENGALI_RIGHT and _opens(word, ak, vowels[j]) \
                and _closes(word, aks[j - 1], vowels[j - 1]):
            out.append((ak.start, SYLLABLE))
        elif ak.reph and ak.vowel and tail >= BENGALI_RIGHT and j > an.acronym:
            out.append((ak.start + len(REPH), SYLLABLE))  # শিক্ষার্-থীরা
    return tuple(out)


def _in_letter(word: str, ak: Akshara) -> bool:
    """ak continues a letter name of two aksharas that no Bengali word holds, inside a
    longer word: X, W (স্পেসএক্সের, not স্পেসএ-ক্সের)."""
    return any(word.startswith(name[1:], ak.start) and word.startswith(name, ak.start - 1)
               for name in SPLIT_LETTERS)


def _short_tail(word: str, aks: tuple[Akshara, ...], j: int) -> bool:
    """A one-akshara ending may start a line after a closed stem of three aksharas or
    more (কয়েক-টি, শিক্ষক-কে): not after a short one (এক-টি) nor after a vowel, where a
    word's own last syllable looks the same (কমিটি, মোটামুটি)."""
    return word[aks[j].start:] in SHORT_TAILS and j >= 3 and aks[j - 1].bare


def _may_begin(word: str, ak: Akshara) -> bool:
    """A morpheme may start a line unless it begins with a vowel that forms a diphthong."""
    return ak.consonants > 0 or _vowel_opens(word, ak)


def _vowel_opens(word: str, ak: Akshara) -> bool:
    """An independent vowel after another begins a syllable (hiatus), unless it is the
    second half of a diphthong; ও does only as the w of ওয়া (আবহা-ওয়া)."""
    letter = word[ak.start]
    return letter in HIATUS or (letter == "ও" and word.startswith(YA, ak.end))
