"""The end-to-end harness: the site, real workers, a real SMTP server and a browser.

Each test drives Chromium against the site served by pytest-django's
`live_server`. Tasks run in real worker processes (one per Procfile worker of
the `emails` and `reports` queues) that share the test database, and the
`emails` worker sends over SMTP to a server inside this process. Everything
slow to start lives as long as the scenarios; each starts from an empty
database, an empty mailbox and idle workers.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from {{ cookiecutter.project_slug }}.workers.taskdb import TaskRow

from ..support import procfile
from ..support.waiting import wait_until
from ..support.workers import WorkerProcess, running

# The queues the scenarios use; the Procfile says which worker serves which.
QUEUES = {"emails", "reports"}
# Short enough for the scenarios: a retried welcome email waits this long.
E2E_ENVIRONMENT = {"EMAIL_RETRY_DELAYS": "0.5,0.5", "REPORT_SECONDS_PER_DAY": "0.1"}
# What a system Chromium needs to start in a container (Playwright's own build
# gets the same from Playwright).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WORKERS_OF_TEST = pytest.StashKey[tuple[list[WorkerProcess], dict[str, int]]]()


def pytest_configure(config: pytest.Config) -> None:
    """Keep a trace and a screenshot of every failed test in test-results/ (which CI keeps).

    These are pytest-playwright's --tracing, --screenshot and --output options;
    pass `--tracing on` or `--screenshot on` to keep them for passing tests too.
    """
    if config.option.tracing == "off":
        config.option.tracing = "retain-on-failure"
    if config.option.screenshot == "off":
        config.option.screenshot = "only-on-failure"
    if config.option.output == "test-results":
        config.option.output = str(config.rootpath / "test-results")
    # pytest-playwright's own base_url fixture triggers this pytest deprecation; not ours to fix.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )


@pytest.fixture(scope="session", autouse=True)
def django_orm_beside_playwright() -> None:
    """Let the tests use the ORM although Playwright runs an event loop in their thread.

    Django refuses ORM calls from a thread with a running asyncio loop, to protect
    async code (SynchronousOnlyOperation); Playwright's sync API runs one until
    the session ends. No async code of ours runs here.
    """
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Playwright's own Chromium (`playwright install chromium`), or CHROMIUM_PATH's."""
    executable = os.environ.get("CHROMIUM_PATH")
    if not executable:
        return browser_type_launch_args
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


@pytest.fixture(scope="package")
def task_workers(
    worker_environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[WorkerProcess]]:
    """A process per Procfile worker serving `emails` or `reports`, for every scenario.

    Each runs its Procfile line on the test database, sends email to the test
    SMTP server, and is stopped with SIGTERM after the last scenario.
    """
    logs = tmp_path_factory.mktemp("workers")
    workers = [
        WorkerProcess(
            line, env={**worker_environment, **E2E_ENVIRONMENT}, log_path=logs / f"{name}.log"
        )
        for name, line in procfile.workers().items()
        if QUEUES.intersection(line.queues)
    ]
    with running(workers):
        yield workers


@pytest.fixture(autouse=True)
def workers(
    request: pytest.FixtureRequest, transactional_db: None, task_workers: list[WorkerProcess]
) -> Iterator[list[WorkerProcess]]:
    """The running workers; the test ends once they finished every task it enqueued,
    so that no task runs into the next test's empty database."""
    for worker in task_workers:
        if not worker.is_running:
            pytest.fail(f"Worker {worker.line.name} is not running:\n{worker.output()}")
    positions = {worker.line.name: worker.log_position() for worker in task_workers}
    request.node.stash[WORKERS_OF_TEST] = (task_workers, positions)
    yield task_workers
    unfinished = TaskRow.objects.filter(queue_name__in=QUEUES, status__in=["READY", "RUNNING"])
    wait_until(
        lambda: not unfinished.exists(),
        timeout=30,
        waiting_for="the workers to finish the tasks this test enqueued",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Add the workers' output during the test to the report of a failed test."""
    report = yield
    if report.failed and WORKERS_OF_TEST in item.stash:
        task_workers, positions = item.stash[WORKERS_OF_TEST]
        for worker in task_workers:
            output = worker.output(since=positions[worker.line.name]) or "(nothing)\n"
            report.sections.append((f"Captured output of worker {worker.line.name}", output))
    return report


@pytest.fixture
def site_url(live_server) -> str:
    """The address of the site, served by pytest-django's live server."""
    return live_server.url


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path:
    """Where the tutorial's screenshots go: test-results/screenshots/ or E2E_SCREENSHOT_DIR."""
    default = Path(pytestconfig.getoption("--output")) / "screenshots"
    return Path(os.environ.get("E2E_SCREENSHOT_DIR") or default)


@pytest.fixture
def screenshot(screenshot_dir: Path) -> Callable[[Page, str], Path]:
    """`screenshot(page, "register.png")` saves the page under a stable name."""

    def take(page: Page, name: str) -> Path:
        path = screenshot_dir / name
        page.screenshot(path=path, full_page=True)
        return path

    return take
