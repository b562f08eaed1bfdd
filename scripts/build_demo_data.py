"""Rebuild the embedded demo data (Trafford) from the real public sources in shared/data/real.

Run: python scripts/build_demo_data.py [--real ../shared/data/real] [--out data]

Every figure that comes from a published file keeps its source and licence; everything made up
to show a feature (the LAA targets, partnership membership) is marked `illustrative=true` with a
note saying so. The datapackage.json descriptors in data/ are the hand-kept contract and are not
written here; only the CSV and GeoJSON files are.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

from reportcard.periods import suggest

TRAFFORD = "E08000009"
ENGLAND = "E92000001"
NORTH_WEST = "E12000002"
# ONS region codes (GSS register, OGL v3): the mySociety register names regions but gives no codes.
REGIONS = {
    "North East": "E12000001", "North West": "E12000002", "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004", "West Midlands": "E12000005", "East of England": "E12000006",
    "London": "E12000007", "South East": "E12000008", "South West": "E12000009",
}
LA_TYPES = {"MD": "metropolitan_borough", "UA": "unitary", "NMD": "district", "CTY": "county", "LBO": "london_borough"}
WARDS_2023_FROM = "2023-05-04"  # Trafford's new wards took effect at the May 2023 elections
OGL = "Open Government Licence v3.0"
LAB = "Trafford Data Lab (Trafford Council)"

THEMES = [
    ("people", "People and places", "Who lives in the ward: population, age and households."),
    ("deprivation", "Deprivation and poverty", "Income, employment and other kinds of deprivation."),
    ("health", "Health and wellbeing", "How healthy residents are and feel."),
    ("children", "Children and young people", "Early years, school and the step into work."),
    ("education", "Education and skills", "Qualifications held by adults."),
    ("housing", "Housing", "The kinds of home people live in and who owns them."),
    ("environment", "Environment", "Waste, recycling and the local environment."),
    ("transport", "Transport and digital", "Getting around and getting online."),
    ("economy", "Work and the economy", "Jobs and earnings."),
    ("democracy", "Democracy", "Taking part in local elections."),
]

# Ward profile indicators kept for the report card: file stem -> (id, short title, theme, unit,
# unit label, polarity, decimals). Polarity is our editorial judgement, stated on the site.
WARD_INDICATORS = {
    "demographics/total_resident_population": ("ward-population", "Residents", "people", "count", "people", "no_judgement", 0),
    "demographics/population_0-15_years": ("ward-aged-0-15", "Aged 0-15", "people", "percentage", "%", "no_judgement", 1),
    "demographics/population_65_or_more_years": ("ward-aged-65-plus", "Aged 65 or over", "people", "percentage", "%", "no_judgement", 1),
    "demographics/median_age": ("ward-median-age", "Median age", "people", "median", "years", "no_judgement", 0),
    "demographics/ethnically_diverse_communities": ("ward-ethnically-diverse", "Ethnically diverse communities", "people", "percentage", "%", "no_judgement", 1),
    "deprivation/index_of_multiple_deprivation": ("ward-imd-score", "Deprivation score (IMD)", "deprivation", "score", "score", "lower_is_better", 1),
    "deprivation/income_deprivation": ("ward-income-deprivation", "Income deprivation", "deprivation", "percentage", "%", "lower_is_better", 1),
    "deprivation/income_deprivation_children": ("ward-child-income-deprivation", "Children in income deprivation", "deprivation", "percentage", "%", "lower_is_better", 1),
    "deprivation/income_deprivation_older_people": ("ward-older-income-deprivation", "Older people in income deprivation", "deprivation", "percentage", "%", "lower_is_better", 1),
    "deprivation/employment_deprivation": ("ward-employment-deprivation", "Employment deprivation", "deprivation", "percentage", "%", "lower_is_better", 1),
    "health/general_health_bad_or_very_bad": ("ward-bad-health", "Bad or very bad health", "health", "percentage", "%", "lower_is_better", 1),
    "education/residents_no_qualifications": ("ward-no-qualifications", "No qualifications", "education", "percentage", "%", "lower_is_better", 1),
    "education/residents_higher_education_qualification": ("ward-degree-level", "Degree-level qualification", "education", "percentage", "%", "higher_is_better", 1),
    "housing/owner_occupied_housing": ("ward-owner-occupied", "Owner occupied homes", "housing", "percentage", "%", "no_judgement", 1),
    "housing/social_rented_housing": ("ward-social-rented", "Social rented homes", "housing", "percentage", "%", "no_judgement", 1),
    "housing/private_rented_housing": ("ward-private-rented", "Private rented homes", "housing", "percentage", "%", "no_judgement", 1),
    "deprivation/household_housing_deprived": ("ward-housing-deprived", "Households deprived in housing", "housing", "percentage", "%", "lower_is_better", 1),
    "transport/households_with_no_car": ("ward-no-car", "Households with no car", "transport", "percentage", "%", "no_judgement", 1),
    "communications/average_broadband_speed": ("ward-broadband-speed", "Broadband speed", "transport", "speed", "Mbit/s", "higher_is_better", 1),
    "governance/local_election_turnout": ("ward-turnout", "Local election turnout", "democracy", "percentage", "%", "higher_is_better", 1),
}

# Borough series with England and comparator councils: file -> indicator metadata.
BOROUGH_SERIES = {
    "climate/household_waste_recycling.csv": dict(
        id="NI192", short_title="Household waste recycled", theme="environment", unit="percentage", unit_label="%",
        decimals=1, polarity="higher_is_better", frequency="annual", ni_number="NI 192", source="DEFRA, Local authority collected waste statistics",
        source_url="https://www.gov.uk/government/statistical-data-sets/env18-local-authority-collected-waste-annual-results-tables",
        match="Household waste sent for reuse, recycling or composting", measure="Percentage",
        definition="The percentage of household waste sent for reuse, recycling or composting (the former National Indicator 192)."),
    "poverty/neet.csv": dict(
        id="NI117", short_title="16-17 year olds not in education, employment or training", theme="children", unit="percentage", unit_label="%",
        decimals=1, polarity="lower_is_better", frequency="annual", ni_number="NI 117", source="Department for Education, NEET and participation",
        source_url="https://explore-education-statistics.service.gov.uk/find-statistics/participation-in-education-training-and-employment-age-16-to-18",
        match=None, measure="Percentage",
        definition="16 and 17 year olds not in education, employment or training, or whose activity is not known, as a percentage of those known to the council."),
    "poverty/employment_rate.csv": dict(
        id="NI151", short_title="Employment rate (16-64)", theme="economy", unit="percentage", unit_label="%",
        decimals=1, polarity="higher_is_better", frequency="annual", ni_number="NI 151", source="ONS, Annual Population Survey",
        source_url="https://www.nomisweb.co.uk/", match="Employment rate - aged 16-64", measure="Percentage",
        definition="People aged 16 to 64 in employment as a percentage of all people aged 16 to 64 (calendar year)."),
    "poverty/children_poverty.csv": dict(
        id="NI116", short_title="Children in relative low income families", theme="deprivation", unit="percentage", unit_label="%",
        decimals=1, polarity="lower_is_better", frequency="annual", ni_number="NI 116", source="DWP, Children in low income families",
        source_url="https://www.gov.uk/government/collections/children-in-low-income-families-local-area-statistics",
        match="Children in relative low income families (under 16s)", measure="Percentage",
        definition="Children under 16 living in families with a relative low income (below 60% of median income before housing costs), as a percentage of all children under 16."),
    "poverty/fuel_poverty.csv": dict(
        id="NI187", short_title="Households in fuel poverty", theme="housing", unit="percentage", unit_label="%",
        decimals=1, polarity="lower_is_better", frequency="annual", ni_number="NI 187", source="DESNZ, Sub-regional fuel poverty statistics",
        source_url="https://www.gov.uk/government/collections/fuel-poverty-sub-regional-statistics", match=None, measure="Percentage",
        definition="Households in fuel poverty under the low income, high cost measure, as a percentage of all households."),
    "poverty/school_readiness.csv": dict(
        id="NI72", short_title="Good level of development at age 5", theme="children", unit="percentage", unit_label="%",
        decimals=1, polarity="higher_is_better", frequency="annual", ni_number="NI 72", source="DfE via OHID Fingertips, School readiness",
        source_url="https://fingertips.phe.org.uk/", match="School readiness: percentage of children achieving a good level of development at the end of Reception",
        measure="Percentage",
        definition="Children achieving a good level of development at the end of Reception, as a percentage of all eligible children."),
    "health/obese_year6.csv": dict(
        id="NI56", short_title="Obesity in Year 6", theme="children", unit="percentage", unit_label="%",
        decimals=1, polarity="lower_is_better", frequency="annual", ni_number="NI 56", source="NHS England, National Child Measurement Programme, via OHID Fingertips",
        source_url="https://fingertips.phe.org.uk/profile/national-child-measurement-programme", match=None, measure="Percentage",
        definition="Children in Year 6 (aged 10-11) classified as obese or severely obese, as a percentage of those measured."),
}
QUINTILES = {
    "Most deprived quintile": "deprivation=most-deprived-fifth",
    "Second most deprived quintile": "deprivation=second-most-deprived-fifth",
    "Average deprived quintile": "deprivation=middle-fifth",
    "Second least deprived quintile": "deprivation=second-least-deprived-fifth",
    "Least deprived quintile": "deprivation=least-deprived-fifth",
}


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n", extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row.get(k)) for k in fields})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def value_and_note(raw: str, note: str = "") -> dict:
    """Missing figures stay empty with a reason (never zero), as the data contract requires."""
    if raw.strip() in ("", "NA", "..", "x", "c"):
        reason = "Not available: the source publishes no figure for this area and period."
        return {"value": None, "note": f"{note} {reason}".strip()}
    return {"value": raw, "note": note}


def canonical_period(text: str) -> str:
    period = suggest(text)
    if period is None:
        raise SystemExit(f"cannot read period {text!r}: extend reportcard.periods.suggest")
    return period


def build_places(real: Path) -> tuple[list[dict], dict[str, str], list[dict], list[dict]]:
    register = {r["gss-code"]: r for r in read_csv(real / "mysociety_uk_local_authorities/uk_local_authorities_current.csv")}
    register_src = "mySociety UK local authority register (CC BY 4.0)"
    cipfa = read_csv(real / "trafford_corporate_plan/cipfa2021.csv")
    areas = [dict(code=ENGLAND, name="England", type="country", source="ONS")]
    council_codes = [TRAFFORD] + [r["area_code"] for r in cipfa]
    regions = sorted({register[c]["region"] for c in council_codes})
    for name in regions:
        areas.append(dict(code=REGIONS[name], name=name, type="region", parent_code=ENGLAND, source="ONS"))
    for code in council_codes:
        entry = register[code]
        areas.append(dict(code=code, name=entry["nice-name"], type=LA_TYPES[entry["local-authority-type"]],
                          parent_code=REGIONS[entry["region"]], valid_from=entry["start-date"] or None, source=register_src))
    ward_names: dict[str, str] = {}
    for feature in json.loads((real / "trafford_spatial/trafford_wards_2023_generalised.geojson").read_text())["features"]:
        props = feature["properties"]
        ward_names[props["area_name"]] = props["area_code"]
        areas.append(dict(code=props["area_code"], name=props["area_name"], type="ward", parent_code=TRAFFORD,
                          valid_from=WARDS_2023_FROM, source=f"ONS ward codes via {LAB} (OGL v3)"))
    for row in read_csv(real / "trafford_spatial/trafford_ward_abbreviations_2004_2022.csv"):
        areas.append(dict(code=row["area_code"], name=row["area_name"], type="ward", parent_code=TRAFFORD,
                          valid_from="2004-06-10", valid_to="2023-05-03",
                          source=f"ONS ward codes via {LAB} (OGL v3); retired at the 2023 boundary review"))
    councillors = []
    for row in read_csv(real / "trafford_councillors/councillors_2025-09-02.csv"):
        councillors.append(dict(ward_code=ward_names[row["Ward"]], name=row["Name"].removeprefix("Councillor ").strip(),
                                party=row["Party"], page=row["Page"],
                                source="Trafford Council councillor list, 2 September 2025, via Trafford Data Lab (OGL v3)"))
    groups = [dict(group_id="cipfa-trafford-2021", group_name="CIPFA nearest neighbours of Trafford (2021)", area_code=code,
                   source="CIPFA nearest neighbours model, as used by Trafford Data Lab") for code in council_codes]
    return areas, ward_names, councillors, groups


def build_ward_observations(real: Path, ward_codes: set[str]) -> tuple[list[dict], list[dict]]:
    meta = {}
    for meta_file in (real / "trafford_ward_data/wards_2023").glob("*/meta.csv"):
        for row in read_csv(meta_file):
            stem = Path(row["data"]).stem
            meta[f"{meta_file.parent.name}/{stem}"] = row
    indicators, observations = [], []
    for stem, (ind_id, short, theme, unit, unit_label, polarity, decimals) in WARD_INDICATORS.items():
        m = meta[stem]
        rows = read_csv(real / f"trafford_ward_data/wards_2023/{stem.split('/')[0]}/data/{stem.split('/')[1]}.csv")
        measures = {r["measure"] for r in rows}
        wanted = "Percentage" if "Percentage" in measures and unit == "percentage" else sorted(measures)[0]
        title = rows[0]["indicator"].replace(" (from best-fit OAs)", "")
        definition = m["description"]
        if "Best-fit" in m["geography"]:
            definition += " Ward figures are built from the small areas (output areas) that best fit the ward."
        indicators.append(dict(
            id=ind_id, title=title, short_title=short, theme=theme, unit=unit, unit_label=unit_label, decimals=decimals,
            polarity=polarity, scales="ward", frequency="census" if m["source"] == "Census 2021" else "annual",
            source=m["source"], source_url=m["data"], definition=definition, perception=False,
            licence=f"{OGL}; {LAB}", illustrative=False))
        for r in rows:
            if r["measure"] != wanted or r["area_code"] not in ward_codes:
                continue
            observations.append(dict(indicator_id=ind_id, area_code=r["area_code"], period=canonical_period(r["period"]),
                                     breakdown="all", status="final", illustrative=False, **value_and_note(r["value"])))
    return indicators, observations


def build_borough_series(real: Path, keep: set[str], old_wards: set[str]) -> tuple[list[dict], list[dict]]:
    indicators, observations = [], []
    for rel, spec in BOROUGH_SERIES.items():
        rows = read_csv(real / "trafford_corporate_plan" / rel)
        scales = {"metropolitan_borough", "unitary", "country"}
        for r in rows:
            if spec["match"] and r["indicator"] != spec["match"]:
                continue
            if r["measure"] != spec["measure"]:
                continue
            code = r["area_code"]
            inequality = r.get("inequality", "NA")
            if code in old_wards:
                scales.add("ward")
            elif code not in keep:
                continue
            if inequality not in ("NA", "") and inequality not in QUINTILES:
                continue
            breakdown = QUINTILES.get(inequality, "all")
            note = ""
            if code in old_wards:
                note = "Ward as it was before the May 2023 boundary review."
            observations.append(dict(indicator_id=spec["id"], area_code=code, period=canonical_period(r["period"]),
                                     breakdown=breakdown, status="final", illustrative=False, **value_and_note(r["value"], note)))
        meta = {k: v for k, v in spec.items() if k not in ("match", "measure")}
        title = next(r["indicator"] for r in rows if not spec["match"] or r["indicator"] == spec["match"])
        indicators.append(dict(meta, title=title, scales=";".join(sorted(scales)), perception=False,
                               licence=f"{OGL}; via {LAB}", next_update=None, illustrative=False))
    # Several sources repeat a row (e.g. pooled periods); keep the first of each key, as upstream charts do.
    seen, unique = set(), []
    for o in observations:
        key = (o["indicator_id"], o["area_code"], o["period"], o["breakdown"])
        if key not in seen:
            seen.add(key)
            unique.append(o)
    return indicators, unique


def build_targets(observations: list[dict]) -> dict[str, list[dict]]:
    """An illustrative LAA for Trafford set against real outcomes (no real LAA was found in public data)."""
    actual = {(o["indicator_id"], o["period"]): float(o["value"]) for o in observations
              if o["area_code"] == TRAFFORD and o["breakdown"] == "all" and o["value"] is not None}
    note = "Illustrative target: baselines are real published figures; milestones and final targets were made up to demonstrate the site."
    agreement = dict(id="trafford-laa-2019", name="Trafford Local Area Agreement 2019-2022 (illustrative)", area_code=TRAFFORD,
                     start="2019-04-01", end="2022-03-31", source="Illustrative, modelled on the 2008-11 Local Area Agreements", illustrative=True)
    plan = [  # indicator, type, LAA theme, baseline period, yearly step, milestone periods
        ("NI192", "designated", "economic_development_and_environment", "2018/19", 1.5, ["2019/20", "2020/21", "2021/22"]),
        ("NI117", "designated", "children_and_young_people", "2018/19", -0.3, ["2019/20", "2020/21", "2021/22"]),
        ("NI116", "designated", "children_and_young_people", "2018/19", -0.4, ["2019/20", "2020/21", "2021/22"]),
        ("NI187", "designated", "safer_and_stronger_communities", "2019", -0.5, ["2020", "2021"]),
        ("NI151", "designated", "economic_development_and_environment", "2019", 0.5, ["2020", "2021"]),
        ("NI56", "designated", "healthier_communities_and_older_people", "2018/19", -0.4, ["2019/20", "2020/21", "2021/22"]),
    ]
    targets, milestones = [], []
    for ind, kind, theme, base_period, step, periods in plan:
        baseline = actual[(ind, base_period)]
        target_id = f"{ind.lower()}-2022"
        for i, period in enumerate(periods, start=1):
            milestones.append(dict(target_id=target_id, period=period, value=round(baseline + step * i, 1), illustrative=True))
        targets.append(dict(id=target_id, agreement_id=agreement["id"], indicator_id=ind, type=kind, theme=theme,
                            baseline_period=base_period, baseline_value=baseline, target_period=periods[-1],
                            target_value=round(baseline + step * len(periods), 1), tolerance=abs(step), note=note, illustrative=True))
    lead = {"NI192": "trafford-council", "NI117": "trafford-council", "NI116": "trafford-council", "NI187": "trafford-council",
            "NI151": "jobcentre-plus", "NI56": "nhs-trafford"}
    contributors = {"NI192": ["trafford-housing-trust"], "NI117": ["trafford-college", "jobcentre-plus"],
                    "NI116": ["jobcentre-plus", "thrive-trafford"], "NI187": ["trafford-housing-trust", "thrive-trafford"],
                    "NI151": ["trafford-council", "trafford-college"], "NI56": ["trafford-council", "thrive-trafford"]}
    partners = []
    for t in targets:
        partners.append(dict(target_id=t["id"], organisation_id=lead[t["indicator_id"]], role="lead", illustrative=True))
        partners += [dict(target_id=t["id"], organisation_id=o, role="contributor", illustrative=True) for o in contributors[t["indicator_id"]]]
    return {"agreements": [agreement], "targets": targets, "milestones": milestones, "target_partners": partners}


def build_partnerships() -> dict[str, list[dict]]:
    """Illustrative partnership membership: the organisations are real, the roles are not from a published list."""
    orgs = [
        ("trafford-council", "Trafford Council", "local_government", True, "https://www.trafford.gov.uk/"),
        ("gmp", "Greater Manchester Police", "police", True, "https://www.gmp.police.uk/"),
        ("nhs-trafford", "NHS Greater Manchester (Trafford)", "health", True, "https://gmintegratedcare.org.uk/"),
        ("gmfrs", "Greater Manchester Fire and Rescue Service", "fire_and_rescue", True, "https://www.manchesterfire.gov.uk/"),
        ("jobcentre-plus", "Jobcentre Plus", "employment", True, "https://www.gov.uk/contact-jobcentre-plus"),
        ("probation", "Probation Service (Greater Manchester)", "probation", True, "https://www.gov.uk/government/organisations/probation-service"),
        ("trafford-college", "Trafford and Stockport College Group", "education", False, "https://www.tcg.ac.uk/"),
        ("trafford-housing-trust", "Trafford Housing Trust", "housing", False, "https://www.traffordhousingtrust.co.uk/"),
        ("thrive-trafford", "Thrive Trafford (voluntary, community and social enterprise sector)", "voluntary_and_community", False, "https://thrivetrafford.org.uk/"),
        ("tfgm", "Transport for Greater Manchester", "transport", False, "https://tfgm.com/"),
    ]
    organisations = [
        dict(id=i, name=n, sector=s, duty_to_cooperate=d, website=w, area_code=TRAFFORD if i == "trafford-council" else "", illustrative=True)
        for i, n, s, d, w in orgs
    ]
    parts = [
        ("trafford-partnership", "Trafford Partnership", "local_strategic_partnership", None, "The borough's local strategic partnership: public, voluntary and business partners agreeing shared priorities."),
        ("safer-trafford", "Safer Trafford Partnership", "community_safety", "trafford-partnership", "The community safety partnership: reducing crime, disorder and reoffending."),
        ("childrens-trust", "Trafford Children's Trust Board", "childrens_trust", "trafford-partnership", "Partners working together for children, young people and families."),
        ("health-and-wellbeing", "Trafford Health and Wellbeing Board", "health_and_wellbeing", "trafford-partnership", "Improving health and reducing health inequalities."),
        ("economic-partnership", "Trafford Economic Partnership", "economic", "trafford-partnership", "Jobs, skills and a thriving local economy."),
    ]
    partnerships = [dict(id=i, name=n, type=t, area_code=TRAFFORD, parent_id=p, description=d, illustrative=True) for i, n, t, p, d in parts]
    members = {
        "trafford-partnership": [("trafford-council", "chair"), ("trafford-council", "accountable_body"), ("gmp", "member"), ("nhs-trafford", "vice_chair"),
                                 ("gmfrs", "member"), ("jobcentre-plus", "member"), ("thrive-trafford", "member"), ("trafford-housing-trust", "member")],
        "safer-trafford": [("gmp", "chair"), ("trafford-council", "member"), ("gmfrs", "member"), ("probation", "member"), ("nhs-trafford", "member"), ("trafford-housing-trust", "member")],
        "childrens-trust": [("trafford-council", "chair"), ("nhs-trafford", "member"), ("gmp", "member"), ("trafford-college", "member"), ("thrive-trafford", "member")],
        "health-and-wellbeing": [("nhs-trafford", "chair"), ("trafford-council", "member"), ("thrive-trafford", "member"), ("gmfrs", "observer")],
        "economic-partnership": [("trafford-council", "chair"), ("jobcentre-plus", "member"), ("trafford-college", "member"), ("tfgm", "member")],
    }
    memberships = [dict(partnership_id=p, organisation_id=o, role=r, illustrative=True, **{"from": "2019-04-01"})
                   for p, rows in members.items() for o, r in rows]
    return {"organisations": organisations, "partnerships": partnerships, "memberships": memberships}


def fields_of(out: Path, package: str, resource: str) -> list[str]:
    descriptor = json.loads((out / package / "datapackage.json").read_text())
    schema = next(r for r in descriptor["resources"] if r["name"] == resource)["schema"]
    return [f["name"] for f in schema["fields"]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    args = parser.parse_args(argv)
    real, out = args.real.resolve(), args.out

    areas, ward_names, councillors, groups = build_places(real)
    new_wards = set(ward_names.values())
    old_wards = {a["code"] for a in areas if a["type"] == "ward" and a.get("valid_to")}
    councils = {a["code"] for a in areas if a["type"] != "ward"}
    ward_inds, ward_obs = build_ward_observations(real, new_wards)
    borough_inds, borough_obs = build_borough_series(real, councils, old_wards)
    observations = sorted(ward_obs + borough_obs, key=lambda o: (o["indicator_id"], o["area_code"], o["period"], o["breakdown"]))
    indicators = sorted(ward_inds + borough_inds, key=lambda i: i["id"])
    themes = [dict(id=i, title=t, description=d, order=n) for n, (i, t, d) in enumerate(THEMES)]

    tables = {
        ("places", "areas"): areas, ("places", "councillors"): councillors, ("places", "comparator_groups"): groups,
        ("indicators", "themes"): themes, ("indicators", "indicators"): indicators, ("indicators", "observations"): observations,
    }
    tables.update({("targets", k): v for k, v in build_targets(observations).items()})
    tables.update({("partnerships", k): v for k, v in build_partnerships().items()})
    for (package, resource), rows in tables.items():
        write_csv(out / package / f"{resource}.csv", fields_of(out, package, resource), rows)
    boundaries = json.loads((real / "trafford_spatial/trafford_wards_2023_generalised.geojson").read_text())
    boundaries.pop("crs", None)  # RFC 7946 GeoJSON is WGS84 by definition; the legacy member is not needed
    (out / "places" / "ward_boundaries.geojson").write_text(json.dumps(boundaries, separators=(",", ":")) + "\n")
    counts = defaultdict(int)
    for (package, _), rows in tables.items():
        counts[package] += len(rows)
    print("wrote", dict(counts), "rows to", out)


if __name__ == "__main__":
    main()
