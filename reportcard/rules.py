"""Domain rules a schema cannot express, and the warnings that never stop a build.

Each rule is a small function from the Dataset to problems, listed in RULES / WARNINGS so the
methodology page and the tests can name them.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .contract import WARD_PARENT_TYPES
from .dataset import Dataset
from .periods import PeriodError, parse_period
from .problems import DataProblem, error, warning
from .wording import hint


def _rows(frame: pd.DataFrame, mask) -> list[int]:
    return [int(r) for r in frame.loc[np.asarray(mask, dtype=bool), "_row"]]


def ci_contains_value(ds: Dataset) -> list[DataProblem]:
    obs = ds.frame("indicators", "observations", ["value", "lower_ci", "upper_ci"])
    if obs is None:
        return []
    value, lower, upper = obs["value"], obs["lower_ci"], obs["upper_ci"]
    order = (lower > upper).fillna(False)
    problems = [error("indicators", "observations", r, "lower_ci", "ci-order", "the lower confidence limit is above the upper one", hint("ci-order"))
                for r in _rows(obs, order)]
    below = (value < lower).fillna(False) & ~order
    above = (value > upper).fillna(False) & ~order
    for mask, side in ((below, "below its lower"), (above, "above its upper")):
        for i in np.flatnonzero(mask.to_numpy()):
            row = obs.iloc[i]
            problems.append(error("indicators", "observations", int(row["_row"]), "value", "value-outside-ci",
                                  f"the value {row['value']:g} is {side} confidence limit ({row['lower_ci']:g} to {row['upper_ci']:g})",
                                  hint("value-outside-ci")))
    return problems


def percentages_in_range(ds: Dataset) -> list[DataProblem]:
    indicators = ds.frame("indicators", "indicators", ["id", "unit"])
    if indicators is None:
        return []
    percentage_ids = set(indicators.loc[indicators["unit"] == "percentage", "id"].astype(str))
    problems = []
    checks = [("indicators", "observations", "indicator_id", ["value", "lower_ci", "upper_ci"])]
    targets = ds.frame("targets", "targets", ["id", "indicator_id"])
    if targets is not None:
        checks.append(("targets", "targets", "indicator_id", ["baseline_value", "target_value"]))
        milestones = ds.frame("targets", "milestones", ["target_id", "value"])
        if milestones is not None:
            target_indicator = dict(zip(targets["id"].astype(str), targets["indicator_id"].astype(str), strict=True))
            ds_milestones = milestones.assign(indicator_id=milestones["target_id"].astype(str).map(target_indicator))
            problems += _percent_rows("targets", "milestones", ds_milestones, percentage_ids, ["value"])
    for package, resource, id_field, fields in checks:
        frame = ds.frame(package, resource, [id_field, *fields])
        if frame is not None:
            problems += _percent_rows(package, resource, frame.assign(indicator_id=frame[id_field]), percentage_ids, fields)
    return problems


def _percent_rows(package, resource, frame, percentage_ids, fields) -> list[DataProblem]:
    is_percentage = frame["indicator_id"].isin(list(percentage_ids)).to_numpy()  # judged per category, not per row
    problems = []
    for field in fields:
        values = frame[field].astype("float64")
        bad = is_percentage & ((values < 0) | (values > 100)).fillna(False).to_numpy()
        for i in np.flatnonzero(bad):
            problems.append(error(package, resource, int(frame["_row"].iloc[i]), field, "percentage-out-of-range",
                                  f"{values.iloc[i]:g} is not a percentage between 0 and 100", hint("percentage-out-of-range")))
    return problems


def ward_parents_are_councils(ds: Dataset) -> list[DataProblem]:
    areas = ds.frame("places", "areas", ["code", "type", "parent_code"])
    if areas is None:
        return []
    type_of = dict(zip(areas["code"].astype(str), areas["type"].astype(str), strict=True))
    wards = areas[(areas["type"] == "ward").to_numpy()]
    parent_types = wards["parent_code"].astype("string").map(type_of)
    problems = []
    # Judged for all wards at once; only the wrong ones are visited row by row (7,000 wards at England scale).
    for _, ward in wards[~parent_types.isin(list(WARD_PARENT_TYPES)).to_numpy()].iterrows():
        parent = ward["parent_code"]
        parent_type = type_of.get(str(parent)) if pd.notna(parent) else None
        what = "has no parent" if pd.isna(parent) else f"has parent {parent}, a {parent_type or 'unknown area'}"
        problems.append(error("places", "areas", int(ward["_row"]), "parent_code", "ward-parent-not-council",
                              f"ward {ward['code']} {what}, not a council", hint("ward-parent-not-council")))
    return problems


PERIOD_FIELDS = [
    ("indicators", "observations", "period"),
    ("targets", "targets", "baseline_period"),
    ("targets", "targets", "target_period"),
    ("targets", "milestones", "period"),
]


def periods_follow_grammar(ds: Dataset) -> list[DataProblem]:
    problems = []
    for package, resource, field in PERIOD_FIELDS:
        frame = ds.frame(package, resource, [field])
        if frame is None:
            continue
        bad = {text: parsed for text, parsed in _parsed_periods(frame[field]).items() if isinstance(parsed, PeriodError)}
        for i in np.flatnonzero(frame[field].isin(list(bad)).to_numpy()):
            exc = bad[frame[field].iloc[i]]
            fix = f" Did you mean '{exc.suggestion}'?" if exc.suggestion else ""
            problems.append(error(package, resource, int(frame["_row"].iloc[i]), field, "period-format",
                                  f"'{exc.text}' is not a valid period: {exc.reason}", hint("period-format") + fix))
    return problems


def milestones_inside_agreement(ds: Dataset) -> list[DataProblem]:
    milestones = ds.frame("targets", "milestones", ["target_id", "period"])
    targets = ds.frame("targets", "targets", ["id", "agreement_id"])
    agreements = ds.frame("targets", "agreements", ["id", "start", "end"])
    if milestones is None or targets is None or agreements is None:
        return []
    agreement_of = dict(zip(targets["id"].astype(str), targets["agreement_id"].astype(str), strict=True))
    span = {str(a): (start, end) for a, start, end in zip(agreements["id"], agreements["start"], agreements["end"], strict=True)
            if pd.notna(start) and pd.notna(end)}
    periods = {text: parsed for text, parsed in _parsed_periods(milestones["period"]).items() if not isinstance(parsed, PeriodError)}
    problems = []
    for target_id, text, row in zip(milestones["target_id"], milestones["period"], milestones["_row"], strict=True):
        agreement = agreement_of.get(str(target_id))
        period = periods.get(text)
        if agreement not in span or period is None:
            continue  # no agreement or no period to judge (a bad period is reported by periods_follow_grammar)
        start, end = span[agreement]
        if period.start < start.date() or period.end > end.date():
            problems.append(error("targets", "milestones", int(row), "period", "milestone-outside-agreement",
                                  f"milestone period {text} falls outside agreement {agreement} ({start.date()} to {end.date()})",
                                  hint("milestone-outside-agreement")))
    return problems


def _parsed_periods(texts: pd.Series) -> dict:
    """Each distinct period text, parsed once, or the error it gives (a few dozen distinct texts in millions of rows)."""
    parsed = {}
    for text in texts.dropna().unique():
        try:
            parsed[text] = parse_period(str(text))
        except PeriodError as exc:
            parsed[text] = exc
    return parsed


def target_indicators_published_at_agreement_scale(ds: Dataset) -> list[DataProblem]:
    targets = ds.frame("targets", "targets", ["agreement_id", "indicator_id"])
    agreements = ds.frame("targets", "agreements", ["id", "area_code"])
    indicators = ds.frame("indicators", "indicators", ["id", "scales"])
    areas = ds.frame("places", "areas", ["code", "type"])
    if targets is None or agreements is None or indicators is None or areas is None:
        return []
    area_type = dict(zip(areas["code"].astype(str), areas["type"].astype(str), strict=True))
    agreement_type = {str(a): area_type.get(str(c)) for a, c in zip(agreements["id"], agreements["area_code"], strict=True)}
    scales = {str(i): set(str(s).split(";")) for i, s in zip(indicators["id"], indicators["scales"], strict=True)}
    problems = []
    for agreement_id, indicator_id, row in zip(targets["agreement_id"], targets["indicator_id"], targets["_row"], strict=True):
        needed = agreement_type.get(str(agreement_id))
        published = scales.get(str(indicator_id))
        if needed and published is not None and needed not in published:
            problems.append(error("targets", "targets", int(row), "indicator_id", "indicator-scale-mismatch",
                                  f"indicator {indicator_id} is not published for a {needed.replace('_', ' ')} "
                                  f"(published for: {', '.join(sorted(published))})",
                                  hint("indicator-scale-mismatch")))
    return problems


DATE_PAIRS = [
    ("places", "areas", "valid_from", "valid_to"),
    ("targets", "agreements", "start", "end"),
    ("partnerships", "memberships", "from", "to"),
]


def dates_in_order(ds: Dataset) -> list[DataProblem]:
    problems = []
    for package, resource, first, last in DATE_PAIRS:
        frame = ds.frame(package, resource, [first, last])
        if frame is None:
            continue
        for i in np.flatnonzero((frame[first] > frame[last]).fillna(False).to_numpy()):
            row = frame.iloc[i]
            problems.append(error(package, resource, int(row["_row"]), last, "date-order",
                                  f"{last} ({row[last].date()}) is before {first} ({row[first].date()})", hint("date-order")))
    return problems


def missing_values_have_reasons(ds: Dataset) -> list[DataProblem]:
    obs = ds.frame("indicators", "observations", ["value", "note"])
    if obs is None:
        return []
    silent = obs["value"].isna() & obs["note"].isna()
    return [error("indicators", "observations", r, "value", "missing-value-reason",
                  "the value is empty and the note does not say why", hint("missing-value-reason")) for r in _rows(obs, silent)]


RULES = [ci_contains_value, percentages_in_range, ward_parents_are_councils, periods_follow_grammar,
         milestones_inside_agreement, target_indicators_published_at_agreement_scale, dates_in_order,
         missing_values_have_reasons]


def provisional_and_suppressed(ds: Dataset) -> list[DataProblem]:
    obs = ds.frame("indicators", "observations", ["indicator_id", "value", "status", "note"])
    if obs is None:
        return []
    problems = []
    for code, mask, what in (("provisional-figure", obs["status"] == "provisional", "provisional"),
                             ("suppressed-value", obs["value"].isna() & obs["note"].notna(), "suppressed or not available")):
        flagged = obs[mask.fillna(False).to_numpy()]
        groups = flagged.groupby("indicator_id", observed=True, sort=False) if len(flagged) else []
        for indicator, group in sorted(((str(i), g) for i, g in groups), key=lambda pair: pair[0]):
            periods = ", ".join(sorted(group["period"].astype(str).unique())) if "period" in group else ""
            problems.append(warning("indicators", "observations", int(group["_row"].iloc[0]), "status" if code.startswith("prov") else "value",
                                    code, f"{len(group)} {what} figure(s) for {indicator} ({periods})", hint(code)))
    return problems


def stale_indicators(ds: Dataset, today: date) -> list[DataProblem]:
    indicators = ds.frame("indicators", "indicators", ["id", "next_update"])
    if indicators is None:
        return []
    late = (indicators["next_update"] < pd.Timestamp(today)).fillna(False)
    return [warning("indicators", "indicators", int(r["_row"]), "next_update", "stale-indicator",
                    f"{r['id']} was due an update on {r['next_update'].date()}", hint("stale-indicator"))
            for _, r in indicators[late.to_numpy()].iterrows()]


def wards_without_observations(ds: Dataset, today: date) -> list[DataProblem]:
    areas = ds.frame("places", "areas", ["code", "type", "valid_to"])
    obs = ds.frame("indicators", "observations", ["area_code"])
    if areas is None or obs is None:
        return []
    observed = {str(code) for code in obs["area_code"].dropna().unique()}  # distinct codes first: not a str per row
    current = (areas["type"] == "ward") & (areas["valid_to"].isna() | (areas["valid_to"] >= pd.Timestamp(today)))
    unobserved = current & ~areas["code"].astype(str).isin(observed)
    return [warning("places", "areas", int(r["_row"]), "code", "ward-without-observations",
                    f"ward {r['code']} ({r.get('name', '')}) has no observations", hint("ward-without-observations"))
            for _, r in areas[unobserved.to_numpy()].iterrows()]


def warnings_for(ds: Dataset, today: date) -> list[DataProblem]:
    return provisional_and_suppressed(ds) + stale_indicators(ds, today) + wards_without_observations(ds, today)
