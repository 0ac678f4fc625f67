"""The end-to-end harness: the site, real workers, a real SMTP server and a browser.

Chromium drives pytest-django's `live_server`; the Procfile's `emails` and `reports` workers
run its tasks on the test database and send email to the SMTP server in this process. Each
scenario starts with an empty database and idle workers.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from ..support import procfile, queues
from ..support.waiting import wait_until
from ..support.workers import WorkerProcess, running

QUEUES = {"emails", "reports"}
# Short enough for the scenarios: retries and reports take seconds.
E2E_ENVIRONMENT = {"EMAIL_RETRY_DELAYS": "0.5,0.5", "REPORT_SECONDS_PER_DAY": "0.1"}
# A distribution's Chromium in a container needs these (Playwright's own build sets them).
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]  # fmt: skip


def pytest_itemcollected(item: pytest.Item) -> None:
    """Every test in this folder is an end-to-end scenario: `pytest -m e2e` runs them alone."""
    item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def django_orm_beside_playwright() -> None:
    """Let tests use the ORM: Playwright's sync API runs an asyncio loop in their thread,
    and Django refuses ORM calls beside a running loop, to protect async code (none here)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Playwright's own Chromium (`playwright install chromium`), or CHROMIUM_PATH's."""
    if not (executable := os.environ.get("CHROMIUM_PATH")):
        return browser_type_launch_args
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS]
    return {**browser_type_launch_args, "executable_path": executable, "args": args}


@pytest.fixture(scope="package")
def task_workers(worker_environment: dict[str, str], tmp_path_factory) -> Iterator[list]:
    """A process per Procfile worker of `emails` or `reports`, for all the scenarios."""
    logs, env = tmp_path_factory.mktemp("workers"), {**worker_environment, **E2E_ENVIRONMENT}
    workers = [
        WorkerProcess(line, env=env, log_path=logs / f"{name}.log")
        for name, line in procfile.workers().items()
        if QUEUES.intersection(line.queues)
    ]
    queues.forget_all()  # what other tests enqueued: no worker must run it into a scenario
    with running(workers):
        yield workers


@pytest.fixture(autouse=True)
def workers(request, transactional_db: None, task_workers: list[WorkerProcess]) -> Iterator[list]:
    """The running workers; a scenario ends once they finished every task it enqueued,
    so that none runs into the next scenario's empty database."""
    for worker in task_workers:
        assert worker.is_running, f"{worker.line.name} is not running:\n{worker.output()}"
    queues.forget_all()
    since = {worker: len(worker.output()) for worker in task_workers}
    yield task_workers
    try:
        wait_until(lambda: not queues.unfinished(QUEUES), timeout=30,
                   waiting_for="the workers to finish")  # fmt: skip
    finally:  # a failed scenario's report shows what the workers printed during it
        for worker in task_workers:
            output = worker.output()[since[worker] :] or "(nothing)\n"
            request.node.add_report_section("teardown", f"output of {worker.line.name}", output)


@pytest.fixture
def site_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def screenshot(pytestconfig: pytest.Config) -> Callable[[Page, str], object]:
    """`screenshot(page, "register.png")`: the page, for the tutorial, in test-results/screenshots/
    (or E2E_SCREENSHOT_DIR)."""
    default = Path(pytestconfig.getoption("--output")) / "screenshots"
    folder = Path(os.environ.get("E2E_SCREENSHOT_DIR") or default)
    return lambda page, name: page.screenshot(path=folder / name, full_page=True)
