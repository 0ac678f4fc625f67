"""The benchmarks (`nox -s bench`) still run: a smoke run in each baked project.

The smoke run takes every measurement with a handful of samples, in seconds.
Its numbers mean nothing, so this checks only that it produced them: a figure
for every measurement, and the plots. How fast anything is, is `nox -s bench`'s
question.
"""

import csv
import math
import subprocess

from conftest import project_environment, python_version

MEASUREMENTS = {
    "request cost",
    "welcome-email latency",
    "throughput",
    "worker time",
    "pickup latency",
    "idle load",
}
PLOTS = ["request_cost.png", "email_latency.png", "throughput.png", "poll_interval.png"]


def test_a_smoke_run_of_the_benchmarks_produces_figures_and_plots(baked, tmp_path):
    subprocess.run(
        ["uv", "sync", "--quiet", "--python", python_version(), "--group", "bench"],
        cwd=baked.path,
        env=project_environment(),
        check=True,
    )

    result = baked.run(f"python -m bench --smoke --databases {baked.database} --out {tmp_path}")

    with (tmp_path / "results.csv").open() as results:
        rows = list(csv.DictReader(results))
    figures = {
        row["measurement"]
        for row in rows
        if row["database"] == baked.database and math.isfinite(float(row["value"] or "nan"))
    }
    assert figures == MEASUREMENTS
    assert "| database | goal | measured | met |" in result.stdout
    for plot in PLOTS:
        assert (tmp_path / plot).stat().st_size > 0, plot
