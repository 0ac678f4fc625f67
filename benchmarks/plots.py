"""The PNG plots of a run, one per measurement, each database in a panel of its own.

Times are on logarithmic axes: they span a millisecond to seconds, and on a log
axis equal ratios look equal - a ratio is what to read.
"""

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .report import MS, PICKUP_P50_MS, PICKUP_P99_MS, RECOVERY_SECONDS
from .stats import Spread, Summary, flatten

DPI = 110


def log_axis(axis) -> None:
    """A logarithmic axis labelled with plain numbers (20, 50, 100), not powers of ten."""
    axis.set_major_locator(ticker.LogLocator(base=10, subs=(1, 2, 5)))
    axis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(ticker.NullFormatter())


def share_axes(ax: Axes, xlabel: str, ylabel: str) -> None:
    """Axes of cumulative shares: milliseconds on a log scale, a legend at the lower right."""
    ax.set_xscale("log")
    log_axis(ax.xaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="lower right")


def panels(
    results: Sequence[dict], title: str, rows: int = 1, width: float = 5.5
) -> tuple[Figure, list[list[Axes]]]:
    """A figure with a column of panels per database."""
    figure, axes = plt.subplots(
        rows, len(results), figsize=(width * len(results), 3.6 * rows), squeeze=False,
        layout="constrained",
    )  # fmt: skip
    figure.suptitle(title)
    for ax, result in zip(axes[0], results, strict=True):
        ax.set_title(result["database"])
    return figure, [list(column) for column in zip(*axes, strict=True)]


def share_within(ax: Axes, samples: Sequence[float], label: str) -> None:
    """A curve: the share of samples at or below each time (ms)."""
    ordered = sorted(v * MS for v in samples)
    ax.step(ordered, [(i + 1) / len(ordered) for i in range(len(ordered))], where="post",
            label=label)  # fmt: skip


def wakeup(results: Sequence[dict], path: Path) -> None:
    """Pickup and welcome-email latency of each worker: the share done within each time."""
    figure, columns = panels(results, "Enqueue to task started (top) and to email received "
                             "(bottom): share within", rows=2)  # fmt: skip
    for (pickup_ax, email_ax), result in zip(columns, results, strict=True):
        wakeup_result = result["wakeup"]
        for key, label in wakeup_result["candidates"].items():
            share_within(pickup_ax, flatten(wakeup_result["pickup"][key]), label)
            share_within(email_ax, flatten(wakeup_result["email"][key]), label)
        if result["database"] == "postgresql":  # the goals are PostgreSQL's
            pickup_ax.axvline(PICKUP_P50_MS, color="#888", linestyle=":", linewidth=1)
            pickup_ax.axvline(PICKUP_P99_MS, color="#888", linestyle="--", linewidth=1)
        for ax, what in ((pickup_ax, "pickup"), (email_ax, "welcome email")):
            share_axes(ax, f"{what}, ms (log scale)", "share of tasks")
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def idle(results: Sequence[dict], path: Path) -> None:
    """Each idle worker's CPU and statements per second, whiskers from lowest to highest."""
    figure, columns = panels(results, "One idle worker: CPU (top), statements per second "
                             "(bottom); whiskers: lowest to highest window", rows=2)  # fmt: skip
    for (cpu_ax, sql_ax), result in zip(columns, results, strict=True):
        windows, labels = result["idle"]["windows"], result["idle"]["labels"]
        names = [labels[case] for case in windows]
        cpu = [Spread.of([100 * w["cpu_share"] for w in ws]) for ws in windows.values()]
        sql = [Spread.of([w["statements_per_second"] for w in ws]) for ws in windows.values()]
        written = [
            Spread.of([w["rows_written_per_second"] for w in ws]).median for ws in windows.values()
        ]
        bars(cpu_ax, names, cpu, "#c53", "% of one core", unit="%")
        bars(sql_ax, names, sql, "#27a", "statements per second", label="all")
        sql_ax.barh(names, written, color="#c53", label="rows written")
        sql_ax.legend(fontsize=8, loc="lower right")
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def bars(ax: Axes, names: list[str], spreads: list[Spread], color: str, xlabel: str,
         unit: str = "", label: str | None = None) -> None:  # fmt: skip
    """Horizontal bars at the medians, whiskers to the lowest and highest, the median written."""
    medians = [s.median for s in spreads]
    whiskers = [[s.median - s.low for s in spreads], [s.high - s.median for s in spreads]]
    ax.barh(names, medians, xerr=whiskers, color=color, capsize=3, label=label)
    for y, median in enumerate(medians):
        ax.annotate(f" {median:.2g}{unit}", (median, y), va="center", fontsize=8)
    ax.set_xlim(0, 1.25 * max(s.high for s in spreads) or 1)
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel(xlabel)


def recovery(results: Sequence[dict], path: Path) -> None:
    """Each trial: seconds from the kill to the task's restart and to its end, per system."""
    figure, columns = panels(results, "A worker SIGKILLed mid-task: seconds until the task "
                             "starts again (dots) and ends (crosses)")  # fmt: skip
    for (ax,), result in zip(columns, results, strict=True):
        trials, labels = result["recovery"]["trials"], result["recovery"]["labels"]
        for y, runs in enumerate(trials.values()):
            ax.plot([r["restart_seconds"] for r in runs], [y] * len(runs), "o", color="#27a")
            ax.plot([r["finish_seconds"] for r in runs], [y] * len(runs), "x", color="#c53")
        ax.set_yticks(range(len(trials)), [labels[system] for system in trials], fontsize=8)
        ax.set_ylim(-0.5, len(trials) - 0.5)
        ax.invert_yaxis()
        ax.axvline(RECOVERY_SECONDS, color="#888", linestyle="--", linewidth=1)
        ax.set_xlim(left=0)
        ax.set_xlabel(f"seconds after the kill; dashed: the goal, {RECOVERY_SECONDS:g} s")
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def request_cost(results: Sequence[dict], path: Path) -> None:
    """Bars at the median of each registration, whiskers to its p95."""
    figure, columns = panels(results, "Registration request: median, whisker to p95")
    for (ax,), result in zip(columns, results, strict=True):
        samples = result["request_cost"]["samples"]
        names = list(samples)
        summaries = [Summary.of(samples[name]) for name in names]
        medians = [s.p50 * MS for s in summaries]
        whiskers = [[0] * len(summaries), [(s.p95 - s.p50) * MS for s in summaries]]
        ax.barh(names, medians, xerr=whiskers, color=["#999", "#2a7", "#c53"], capsize=4)
        for y, summary in enumerate(summaries):
            ax.annotate(f"  {summary.p50 * MS:.3g} ms", (summary.p95 * MS, y), va="center",
                        fontsize=8)  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlim(1, 2 * max(s.p95 for s in summaries) * MS)  # bars start at 1 ms
        log_axis(ax.xaxis)
        ax.set_xlabel("ms per request (log scale)")
        ax.invert_yaxis()
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def isolation(results: Sequence[dict], path: Path) -> None:
    """Welcome emails while reports run: the share received within each time, per setup."""
    figure, columns = panels(results, "Reports running: welcome emails received within")
    for (ax,), result in zip(columns, results, strict=True):
        for setup, values in result["isolation"]["samples"].items():
            share_within(ax, values, setup)
        share_axes(ax, "ms (log scale)", "share of emails")
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def throughput(results: Sequence[dict], path: Path) -> None:
    """Tasks per second of each configuration: median batch, whiskers lowest to highest."""
    figure, columns = panels(results, "No-op tasks per second, all workers together; "
                             "whiskers: lowest to highest batch")  # fmt: skip
    for (ax,), result in zip(columns, results, strict=True):
        tasks, seconds = result["throughput"]["tasks"], result["throughput"]["seconds"]
        spreads = [Spread.of([tasks / s for s in batches]) for batches in seconds.values()]
        bars(ax, list(seconds), spreads, "#2a7", "tasks per second")
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


PLOTS = {
    "wakeup": ("wakeup.png", wakeup),
    "idle": ("idle.png", idle),
    "recovery": ("recovery.png", recovery),
    "request_cost": ("request_cost.png", request_cost),
    "isolation": ("isolation.png", isolation),
    "throughput": ("throughput.png", throughput),
}


def write_all(results: Sequence[dict], directory: Path) -> list[Path]:
    """Draw the plot of every measurement the results hold into `directory`; return the files."""
    paths = []
    for key, (name, draw) in PLOTS.items():
        measured = [result for result in results if key in result]
        if measured:
            draw(measured, directory / name)
            paths.append(directory / name)
    return paths
