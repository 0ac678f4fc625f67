"""The load test: many visitors register at once against the production site and its workers.

    python -m benchmarks load --registrations 1000

The site is the Procfile's `web:` line (gunicorn) and the workers are its
`emails` line run twice (processes.py), all with production settings configured
from the environment as on a server (production_settings.py: a fast password
hasher), against a throwaway database (databases.py); every welcome email goes
to an SMTP server in this process.

Each client is one browser: it keeps its own cookies, GETs the registration
form for a CSRF token, then POSTs the form, one registration after another.
The clients speak as a browser behind an HTTPS proxy would (X-Forwarded-Proto
and Origin), since production settings expect one. Loopback only; every loop
is bounded by the number of registrations, every request by a timeout.

The goal: no error answer, exactly one email per registration, no duplicate,
no task left anything but SUCCESSFUL. The figures are printed either way, and
the exit status says whether the goal was met.
"""

import csv
import http.client
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import django
from django.urls import reverse

PASSWORD = "correct horse battery staple"
TIMEOUT = 60  # seconds for one request, however busy the server
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Exchange:
    """What the client sent and got back: enough to count and to report failures."""

    method: str
    path: str
    status: int | None  # None: no answer (refused, reset, timed out)
    detail: str = ""

    @property
    def ok(self) -> bool:
        """A 2xx or 3xx answer."""
        return self.status is not None and 200 <= self.status < 400


@dataclass
class Visitor:
    """One browser with its own cookies (session and CSRF)."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> str:
        """Send one request; record the exchange; return the body ("" on failure)."""
        url = urlsplit(self.base_url)
        headers = {"X-Forwarded-Proto": "https", "Cookie": self._cookie_header()}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{url.netloc}"
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
            detail = response.headers.get("Location", "") or content[:200]
            self.exchanges.append(Exchange(method, path, response.status, detail))
            return content
        except (OSError, http.client.HTTPException) as error:
            self.exchanges.append(Exchange(method, path, None, repr(error)))
            return ""
        finally:
            connection.close()

    def register(self, email: str) -> None:
        """Open the registration form, then send it filled in."""
        path = reverse("register")
        page = self.request("GET", path)
        token = CSRF_FIELD.search(page)
        form = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        self.request("POST", path, {"csrfmiddlewaretoken": token[1] if token else "", **form})

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


def register_concurrently(
    base_url: str, emails: Sequence[str], *, clients: int = 8
) -> list[Exchange]:
    """Register every address, shared among `clients` visitors working at once."""
    visitors = [Visitor(base_url) for _ in range(clients)]

    def work(number: int) -> None:
        for email in emails[number::clients]:
            visitors[number].register(email)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(work, range(clients)))  # list(): raise what a thread raised
    return [exchange for visitor in visitors for exchange in visitor.exchanges]


@dataclass
class LoadFigures:
    """The numbers a load run is judged by."""

    registrations: int  # attempted
    requests: int
    bad_answers: int  # not 2xx/3xx, or no answer at all
    registered: int  # POSTs answered with the redirect to the status page
    emails: int  # received by the SMTP server
    duplicates: int  # emails beyond the first to one address
    tasks_not_successful: int
    seconds_registering: float
    seconds_until_delivered: float

    @classmethod
    def count(
        cls,
        exchanges: list[Exchange],
        recipients: list[str],
        *,
        registrations: int,
        tasks_not_successful: int,
        started: float,
        registered_at: float,
        delivered_at: float,
    ) -> "LoadFigures":
        per_address = Counter(recipients)
        return cls(
            registrations=registrations,
            requests=len(exchanges),
            bad_answers=sum(not exchange.ok for exchange in exchanges),
            registered=sum(
                exchange.method == "POST" and exchange.status == 302 for exchange in exchanges
            ),
            emails=len(recipients),
            duplicates=sum(count - 1 for count in per_address.values()),
            tasks_not_successful=tasks_not_successful,
            seconds_registering=registered_at - started,
            seconds_until_delivered=delivered_at - started,
        )

    def meets_the_goal(self) -> bool:
        """No error, one email per registration, no duplicate, no task left behind."""
        return (
            self.bad_answers == 0
            and self.registered == self.registrations
            and self.emails == self.registrations
            and self.duplicates == 0
            and self.tasks_not_successful == 0
        )

    def rows(self) -> list[tuple[str, object]]:
        """Each figure, with what it counts."""
        rate = self.registrations / self.seconds_registering if self.seconds_registering else 0
        return [
            ("requests sent", self.requests),
            ("answers not 2xx/3xx", self.bad_answers),
            ("registrations", f"{self.registered} of {self.registrations}"),
            ("emails received", self.emails),
            ("duplicate emails", self.duplicates),
            ("tasks not SUCCESSFUL", self.tasks_not_successful),
            ("seconds registering", f"{self.seconds_registering:.1f} ({rate:.1f}/s)"),
            ("seconds until all delivered", f"{self.seconds_until_delivered:.1f}"),
        ]

    def table(self, title: str) -> str:
        width = max(len(label) for label, _ in self.rows())
        lines = [title, *(f"  {label:<{width}}  {value}" for label, value in self.rows())]
        return "\n".join(lines)

    def write_csv(self, path: Path, title: str) -> None:
        """The figures as a two-column CSV, headed by `title` (the docs show it as a table)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["", title])
            writer.writerows(self.rows())


def now() -> float:
    return time.monotonic()


def wait_for_delivery(smtp, expected: int, timeout: float) -> None:
    """Wait until every welcome email arrived and no task waits or runs; never raise.

    The figures say what was missing; waiting on after the timeout would not help.
    """
    from django.tasks import TaskResultStatus

    from tasks_demo.workers.taskdb import TaskRow

    unfinished = TaskRow.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    deadline = now() + timeout
    while now() < deadline:
        if len(smtp.messages) >= expected and not unfinished.exists():
            return
        with suppress(TimeoutError):
            smtp.wait_for_messages(len(smtp.messages) + 1, timeout=0.5)


def main(
    *,
    registrations: int,
    clients: int,
    emails_workers: int,
    settings_module: str,
    csv_path: Path | None = None,
) -> int:
    """Run the load test; print its figures (and write them to `csv_path`); 0 if it met its goal."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"  # this process's
    django.setup()
    from django.db import connection
    from django.tasks import TaskResultStatus

    from tasks_demo.workers.taskdb import TaskRow
    from tests.support.smtp import SMTPServer
    from tests.support.workers import running

    from . import processes
    from .databases import throwaway_database

    logs = Path(tempfile.mkdtemp(prefix="lab-load-"))
    emails = [f"visitor-{number}@example.com" for number in range(registrations)]
    with SMTPServer() as smtp, throwaway_database("load") as database:
        env = {
            **processes.production_environment(database, smtp_port=smtp.port),
            "DJANGO_SETTINGS_MODULE": settings_module,
        }
        # As the Procfile's `emails` line, run several times: one name on one host.
        workers = [
            processes.worker(f"emails-{number}", "emails", logs=logs, env=env)
            for number in range(1, emails_workers + 1)
        ]
        with running(workers), processes.Site(env, log_path=logs / "web.log") as site:
            started = now()
            exchanges = register_concurrently(site.url, emails, clients=clients)
            registered_at = now()
            wait_for_delivery(smtp, registrations, timeout=60 + registrations * 0.2)
            delivered_at = now()
        recipients = [address for message in smtp.messages for address in message.recipients]
        not_successful = TaskRow.objects.exclude(status=TaskResultStatus.SUCCESSFUL).count()
        vendor = connection.vendor
    figures = LoadFigures.count(
        exchanges,
        recipients,
        registrations=registrations,
        tasks_not_successful=not_successful,
        started=started,
        registered_at=registered_at,
        delivered_at=delivered_at,
    )
    print(
        figures.table(
            f"Load: {registrations} registrations from {clients} clients, gunicorn and "
            f"{emails_workers} emails workers, {vendor}, {settings_module}"
        )
    )
    if csv_path is not None:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        figures.write_csv(csv_path, names.get(vendor, vendor))
    if figures.meets_the_goal():
        shutil.rmtree(logs, ignore_errors=True)
        return 0
    failures = [exchange for exchange in exchanges if not exchange.ok][:5]
    print(f"The goal was not met. First failures: {failures}\nThe processes' logs: {logs}")
    return 1
