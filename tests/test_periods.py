"""The period grammar: examples, real-world spellings, and properties."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reportcard.periods import PERIOD_PATTERN, PeriodError, parse_period, suggest


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2009/10", date(2009, 4, 1), date(2010, 3, 31)),
    ("1999/00", date(1999, 4, 1), date(2000, 3, 31)),
    ("2009", date(2009, 1, 1), date(2009, 12, 31)),
    ("2009-Q3", date(2009, 7, 1), date(2009, 9, 30)),
    ("2008-02", date(2008, 2, 1), date(2008, 2, 29)),
    ("2022-06-30", date(2022, 6, 30), date(2022, 6, 30)),
    ("2018/19 to 2022/23", date(2018, 4, 1), date(2023, 3, 31)),
])
def test_canonical_periods(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2009/11", "2009-13", "2009-Q5", "2022-02-30", "2010 to 2009", "2009 to 2010/11", " 2009", ""])
def test_invalid_periods_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


# Spellings found in the real files in shared/data/real (Trafford, ELS, Fingertips).
@pytest.mark.parametrize(("text", "canonical"), [
    ("2015 - 19", "2015 to 2019"), ("2015-16", "2015/16"), ("Jan 2012-Dec 2012", "2012"),
    ("2021-01-01/P3Y", "2021 to 2023"), ("April 2021", "2021-04"), ("2018/19 - 22/23", "2018/19 to 2022/23"),
    ("2017-10 to 2018-11", "2017-10 to 2018-11"), ("2006 to 2008", "2006 to 2008"), ("nonsense", None),
])
def test_suggestions_for_real_spellings(text, canonical):
    assert suggest(text) == canonical


@given(st.integers(1900, 2098))
def test_financial_years_round_trip(year):
    text = f"{year}/{(year + 1) % 100:02d}"
    assume((year + 1) % 100 > 12)  # 1999-00 .. 2011-12 are also real months, so no rewrite is suggested
    period = parse_period(text)
    assert period.start == date(year, 4, 1) and period.end == date(year + 1, 3, 31)
    assert suggest(f"{year}-{(year + 1) % 100:02d}") == text


@given(st.text(max_size=25))
def test_parser_never_crashes_and_agrees_with_the_schema_pattern(text):
    import re

    try:
        period = parse_period(text)
    except PeriodError:
        return
    assert period.start <= period.end
    assert re.fullmatch(PERIOD_PATTERN.strip("^$"), text)


@given(st.integers(1900, 2098), st.integers(1, 12), st.integers(1, 10))
def test_ranges_cover_their_ends(year, month, span):
    first, last = f"{year}-{month:02d}", f"{year + span}-{month:02d}"
    period = parse_period(f"{first} to {last}")
    assert period.contains(parse_period(first)) and period.contains(parse_period(last))
