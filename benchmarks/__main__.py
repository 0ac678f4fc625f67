"""The lab's commands, run inside a baked project (its root the current directory).

    python -m benchmarks measure --json sqlite.json          # about seven minutes
    python -m benchmarks measure --plan smoke --json s.json  # seconds: does it still work?
    python -m benchmarks report --out DIR sqlite.json postgresql.json
    python -m benchmarks load --registrations 1000

`nox -s bench` and `nox -s load`, in the template, bake the projects and run these.
"""

import argparse
import json
import sys
from pathlib import Path

from .measure import MEASUREMENTS
from .plans import PLANS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    measure = commands.add_parser("measure", help="measure this bake's database")
    measure.add_argument("--plan", choices=sorted(PLANS), default="full")
    measure.add_argument("--json", type=Path, required=True, help="where to write the samples")
    measure.add_argument("--logs", type=Path, help="where the workers write their output")
    measure.add_argument(
        "--only", default=",".join(MEASUREMENTS), help="comma-separated, from: %(default)s"
    )

    report = commands.add_parser("report", help="tables, CSV and plots of measured samples")
    report.add_argument("--out", type=Path, required=True, help="directory for the results")
    report.add_argument("samples", type=Path, nargs="+", help="JSON files of `measure`")

    load = commands.add_parser("load", help="many registrations against the production site")
    load.add_argument("--registrations", type=int, default=100)
    load.add_argument("--clients", type=int, default=8)
    load.add_argument("--emails-workers", type=int, default=2)
    load.add_argument(
        "--settings",
        default="benchmarks.production_settings",
        help="the site's and workers' settings (default: %(default)s; "
        "config.settings.production keeps production's slow password hasher)",
    )
    load.add_argument("--csv", type=Path, help="also write the figures to this CSV file")

    args = parser.parse_args(argv)
    if args.command == "measure":
        from . import measure as measuring

        only = tuple(name for name in args.only.split(",") if name)
        if unknown := set(only) - set(MEASUREMENTS):
            parser.error(f"unknown measurement(s): {', '.join(sorted(unknown))}")
        results = measuring.run(PLANS[args.plan], only, args.logs)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1) + "\n")
        print(f"Wrote the samples to {args.json}")
        return 0
    if args.command == "report":
        return write_report([json.loads(path.read_text()) for path in args.samples], args.out)
    from . import load as loading

    return loading.main(
        registrations=args.registrations,
        clients=args.clients,
        emails_workers=args.emails_workers,
        settings_module=args.settings,
        csv_path=args.csv,
    )


def write_report(results: list[dict], out: Path) -> int:
    """Print the tables; write results.md, results.csv, goals.csv, backends.csv (with the RQ
    bake), samples.json and the plots."""
    from . import plots, report

    out.mkdir(parents=True, exist_ok=True)
    rows = report.rows_of(results)
    checks = [check for result in results for check in report.checks_of(result)]
    moves = [move for result in results if "backends" in result for move in report.moves_of(result)]
    text = report.markdown(rows, checks, report.context_lines(results), moves)
    print(text)
    (out / "results.md").write_text(text)
    report.write_csv(rows, out / "results.csv")
    report.write_goals_csv(checks, out / "goals.csv")
    if moves:
        report.write_moves_csv(moves, out / "backends.csv")
    (out / "samples.json").write_text(json.dumps(results, indent=1) + "\n")
    written = plots.write_all(results, out)
    also = ", backends.csv" if moves else ""
    print(
        f"Wrote results.md, results.csv, goals.csv{also}, samples.json and {len(written)} plots "
        f"to {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
