"""Turn the samples into rows and goals: a Markdown page to print and publish, and CSV files.

A time is a median (p50) and a tail (p95, p99) of many samples. A figure
measured once per repeat (a window, a trial, a round) is its median with its
lowest and highest (`low`, `high`). A ratio compares two things measured side
by side, repeat by repeat, and comes with its spread too.
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .stats import Spread, Summary, flatten, percentile, ratio_per_repeat

MS = 1000.0
# The goals, from the issues the defaults answer (wake-up, idle cost, recovery),
# and from the tutorial's claims (request cost, queue isolation).
PICKUP_P50_MS = 3.0
PICKUP_P99_MS = 15.0
EMAIL_P50_MS = 15.0
PICKUP_VS_PSQL = 1.5
IDLE_CPU_PERCENT = 0.5
SQLITE_IDLE_CPU_PERCENT = 1.0
IDLE_STATEMENTS_BESIDE_RECOVERY_CHECK = 1.0  # the last run's goal beside the heartbeat
RECOVERY_SECONDS = 10.0
RECOVERY_VS_OX = 1.0  # ours over django-ox's, kill to restart, in every trial
# The statements of the project's recovery check: it reads the registered workers.
RECOVERY_CHECK_TABLE = "workers_workerprocess"
ENQUEUED_VS_NO_EMAIL = 1.5
INLINE_ADDS_VS_ENQUEUE_ADDS = 50
SHARED_VS_DEDICATED = 10
THROUGHPUT_BASELINE = "ours, 1 worker"  # throughput.configurations()' first
MONITORING_P50_MS = 200.0  # the dashboard's and /metrics' on a big table (issue 19)


@dataclass(frozen=True)
class Row:
    measurement: str
    database: str
    case: str
    unit: str
    n: int
    value: float  # a median
    low: float | None = None  # the value's spread across repeats
    high: float | None = None
    p95: float | None = None
    p99: float | None = None
    ratio: float | None = None
    ratio_low: float | None = None
    ratio_high: float | None = None
    ratio_to: str = ""
    note: str = ""

    def cells(self) -> list[str]:
        spread = f" ({number(self.low)}-{number(self.high)})" if self.low is not None else ""
        ratio = ""
        if self.ratio is not None:
            ratio = f"{number(self.ratio)}x"
            if self.ratio_low is not None:
                ratio += f" ({number(self.ratio_low)}-{number(self.ratio_high)})"
            ratio += f" {self.ratio_to}"
        return [
            self.database,
            self.case,
            str(self.n),
            f"{number(self.value)} {self.unit}{spread}",
            number(self.p95),
            number(self.p99),
            ratio,
            self.note,
        ]


def number(value: float | None) -> str:
    """Three significant figures, enough for figures this noisy."""
    if value is None:
        return ""
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def distribution(measurement: str, database: str, case: str, samples: Sequence[float],
                 scale: float = MS, unit: str = "ms", **ratio: object) -> Row:  # fmt: skip
    """A row of a distribution of seconds, shown in `unit`."""
    s = Summary.of(samples)
    return Row(measurement, database, case, unit, s.n, s.p50 * scale,
               p95=s.p95 * scale, p99=s.p99 * scale, **ratio)  # type: ignore[arg-type]  # fmt: skip


def spread_row(measurement: str, database: str, case: str, unit: str, values: Sequence[float],
               n: int | None = None, **extra: object) -> Row:  # fmt: skip
    """A row of a figure taken once per repeat: its median, lowest and highest."""
    s = Spread.of(values)
    return Row(measurement, database, case, unit, n or len(values), s.median,
               low=s.low, high=s.high, **extra)  # type: ignore[arg-type]  # fmt: skip


def paired_differences(samples: Sequence[float], floor: Sequence[float]) -> list[float]:
    """Each request's time minus that of the no-email request taken in the same round."""
    return [value - base for value, base in zip(samples, floor, strict=True)]


def request_rows(database: str, result: dict) -> list[Row]:
    samples = result["samples"]
    enqueued = Summary.of(samples["enqueued"]).p50
    rows = [
        distribution("request cost", database, variant, values,
                     ratio=Summary.of(values).p50 / enqueued, ratio_to="of enqueued (p50)")
        for variant, values in samples.items()
    ]  # fmt: skip
    # What the email itself adds: the floor (no email) taken away, round by round.
    for variant in ("enqueued", "inline, 200 ms SMTP"):
        rows.append(
            distribution("request cost", database, f"{variant} minus no email",
                         paired_differences(samples[variant], samples["no email"]))
        )  # fmt: skip
    rows.append(
        Row("request cost", database, "PBKDF2 hash (all three, in production)", "ms",
            result["pbkdf2_rounds"], result["pbkdf2_seconds"] * MS,
            note="not in the times above")
    )  # fmt: skip
    return rows


def latency_rows(database: str, result: dict, kind: str, measurement: str) -> list[Row]:
    """Each worker's latency, and its ratio to the polling worker's, repeat by repeat."""
    series = result[kind]
    polling = series["polling"]
    rows = []
    for key, repeats in series.items():
        ratio = {}
        if key != "polling":
            r = ratio_per_repeat(repeats, polling, 50)
            ratio = {"ratio": r.median, "ratio_low": r.low, "ratio_high": r.high,
                     "ratio_to": "of polling's (p50, per repeat)"}  # fmt: skip
        rows.append(
            distribution(measurement, database, result["candidates"][key], flatten(repeats),
                         **ratio)
        )  # fmt: skip
    if kind == "pickup":
        for key, firsts in result.get("first_statement", {}).items():
            label = f"{result['candidates'][key]}: commit to its first statement"
            rows.append(distribution(measurement, database, label, firsts,
                                     note="the wait for a wake-up or a poll"))  # fmt: skip
    return rows


def beside_recovery_check(window: dict) -> float:
    """Statements per second of an idle window, but those of the recovery check."""
    check = sum(rate for kind, rate in window["kinds"].items() if RECOVERY_CHECK_TABLE in kind)
    return window["statements_per_second"] - check


def top_kinds(kinds: dict[str, float], count: int = 4) -> str:
    top = sorted(kinds.items(), key=lambda item: -item[1])[:count]
    return "; ".join(f"{kind} {rate:.2g}/s" for kind, rate in top)


def idle_rows(database: str, result: dict) -> list[Row]:
    rows = []
    for case, windows in result["windows"].items():
        label = result["labels"][case]
        kinds: dict[str, float] = {}
        for window in windows:
            for kind, rate in window["kinds"].items():
                kinds[kind] = kinds.get(kind, 0) + rate / len(windows)
        counting = Spread.of([100 * w["cpu_share_counting"] for w in windows]).median
        writes = Spread.of([w["writes_per_second"] for w in windows]).median
        rows += [
            spread_row("idle cost", database, f"{label}: CPU", "% of a core",
                       [100 * w["cpu_share"] for w in windows],
                       note=f"{counting:.2g} % in its twin that counts its statements"),
            spread_row("idle cost", database, f"{label}: statements", "/s",
                       [w["statements_per_second"] for w in windows], note=top_kinds(kinds)),
            spread_row("idle cost", database, f"{label}: rows written", "/s",
                       [w["rows_written_per_second"] for w in windows],
                       note=f"in {writes:.2g} write statements/s"),
        ]  # fmt: skip
        if case == "woken":
            rows.append(
                spread_row("idle cost", database, f"{label}: statements beside its recovery "
                           "check", "/s", [beside_recovery_check(w) for w in windows])
            )  # fmt: skip
    return rows


def recovery_rows(database: str, result: dict) -> list[Row]:
    rows = []
    trials = result["trials"]
    for system, runs in trials.items():
        label = result["labels"][system]
        ratio: dict[str, object] = {}
        if system != "ours" and runs:
            r = Spread.of([o["restart_seconds"] / t["restart_seconds"]
                           for o, t in zip(trials["ours"], runs, strict=True)])  # fmt: skip
            ratio = {"ratio": r.median, "ratio_low": r.low, "ratio_high": r.high,
                     "ratio_to": "ours over this, kill to restart, trial by trial"}  # fmt: skip
        rows += [
            spread_row("recovery", database, f"{label}: kill to restart", "s",
                       [run["restart_seconds"] for run in runs], **ratio),
            spread_row("recovery", database, f"{label}: kill to finish", "s",
                       [run["finish_seconds"] for run in runs],
                       note=f"the task takes {result['task_seconds']:g} s"),
        ]  # fmt: skip
        for state in ("idle", "busy"):
            cost = result["idle" if state == "idle" else "writes"][system]
            rows += [
                Row("recovery", database, f"{label}: statements per {state} worker", "/s", 1,
                    cost["statements_per_second"], note=top_kinds(cost["kinds"], 6)),
                Row("recovery", database, f"{label}: rows written per {state} worker", "/s", 1,
                    cost["rows_written_per_second"],
                    note=f"in {cost['writes_per_second']:.2g} write statements/s"),
            ]  # fmt: skip
    return rows


def isolation_rows(database: str, result: dict) -> list[Row]:
    samples = result["samples"]
    dedicated = Summary.of(samples["dedicated workers"]).p50
    return [
        distribution("queue isolation", database, f"reports running, {setup}", values,
                     ratio=Summary.of(values).p50 / dedicated,
                     ratio_to="of dedicated workers' (p50)")
        for setup, values in samples.items()
    ]  # fmt: skip


def throughput_rows(database: str, result: dict) -> list[Row]:
    seconds = result["seconds"]
    per_second = {name: [result["tasks"] / s for s in batches] for name, batches in seconds.items()}
    baseline = THROUGHPUT_BASELINE
    rows = []
    for name, rates in per_second.items():
        ratio: dict[str, object] = {}
        if name != baseline:
            r = Spread.of([a / b for a, b in zip(rates, per_second[baseline], strict=True)])
            ratio = {"ratio": r.median, "ratio_low": r.low, "ratio_high": r.high,
                     "ratio_to": f"of {baseline}'s, batch by batch"}  # fmt: skip
        rows.append(
            spread_row("throughput", database, name, "tasks/s", rates,
                       n=len(rates) * result["tasks"], **ratio)
        )  # fmt: skip
    return rows


def monitoring_rows(database: str, result: dict) -> list[Row]:
    size = f"{result['finished']:,} finished, {result['ready']:,} READY"
    rows = [distribution("monitoring", database, f"{page}, {size}", values)
            for page, values in result["pages"].items()]  # fmt: skip
    without = Summary.of(result["enqueue"]["without the indexes"]).p50
    for case, values in result["enqueue"].items():
        rows.append(distribution("monitoring", database, f"enqueue, {case}", values,
                                 ratio=Summary.of(values).p50 / without,
                                 ratio_to="of without (p50)"))  # fmt: skip
    return rows


BACKEND_CASES = {"database": "database backend (worker)", "rq": "RQ backend (rqworker)"}
RECOVERY_CASES = {
    "database": "database backend (worker): worker killed, kill to restart",
    "rq, work horse killed": "RQ backend (rqworker): work horse killed, kill to restart",
    "rq, worker killed whole": "RQ backend (rqworker): worker killed whole, kill to restart",
}


def spread_ratio(ratios: Sequence[float], to: str) -> dict[str, object]:
    r = Spread.of(ratios)
    return {"ratio": r.median, "ratio_low": r.low, "ratio_high": r.high, "ratio_to": to}


def backend_rows(database: str, result: dict) -> list[Row]:
    """Each backend's latencies, throughput and recovery; RQ's over the database backend's."""
    rows = []
    for kind, title in (("pickup", "pickup"), ("email", "welcome email")):
        series = result[kind]
        for backend, case in BACKEND_CASES.items():
            ratio = {}
            if backend == "rq":
                ratio = spread_ratio(
                    [percentile(a, 50) / percentile(b, 50)
                     for a, b in zip(series["rq"], series["database"], strict=True)],
                    "of the database backend's (p50, per repeat)",
                )  # fmt: skip
            rows.append(distribution("backends", database, f"{case}: {title}",
                                     flatten(series[backend]), **ratio))  # fmt: skip
    tasks, seconds = result["throughput"]["tasks"], result["throughput"]["seconds"]
    rates = {name: [tasks / s for s in batches] for name, batches in seconds.items()}
    for name, per_second in rates.items():
        backend, count = name.split(", ")
        ratio = {}
        if backend == "rq":
            ratio = spread_ratio(
                [a / b for a, b in zip(per_second, rates[f"database, {count}"], strict=True)],
                "of the database backend's, round by round",
            )
        workers = f"{count} worker{'s' if count != '1' else ''}"
        rows.append(spread_row("backends", database, f"{BACKEND_CASES[backend]}: throughput, "
                               f"{workers}", "tasks/s", per_second, n=len(per_second) * tasks,
                               **ratio))  # fmt: skip
    trials = result["recovery"]["trials"]
    ours = [run["restart_seconds"] for run in trials["database"]]
    for system, case in RECOVERY_CASES.items():
        restarts = [run["restart_seconds"] for run in trials[system]]
        if not restarts:
            continue
        ratio = {}
        if system != "database":
            median = percentile(ours, 50)
            ratio = spread_ratio([r / median for r in restarts],
                                 "of the database backend's median, trial by trial")  # fmt: skip
        rows.append(spread_row("backends", database, case, "s", restarts,
                               note=f"the task takes {result['recovery']['task_seconds']:g} s",
                               **ratio))  # fmt: skip
    return rows


@dataclass(frozen=True)
class Move:
    """One figure of each backend, and what moving from the database backend to RQ does to it."""

    database: str
    figure: str
    database_backend: str
    rq_backend: str
    rq_over_database: str
    so: str


def moves_of(result: dict) -> list[Move]:
    """Per figure: both backends, RQ's ratio with its spread, and whether RQ is ahead."""
    rows = {row.case: row for row in backend_rows(result["database"], result["backends"])}
    database, rq = BACKEND_CASES["database"], BACKEND_CASES["rq"]
    figures = [
        ("pickup p50", f"{database}: pickup", f"{rq}: pickup", False),
        ("welcome email p50", f"{database}: welcome email", f"{rq}: welcome email", False),
    ]
    for name in result["backends"]["throughput"]["seconds"]:
        backend, count = name.split(", ")
        if backend == "rq":
            workers = f"{count} worker{'s' if count != '1' else ''}"
            figures.append((f"throughput, {workers}", f"{database}: throughput, {workers}",
                            f"{rq}: throughput, {workers}", True))  # fmt: skip
    for system in ("rq, work horse killed", "rq, worker killed whole"):
        if RECOVERY_CASES[system] in rows:
            what = system.removeprefix("rq, ")
            figures.append((f"recovery after SIGKILL ({what} on RQ)", RECOVERY_CASES["database"],
                            RECOVERY_CASES[system], False))  # fmt: skip
    moves = []
    for figure, ours, theirs, more_is_better in figures:
        a, b = rows[ours], rows[theirs]
        assert b.ratio is not None and b.ratio_low is not None and b.ratio_high is not None
        if b.ratio_low > 1:
            so = "RQ ahead" if more_is_better else "RQ behind"
        elif b.ratio_high < 1:
            so = "RQ behind" if more_is_better else "RQ ahead"
        else:
            so = "no difference measured"
        moves.append(Move(result["database"], figure, f"{number(a.value)} {a.unit}",
                          f"{number(b.value)} {b.unit}",
                          f"{number(b.ratio)}x ({number(b.ratio_low)}-{number(b.ratio_high)})",
                          so))  # fmt: skip
    return moves


def write_moves_csv(moves: Sequence[Move], path: Path) -> None:
    """Moving to RQ, figure by figure, for the docs page (a csv-table)."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["database", "figure", "database backend", "RQ backend",
                         "RQ over the database backend (spread)", "so"])  # fmt: skip
        writer.writerows([m.database, m.figure, m.database_backend, m.rq_backend,
                          m.rq_over_database, m.so] for m in moves)  # fmt: skip


def rows_of(results: Iterable[dict]) -> list[Row]:
    """Every row, measurement by measurement, database by database."""
    builders = [
        ("request_cost", request_rows),
        ("wakeup", lambda db, r: latency_rows(db, r, "pickup", "pickup latency")),
        ("wakeup", lambda db, r: latency_rows(db, r, "email", "welcome-email latency")),
        ("idle", idle_rows),
        ("recovery", recovery_rows),
        ("isolation", isolation_rows),
        ("throughput", throughput_rows),
        ("monitoring", monitoring_rows),
        ("backends", backend_rows),
    ]
    results = list(results)
    return [
        row
        for key, build in builders
        for result in results
        if key in result
        for row in build(result["database"], result[key])
    ]


@dataclass(frozen=True)
class Check:
    database: str
    goal: str
    measured: str
    met: bool


def checks_of(result: dict) -> list[Check]:
    """The project's defaults against their goals."""
    database = result["database"]
    checks = []
    if "wakeup" in result:
        checks += wakeup_checks(database, result["wakeup"])
    if "idle" in result:
        checks += idle_checks(database, result["idle"])
    if "recovery" in result:
        checks += recovery_checks(database, result["recovery"])
    if "request_cost" in result:
        checks += request_checks(database, result["request_cost"])
    if "isolation" in result:
        samples = result["isolation"]["samples"]
        ratio = percentile(samples["one worker for both"], 50) / percentile(
            samples["dedicated workers"], 50
        )
        checks.append(Check(database, "reports running: one worker's email p50 ≥ "
                            f"{SHARED_VS_DEDICATED}x dedicated workers'", f"{ratio:.0f}x",
                            ratio >= SHARED_VS_DEDICATED))  # fmt: skip
    if "monitoring" in result:
        for page, values in result["monitoring"]["pages"].items():
            p50 = percentile(values, 50) * MS
            checks.append(Check(database, f"{page} p50 ≤ {MONITORING_P50_MS:g} ms at "
                                f"{result['monitoring']['finished']:,} finished tasks",
                                f"{p50:.0f} ms", p50 <= MONITORING_P50_MS))  # fmt: skip
    return checks


def wakeup_checks(database: str, result: dict) -> list[Check]:
    ours = {kind: flatten(result[kind]["woken"]) for kind in ("pickup", "email")}
    polling = {kind: flatten(result[kind]["polling"]) for kind in ("pickup", "email")}
    checks = []
    if database == "postgresql":
        pickup, email = Summary.of(ours["pickup"]), Summary.of(ours["email"])
        checks += [
            Check(database, f"pickup p50 ≤ {PICKUP_P50_MS:g} ms", f"{pickup.p50 * MS:.2g} ms",
                  pickup.p50 * MS <= PICKUP_P50_MS),
            Check(database, f"pickup p99 ≤ {PICKUP_P99_MS:g} ms", f"{pickup.p99 * MS:.2g} ms",
                  pickup.p99 * MS <= PICKUP_P99_MS),
            Check(database, f"welcome email p50 ≤ {EMAIL_P50_MS:g} ms",
                  f"{email.p50 * MS:.2g} ms", email.p50 * MS <= EMAIL_P50_MS),
        ]  # fmt: skip
        if "psql" in result["pickup"]:
            r = ratio_per_repeat(result["pickup"]["woken"], result["pickup"]["psql"], 50)
            reference = Summary.of(flatten(result["pickup"]["psql"])).p50 * MS
            checks.append(
                Check(database, f"pickup p50 ≤ {PICKUP_VS_PSQL:g}x django-task-psql's",
                      f"{r.median:.2f}x ({r.low:.2f}-{r.high:.2f} over "
                      f"{len(result['pickup']['psql'])} repeats; theirs {reference:.2g} ms)",
                      r.median <= PICKUP_VS_PSQL)
            )  # fmt: skip
    else:
        for kind in ("pickup", "email"):
            for q in (50, 99):
                a, b = percentile(ours[kind], q), percentile(polling[kind], q)
                checks.append(
                    Check(database, f"{kind} p{q} no worse than polling's",
                          f"{a * MS:.2g} ms vs {b * MS:.2g} ms", a <= b)
                )  # fmt: skip
    return checks


def idle_checks(database: str, result: dict) -> list[Check]:
    windows = result["windows"]
    cpu = Spread.of([100 * w["cpu_share"] for w in windows["woken"]])
    rows = Spread.of([w["rows_written_per_second"] for w in windows["woken"]])
    written = Check(database, "idle worker writes no row", f"{rows.high:.2g} rows/s (highest "
                    "window)", rows.high == 0)  # fmt: skip
    if database == "postgresql":
        beside = Spread.of([beside_recovery_check(w) for w in windows["woken"]])
        return [
            Check(database, f"idle worker ≤ {IDLE_CPU_PERCENT:g} % of a core",
                  f"{cpu.median:.2g} % ({cpu.low:.2g}-{cpu.high:.2g})",
                  cpu.median <= IDLE_CPU_PERCENT),
            Check(database, f"idle worker, beside its recovery check, ≤ "
                  f"{IDLE_STATEMENTS_BESIDE_RECOVERY_CHECK:g} statement/s",
                  f"{beside.median:.2g}/s ({beside.low:.2g}-{beside.high:.2g})",
                  beside.median <= IDLE_STATEMENTS_BESIDE_RECOVERY_CHECK),
            written,
        ]  # fmt: skip
    polling = Spread.of([100 * w["cpu_share"] for w in windows["polling"]])
    return [
        Check(database, f"idle worker ≤ {SQLITE_IDLE_CPU_PERCENT:g} % of a core",
              f"{cpu.median:.2g} % ({cpu.low:.2g}-{cpu.high:.2g})",
              cpu.median <= SQLITE_IDLE_CPU_PERCENT),
        Check(database, "idle worker's CPU no worse than polling's",
              f"{cpu.median:.2g} % vs {polling.median:.2g} %", cpu.median <= polling.median),
        written,
    ]  # fmt: skip


def recovery_checks(database: str, result: dict) -> list[Check]:
    ours = result["trials"]["ours"]
    worst = max(run["restart_seconds"] for run in ours)
    rows = max(result[state]["ours"]["rows_written_per_second"] for state in ("idle", "writes"))
    checks = [
        Check(database, f"recovery: kill to restart ≤ {RECOVERY_SECONDS:g} s (worst trial)",
              f"{worst:.1f} s", worst <= RECOVERY_SECONDS),
        Check(database, "recovery: no row written to stay alive (idle and busy workers)",
              f"{rows:.2g} rows/s", rows == 0),
    ]  # fmt: skip
    if "ox" in result["trials"]:
        theirs = result["trials"]["ox"]
        r = Spread.of([o["restart_seconds"] / t["restart_seconds"]
                       for o, t in zip(ours, theirs, strict=True)])  # fmt: skip
        mine = Spread.of([run["restart_seconds"] for run in ours]).median
        other = Spread.of([run["restart_seconds"] for run in theirs]).median
        checks.append(
            Check(database, "recovery: kill to restart ≤ django-ox's, in every trial",
                  f"{r.median:.2f}x ({r.low:.2f}-{r.high:.2f} over {len(ours)} trials; "
                  f"ours {mine:.2g} s, theirs {other:.2g} s)", r.high <= RECOVERY_VS_OX)
        )  # fmt: skip
    return checks


def request_checks(database: str, result: dict) -> list[Check]:
    samples = result["samples"]
    enqueued, bare = percentile(samples["enqueued"], 50), percentile(samples["no email"], 50)
    enqueue_adds = percentile(paired_differences(samples["enqueued"], samples["no email"]), 50)
    inline_adds = percentile(
        paired_differences(samples["inline, 200 ms SMTP"], samples["no email"]), 50
    )
    if enqueue_adds > 0:
        added, added_met = (
            f"{inline_adds / enqueue_adds:.0f}x",
            (inline_adds >= INLINE_ADDS_VS_ENQUEUE_ADDS * enqueue_adds),
        )
    else:  # enqueueing added less than the noise
        added, added_met = "enqueueing adds nothing measurable", True
    return [
        Check(database, f"enqueueing request ≤ {ENQUEUED_VS_NO_EMAIL:g}x no email (p50)",
              f"{enqueued / bare:.2f}x", enqueued <= ENQUEUED_VS_NO_EMAIL * bare),
        Check(database, f"what the email adds: inline ≥ {INLINE_ADDS_VS_ENQUEUE_ADDS}x "
              "enqueued (p50)", added, added_met),
    ]  # fmt: skip


def markdown_table(header: Sequence[str], lines: Iterable[Sequence[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cells) + " |" for cells in lines]
    return "\n".join(out)


TITLES = {
    "pickup latency": "Pickup latency: enqueue committed to task started",
    "welcome-email latency": "Welcome-email latency: enqueue committed to message received",
    "idle cost": "Idle cost: one worker with nothing to do, per window of time",
    "recovery": "Recovery: a worker SIGKILLed in the middle of a task",
    "request cost": "Request cost: a registration, by how it sends its welcome email",
    "queue isolation": "Queue isolation: welcome emails while reports keep their queue busy",
    "throughput": "Throughput: no-op tasks per second, all workers together",
    "monitoring": "Monitoring: the staff dashboard and /metrics on a big table; enqueue with "
    "and without their indexes",
    "backends": "Backends: the database backend's worker beside RQ's, in turns",
}


def context_lines(results: Sequence[dict]) -> list[str]:
    """When, where, with what, and how busy the machine was, for each database."""
    lines = []
    for result in results:
        c = result["context"]
        versions = ", ".join(f"{name} {version}" for name, version in c["versions"].items())
        before, *during, after = c["load_average"]
        during = during or [after]
        lines.append(
            f"{result['database']}: {result['plan']} run, {c['when']}, "
            f"{c['seconds'] / 60:.1f} min; {c['machine']}; load average (1 min) "
            f"{before:.2f} before, {percentile(during, 50):.2f} at the median step "
            f"(highest {max(during):.2f}), {after:.2f} after; {versions}"
        )
    for result in results:
        if backends := result.get("backends"):
            c = backends["context"]
            versions = ", ".join(f"{name} {v}" for name, v in c.get("versions", {}).items())
            lines.append(
                f"{result['database']}: backends measured {c.get('when', 'in the run above')}, "
                f"{versions}, in {c['seconds'] / 60:.1f} min, load "
                f"average (1 min) {percentile(c['load_average'], 50):.2f} at the median step "
                f"(highest {max(c['load_average']):.2f}); RQ_JOB_MONITORING_SECONDS "
                f"{c['RQ_JOB_MONITORING_SECONDS']}, RQ_MAINTENANCE_SECONDS "
                f"{c['RQ_MAINTENANCE_SECONDS']}; the workers: `{c['database worker']}` and "
                f"`{c['rq worker']}`"
            )
    for result in results:
        settings = result["context"]["worker settings"]
        lines.append(
            f"{result['database']}: the workers' settings: "
            + "; ".join(f"{name} `{value}`" for name, value in settings.items())
        )
    return lines


def markdown(rows: Sequence[Row], checks: Sequence[Check], context: Sequence[str],
             moves: Sequence[Move] = ()) -> str:  # fmt: skip
    """The whole page: the runs' context, the goals, moving to RQ, then a table per
    measurement."""
    parts = ["# Benchmark results", "\n".join(f"- {line}" for line in context)]
    if checks:
        parts.append("## The project's defaults against their goals")
        parts.append(
            markdown_table(
                ["database", "goal", "measured", "met"],
                ([c.database, c.goal, c.measured, "yes" if c.met else "**no**"] for c in checks),
            )
        )
    if moves:
        parts.append("## Moving from the database backend to RQ")
        parts.append(
            markdown_table(
                ["database", "figure", "database backend", "RQ backend",
                 "RQ over the database backend (spread)", "so"],
                ([m.database, m.figure, m.database_backend, m.rq_backend, m.rq_over_database,
                  m.so] for m in moves),
            )
        )  # fmt: skip
    header = ["database", "case", "n", "median (lowest-highest)", "p95", "p99", "ratio", "note"]
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


def write_goals_csv(checks: Sequence[Check], path: Path) -> None:
    """The goals table alone, for the docs page (a csv-table)."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["database", "goal", "measured", "met"])
        writer.writerows([c.database, c.goal, c.measured, "yes" if c.met else "no"] for c in checks)
