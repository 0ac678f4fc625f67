"""The lab (benchmarks/) still runs against a fresh bake of each database.

A smoke run takes every measurement with a handful of samples, in seconds. Its
numbers mean nothing, so this checks only that it produced them: a finite figure
for every measurement and, on PostgreSQL, for the references too; the goals
table; every plot. A small load run (100 registrations against the production
site) must meet its goal: its exit status says so. How fast anything is, is
`nox -s bench`'s question, and `nox -s load` runs a thousand registrations.
"""

import csv
import math
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, project_environment

LAB = ROOT / "benchmarks"
MEASUREMENTS = {
    "request cost",
    "pickup latency",
    "welcome-email latency",
    "idle cost",
    "recovery",
    "queue isolation",
    "throughput",
    "monitoring",
}
REFERENCES = {"django-task-psql", "django-ox"}
PLOTS = ["wakeup", "idle", "recovery", "request_cost", "isolation", "throughput"]


@pytest.fixture
def lab(baked, tmp_path) -> dict[str, str]:
    """The lab beside the bake, its requirements in the bake's .venv: the environment to run it."""
    if baked.backend == "rq":
        pytest.skip("The lab measures the database backend; it does not run on RQ yet.")
    shutil.copytree(LAB, tmp_path / "lab" / "benchmarks", ignore=shutil.ignore_patterns("__pyc*"))
    requirements = "requirements.txt"
    if baked.database == "postgresql":  # and the references, which run on PostgreSQL only
        requirements = "requirements-postgresql.txt"
    python = str(baked.path / ".venv" / "bin" / "python")
    subprocess.run(
        ["uv", "pip", "install", "--quiet", "--python", python, "-r", str(LAB / requirements)],
        env=project_environment(),
        check=True,
    )
    return {"PYTHONPATH": str(tmp_path / "lab")}


def test_a_smoke_run_measures_everything_and_draws_every_plot(baked, lab, tmp_path):
    samples, out = tmp_path / "samples.json", tmp_path / "results"

    baked.run(f"python -m benchmarks measure --plan smoke --json {samples}", env=lab)
    baked.run(f"python -m benchmarks report --out {out} {samples}", env=lab)

    with (out / "results.csv").open() as results:
        rows = list(csv.DictReader(results))
    assert {row["measurement"] for row in rows} == MEASUREMENTS
    assert not [row for row in rows if not math.isfinite(float(row["value"] or "nan"))]
    cases = " ".join(row["case"] for row in rows)
    references = {name for name in REFERENCES if name in cases}
    assert references == (REFERENCES if baked.database == "postgresql" else set())
    assert "## The project's defaults against their goals" in (out / "results.md").read_text()
    assert (out / "goals.csv").read_text().startswith("database,goal,measured,met")
    for plot in PLOTS:
        assert (out / f"{plot}.png").stat().st_size > 0, plot


def test_a_small_load_run_gives_every_registration_one_email(baked, lab):
    # It exits non-zero unless every registration got exactly one email (and no error).
    result = baked.run("python -m benchmarks load --registrations 100", env=lab)

    assert re.search(r"emails received +100\n", result.stdout), result.stdout
