"""Legacy Bijoy (SutonnyMJ) text: spot it, and convert it to Unicode Bengali.

Desks still receive copy typed with the Bijoy keyboard in the SutonnyMJ font.
Such a file holds ASCII and Windows-1252 characters that only *look* Bengali
when drawn with that font, and it stores them in visual order: the vowel signs
ি ে ৈ come before the consonant (cluster) they follow in speech, the reph
(র্, typed ``©``) comes after the cluster it sits on, and ো / ৌ are split
around the consonant (``‡Kv`` is কো).

`looks_like_bijoy` decides whether a text is such a file: it scores each word
for signs no English or European spelling has (a dagger before a letter, a
Latin-1 symbol after one, Bijoy key pairs such as ``Kv`` or ``wK``) and wants
most words to be suspect; `bijoy_words` lists the suspects for error messages.
The comment above `_SIGNALS` gives the details.

`bijoy_to_unicode` converts such text:

1. read C1 control codes as the Windows-1252 characters they stand for, and
   fix invisible typing slips (a doubled sign draws the same as a single one);
2. map the characters to Unicode, longest match first, the reph to a
   placeholder so that it cannot be mistaken for a র typed with hasanta;
3. put signs typed in the wrong slot back (vowel sign before a phala,
   chandrabindu before a vowel sign);
4. move each pre-base vowel sign after its consonant cluster;
5. compose the split o-kar and au-kar;
6. move each reph before its consonant cluster;
7. restore colons typed with the visarga key after digits, and NFC-normalise.

Unicode Bengali already present in the input is passed through untouched, and
whitespace (so the line count) is kept exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

# --- character table ---------------------------------------------------------
# Each group maps SutonnyMJ characters to what the font draws for them.

_VOWELS = {
    "A": "অ", "Av": "আ", "B": "ই", "C": "ঈ", "D": "উ", "E": "ঊ", "F": "ঋ",
    "G": "এ", "H": "ঐ", "I": "ও", "J": "ঔ",
}

_CONSONANTS = {
    "K": "ক", "L": "খ", "M": "গ", "N": "ঘ", "O": "ঙ",
    "P": "চ", "Q": "ছ", "R": "জ", "S": "ঝ", "T": "ঞ",
    "U": "ট", "V": "ঠ", "W": "ড", "X": "ঢ", "Y": "ণ",
    "Z": "ত", "_": "থ", "`": "দ", "a": "ধ", "b": "ন",
    "c": "প", "d": "ফ", "e": "ব", "f": "ভ", "g": "ম",
    "h": "য", "i": "র", "j": "ল", "k": "শ", "l": "ষ",
    "m": "স", "n": "হ", "o": "ড়", "p": "ঢ়", "q": "য়", "r": "ৎ",
}

_SIGNS = {"s": "ং", "t": "ঃ", "u": "ঁ", "&": "্"}

# Several glyphs draw the same vowel sign; the variants fit different letters.
_VOWEL_SIGNS = {
    "v": "া",
    "w": "ি",
    "x": "ী",
    "y": "ু", "z": "ু", "“": "ু", "–": "ু", "æ": "ু",
    "~": "ূ", "ƒ": "ূ", "‚": "ূ",
    "„": "ৃ", "…": "ৃ",
    "†": "ে", "‡": "ে",
    "ˆ": "ৈ", "‰": "ৈ",
    "Š": "ৗ",
}

_DIGITS = {str(d): chr(ord("০") + d) for d in range(10)}

_PUNCTUATION = {
    "|": "।",
    "Ô": "‘", "Õ": "’", "Ò": "“", "Ó": "”",
    "Ð": "–", "Ñ": "—",
}

# The first part of a conjunct, drawn as a half form.
_HALF_FORMS = {
    "”": "চ্", "˜": "দ্", "™": "দ্", "š": "ন্", "›": "ন্",
    "¤": "ম্", "®": "ষ্", "¯": "স্", "•": "ঙ্",
}

# The second part of a conjunct, drawn below or beside the first.
_SUBJOINED = {
    "‹": "্ক", "Œ": "্ক্র", "—": "্ত", "Í": "্ত", "‘": "্তু", "¿": "্ত্র",
    "’": "্থ", "œ": "্ন", "è": "্ণ", "ú": "্প",
    "^": "্ব", "Ÿ": "্ব", "¡": "্ব", "¦": "্ব",
    "¢": "্ভ", "£": "্ভ্র", "¥": "্ম", "§": "্ম", "¨": "্য",
    "ª": "্র", "«": "্র", "Ö": "্র",
    "¬": "্ল", "\u00ad": "্ল", "ø": "্ল",
}

# Whole conjuncts (and a few consonant + vowel sign pairs) with their own glyph.
_LIGATURES = {
    "°": "ক্ক", "±": "ক্ট", "²": "ক্ষ্ম", "³": "ক্ত", "´": "ক্ম", "µ": "ক্র",
    "¶": "ক্ষ", "ÿ": "ক্ষ", "·": "ক্স", "¸": "গু", "º": "গ্দ", "»": "গ্ধ",
    "¼": "ঙ্ক", "½": "ঙ্গ", "¹": "জ্ঞ", "Á": "জ্ঞ", "¾": "জ্জ", "À": "জ্ঝ",
    "Â": "ঞ্চ", "Ã": "ঞ্ছ", "Ä": "ঞ্জ", "Å": "ঞ্ঝ", "Æ": "ট্ট", "Ç": "ড্ড",
    "È": "ণ্ট", "É": "ণ্ঠ", "Ê": "ণ্ড", "Ë": "ত্ত", "Ì": "ত্থ", "Î": "ত্র",
    "Ï": "দ্দ", "×": "দ্ধ", "Ø": "দ্ব", "Ù": "দ্ম", "Ú": "ন্ঠ", "Û": "ন্ড",
    "Ü": "ন্ধ", "Ý": "ন্স", "Þ": "প্ট", "ß": "প্ত", "à": "প্প", "á": "প্স",
    "â": "ব্জ", "ã": "ব্দ", "ä": "ব্ধ", "å": "ভ্র", "ç": "ম্ফ", "é": "ল্ক",
    "ê": "ল্গ", "ë": "ল্ট", "ì": "ল্ড", "í": "ল্প", "î": "ল্ফ", "ï": "শু",
    "ð": "শ্চ", "ñ": "শ্ছ", "ò": "ষ্ণ", "ó": "ষ্ট", "ô": "ষ্ঠ", "õ": "ষ্ফ",
    "ö": "স্খ", "÷": "স্ট", "ù": "স্ফ", "û": "হু", "ü": "হৃ", "ý": "হ্ন",
    "þ": "হ্ম",
}

# The reph is mapped to a private-use placeholder first: once it is "র্" it
# could no longer be told from a র that was typed with an explicit hasanta.
_REPH_MARK = "\ue000"
_REPH = "র্"
_REPH_KEY = "©"

BIJOY_TO_UNICODE: Mapping[str, str] = MappingProxyType({
    **_VOWELS, **_CONSONANTS, **_SIGNS, **_VOWEL_SIGNS, **_DIGITS, **_PUNCTUATION,
    **_HALF_FORMS, **_SUBJOINED, **_LIGATURES, _REPH_KEY: _REPH_MARK,
})

# Longest key first, so that "Av" wins over "A".
_TABLE_KEYS = re.compile("|".join(
    re.escape(key) for key in sorted(BIJOY_TO_UNICODE, key=len, reverse=True)))

# A file read as Latin-1 instead of Windows-1252 carries the glyph characters
# 0x80-0x9F (‡ ˆ ‰ Š ...) as C1 control codes; both readings must work.
_C1_AS_WINDOWS_1252: Mapping[int, str] = MappingProxyType({
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0) if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
})

# Doubled signs overlap exactly in the font, so typists never see them.
_TYPING_SLIPS = (("yy", "y"), ("vv", "v"), ("„„", "„"), ("y&", "y"), ("„&", "„"))

# --- Unicode building blocks for the reordering -----------------------------

_HASANTA = "\u09cd"
_NUKTA = "\u09bc"
_CONSONANT = f"[\u0995-\u09b9\u09dc\u09dd\u09df]{_NUKTA}?"
_CLUSTER = f"{_CONSONANT}(?:{_HASANTA}{_CONSONANT})*"
_PHALAS = f"(?:{_HASANTA}{_CONSONANT})+"
_PRE_BASE_SIGNS = "িেৈ"
_POST_BASE_SIGNS = "\u09be\u09c0-\u09c4\u09d7"  # া ী ু ূ ৃ ৄ ৗ
_ANY_VOWEL_SIGN = "\u09be-\u09cc\u09d7"
_CHANDRABINDU = "ঁ"

# The font draws ো / ৌ as ে before and া / ৗ after the cluster, so once ে has
# moved they arrive as two signs; আ typed as অ + aa-kar is the same slip.
_SPLIT_VOWELS = (
    ("\u09c7\u09be", "\u09cb"),  # ে া -> ো
    ("\u09c7\u09d7", "\u09cc"),  # ে ৗ -> ৌ
    ("\u0985\u09be", "\u0986"),  # অ া -> আ
)

_SIGN_BEFORE_PHALA = re.compile(f"([{_POST_BASE_SIGNS}]+)({_PHALAS})")
_CHANDRABINDU_TOO_EARLY = re.compile(
    f"{_CHANDRABINDU}({_PHALAS}[{_POST_BASE_SIGNS}]*|[{_POST_BASE_SIGNS}]+)")
_PRE_BASE = re.compile(
    f"(?P<sign>[{_PRE_BASE_SIGNS}])(?P<cb>{_CHANDRABINDU}?)(?P<cluster>{_CLUSTER})"
    f"(?P<reph>{_REPH_MARK}?)")
_TRAILING_REPH = re.compile(f"(?P<cluster>{_CLUSTER})(?P<signs>[{_ANY_VOWEL_SIGN}]*){_REPH_MARK}")
_VISARGA_AS_COLON = re.compile("(?<=[০-৯])ঃ")

# Text that is already Unicode Bengali is never converted again.
_BENGALI_RUN = re.compile("([\u0980-\u09ff]+)")


def bijoy_to_unicode(text: str) -> str:
    """Bijoy/SutonnyMJ text as NFC Unicode Bengali in logical order."""
    parts = _BENGALI_RUN.split(text)
    # split() puts the captured Bengali runs at the odd indexes.
    converted = (part if k % 2 else _convert_run(part) for k, part in enumerate(parts))
    return unicodedata.normalize("NFC", "".join(converted))


def _convert_run(text: str) -> str:
    text = text.translate(_C1_AS_WINDOWS_1252)
    text = _undo_typing_slips(text)
    text = _map_characters(text)
    text = _fix_sign_slots(text)
    text = _PRE_BASE.sub(_move_pre_base_sign, text)
    text = _compose_split_vowels(text)
    text = _TRAILING_REPH.sub(_move_reph, text)
    text = text.replace(_REPH_MARK, _REPH)
    return _VISARGA_AS_COLON.sub(":", text)


def _undo_typing_slips(text: str) -> str:
    for slip, meant in _TYPING_SLIPS:
        text = text.replace(slip, meant)
    return text


def _map_characters(text: str) -> str:
    text = _TABLE_KEYS.sub(lambda m: BIJOY_TO_UNICODE[m.group(0)], text)
    # A half form followed by a subjoined form brings two hasantas.
    return text.replace(_HASANTA * 2, _HASANTA)


def _fix_sign_slots(text: str) -> str:
    text = _SIGN_BEFORE_PHALA.sub(r"\2\1", text)
    return _CHANDRABINDU_TOO_EARLY.sub(rf"\1{_CHANDRABINDU}", text)


def _move_pre_base_sign(m: re.Match[str]) -> str:
    reph = _REPH if m["reph"] else ""
    return reph + m["cluster"] + m["sign"] + m["cb"]


def _compose_split_vowels(text: str) -> str:
    for split, whole in _SPLIT_VOWELS:
        text = text.replace(split, whole)
    return text


def _move_reph(m: re.Match[str]) -> str:
    return _REPH + m["cluster"] + m["signs"]


# --- detection -----------------------------------------------------------------
#
# A word is suspect when it shows one of these signals:
#
# * a pre-base sign glyph (‡ † ˆ ‰) directly before a letter: Bijoy types
#   ে/ৈ that way, while Western text uses daggers only as footnote marks after
#   a word;
# * a conjunct or phala glyph (¨ ª « © ¯ ¶ µ ½ ...) directly after a letter or
#   another glyph: these symbols never follow a letter in English or European
#   orthography (© and ® stand alone in copyright/trademark use, « opens a
#   French quote);
# * an accented capital (À-Þ) right after a lowercase letter, which no
#   European spelling does but Bijoy does for its conjuncts (wÛ, mÜ);
# * a letter pair typical of Bijoy and rare in English: a consonant key
#   followed by the aa-kar / ii-kar keys v, x (Kv, Zv, gv, jv, bx), a vowel
#   sign key before a capital (vK, wZ), a word-initial i-kar before a
#   consonant key (wK, wb, w`), or আ (Av) before a consonant key (Avg, AvR),
#   where English has only Ave-, Avi-, Avo-, Ava-.
#
# Accented letters inside words (café, naïve, Zoë, Müller), curly quotes and
# dashes, ellipses and footnote daggers fire none of these.  URLs, e-mail
# addresses and UTF-8 Bengali misread as Windows-1252 (à¦, à§: it needs a
# different repair, and no Bijoy word contains those pairs) are skipped.
#
# A text is Bijoy when suspect words are a large share of its words and there
# is more than one piece of evidence, so a stray "km²" or "Pvt." in English
# prose does not count, while one-word Bijoy such as "‡Ljv" (two signals) does.

_PRE_BASE_GLYPHS = "‡†ˆ‰"
_AFTER_LETTER_GLYPHS = (
    "¨ª«©¯¤¦¬\u00ad¸¶¿÷¡¢¥§±¹²³º¼½¾×"  # Latin-1 symbols
    "˜›‹Œƒ„‚µ"                        # Windows-1252 extras
)
_GLYPH = f"A-Za-z`_{re.escape(_PRE_BASE_GLYPHS + _AFTER_LETTER_GLYPHS)}\u00c0-\u00ff"

_SIGNALS = (
    re.compile(f"[{_PRE_BASE_GLYPHS}][{_GLYPH}]"),
    re.compile(f"[{_GLYPH}][{re.escape(_AFTER_LETTER_GLYPHS)}]"),
    re.compile("[a-z][\u00c0-\u00de]"),
    re.compile("[B-DF-HJ-NP-TV-Z`_cfghjkmpq][vx]|[vwx][A-Z]|^w[A-Z`_bcdfgjklmnpqst]"
               "|Av[A-Z`_b-df-hj-np-tv-z]"),
)

_WORD = re.compile(r"\S+")
_LETTER = re.compile("[A-Za-z\u00c0-\u00ff\u0985-\u09b9\u09ce\u09dc-\u09e1]")
_NOT_BIJOY = re.compile(r"://|^www\.|@\S*\.|à[¦§]", re.IGNORECASE)
_MIN_SHARE = 0.4
_MIN_EVIDENCE = 2


def _word_signals(word: str) -> int:
    """How many distinct Bijoy signals fire in one whitespace-separated word."""
    if _NOT_BIJOY.search(word):
        return 0
    return sum(1 for signal in _SIGNALS if signal.search(word))


def _scored_words(text: str) -> list[tuple[str, int]]:
    words = _WORD.findall(text.translate(_C1_AS_WINDOWS_1252))
    return [(w, _word_signals(w)) for w in words if _LETTER.search(w)]


def bijoy_words(text: str) -> list[str]:
    """The words of `text` that look Bijoy-encoded, in order, each once."""
    seen: dict[str, None] = {}
    for word, signals in _scored_words(text):
        if signals:
            seen.setdefault(word)
    return list(seen)


def looks_like_bijoy(text: str) -> bool:
    """True when `text` is most likely Bengali typed in Bijoy/SutonnyMJ."""
    scored = _scored_words(text)
    if not scored:
        return False
    suspects = [signals for _, signals in scored if signals]
    share = len(suspects) / len(scored)
    return share >= _MIN_SHARE and sum(suspects) >= _MIN_EVIDENCE
