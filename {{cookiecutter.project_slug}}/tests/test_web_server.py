"""The Procfile's web line, run as a supervisor runs it: gunicorn with config/gunicorn.py."""

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import suppress

import pytest

from .support import procfile
from .support.waiting import wait_until
from .support.workers import WorkerProcess

SLOW_HEADER_EVERY = 3  # seconds between a slow client's header lines


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, timeout: float = 10) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  our own site
        return response.read()


@pytest.fixture
def web(worker_environment, transactional_db, tmp_path) -> Iterator[tuple[str, WorkerProcess]]:
    """The web line on a free port, on the test database; its base URL and process."""
    port = free_port()
    env = {**worker_environment, "PORT": str(port)}
    server = WorkerProcess(procfile.processes()["web"], env=env, log_path=tmp_path / "web.log")
    server.start()
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        assert server.is_running, f"gunicorn exited:\n{server.output()}"
        try:
            return bool(get(f"{url}/", timeout=1))
        except OSError:
            return False

    try:
        wait_until(answers, timeout=30, waiting_for="gunicorn to answer")
        yield url, server
    finally:
        server.stop()


def test_two_slow_clients_do_not_stall_the_site(web):
    """Each slow client sends a header line every few seconds and holds what serves it: with
    the Procfile's former two sync workers, `GET /` then waited for them (32 s was measured)."""
    url, _ = web
    port = int(url.rsplit(":", 1)[1])
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
    try:
        for client in slow:
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for line in range(3):  # they keep trickling while the site is asked
            # A site stalled by the slow clients answers only once their requests end, after
            # this loop: `get` then times out. How fast it answers is the benchmarks' question.
            assert b"<h1>" in get(f"{url}/", timeout=SLOW_HEADER_EVERY)
            for client in slow:
                client.sendall(f"X-Slow-{line}: 1\r\n".encode())
            time.sleep(SLOW_HEADER_EVERY)  # the slow clients' pace, not a wait for a condition
    finally:
        for client in slow:
            client.close()


def test_password_reset_tokens_stay_out_of_the_access_log(web):
    url, server = web
    token_path = "/accounts/reset/MQ/cz6k4p-0123456789abcdef0123456789abcdef/"
    with suppress(urllib.error.HTTPError):  # whatever the answer, the request is logged
        get(f"{url}{token_path}?next=/")

    log = wait_until(
        lambda: "/accounts/reset/MQ/" in (out := server.output()) and out,
        timeout=10,
        waiting_for="the request in the access log",
    )
    assert "cz6k4p-0123456789abcdef" not in log
    assert '"GET /accounts/reset/MQ/<token>/?next=/ HTTP/1.1"' in log
