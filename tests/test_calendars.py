"""Tests for epaper.calendars."""

import datetime
import unicodedata

import pytest

from epaper.calendars import (
    BANGLA_MONTHS,
    BN_DIGITS,
    GREGORIAN_MONTHS_BN,
    HIJRI_MONTHS_BN,
    WEEKDAYS_BN,
    CalendarDate,
    DateLine,
    bangla_date,
    bn_digits,
    hijri_date,
    masthead_dateline,
)

MASTHEAD_DAY = datetime.date(2026, 11, 27)


def _bangla(year: int, month: int, day: int) -> tuple[int, int, int]:
    result = bangla_date(datetime.date(year, month, day))
    return result.year, result.month, result.day


def test_bn_digits_converts_year():
    assert bn_digits("2026") == "২০২৬"


def test_bn_digits_accepts_int_and_leaves_other_characters():
    assert bn_digits(-1430) == "-১৪৩০"
    assert bn_digits("27 Nov") == "২৭ Nov"


def test_bn_digits_table_is_bengali_zero_to_nine():
    """Each digit becomes the Bengali digit of the same value, by Unicode's own numbering
    (not a copy of the table), and numbers keep their separators."""
    for d in range(10):
        got = bn_digits(str(d))
        assert len(got) == 1 and unicodedata.digit(got) == d, (d, got)
        assert unicodedata.name(got) == f"BENGALI DIGIT {unicodedata.name(str(d)).split()[-1]}"
    assert BN_DIGITS == "".join(bn_digits(d) for d in range(10))
    assert bn_digits(1234567890) == "১২৩৪৫৬৭৮৯০"
    assert bn_digits("1,84,700.50") == "১,৮৪,৭০০.৫০"  # lakh commas and a decimal point
    assert bn_digits("10:30") == "১০:৩০"
    assert bn_digits("2026-12-07") == "২০২৬-১২-০৭"
    assert bn_digits("৳ 1,200/-") == "৳ ১,২০০/-"


def test_name_tables_have_expected_sizes():
    assert len(GREGORIAN_MONTHS_BN) == 12
    assert len(BANGLA_MONTHS) == 12
    assert len(HIJRI_MONTHS_BN) == 12
    assert len(WEEKDAYS_BN) == 7


def test_name_tables_are_nfc_normalised():
    for name in GREGORIAN_MONTHS_BN + WEEKDAYS_BN + BANGLA_MONTHS + HIJRI_MONTHS_BN:
        assert unicodedata.normalize("NFC", name) == name


def test_weekdays_start_on_monday():
    assert WEEKDAYS_BN[datetime.date(2026, 11, 23).weekday()] == "সোমবার"


def test_pohela_boishakh_2026():
    assert bangla_date(datetime.date(2026, 4, 14)) == CalendarDate(1433, 1, 1, "বৈশাখ")


def test_ekushey_february_is_8_falgun():
    assert bangla_date(datetime.date(2025, 2, 21)) == CalendarDate(1431, 11, 8, "ফাল্গুন")


def test_independence_day_is_12_chaitra():
    assert bangla_date(datetime.date(2025, 3, 26)) == CalendarDate(1431, 12, 12, "চৈত্র")


def test_victory_day_is_1_poush():
    assert bangla_date(datetime.date(2025, 12, 16)) == CalendarDate(1432, 9, 1, "পৌষ")


def test_day_before_new_year_is_30_chaitra():
    assert bangla_date(datetime.date(2024, 4, 13)) == CalendarDate(1430, 12, 30, "চৈত্র")


def test_falgun_starts_on_14_february():
    assert _bangla(2024, 2, 14) == (1430, 11, 1)
    assert _bangla(2025, 2, 14) == (1431, 11, 1)


def test_leap_falgun_has_30_days():
    assert _bangla(2024, 3, 14) == (1430, 11, 30)
    assert _bangla(2024, 3, 15) == (1430, 12, 1)


def test_common_falgun_has_29_days():
    assert _bangla(2025, 3, 14) == (1431, 11, 29)
    assert _bangla(2025, 3, 15) == (1431, 12, 1)


@pytest.mark.parametrize(
    ("start_year", "falgun_length"),
    [(2023, 30), (2024, 29)],  # Bangla 1430 holds Feb 2024 (leap); 1431 holds Feb 2025.
)
def test_full_bangla_year_walk(start_year, falgun_length):
    expected_lengths = [31] * 6 + [30, 30, 30, 30, falgun_length, 30]
    bangla_year = start_year - 593
    first = datetime.date(start_year, 4, 14)
    next_first = datetime.date(start_year + 1, 4, 14)
    assert bangla_date(first - datetime.timedelta(days=1)).year == bangla_year - 1
    assert bangla_date(next_first).year == bangla_year + 1

    lengths = [0] * 12
    expected = (1, 1)
    day = first
    while day < next_first:
        result = bangla_date(day)
        assert result.year == bangla_year
        assert (result.month, result.day) == expected
        assert result.month_name == BANGLA_MONTHS[result.month - 1]
        lengths[result.month - 1] = result.day
        if result.day == expected_lengths[result.month - 1]:
            expected = (result.month + 1, 1)
        else:
            expected = (result.month, result.day + 1)
        day += datetime.timedelta(days=1)
    assert lengths == expected_lengths


def test_hijri_matches_umm_al_qura_first_of_ramadan_1446():
    assert hijri_date(datetime.date(2025, 3, 1)) == CalendarDate(1446, 9, 1, "রমজান")


def test_hijri_offset_minus_one_is_one_day_earlier_mid_month():
    day = datetime.date(2025, 3, 15)
    saudi = hijri_date(day)
    local = hijri_date(day, offset_days=-1)
    assert (local.year, local.month) == (saudi.year, saudi.month)
    assert local.day == saudi.day - 1


def test_hijri_outside_umm_al_qura_range_raises_value_error():
    with pytest.raises(ValueError, match="Hijri"):
        hijri_date(datetime.date(1900, 1, 1))


def test_masthead_dateline_bangla():
    assert masthead_dateline(MASTHEAD_DAY) == DateLine(
        gregorian="২৭ নভেম্বর ২০২৬",
        bangla="১২ অগ্রহায়ণ ১৪৩৩",
        hijri="১৭ জমাদিউস সানি ১৪৪৮ হিজরি",
        weekday="শুক্রবার",
    )


def test_masthead_dateline_english():
    assert masthead_dateline(MASTHEAD_DAY, lang="en") == DateLine(
        gregorian="27 November 2026",
        bangla="12 Agrahayan 1433",
        hijri="17 Jumada al-Thani 1448 AH",
        weekday="Friday",
    )


def test_masthead_dateline_applies_hijri_offset():
    line = masthead_dateline(MASTHEAD_DAY, lang="en", hijri_offset=-1)
    assert line.hijri == "16 Jumada al-Thani 1448 AH"


def test_masthead_dateline_rejects_unknown_lang():
    with pytest.raises(ValueError, match="unknown lang 'fr'"):
        masthead_dateline(MASTHEAD_DAY, lang="fr")
