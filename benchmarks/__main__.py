"""Run the benchmarks: print a table; write results (.md, .csv), samples and plots to --out.

    python -m bench --out bench-results            # about ten minutes
    python -m bench --out /tmp/smoke --smoke       # seconds: does it still work?

Each database is measured in a process of its own (bench/measure.py).
PostgreSQL is skipped, with a note, when its server or driver is missing; give
another server with --postgres-url (a maintenance database, e.g. .../postgres).
"""

import argparse
import datetime
import importlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from . import report
from .databases import DEFAULT_POSTGRES_URL, ENGINES, postgres_unavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="directory for results and plots")
    parser.add_argument("--smoke", action="store_true", help="tiny counts: seconds, not minutes")
    parser.add_argument(
        "--databases",
        default=",".join(ENGINES),
        help="comma-separated, from: %(default)s",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a maintenance database of the PostgreSQL server to use (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, stop)
    engines = [name for name in args.databases.split(",") if name]
    if unknown := set(engines) - set(ENGINES):
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    notes = []
    if "postgresql" in engines and (reason := postgres_unavailable(args.postgres_url)):
        engines.remove("postgresql")
        notes.append(f"PostgreSQL skipped: {reason}")
        print(notes[-1], file=sys.stderr)
    if not engines:
        parser.error("no database left to measure")

    args.out.mkdir(parents=True, exist_ok=True)
    plan = "smoke" if args.smoke else "full"
    # Importing matplotlib takes seconds: let it happen while the databases are set up.
    threading.Thread(target=importlib.import_module, args=("bench.plots",), daemon=True).start()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    results = []
    for engine in engines:
        print(f"Measuring {engine} ({plan} run)", flush=True)
        out = work / f"{engine}.json"
        child = subprocess.Popen(  # noqa: S603 (our interpreter, our module)
            [
                sys.executable, "-m", "bench.measure",
                "--database", engine, "--plan", plan, "--json", str(out),
                "--logs", str(work / engine), "--postgres-url", args.postgres_url,
            ],
        )  # fmt: skip
        try:
            returncode = child.wait()
        finally:
            if child.poll() is None:  # we were stopped: stop it too, and let it clean up
                child.terminate()
                child.wait()
        if returncode != 0:
            print(f"Measuring {engine} failed; the workers' output is in {work}.", file=sys.stderr)
            return returncode
        results.append(json.loads(out.read_text()))
    shutil.rmtree(work)

    rows = report.rows_of(results)
    checks = [check for result in results for check in report.checks_of(result)]
    text = report.markdown(rows, checks, context(results, plan, load_before, notes))
    print()
    print(text)
    (args.out / "results.md").write_text(text)
    report.write_csv(rows, args.out / "results.csv")
    # Every sample, for other plots and other statistics.
    (args.out / "samples.json").write_text(json.dumps(results, indent=1) + "\n")
    from . import plots

    written = plots.write_all(results, args.out)
    print(f"Wrote results.md, results.csv, samples.json and {len(written)} plots to {args.out}")
    return 0


def stop(signum: int, frame: object) -> None:
    """Leave through the `finally` blocks, which stop the measurement under way."""
    raise SystemExit(f"Stopped by {signal.strsignal(signum)}.")


def context(results: list[dict], plan: str, load_before: tuple[float, ...], notes: list[str]):
    """What a reader needs to weigh the figures: when, where, how busy the machine was."""
    versions = results[0]["versions"]
    defaults = results[0]["defaults"]
    intervals = ", ".join(
        f"{worker['name']} {worker['interval']:g} s" for worker in defaults["procfile"]
    )
    load_after = os.getloadavg()
    return [
        f"{plan} run, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}; "
        f"Python {versions['python']}, Django {versions['django']}",
        f"load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after",
        f"project defaults: Procfile `{defaults['procfile'][0]['command']}` intervals "
        f"{intervals}; CONN_MAX_AGE {defaults['conn_max_age']}",
        *notes,
    ]


if __name__ == "__main__":
    sys.exit(main())
