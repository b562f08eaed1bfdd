"""Plain-language messages and hints for every problem code.

Both schema engines (Frictionless and the vectorised one) and the project's own checks word
their problems here, so the same mistake always reads the same way whichever check caught it.
"""

from __future__ import annotations

import re

HINTS: dict[str, str] = {
    "package-missing": "Each data folder needs a datapackage.json describing its files; copy the one from the demo data.",
    "package-malformed": "datapackage.json must be valid JSON: check for a missing comma or quote near the position given.",
    "package-invalid": "Fix the descriptor so it follows the Data Package standard (see the data contract page).",
    "contract-resource-missing": "The site needs this table; add it to datapackage.json with the schema from the data contract.",
    "contract-field-missing": "The site needs this column; add it to the resource's schema (see the data contract page).",
    "file-missing": "Add the file, or correct its `path` in datapackage.json.",
    "file-empty": "The file has no header row and no data; export it again from your spreadsheet.",
    "encoding-error": "Save the file as 'CSV UTF-8' (in Excel: File > Save As > CSV UTF-8).",
    "blank-label": "Give every column a name in the header row, or delete the empty column.",
    "duplicate-label": "Every column name in the header row must be different.",
    "incorrect-label": "Rename the column to the name in the schema, or move columns into the schema's order.",
    "missing-label": "Add the missing column (it may be left empty where the schema allows).",
    "extra-label": "Delete the extra column, or add it to the schema in datapackage.json.",
    "blank-row": "Delete the empty row.",
    "missing-cell": "This row has fewer cells than the header: a value or a comma is missing.",
    "extra-cell": "This row has more cells than the header: look for a stray comma, or put quotes round a value that contains a comma.",
    "type-error": "Correct the value so it has the column's type (see the data contract page).",
    "constraint-error": "Correct the value so it meets the rule shown.",
    "primary-key": "Each row must be unique on the key columns: delete or correct the duplicate row.",
    "unique-error": "Each value in this column must be different.",
    "foreign-key": "Add the missing row to the referenced table, or correct the value.",
    "unknown-reference": "Add the missing row to the referenced table in the other package, or correct the code.",
    "value-outside-ci": "A value must lie between its lower and upper confidence limits; check the three columns were not swapped.",
    "ci-order": "The lower confidence limit must not be above the upper one.",
    "percentage-out-of-range": "A percentage must be between 0 and 100; check the value is not a proportion (0.42) or a count.",
    "ward-parent-not-council": "A ward's parent_code must be the council (district, borough or unitary) it sits in.",
    "milestone-outside-agreement": "Milestones must fall within the agreement's start and end dates.",
    "indicator-scale-mismatch": "Choose an indicator published for the agreement's area, or add that area type to the indicator's scales.",
    "period-format": "Write periods as 2009/10, 2009, 2009-Q3, 2009-10, 2009-10-31 or '2018/19 to 2020/21'.",
    "date-order": "The start date must not be after the end date.",
    "missing-value-reason": "Leave a suppressed or missing value empty and say why in the note column (never write 0).",
    "boundary-malformed": "The boundaries file must be GeoJSON: a FeatureCollection whose features each have an area_code property.",
    "boundary-unknown-area": "Every boundary must be for a ward in places/areas; check the ward code.",
    "boundary-duplicate-feature": "Each ward may appear only once in the boundaries file; delete the duplicate feature.",
    "provisional-figure": "Provisional figures may change; the site marks them.",
    "suppressed-value": "Suppressed values are shown as 'not available' with the reason.",
    "stale-indicator": "New figures were due: add them, or move next_update on if the publisher is late.",
    "ward-without-observations": "The ward has no figures yet; its report card will be mostly empty.",
}

_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.DOTALL)


def hint(code: str) -> str:
    return HINTS.get(code, "")


def cell_message(code: str, field: str | None, cell: str | None, note: str = "") -> str:
    """Message for a cell-level problem from either schema engine."""
    shown = repr(cell) if cell not in (None, "") else "an empty cell"
    if code == "type-error":
        kind = note.removeprefix('type is "').split("/")[0] if note else "the column's type"
        return f"{shown} in column '{field}' is not a valid {kind}"
    if code == "constraint-error":
        match = _CONSTRAINT.search(note or "")
        name, value = (match[1], match[2]) if match else ("", "")
        if name == "required":
            return f"column '{field}' must not be empty"
        if name == "enum":
            return f"{shown} is not an allowed value for column '{field}' (allowed: {value.strip('[]')})"
        if name == "pattern":
            return f"{shown} in column '{field}' does not have the expected form ({value})"
        readable = {"minimum": "at least", "maximum": "at most", "minLength": "at least this many characters:",
                    "maxLength": "at most this many characters:"}.get(name, name)
        return f"{shown} in column '{field}' must be {readable} {value}"
    if code == "missing-cell":
        return f"the row stops before column '{field}'"
    if code == "extra-cell":
        return f"the row has an extra cell {shown} beyond the last column"
    if code == "blank-row":
        return "the row is empty"
    if code == "unique-error":
        return f"{shown} in column '{field}' repeats an earlier row"
    return f"{code} in column '{field}'"
