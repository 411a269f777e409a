"""Format a newspaper masthead's date line in the Gregorian, revised Bangla and Hijri calendars."""

from __future__ import annotations

import calendar
import datetime
import unicodedata
from dataclasses import dataclass

from hijridate import Gregorian

BN_DIGITS: str = "০১২৩৪৫৬৭৮৯"

_TO_BN_DIGITS = str.maketrans("0123456789", BN_DIGITS)


def _nfc(*names: str) -> tuple[str, ...]:
    # Letters such as য় and ড় have two code-point spellings; NFC pins one so
    # equality checks and font shaping behave the same whatever the source text used.
    return tuple(unicodedata.normalize("NFC", name) for name in names)


GREGORIAN_MONTHS_BN: tuple[str, ...] = _nfc(
    "জানুয়ারি", "ফেব্রুয়ারি", "মার্চ", "এপ্রিল", "মে", "জুন",
    "জুলাই", "আগস্ট", "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর",
)
# Spelled out rather than taken from strftime, which follows the process locale.
GREGORIAN_MONTHS_EN: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# Monday-first so that date.weekday() indexes it directly.
WEEKDAYS_BN: tuple[str, ...] = _nfc(
    "সোমবার", "মঙ্গলবার", "বুধবার", "বৃহস্পতিবার", "শুক্রবার", "শনিবার", "রবিবার",
)
WEEKDAYS_EN: tuple[str, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)
BANGLA_MONTHS: tuple[str, ...] = _nfc(
    "বৈশাখ", "জ্যৈষ্ঠ", "আষাঢ়", "শ্রাবণ", "ভাদ্র", "আশ্বিন",
    "কার্তিক", "অগ্রহায়ণ", "পৌষ", "মাঘ", "ফাল্গুন", "চৈত্র",
)
BANGLA_MONTHS_EN: tuple[str, ...] = (
    "Boishakh", "Joishtho", "Asharh", "Srabon", "Bhadro", "Ashwin",
    "Kartik", "Agrahayan", "Poush", "Magh", "Falgun", "Chaitra",
)
HIJRI_MONTHS_BN: tuple[str, ...] = _nfc(
    "মহররম", "সফর", "রবিউল আউয়াল", "রবিউস সানি", "জমাদিউল আউয়াল", "জমাদিউস সানি",
    "রজব", "শাবান", "রমজান", "শাওয়াল", "জিলকদ", "জিলহজ",
)
HIJRI_MONTHS_EN: tuple[str, ...] = (
    "Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Awwal", "Jumada al-Thani",
    "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah",
)

LANGUAGES: tuple[str, ...] = ("bn", "en")

# The 2019 reform anchors 1 Boishakh to 14 April in every year.
_NEW_YEAR_MONTH = 4
_NEW_YEAR_DAY = 14
# Bangla year = Gregorian year - 593 from 14 April onwards.
_BANGLA_YEAR_OFFSET = 593


def bn_digits(value: int | str) -> str:
    """Return ``value`` as text with ASCII digits turned into Bengali ones; nothing else changes."""
    return str(value).translate(_TO_BN_DIGITS)


@dataclass(frozen=True)
class CalendarDate:
    """A date in a non-Gregorian calendar; ``month`` is 1-based and ``month_name`` is in Bangla."""

    year: int
    month: int
    day: int
    month_name: str


@dataclass(frozen=True)
class DateLine:
    """The four pieces of text a masthead prints for one day."""

    gregorian: str
    bangla: str
    hijri: str
    weekday: str


def _bangla_month_lengths(bangla_year: int) -> tuple[int, ...]:
    # The Bangla year starting on 14 April of Gregorian year G contains the
    # February of G + 1, so that year's leap day lands in Falgun.
    february_year = bangla_year + _BANGLA_YEAR_OFFSET + 1
    falgun = 30 if calendar.isleap(february_year) else 29
    return (31, 31, 31, 31, 31, 31, 30, 30, 30, 30, falgun, 30)


def bangla_date(d: datetime.date) -> CalendarDate:
    """Convert ``d`` to the revised (2019) Bangla calendar used officially in Bangladesh.

    1 Boishakh is 14 April; Boishakh to Ashwin have 31 days, Kartik to Magh and
    Chaitra 30, and Falgun 29, or 30 when its February has a leap day.
    """
    start_year = d.year
    if (d.month, d.day) < (_NEW_YEAR_MONTH, _NEW_YEAR_DAY):
        start_year -= 1
    bangla_year = start_year - _BANGLA_YEAR_OFFSET
    remaining = (d - datetime.date(start_year, _NEW_YEAR_MONTH, _NEW_YEAR_DAY)).days
    for index, length in enumerate(_bangla_month_lengths(bangla_year)):
        if remaining < length:
            return CalendarDate(bangla_year, index + 1, remaining + 1, BANGLA_MONTHS[index])
        remaining -= length
    # The month lengths always sum to the days between two 14 Aprils.
    raise AssertionError(f"{d} fell outside Bangla year {bangla_year}")


def hijri_date(d: datetime.date, offset_days: int = 0) -> CalendarDate:
    """Convert ``d`` to the Hijri calendar by Umm al-Qura, shifted for local moon sighting.

    Bangladesh sights the moon itself and usually runs one day behind Saudi
    Umm al-Qura, so ``offset_days=-1`` shows the Hijri day Umm al-Qura gives for
    the previous Gregorian day: the date converted is ``d + offset_days`` days.
    Raises ValueError outside Umm al-Qura's range (about 1924 to 2077).
    """
    shifted = d + datetime.timedelta(days=offset_days)
    try:
        hijri = Gregorian(shifted.year, shifted.month, shifted.day).to_hijri()
    except OverflowError as error:
        raise ValueError(f"cannot convert {shifted} to Hijri: {error}") from error
    return CalendarDate(hijri.year, hijri.month, hijri.day, HIJRI_MONTHS_BN[hijri.month - 1])


def masthead_dateline(d: datetime.date, lang: str = "bn", hijri_offset: int = 0) -> DateLine:
    """Build the masthead date line for ``d`` in ``lang`` ("bn" or "en").

    ``hijri_offset`` is passed to :func:`hijri_date` as ``offset_days``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown lang {lang!r}; expected one of {', '.join(LANGUAGES)}")
    bangla = bangla_date(d)
    hijri = hijri_date(d, hijri_offset)
    if lang == "en":
        return DateLine(
            gregorian=f"{d.day} {GREGORIAN_MONTHS_EN[d.month - 1]} {d.year}",
            bangla=f"{bangla.day} {BANGLA_MONTHS_EN[bangla.month - 1]} {bangla.year}",
            hijri=f"{hijri.day} {HIJRI_MONTHS_EN[hijri.month - 1]} {hijri.year} AH",
            weekday=WEEKDAYS_EN[d.weekday()],
        )
    return DateLine(
        gregorian=bn_digits(f"{d.day} {GREGORIAN_MONTHS_BN[d.month - 1]} {d.year}"),
        bangla=bn_digits(f"{bangla.day} {bangla.month_name} {bangla.year}"),
        hijri=bn_digits(f"{hijri.day} {hijri.month_name} {hijri.year} হিজরি"),
        weekday=WEEKDAYS_BN[d.weekday()],
    )
