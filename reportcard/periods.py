"""The period grammar: the one place where period strings become dates.

Canonical forms (what the data must use):

=============  ==================  ===========================================
form           example             meaning
=============  ==================  ===========================================
``YYYY/YY``    ``2009/10``         financial year, 1 April 2009 to 31 March 2010
``YYYY``       ``2009``            calendar year
``YYYY-Qn``    ``2009-Q3``         calendar quarter (Q3 = July to September)
``YYYY-MM``    ``2009-10``         calendar month
``YYYY-MM-DD`` ``2022-06-30``      a single day (a snapshot or count date)
``A to B``     ``2018/19 to 2020/21``  pooled years: from the start of A to the end of B
=============  ==================  ===========================================

`suggest` turns the spellings met in real published files (``2015 - 19``, ``2015-16``,
``Jan 2012-Dec 2012``, ``2021-01-01/P3Y``...) into the canonical form, so an error can say what
to write instead, and the demo-data script can normalise its sources with the same rules.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_FINANCIAL = re.compile(r"^(\d{4})/(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

#: A regular expression (RE2- and Python-compatible) for the shape of every canonical period.
SINGLE_SHAPE = r"\d{4}(/\d{2}|-Q[1-4]|-\d{2}(-\d{2})?)?"
PERIOD_PATTERN = rf"^{SINGLE_SHAPE}( to {SINGLE_SHAPE})?$"


class PeriodError(ValueError):
    """A period string that does not follow the grammar; `suggestion` may hold a fix."""

    def __init__(self, text: str, reason: str):
        self.text = text
        self.reason = reason
        super().__init__(f"{text!r}: {reason}")

    @property
    def suggestion(self) -> str | None:
        return suggest(self.text)


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    label: str
    kind: str

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


def _single(text: str) -> Period:
    if m := _FINANCIAL.match(text):
        year, short = int(m[1]), int(m[2])
        if (year + 1) % 100 != short:
            raise PeriodError(text, f"a financial year runs into the next year: {year}/{(year + 1) % 100:02d}")
        return Period(date(year, 4, 1), date(year + 1, 3, 31), text, "financial_year")
    if m := _YEAR.match(text):
        year = int(m[1])
        return Period(date(year, 1, 1), date(year, 12, 31), text, "calendar_year")
    if m := _QUARTER.match(text):
        year, quarter = int(m[1]), int(m[2])
        first = 3 * quarter - 2
        last = first + 2
        return Period(date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]), text, "quarter")
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodError(text, f"there is no month {month}")
        return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), text, "month")
    if m := _DAY.match(text):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise PeriodError(text, f"not a real date ({exc})") from None
        return Period(day, day, text, "day")
    raise PeriodError(text, "not a period in the grammar (2009/10, 2009, 2009-Q3, 2009-10, 2009-10-31, or 'A to B')")


def parse_period(text: str) -> Period:
    """Parse one canonical period string; raise PeriodError (with a suggestion) otherwise."""
    if not isinstance(text, str) or text != text.strip() or not text:
        raise PeriodError(str(text), "empty, or has spaces at either end")
    if " to " in text:
        first_text, _, last_text = text.partition(" to ")
        first, last = _single(first_text), _single(last_text)
        if first.kind != last.kind:
            raise PeriodError(text, "both ends of a range must be the same kind of period")
        if last.start <= first.start:
            raise PeriodError(text, "the end of a range must come after its start")
        return Period(first.start, last.end, text, f"{first.kind}_range")
    return _single(text)


def is_period(text: str) -> bool:
    try:
        parse_period(text)
    except PeriodError:
        return False
    return True


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})


def _expand_year(short: str, century_from: int) -> int:
    year = int(short)
    if len(short) == 4:
        return year
    return century_from // 100 * 100 + year + (100 if year < century_from % 100 else 0)


def _suggest_single(text: str) -> str | None:
    text = text.strip()
    if is_period(text) and " to " not in text:
        return text
    if m := re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{2})", text):  # 2015-16 or 2015 / 16
        year, short = int(m[1]), int(m[2])
        if (year + 1) % 100 == short:
            return f"{year}/{short:02d}"
    if m := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", text):  # April 2021, Jan 2012
        month = _MONTHS.get(m[1].lower())
        if month:
            return f"{m[2]}-{month:02d}"
    if m := re.fullmatch(r"(\d{4})\s*Q([1-4])", text, re.IGNORECASE):
        return f"{m[1]}-Q{m[2]}"
    return None


def suggest(text: str) -> str | None:
    """The canonical spelling of a period written another common way, or None."""
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())
    if is_period(text):
        return text
    # ISO 8601 interval with a duration: 2021-01-01/P3Y -> 2021 to 2023
    if m := re.fullmatch(r"(\d{4})-01-01/P(\d+)Y", text):
        start, years = int(m[1]), int(m[2])
        return f"{start}" if years == 1 else f"{start} to {start + years - 1}"
    # Jan 2012-Dec 2012 -> 2012
    m = re.fullmatch(r"Jan(?:uary)? (\d{4}) ?- ?Dec(?:ember)? (\d{4})", text, re.IGNORECASE)
    if m and m[1] == m[2]:
        return m[1]
    # ranges written with ' - ', '-', ' to ' and shortened ends: 2015 - 19, 2018/19 - 22/23
    if m := re.fullmatch(r"(.+?)\s*(?:\bto\b|\s-\s)\s*(.+)", text):
        first = _suggest_single(m[1])
        if first is None:
            return None
        last_text = m[2]
        first_year = int(first[:4])
        if re.fullmatch(r"\d{2}", last_text):
            last_text = str(_expand_year(last_text, first_year))
        elif mm := re.fullmatch(r"(\d{2})/(\d{2})", last_text):
            last_text = f"{_expand_year(mm[1], first_year)}/{mm[2]}"
        last = _suggest_single(last_text)
        if last is None:
            return None
        candidate = f"{first} to {last}"
        return candidate if is_period(candidate) else None
    single = _suggest_single(text)
    return single if single and is_period(single) else None
