"""`reportcard validate` and `reportcard build`: the two things a council runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .report import as_json, as_text
from .validate import validate_folder

EXIT_VALID, EXIT_INVALID, EXIT_CANNOT_RUN = 0, 1, 2


def _missing(folder: Path) -> bool:
    if folder.is_dir():
        return False
    print(f"reportcard: no such data folder: {folder}", file=sys.stderr)
    return True


def _validate(args) -> int:
    folder = Path(args.data_dir)
    if _missing(folder):
        return EXIT_CANNOT_RUN
    try:
        report, _ = validate_folder(folder, engine=args.engine)
    except OSError as exc:
        print(f"reportcard: cannot read the data: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    print(as_json(report) if args.format == "json" else as_text(report))
    return EXIT_VALID if report.valid else EXIT_INVALID


def _build(args) -> int:
    from .build import BuildRefused, build_site

    folder = Path(args.data)
    if _missing(folder):
        return EXIT_CANNOT_RUN
    try:
        overrides = {k: v for k, v in (("PUBLIC_URL", args.public_url), ("REPORTCARD_PREVIOUS", args.previous)) if v is not None}
        result = build_site(folder, Path(args.output), engine=args.engine, settings=overrides, archive=Path(args.archive) if args.archive else None)
    except BuildRefused as refused:
        print(as_text(refused.report), file=sys.stderr)
        print(f"\nNothing was written: {args.output} is unchanged.", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"reportcard: cannot read the data: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    print(
        f"Built {result.pages} pages into {args.output}: {result.charts_rendered} chart(s) rendered, {result.charts_reused} reused from the cache; "
        f"{len(result.report.warnings)} warning(s)."
    )
    if args.archive:
        print(f"Archive: {args.archive}")
    return EXIT_VALID


def _check(args) -> int:
    from .site_checks import html_problems, link_problems

    site = Path(args.site)
    if _missing(site):
        return EXIT_CANNOT_RUN
    problems = link_problems(site) + ([] if args.links_only else html_problems(site))
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in {site}", file=sys.stderr)
    return EXIT_INVALID if problems else EXIT_VALID


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="reportcard", description="Council performance report cards from Frictionless data packages.")
    commands = main.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check the data packages and report every problem")
    validate.add_argument("data_dir", nargs="?", default="data")
    validate.add_argument("--format", choices=["text", "json"], default="text")
    validate.add_argument("--engine", choices=["auto", "frictionless", "vector"], default="auto",
                          help="schema checks by Frictionless row by row, the vectorised engine, or chosen by size (default)")
    validate.set_defaults(run=_validate)
    build = commands.add_parser("build", help="validate, then build the static site")
    build.add_argument("--data", default="data")
    build.add_argument("--output", default="output")
    build.add_argument("--engine", choices=["auto", "frictionless", "vector"], default="auto")
    build.add_argument("--public-url", help="the address the site is published at (default: $REPORTCARD_PUBLIC_URL)")
    build.add_argument("--previous", help="folder of the previously published data, for the change log when there is no git history")
    build.add_argument("--archive", help="also write the built site to this zip file, to browse offline or keep as a release")
    build.set_defaults(run=_build)
    check = commands.add_parser("check", help="check a built site: links and assets resolve, nothing off-site, valid HTML")
    check.add_argument("site", nargs="?", default="output")
    check.add_argument("--links-only", action="store_true", help="skip the HTML validator (which needs Java)")
    check.set_defaults(run=_check)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
