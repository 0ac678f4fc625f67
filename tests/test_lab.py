"""The lab (benchmarks/) still runs against a fresh bake.

A smoke run takes every measurement with a handful of samples, in seconds. Its
numbers mean nothing, so this checks only that it produced them: a finite figure
for every measurement, the references' too; the RQ backend's beside the database
backend's (from an RQ bake of the same database, as `nox -s bench` gives it:
benchmarks/rqbake.py); the goals table; every plot. It runs in the PostgreSQL
bake, the one where every measurement runs (the references need PostgreSQL),
and in its own session, `nox -s lab` (two minutes of both cores: `nox` leaves it
to CI); `nox -s bench -- --smoke` runs it on both databases. A small load
run (100 registrations against the production site) must meet its goal on each
database: its exit status says so. How fast anything is, is `nox -s bench`'s
question, and `nox -s load` runs a thousand registrations.
"""

import csv
import math
import os
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
    "backends",
}
# What the smoke run compares of the two backends (RQ's worker killed whole waits more than a
# minute for its heartbeat to lapse: only `nox -s bench` measures it).
BACKEND_FIGURES = {"pickup p50", "welcome email p50", "throughput, 1 worker",
                   "recovery after SIGKILL (work horse killed on RQ)"}  # fmt: skip
# The smoke run's Redis database: no other test uses it (nox -s bench uses 15).
LAB_REDIS_URL = os.environ.get("LAB_REDIS_URL", "redis://127.0.0.1:6379/14")
REFERENCES = {"django-task-psql", "django-ox"}
PLOTS = ["wakeup", "idle", "recovery", "request_cost", "isolation", "throughput"]


@pytest.fixture
def lab(baked, tmp_path) -> dict[str, str]:
    """The lab beside the bake, its requirements in the bake's .venv: the environment to run
    it."""
    if baked.backend == "rq":
        pytest.skip("The lab runs in a database bake, and takes the RQ bake's backend beside it.")
    shutil.copytree(LAB, tmp_path / "lab" / "benchmarks", ignore=shutil.ignore_patterns("__pyc*"))
    requirements = "requirements.txt"
    if baked.database == "postgresql":  # and the references, which run on PostgreSQL only
        requirements = "requirements-postgresql.txt"
    python = str(baked.path / ".venv" / "bin" / "python")
    subprocess.run(
        ["uv", "pip", "install", "--quiet", "--python", python, "-r", str(LAB / requirements),
         "-r", str(LAB / "requirements-rq.txt")],
        env=project_environment(),
        check=True,
    )  # fmt: skip
    return {"PYTHONPATH": str(tmp_path / "lab")}


def test_a_smoke_run_measures_everything_and_draws_every_plot(
    baked, lab, cookies_session, tmp_path
):
    if baked.database != "postgresql":
        pytest.skip("The smoke run is the PostgreSQL bake's, where every measurement runs.")
    rq_bake = cookies_session.bake(extra_context={"database": baked.database, "backend": "rq"})
    assert rq_bake.exit_code == 0, rq_bake.exception
    lab |= {"LAB_RQ_BAKE": str(rq_bake.project_path), "LAB_REDIS_URL": LAB_REDIS_URL}
    samples, out = tmp_path / "samples.json", tmp_path / "results"

    baked.run(f"python -m benchmarks measure --plan smoke --json {samples}", env=lab)
    baked.run(f"python -m benchmarks report --out {out} {samples}", env=lab)

    with (out / "results.csv").open() as results:
        rows = list(csv.DictReader(results))
    assert {row["measurement"] for row in rows} == MEASUREMENTS
    assert not [row for row in rows if not math.isfinite(float(row["value"] or "nan"))]
    cases = " ".join(row["case"] for row in rows)
    assert {name for name in REFERENCES if name in cases} == REFERENCES
    with (out / "backends.csv").open() as moves:
        assert {row["figure"] for row in csv.DictReader(moves)} == BACKEND_FIGURES
    assert "## The project's defaults against their goals" in (out / "results.md").read_text()
    assert (out / "goals.csv").read_text().startswith("database,goal,measured,met")
    for plot in PLOTS:
        assert (out / f"{plot}.png").stat().st_size > 0, plot


def test_a_small_load_run_gives_every_registration_one_email(baked, lab):
    # It exits non-zero unless every registration got exactly one email (and no error).
    result = baked.run("python -m benchmarks load --registrations 100", env=lab)

    assert re.search(r"emails received +100\n", result.stdout), result.stdout
