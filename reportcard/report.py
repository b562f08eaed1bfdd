"""Validation reports for people (grouped, capped, with totals and hints) and for machines (JSON)."""

from __future__ import annotations

import json
from collections import defaultdict

from .problems import DataProblem, ValidationReport

SHOWN_PER_KIND = 20


def as_json(report: ValidationReport) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False)


def _grouped(problems: list[DataProblem]) -> dict[str, dict[str, list[DataProblem]]]:
    groups: dict[str, dict[str, list[DataProblem]]] = defaultdict(lambda: defaultdict(list))
    for p in problems:
        groups[f"{p.package}/{p.resource}" if p.resource else p.package][p.code].append(p)
    return groups


def _section(title: str, problems: list[DataProblem], shown: int) -> list[str]:
    lines = [f"{title}: {len(problems)}"]
    for where, kinds in sorted(_grouped(problems).items()):
        total = sum(len(v) for v in kinds.values())
        lines.append(f"\n  {where} ({total})")
        for code, items in sorted(kinds.items()):
            lines.append(f"    [{code}] {len(items)} x")
            for p in items[:shown]:
                place = ", ".join(x for x in (f"row {p.row}" if p.row is not None else "", f"column '{p.field}'" if p.field else "") if x)
                lines.append(f"      - {place + ': ' if place else ''}{p.message}")
            if len(items) > shown:
                lines.append(f"      ... and {len(items) - shown} more of this kind")
            if items[0].hint:
                lines.append(f"      How to fix: {items[0].hint}")
    return lines


def as_text(report: ValidationReport, shown: int = SHOWN_PER_KIND) -> str:
    lines = []
    if report.errors:
        lines += _section("Errors (the site will not be built until these are fixed)", report.errors, shown)
        if not report.checked_rules:
            lines.append("\n  Checks across packages and domain rules run once the errors above are fixed.")
    if report.warnings:
        lines += [""] + _section("Warnings (shown on the site; they do not stop the build)", report.warnings, shown)
    verdict = "VALID" if report.valid else "INVALID"
    lines.append(f"\n{verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s).")
    return "\n".join(lines)
