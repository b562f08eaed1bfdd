"""How numbers are written: one rounding rule for pages, chart tables, summaries and downloads."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import pandas as pd
from markupsafe import Markup, escape

from .measures import rounded
from .model import Indicator

NOT_AVAILABLE = "not available"


def number(value: float | None, places: int) -> str:
    """Rounded half away from zero, with thousands separators: 236,370 or 57.3."""
    if value is None:
        return NOT_AVAILABLE
    return f"{rounded(value, places):,}"


def csv_number(value: float | None, places: int) -> str:
    """The same rounding as on the page, without separators, so a spreadsheet reads a number."""
    return "" if value is None else str(rounded(value, places))


def each_figure(values: pd.Series, places: pd.Series, show: Callable[[float | None, int], str]) -> pd.Series:
    """`show(value, places)` for every row (None for a missing value), worked out once per distinct pair: a commit
    that revises a ward-level indicator changes 80,000 figures, and the change log and feeds write each of them."""
    pairs = pd.DataFrame({"value": values.to_numpy(float, na_value=float("nan")), "places": places.to_numpy(int)})
    distinct = pairs.drop_duplicates()
    distinct["text"] = [show(None if v != v else v, int(p)) for v, p in zip(distinct["value"], distinct["places"], strict=True)]
    return pd.Series(pairs.merge(distinct, how="left", on=["value", "places"])["text"].to_numpy(), index=values.index, dtype=object)


def with_unit(value: float | None, indicator: Indicator) -> str:
    """57.3% or 67.7 Mbps: the unit label right after a percentage, after a space otherwise."""
    text = number(value, indicator.places)
    label = indicator.unit_label or ""
    if value is None or not label or label in {"score", "rate"}:
        return text
    return f"{text}%" if label == "%" else f"{text} {label}"


def interval(lower: float | None, upper: float | None, indicator: Indicator) -> str:
    if lower is None or upper is None:
        return ""
    return f"{number(lower, indicator.places)} to {number(upper, indicator.places)}"


@lru_cache(maxsize=4096)
def verdict_html(verdict) -> Markup:
    """A judgement as words with its text symbol (colour, from the class, only repeats them).

    Kept per verdict: there are a few dozen, and a ward card shows about eighty.
    """
    key, symbol, label = escape(verdict.key), escape(verdict.symbol), escape(verdict.label)
    return Markup(f'<span class="verdict verdict-{key}"><span class="symbol" aria-hidden="true">{symbol}</span> {label}</span>')


def strip_html(placing, ward_name: str) -> Markup:
    """Where a ward sits among its council's wards, as a dot on a bar (the words are beside it)."""
    if not placing:
        return Markup("")
    # escape() and an f-string: Markup.format goes through string.Formatter, ten times slower
    return Markup(f'<div class="strip" role="img" aria-label="{escape(ward_name)} is in the {escape(placing.words)} of '
                  f'{escape(placing.peers)} wards">\n'
                  f'  <span class="strip-bar"><span class="strip-dot" style="left: {placing.position * 100:.1f}%"></span></span>\n'
                  '  <span class="strip-ends" aria-hidden="true"><span>lowest</span><span>highest</span></span>\n'
                  '</div>\n')


def words(identifier: str | None) -> str:
    """An enum value as words for people: 'higher_is_better' -> 'higher is better'."""
    return (identifier or "").replace("_", " ")
