"""The word lists Bengali hyphenation reads: endings, compound parts, prefixes, the
names of Latin letters, and the syllables of the words whose inherent vowels no rule
decides.

Plain data, read by epaper.text.hyphenate. Spellings are NFC, as the text engine sees them
(য় ড় ঢ় stay base letter + nukta); hyphenate normalises them once at import.
"""

from __future__ import annotations

# Endings that stand after a stem as a syllable of their own: a break before one keeps the
# stem whole (কয়েক-টি, উদ্যোগ-টিকে, প্রতিষ্ঠান-গুলোর). They are stripped from the end of a
# word, outermost first: particle, then case, then classifier or plural. A consonant stem
# before one of them ends in a closed syllable (কয়েক|টি is kɔek-ʈi, not kɔe-kʈi).
PARTICLES = ("ও", "ই")
CASES = ("দেরকে", "দেরই", "দেরও", "দের", "কে", "তে", "য়ের", "য়", "এর", "র")
CLASSIFIERS = ("গুলো", "গুলি", "সমূহ", "টি", "টা", "রা")
# Endings of a single akshara that may still stand alone at the start of a line: the
# reader gives these a syllable of their own (কয়েক-টি, সরকার-কে, কৃষক-রা).
SHORT_TAILS = ("টি", "টা", "কে", "রা")
# The abstract-noun ending -তা (জটিলতা, জলাবদ্ধতা): a break before it only after a stem of
# three aksharas or more, because short stems fuse with it (ক্ষমতা, জনতা, সমতা).
TA = "তা"
# Case endings that follow only a vowel: after a consonant, র and য় are the stem's own.
AFTER_VOWEL = ("র", "য়", "য়ের")
# The vowel sign the endings -e and -er fuse with a stem's last consonant: a compound part
# may end just before it (ছায়া-পথে). (-i and -ī make new words: গত but গতি.)
FUSED_SIGNS = ("ে",)

# Second halves of compounds common in news copy, and endings that behave like them: a
# break before one is the best of all (উল্লেখ-যোগ্য, সন্তোষ-জনক, আলোক-চিত্রী).
COMPOUND_PARTS = (
    "অধিদপ্তর", "উদ্যোগ", "উন্নয়ন", "উৎপাদন", "কর্তৃপক্ষ", "কর্মকর্তা", "কর্মসূচি", "কর্মী",
    "কর্তা", "করণ", "কল্যাণ", "কারখানা", "কারী", "কালীন", "কিপার", "কেন্দ্রিক", "কেন্দ্র",
    "খানা", "গঞ্জ", "গত", "গামী", "গ্রহণ", "ঘাট", "চালক", "চালিত", "চিকিৎসক", "চিকিৎসা",
    "চিত্রী", "চিত্র", "জনক", "জনিত", "জাত", "জীবী", "জীবন", "দপ্তর", "দায়ক", "দার",
    "দিন", "নগর", "নির্ভর", "নীতিমালা", "নীতি", "পন্থী", "পরিকল্পনা", "পরিবহন", "পরিষদ",
    "পর্যায়", "পক্ষ", "পথ", "পানি", "পুর", "পূর্ণ", "প্রকল্প", "প্রতিষ্ঠান", "প্রধান",
    "প্রশিক্ষণ", "প্রাপ্ত", "বছর", "বন্দর", "বাগ", "বাজার", "বাদী", "বাদ", "বার", "বাসী",
    "বাহিনী", "বিজ্ঞানী", "বিজ্ঞান", "বিদ্যালয়", "বিদ", "বিভাগ", "বিষয়ক", "বিহীন",
    "বিশেষজ্ঞ", "বিরোধী", "ব্যবসায়ী", "ব্যবস্থাপক", "ব্যবস্থাপনা", "ব্যবস্থা", "ব্যাপী",
    "ভাবে", "ভিত্তিক", "মন্ত্রণালয়", "মন্ত্রী", "মালা", "মালিক", "মুখী", "মূলক", "যাত্রী",
    "যুক্ত", "যোগ্য", "শালী", "শিক্ষক", "শিক্ষার্থী", "শিক্ষা", "শিল্প", "শীল", "সংক্রান্ত",
    "সংস্থা", "সচিব", "সড়ক", "সভা", "সম্পদ", "সম্পন্ন", "সহ", "সীমা", "সূচক", "সূচি",
    "সেবা", "হীন", "কণা", "প্রতি", "প্রবাহ", "প্রযুক্তি", "প্রেমী", "স্থল", "স্থান",
    "ক্ষেত্র", "শ্রমিক", "স্বাস্থ্য", "স্বার্থ", "স্তম্ভ", "কাজ", "মেলা", "ঘর")
# Prefixes whose root starts a syllable of its own (প্রতি-বেদন, উপ-জেলা, মহা-সড়ক).
PREFIXES = ("উপমহা", "প্রতি", "পরি", "অনু", "অভি", "অধি", "মহা", "উপ", "বে")
# Words that only look as if they ended in an ending or held a compound part: nothing is
# stripped from them (আমরাও is আমরা + ও, not আম + রা + ও).
NOT_SPLIT = ("বসুন্ধরা", "উত্তরা", "পরম্পরা", "অপ্সরা", "ক্ষমতা", "জনতা", "সমতা", "মমতা",
             "কবিতা", "দেবতা", "বার্তা", "উপর", "উপায়", "বেশি", "বেলা", "আমরা", "তোমরা",
             "তারা", "যারা", "ওরা", "এরা")
# Stems that end in the consonant an ending begins with, so that their locative or
# genitive reads like stem + ending: সংসদের is সংসদ + এর (shɔŋ-ʃɔ-der), not সংস + দের.
OWN_CONSONANT = ("সংসদ", "বিপদ", "জনপদ", "আপদ", "নিরাপদ", "পরিষদ", "আহমদ", "সৈয়দ", "সড়ক",
                 "সূচক", "আটক", "চমক", "নাটক", "ফটক", "মোড়ক", "ঝলক", "ধমক", "আদালত",
                 "শরবত", "রহমত", "বরকত", "হজরত", "ইবাদত", "দাওয়াত")

# The Bengali names of the Latin letters: an acronym spelled in them (ইপিবি, পিআইসি,
# এসএমএস) is read letter by letter and never broken.
LETTER_NAMES = (
    "এ", "বি", "সি", "ডি", "ই", "এফ", "জি", "এইচ", "আই", "জে", "কে", "এল", "এম", "এন",
    "ও", "পি", "কিউ", "আর", "এস", "টি", "ইউ", "ভি", "ডব্লিউ", "ডাব্লিউ", "ডব্লু",
    "ডাবলিউ", "এক্স", "ওয়াই", "জেড", "জেট")
# What may follow an acronym: case endings, plural, particles (ইপিবির, এসএমএসের, ডিএসইতে).
ACRONYM_ENDINGS = (
    "", "র", "এর", "ের", "কে", "তে", "য়", "ে", "এ", "ও", "ই", "রা", "দের", "েরও", "রও",
    "েরই", "রই", "তেও", "কেও", "টি", "টির", "গুলো", "গুলোর", "গুলোতে", "এরও", "য়ের")

# Syllables of stems whose inherent vowels the rules cannot decide: written with a "-"
# at every akshara boundary that is a syllable boundary and "|" where a morpheme ends.
# A bare consonant alone between marks keeps its vowel (বি-বে-চ-না: bibecona); one joined
# to the akshara before it closes that syllable (হাস-পা-তাল: haspatal). Checked by a test:
# every entry must be a well-formed syllable division.
SYLLABLES = (
    # -ana nouns from Sanskrit keep the vowel; those from Bengali's own stock lose it.
    "আ-লো-চ-না", "বি-বে-চ-না", "ঘ-ট-না", "র-চ-না", "ঘো-ষ-ণা", "ধা-র-ণা", "বে-দ-না",
    "সা-ধ-না", "উ-পা-স-না", "যো-জ-না", "চে-ত-না", "প্রে-র-ণা", "তু-ল-না", "গ-ণ-না",
    "গ-বে-ষ-ণা", "কা-ম-না", "উ-ত্তে-জ-না", "প্রা-র্থ-না", "ব-র্ণ-না", "স-মা-লো-চ-না",
    "প-র্যা-লো-চ-না", "প্র-স্তা-ব-না", "স-ম্ভা-ব-না", "প্র-ণো-দ-না", "আ-ব-র্জ-না",
    "দে-খা|শো-না", "ভাব-না", "বাজ-না", "ঝর-না",
    # nouns and names
    "হাস-পা-তাল", "সর-কার", "ই-ন্টার-নেট", "আ-লোক", "ক-য়েক", "এ-কেক", "অ-নেক",
    "উ-দ্যোগ", "স-ন্তোষ", "কি-শোর", "রা-জার", "না-জিম", "ত-দা-রক", "ত-দার-কি",
    "ইন-জেক-শন", "রিক-শা", "অ-টো-রিক-শা", "উই-কেট", "জ-টিল", "ধা-রা-বা-হিক",
    "বা-ধ্য-বা-ধক", "পৃ-ষ্ঠ-পো-ষক", "অ-ফিস", "দো-কান", "ফুট-বল", "টেক-নাফ", "ইস-লাম",
    "আম-দা-নি", "র-প্তা-নি", "কম-লা", "হাম-লা", "মাম-লা", "বদ-লি", "কার-খা-না",
    "দর-কার", "আজ-হার", "মাহ-মুদ", "মাহ-ফুজ", "কাম-রুল", "নজ-রুল", "শাহ-বাগ",
    "মো-হা-ম্মদ", "আব-দুল", "সাম-নে", "প-রি-ব-হন", "চা-ল-না", "প-রি-চা-ল-না",
    "ব্য-ব-স্থা-প-না", "স-ম্পা-দ-না", "প্র-কা-শ-না", "স-ভা-প-তি", "প্র-য়ো-জন",
    "বি-দ্যা-লয়", "কা-র্যা-লয়", "ম-ন্ত্র-ণা-লয়", "স-ফট|ও-য়্যার", "নেট|ও-য়ার্ক",
    "রেল|ও-য়ে", "অন-লাইন", "সা-ধা-র-ণত", "স-রা-স-রি", "পু-রো|দ-মে", "ক-ড়া-ক-ড়ি",
    "কা-রি-গর", "কা-রি-গ-রি", "প্র-কৌ-শল", "প্র-কৌ-শ-লী", "চ্যা-ম্পি-য়ন-শিপ",
    "ই-ন্টার-ন্যা-শ-নাল",
)
