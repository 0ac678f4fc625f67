"""The PNG plots of a run, one per measurement, each database side by side.

Times are on logarithmic axes: the measurements span milliseconds to seconds,
and on a log axis equal ratios look equal - a ratio is what to read.
"""

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .report import IDLE_P50_MS, IDLE_P99_MS, MS
from .stats import Summary, percentile

DPI = 110


def log_axis(axis) -> None:
    """A logarithmic axis labelled with plain numbers (20, 50, 100), not powers of ten."""
    axis.set_major_locator(ticker.LogLocator(base=10, subs=(1, 2, 5)))
    axis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_minor_formatter(ticker.NullFormatter())


def panels(results: Sequence[dict], title: str, width: float = 5.5) -> tuple[Figure, list[Axes]]:
    """A figure with one panel per database."""
    figure, axes = plt.subplots(
        1, len(results), figsize=(width * len(results), 3.8), squeeze=False, layout="constrained"
    )
    figure.suptitle(title)
    for ax, result in zip(axes[0], results, strict=True):
        ax.set_title(result["database"])
    return figure, list(axes[0])


def request_cost(results: Sequence[dict], path: Path) -> None:
    """Bars at the median of each variant, whiskers to its p95."""
    figure, axes = panels(results, "Registration request: median, whisker to p95")
    for ax, result in zip(axes, results, strict=True):
        samples = result["request_cost"]["samples"]
        names = list(samples)
        summaries = [Summary.of(samples[name]) for name in names]
        medians = [s.p50 * MS for s in summaries]
        whiskers = [[0] * len(summaries), [(s.p95 - s.p50) * MS for s in summaries]]
        ax.barh(names, medians, xerr=whiskers, color=["#999", "#2a7", "#c53"], capsize=4)
        for y, summary in enumerate(summaries):
            label = f"  {summary.p50 * MS:.3g} ms"
            ax.annotate(label, (summary.p95 * MS, y), va="center", fontsize=8)
        ax.set_xscale("log")
        ax.set_xlim(1, 2 * max(s.p95 for s in summaries) * MS)  # bars start at 1 ms
        log_axis(ax.xaxis)
        ax.set_xlabel("ms per request (log scale)")
        ax.invert_yaxis()
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def email_latency(results: Sequence[dict], path: Path) -> None:
    """The share of emails received within each latency: a curve per scenario."""
    figure, axes = panels(results, "Welcome email, enqueue to received: share received within")
    for ax, result in zip(axes, results, strict=True):
        for scenario, values in result["email_latency"]["samples"].items():
            ordered = sorted(v * MS for v in values)
            shares = [(i + 1) / len(ordered) for i in range(len(ordered))]
            ax.step(ordered, shares, where="post", label=scenario)
        ax.axvline(IDLE_P50_MS, color="#888", linestyle=":", linewidth=1)
        ax.axvline(IDLE_P99_MS, color="#888", linestyle="--", linewidth=1)
        ax.set_xscale("log")
        log_axis(ax.xaxis)
        ax.set_xlabel("ms (log scale); goals: p50 60 ms (dotted), p99 120 ms (dashed)")
        ax.set_ylabel("share of emails")
        ax.legend(fontsize=8, loc="lower right")
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def throughput(results: Sequence[dict], path: Path) -> None:
    """Tasks per second by number of workers, with and without persistent connections."""
    figure, axes = panels(results, "No-op tasks per second, all workers together")
    for ax, result in zip(axes, results, strict=True):
        runs = result["throughput"]["runs"]
        for age in sorted({run["conn_max_age"] for run in runs}):
            chosen = [run for run in runs if run["conn_max_age"] == age and run["health_checks"]]
            ax.plot(
                [run["workers"] for run in chosen],
                [run["per_second"] for run in chosen],
                marker="o",
                label=f"CONN_MAX_AGE={age}",
            )
        unchecked = [run for run in runs if not run["health_checks"]]
        ax.plot(
            [run["workers"] for run in unchecked],
            [run["per_second"] for run in unchecked],
            marker="^",
            linestyle="none",
            label="no health checks",
        )
        bound = result["throughput"]["bound_per_second"]
        ax.axhline(bound, color="#888", linestyle="--", linewidth=1, label="per-task bound")
        ax.set_xticks(sorted({run["workers"] for run in runs}))
        ax.set_xlabel("workers")
        ax.set_ylabel("tasks/s")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


def poll_interval(results: Sequence[dict], path: Path) -> None:
    """Pickup latency against --interval; beside it, what an idle worker costs at each."""
    figure, (latency_ax, cpu_ax, server_ax) = plt.subplots(
        1, 3, figsize=(15, 3.8), layout="constrained"
    )
    figure.suptitle("The poll interval: what it buys, and what it costs an idle worker")
    for result in results:
        database = result["database"]
        pickups = result["pickup_latency"]
        intervals = [float(i) for i in pickups]
        for q, style in ((50, "-"), (99, "--")):
            latency_ax.plot(
                intervals,
                [percentile(values, q) * MS for values in pickups.values()],
                marker="o",
                linestyle=style,
                label=f"{database} p{q}",
            )
        loads = [
            load
            for load in result["idle_load"]
            if load["conn_max_age"] == result["defaults"]["conn_max_age"]
        ]
        # The kernel counts CPU time in ticks (10 ms): a share that rounds to 0 has no log.
        with_cpu = [load for load in loads if load["cpu_share"]]
        if with_cpu:
            cpu_ax.plot(
                [load["interval"] for load in with_cpu],
                [100 * load["cpu_share"] for load in with_cpu],
                marker="o",
                label=database,
            )
        counted = [load for load in loads if load["transactions_per_second"] is not None]
        if counted:
            server_ax.plot(
                [load["interval"] for load in counted],
                [load["transactions_per_second"] for load in counted],
                marker="o",
                label=f"{database}, transactions/s",
            )
    axes = {
        latency_ax: ("pickup latency: enqueue to start", "ms (log scale)"),
        cpu_ax: ("an idle worker's own CPU", "% of one core (log scale)"),
        server_ax: ("an idle worker's load on PostgreSQL", "transactions/s (log scale)"),
    }
    for ax, (title, ylabel) in axes.items():
        ax.set_title(title)
        ax.set_xscale("log")
        ax.set_yscale("log")
        log_axis(ax.xaxis)
        log_axis(ax.yaxis)
        ax.set_xlabel("--interval, s (log scale)")
        ax.set_ylabel(ylabel)
        if ax.lines:
            ax.legend(fontsize=8)
        else:
            ax.text(0.5, 0.5, "not measured here", ha="center", transform=ax.transAxes)
    figure.savefig(path, dpi=DPI)
    plt.close(figure)


PLOTS = {
    "request_cost.png": request_cost,
    "email_latency.png": email_latency,
    "throughput.png": throughput,
    "poll_interval.png": poll_interval,
}


def write_all(results: Sequence[dict], directory: Path) -> list[Path]:
    """Draw every plot into `directory`; return the files."""
    paths = []
    for name, draw in PLOTS.items():
        draw(results, directory / name)
        paths.append(directory / name)
    return paths
