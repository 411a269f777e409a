"""Bijoy/SutonnyMJ text: detection, and conversion to Unicode Bengali."""

from __future__ import annotations

import re
import unicodedata

import pytest

from epaper.content.bijoy import (
    BIJOY_TO_UNICODE,
    bijoy_to_unicode,
    bijoy_words,
    looks_like_bijoy,
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# (Bijoy as typed in SutonnyMJ, the Unicode Bengali it draws)
PAIRS = [
    # plain consonants and independent vowels
    ("AvKvk", "আকাশ"),
    ("Dc‡Rjv", "উপজেলা"),
    ("Ges", "এবং"),
    ("Ilya", "ওষুধ"),
    ("Bs‡iwR", "ইংরেজি"),
    ("Ck^i", "ঈশ্বর"),
    ("FY", "ঋণ"),
    ("HK¨", "ঐক্য"),
    ("Jla", "ঔষধ"),
    ("XvKv", "ঢাকা"),
    # aa / i / ii / u / uu / ri-kar
    ("Avwg", "আমি"),
    ("bvixi", "নারীর"),
    ("gyw³", "মুক্তি"),
    ("Kzwgjøv", "কুমিল্লা"),
    ("c~e©", "পূর্ব"),
    ("iƒc", "রূপ"),
    ("K…wl", "কৃষি"),
    ("K„wl", "কৃষি"),
    ("ïi“", "শুরু"),
    ("¸iæZ¡c~Y©", "গুরুত্বপূর্ণ"),
    # e / ai / o / au-kar
    ("‡`‡ki", "দেশের"),
    ("‰`wbK", "দৈনিক"),
    ("ivR‰bwZK", "রাজনৈতিক"),
    ("‡fvU", "ভোট"),
    ("‡Kv‡bv", "কোনো"),
    ("‡KŠkj", "কৌশল"),
    ("‡cŠimfv", "পৌরসভা"),
    # conjuncts
    ("wk¶v", "শিক্ষা"),
    ("wkÿv", "শিক্ষা"),
    ("Awfhy³", "অভিযুক্ত"),
    ("AvšÍR©vwZK", "আন্তর্জাতিক"),
    ("Avb›`", "আনন্দ"),
    ("ev¯Íe", "বাস্তব"),
    ("‡Póv", "চেষ্টা"),
    ("k¼v", "শঙ্কা"),
    ("AÄwj", "অঞ্জলি"),
    ("gš¿x", "মন্ত্রী"),
    ("¯¿x", "স্ত্রী"),
    ("Bw½Z", "ইঙ্গিত"),
    ("mÜ¨v", "সন্ধ্যা"),
    ("Dbœqb", "উন্নয়ন"),
    ("wkí", "শিল্প"),
    ("Dw™¢`", "উদ্ভিদ"),
    ("wØZxq", "দ্বিতীয়"),
    ("mvs¯‹…wZK", "সাংস্কৃতিক"),
    ("Bsj¨vÛ", "ইংল্যান্ড"),
    ("¯^vaxbZv", "স্বাধীনতা"),
    # reph
    ("ag©", "ধর্ম"),
    ("A_©", "অর্থ"),
    ("Kg©KZ©v", "কর্মকর্তা"),
    ("m¤ú‡K©", "সম্পর্কে"),
    ("wbe©vPb", "নির্বাচন"),
    ("Kvh©Ki", "কার্যকর"),
    ("EaŸ©", "ঊর্ধ্ব"),
    ("Kg©x", "কর্মী"),
    ("Kgx©", "কর্মী"),
    ("c~e©vÂj", "পূর্বাঞ্চল"),
    # ya-phala and ra-phala
    ("e¨vsK", "ব্যাংক"),
    ("e¨e¯’v", "ব্যবস্থা"),
    ("‡R¨ô", "জ্যেষ্ঠ"),
    ("A¨vWwgb", "অ্যাডমিন"),
    ("cÖ_g", "প্রথম"),
    ("c«wZ‡e`b", "প্রতিবেদন"),
    ("`ª“Z", "দ্রুত"),
    ("ivóªcwZ", "রাষ্ট্রপতি"),
    ("A‡÷ªwjqv", "অস্ট্রেলিয়া"),
    ("cÖavbgš¿x", "প্রধানমন্ত্রী"),
    # khanda-ta, chandrabindu, anusvara, visarga
    ("nVvr", "হঠাৎ"),
    ("mv¶vr", "সাক্ষাৎ"),
    ("Pvu`", "চাঁদ"),
    ("cvuP", "পাঁচ"),
    ("‡LvuR", "খোঁজ"),
    ("‡ZuZzj", "তেঁতুল"),
    ("evsjv‡`k", "বাংলাদেশ"),
    ("`ytL", "দুঃখ"),
    ("AZtci", "অতঃপর"),
    # ya, rra, rha
    ("mgq", "সময়"),
    ("Mvwo", "গাড়ি"),
    ("eo", "বড়"),
    ("Avlvp", "আষাঢ়"),
    ("‡`Iqv", "দেওয়া"),
    # digits and danda
    ("2024 mv‡j 15 Rb wbnZ|", "২০২৪ সালে ১৫ জন নিহত।"),
    ("mgq 10t30", "সময় ১০:৩০"),
    # words from the brief
    ("‡nj‡g‡Ui", "হেলমেটের"),
    ("e¨vUUv", "ব্যাটটা"),
    ("Rvwm©i", "জার্সির"),
    ("`ª“ZB", "দ্রুতই"),
    ("wµ‡K‡U", "ক্রিকেটে"),
    # the letters no word above has on its own
    ("N‡ii", "ঘরের"),
    ("evOvwj", "বাঙালি"),
    ("So", "ঝড়"),
    ("wgTv", "মিঞা"),
    ("dj", "ফল"),
    ("mvj 1789", "সাল ১৭৮৯"),
    # sentences
    ("Avwg evsjvq Mvb MvB", "আমি বাংলায় গান গাই"),
    ("miKvi ‡`‡ki Dbœq‡b mevB‡K GKmv‡_ KvR Ki‡Z ej‡Q|",
     "সরকার দেশের উন্নয়নে সবাইকে একসাথে কাজ করতে বলছে।"),
    ("Z‡e ‡mwU GL‡bv cix¶vi cÖv_wgK ch©v‡q Av‡Q|",
     "তবে সেটি এখনো পরীক্ষার প্রাথমিক পর্যায়ে আছে।"),
    ("Avš—R©vwZK wµ‡K‡U e¨vwUs Ki‡Z ‡`Lv ‡Mj|",
     "আন্তর্জাতিক ক্রিকেটে ব্যাটিং করতে দেখা গেল।"),
    ("XvKv, 6 b‡f¤^i (evmm) - ÔKwgDwbwUÕ Ges Òmsev`Ó|",
     "ঢাকা, ৬ নভেম্বর (বাসস) - ‘কমিউনিটি’ এবং “সংবাদ”।"),
]


@pytest.mark.parametrize(("bijoy", "unicode"), PAIRS, ids=[u for _, u in PAIRS])
def test_converts_to_unicode(bijoy: str, unicode: str) -> None:
    assert nfc(bijoy_to_unicode(bijoy)) == nfc(unicode)


# What a converter must get right, each of which some pair above exercises.
ALPHABET = ("ক খ গ ঘ ঙ চ ছ জ ঝ ঞ ট ঠ ড ঢ ণ ত থ দ ধ ন প ফ ব ভ ম য র ল শ ষ স হ ড় ঢ় য় ৎ "
            "অ আ ই ঈ উ ঊ ঋ এ ঐ ও ঔ").split()
LETTERS = ALPHABET + "া ি ী ু ূ ৃ ে ৈ ো ৌ ং ঃ ঁ ০ ১ ২ ৩ ৪ ৫ ৬ ৭ ৮ ৯ ।".split()
FORMS = {"reph": "র্ম", "ya-phala": "্য", "ra-phala": "্র", "ba-phala": "্ব", "conjunct": "ক্ষ"}


def test_enough_pairs() -> None:
    """The pairs cover every letter, sign and digit a converter needs, from every key of
    the Bijoy layout that types a letter; and the Unicode side of each, converted again,
    comes back unchanged (a file converted twice loses nothing)."""
    unicode = nfc("".join(u for _, u in PAIRS))
    assert [x for x in LETTERS if nfc(x) not in unicode] == []
    assert [name for name, form in FORMS.items() if nfc(form) not in unicode] == []
    typed = "".join(b for b, _ in PAIRS)
    keys = [k for k, v in BIJOY_TO_UNICODE.items() if nfc(v) in map(nfc, ALPHABET)]
    assert len(keys) == len(ALPHABET)
    assert [k for k in keys if k not in typed] == []
    for _, text in PAIRS:
        if re.fullmatch("[\u0980-\u09ff। ]+", text):
            assert bijoy_to_unicode(text) == nfc(text), text


def test_output_is_nfc() -> None:
    out = bijoy_to_unicode("mgq Mvwo eo ‡Kv‡bv ‡KŠkj")
    assert out == nfc(out)


def test_keeps_whitespace_and_line_count() -> None:
    bijoy = "Avwg evsjvq Mvb MvB\n\n  ‡`‡ki  Dbœqb\t|\n"
    out = bijoy_to_unicode(bijoy)
    assert nfc(out) == nfc("আমি বাংলায় গান গাই\n\n  দেশের  উন্নয়ন\t।\n")
    assert out.count("\n") == bijoy.count("\n")


def test_pre_base_sign_does_not_cross_a_space() -> None:
    assert nfc(bijoy_to_unicode("‡ K")) == nfc("ে ক")


def test_unicode_bengali_passes_through() -> None:
    text = "প্রধানমন্ত্রী কেন্দ্রীয় দেশের কৌশল"
    assert bijoy_to_unicode(text) == nfc(text)
    assert nfc(bijoy_to_unicode("ঢাকা XvKv")) == nfc("ঢাকা ঢাকা")


def test_no_latin_left_in_converted_news() -> None:
    out = bijoy_to_unicode(BIJOY_TEXTS[0])
    assert not any("A" <= ch <= "z" for ch in out)


BIJOY_TEXTS = [
    "‡nj‡g‡Ui wb‡P mvbMvm| c¨vU KvwgÝ‡K RvqMv ‡_‡K `vuwo‡q ‡Lj‡Z wM‡q ejUv ÷v‡¤ú ‡W‡K "
    "Avb‡jb| ‡divi c‡_ ‡nj‡gUUv Ly‡j e¨vUUv DuwP‡q ai‡jb M¨vjvwii w`‡K|",
    "Avwg evsjvq Mvb MvB",
    "miKvi ‡`‡ki Dbœq‡b mevB‡K GKmv‡_ KvR Ki‡Z ej‡Q|",
    "Z‡e ‡mwU GL‡bv cix¶vi cÖv_wgK ch©v‡q Av‡Q e‡j evZ©v ms¯’v iqUv‡m©i Le‡i ejv n‡q‡Q|",
    "XvKv, 6 b‡f¤^i",
    "‡Ljv",
    "evsjv‡`k",
]

NOT_BIJOY = [
    "ঢাকায় আজ Bangladesh Bank নতুন মুদ্রানীতি ঘোষণা করেছে; GDP প্রবৃদ্ধি ধরা হয়েছে ৬.৫%।",
    "বিশ্বকাপে Team India-র বিপক্ষে ২০২৩ সালে 250 রান করেছিল বাংলাদেশ। Source: ESPNcricinfo",
    "মেট্রোরেলের MRT Line-6 এখন সকাল ৭টা থেকে রাত ৯টা পর্যন্ত চলে, জানিয়েছে DMTCL।",
    "“We’re not done yet,” said Zoë Martínez, the café owner — a naïve hope, perhaps… "
    "The Müller–Thurgau vines (½ hectare) grew 2°C warmer.",
    "Dhaka, Nov 6 (Reuters) – Bangladesh’s central bank on Monday raised its policy rate "
    "to 6.75% to rein in inflation, which hovered near 9.5%, officials said.",
    "The iPhone maker’s deal with YouTube and PayPal surprised São Paulo’s señor García, "
    "Genève’s Ångström lab and Košice’s mayor; see § 4 and footnote†.",
    "© 2024 The Daily Star. All rights reserved.",
    "Copyright © 2023–2024 Prothom Alo Pvt. Ltd.",
    "https://www.thedailystar.net/news/bangladesh?id=12345 editor@thedailystar.net",
    "12,500 1995 3.14 -7 +880 1711-000000",
    "The country covers 147,570 km² of delta.",
    "",
    "   \n  ",
]


@pytest.mark.parametrize("text", BIJOY_TEXTS)
def test_detects_bijoy(text: str) -> None:
    assert looks_like_bijoy(text)
    assert bijoy_words(text)


@pytest.mark.parametrize("text", NOT_BIJOY)
def test_does_not_flag_unicode_or_english(text: str) -> None:
    assert not looks_like_bijoy(text)


def test_converted_bijoy_no_longer_looks_like_bijoy() -> None:
    for text in BIJOY_TEXTS:
        assert not looks_like_bijoy(bijoy_to_unicode(text))


def test_bijoy_words_lists_suspects_in_order_once() -> None:
    assert bijoy_words("Avwg evsjvq Mvb MvB Mvb") == ["Avwg", "evsjvq", "Mvb", "MvB"]
    assert bijoy_words("Breaking: ‡`‡ki news") == ["‡`‡ki"]
    assert bijoy_words("“Quoted” café — naïve Zoë © 2024") == []


def test_reads_files_decoded_as_latin1() -> None:
    raw = "‡nj‡g‡Ui wb‡P ‰Zwi".encode("cp1252").decode("latin-1")
    assert looks_like_bijoy(raw)
    assert nfc(bijoy_to_unicode(raw)) == nfc("হেলমেটের নিচে তৈরি")
