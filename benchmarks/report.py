"""Turn the measurements into rows: a Markdown table to print and publish, and a CSV.

Times are medians (p50) and tails (p95, p99) of many samples, and each row
says how it compares with another measured side by side: the ratio.
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .stats import Summary

MS = 1000.0
# The goals the project's defaults are chosen to meet, on the machine the docs' figures come from.
IDLE_P50_MS = 60
IDLE_P99_MS = 120
BUSY_P99_VS_IDLE = 1.2
SHARED_P99_VS_IDLE = 5  # "far worse"
INLINE_VS_ENQUEUED = 50
ENQUEUED_VS_NO_EMAIL = 1.5
WORKER_VS_BOUND = 0.8


@dataclass(frozen=True)
class Row:
    measurement: str
    database: str
    case: str
    unit: str
    n: int
    value: float | None  # the median of a distribution, or the single figure
    p95: float | None
    p99: float | None
    ratio: float | None
    ratio_to: str
    note: str = ""

    def cells(self) -> list[str]:
        return [
            self.database,
            self.case,
            str(self.n),
            f"{number(self.value)} {self.unit}" if self.value is not None else "",
            number(self.p95),
            number(self.p99),
            f"{number(self.ratio)}x {self.ratio_to}" if self.ratio is not None else "",
            self.note,
        ]


def number(value: float | None) -> str:
    """Three significant figures, enough for figures this noisy."""
    if value is None:
        return ""
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def distribution(
    measurement: str, database: str, case: str, samples: Sequence[float], baseline: Summary | None,
    ratio_to: str, *, scale: float = MS, unit: str = "ms", tail: str = "p50",
) -> Row:  # fmt: skip
    """A row of a distribution of seconds, shown in `unit`, compared at `tail` with `baseline`."""
    summary = Summary.of(samples)
    ratio = None
    if baseline is not None:
        ratio = getattr(summary, tail) / getattr(baseline, tail)
    return Row(
        measurement, database, case, unit, summary.n,
        summary.p50 * scale, summary.p95 * scale, summary.p99 * scale, ratio, ratio_to,
    )  # fmt: skip


def paired_differences(samples: Sequence[float], floor: Sequence[float]) -> list[float]:
    """Each request's time minus that of the no-email request taken in the same round."""
    return [value - base for value, base in zip(samples, floor, strict=True)]


def request_rows(database: str, result: dict) -> list[Row]:
    samples = result["samples"]
    enqueued = Summary.of(samples["enqueued"])
    rows = [
        distribution("request cost", database, variant, values, enqueued, "of enqueued (p50)")
        for variant, values in samples.items()
    ]
    # What the email itself adds: the floor (no email) taken away, round by round.
    added = {
        variant: paired_differences(samples[variant], samples["no email"])
        for variant in ("enqueued", "inline, 200 ms SMTP")
    }
    enqueue_cost = Summary.of(added["enqueued"])
    for variant, differences in added.items():
        rows.append(
            distribution(
                "request cost", database, f"{variant} minus no email", differences,
                enqueue_cost if enqueue_cost.p50 > 0 else None, "of enqueued's (p50)",
            )
        )  # fmt: skip
    pbkdf2 = result["pbkdf2_seconds"] * MS
    rows.append(
        Row("request cost", database, "PBKDF2 hash (all three, in production)", "ms",
            result["pbkdf2_rounds"], pbkdf2, None, None, None, "", "not in the times above")
    )  # fmt: skip
    return rows


def latency_rows(database: str, result: dict) -> list[Row]:
    samples = result["samples"]
    idle = Summary.of(samples["idle"])
    return [
        distribution(
            "welcome-email latency", database, scenario, values, idle, "of idle (p99)", tail="p99"
        )
        for scenario, values in samples.items()
    ]


def throughput_rows(database: str, result: dict) -> list[Row]:
    bound = result["bound_per_second"]
    rows = [
        Row("throughput", database, "per-task bound (database work only)", "tasks/s",
            1, bound, None, None, None, "")
    ]  # fmt: skip
    for run in result["runs"]:
        per_worker = run["per_second"] / run["workers"]
        rows.append(
            Row(
                "throughput", database,
                f"{run['workers']} worker(s), CONN_MAX_AGE={run['conn_max_age']}"
                + ("" if run["health_checks"] else ", no health checks"),
                "tasks/s", run["tasks"] * len(run["seconds"]), run["per_second"], None, None,
                per_worker / bound, "of the bound, per worker",
                f"{per_worker:.0f} tasks/s per worker",
            )
        )  # fmt: skip
    return rows


def worker_time_rows(database: str, result: dict) -> list[Row]:
    rows = [
        Row("worker time", database, part, "%", result["tasks"], 100 * share, None, None, None, "")
        for part, share in result["shares"].items()
    ]
    rows.append(
        Row("worker time", database, "the bound's work, together", "%", result["tasks"],
            100 * result["bound_share"], None, None, None, "",
            "compare: one worker's tasks/s as a share of the bound's")
    )  # fmt: skip
    return rows


def pickup_rows(database: str, result: dict) -> list[Row]:
    return [
        distribution("pickup latency", database, f"--interval {interval}", values, None, "")
        for interval, values in result.items()
    ]


def idle_rows(database: str, result: list[dict]) -> list[Row]:
    rows = []
    for load in result:
        note = ""
        if load["transactions_per_second"] is not None:
            per_poll = load["transactions_per_second"] * load["interval"]
            note = (
                f"PostgreSQL: {number(load['transactions_per_second'])} transactions/s "
                f"({per_poll:.1f} per poll), {number(load['sessions_per_second'])} connections/s"
            )
        cpu = None if load["cpu_share"] is None else 100 * load["cpu_share"]
        rows.append(
            Row(
                "idle load", database,
                f"--interval {load['interval']:g}, CONN_MAX_AGE={load['conn_max_age']}",
                "% of a core", round(load["seconds"]), cpu, None, None, None, "", note,
            )
        )  # fmt: skip
    return rows


def rows_of(results: Iterable[dict]) -> list[Row]:
    """Every row, measurement by measurement, database by database."""
    builders = [
        ("request_cost", request_rows),
        ("email_latency", latency_rows),
        ("throughput", throughput_rows),
        ("worker_time", worker_time_rows),
        ("pickup_latency", pickup_rows),
        ("idle_load", idle_rows),
    ]
    results = list(results)
    return [
        row
        for key, build in builders
        for result in results
        for row in build(result["database"], result[key])
    ]


@dataclass(frozen=True)
class Check:
    database: str
    goal: str
    measured: str
    met: bool


def checks_of(result: dict) -> list[Check]:
    """The project's defaults, against the goals they were chosen to meet."""
    database = result["database"]
    latency = {k: Summary.of(v) for k, v in result["email_latency"]["samples"].items()}
    idle = latency["idle"]
    busy = latency["busy reports, dedicated workers"]
    shared = latency["busy reports, one worker"]
    requests = {k: Summary.of(v) for k, v in result["request_cost"]["samples"].items()}
    enqueued, inline, bare = (
        requests["enqueued"], requests["inline, 200 ms SMTP"], requests["no email"]
    )  # fmt: skip
    floor = result["request_cost"]["samples"]["no email"]
    enqueue_adds = Summary.of(
        paired_differences(result["request_cost"]["samples"]["enqueued"], floor)
    ).p50
    inline_adds = Summary.of(
        paired_differences(result["request_cost"]["samples"]["inline, 200 ms SMTP"], floor)
    ).p50
    if enqueue_adds > 0:
        added_ratio = f"{inline_adds / enqueue_adds:.0f}x"
        added_met = inline_adds >= INLINE_VS_ENQUEUED * enqueue_adds
    else:  # enqueueing added less than the noise
        added_ratio, added_met = "enqueueing adds nothing measurable", True
    bound = result["throughput"]["bound_per_second"]
    default_age = result["defaults"]["conn_max_age"]
    single = [
        run for run in result["throughput"]["runs"]
        if run["workers"] == 1 and run["conn_max_age"] == default_age and run["health_checks"]
    ]  # fmt: skip
    checks = [
        Check(database, f"idle email p50 ≤ {IDLE_P50_MS} ms",
              f"{idle.p50 * MS:.0f} ms", idle.p50 * MS <= IDLE_P50_MS),
        Check(database, f"idle email p99 ≤ {IDLE_P99_MS} ms",
              f"{idle.p99 * MS:.0f} ms", idle.p99 * MS <= IDLE_P99_MS),
        Check(database, f"busy reports, dedicated workers: p99 ≤ {BUSY_P99_VS_IDLE}x idle",
              f"{busy.p99 / idle.p99:.2f}x", busy.p99 <= BUSY_P99_VS_IDLE * idle.p99),
        Check(database, f"busy reports, one worker: p99 ≥ {SHARED_P99_VS_IDLE}x idle",
              f"{shared.p99 / idle.p99:.0f}x", shared.p99 >= SHARED_P99_VS_IDLE * idle.p99),
        Check(database, f"inline request ≥ {INLINE_VS_ENQUEUED}x the enqueueing one (p50)",
              f"{inline.p50 / enqueued.p50:.0f}x", inline.p50 >= INLINE_VS_ENQUEUED * enqueued.p50),
        Check(database, f"what the email adds: inline ≥ {INLINE_VS_ENQUEUED}x enqueued (p50)",
              added_ratio, added_met),
        Check(database, f"enqueueing request ≤ {ENQUEUED_VS_NO_EMAIL}x no email (p50)",
              f"{enqueued.p50 / bare.p50:.2f}x", enqueued.p50 <= ENQUEUED_VS_NO_EMAIL * bare.p50),
    ]  # fmt: skip
    if single:
        ratio = single[0]["per_second"] / bound
        checks.append(
            Check(database, f"1 worker ≥ {WORKER_VS_BOUND:.0%} of the per-task bound",
                  f"{ratio:.0%}", ratio >= WORKER_VS_BOUND)
        )  # fmt: skip
    return checks


def markdown_table(header: Sequence[str], lines: Iterable[Sequence[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cells) + " |" for cells in lines]
    return "\n".join(out)


TITLES = {
    "request cost": "Request cost: a registration, by how it sends its welcome email",
    "welcome-email latency": "Welcome-email latency: enqueue to message received",
    "throughput": "Throughput: no-op tasks per second, all workers together",
    "worker time": "One worker's time, by part: its loop in one process, under a profiler",
    "pickup latency": "Pickup latency: enqueue to task started, by poll interval",
    "idle load": "Idle load: what one idle worker costs, by poll interval",
}


def markdown(rows: Sequence[Row], checks: Sequence[Check], context: Sequence[str]) -> str:
    """The whole report: the run's context, the goals, then a table per measurement."""
    parts = ["# Benchmark results", "\n".join(f"- {line}" for line in context)]
    if checks:
        parts.append("## The project's defaults against their goals")
        parts.append(
            markdown_table(
                ["database", "goal", "measured", "met"],
                ([c.database, c.goal, c.measured, "yes" if c.met else "**no**"] for c in checks),
            )
        )
    header = ["database", "case", "n", "median", "p95", "p99", "ratio", "note"]
    for measurement, title in TITLES.items():
        selected = [row for row in rows if row.measurement == measurement]
        if selected:
            parts.append(f"## {title}")
            parts.append(markdown_table(header, (row.cells() for row in selected)))
    return "\n\n".join(parts) + "\n"


def write_csv(rows: Sequence[Row], path: Path) -> None:
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=[f.name for f in fields(Row)])
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)
