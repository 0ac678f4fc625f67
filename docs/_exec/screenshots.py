"""Screenshots of what the end-to-end tests do not show: the admin's tasks, the toolbar's panel.

    cd <baked project> && .venv/bin/python path/to/docs/_exec/screenshots.py OUTPUT_DIR

Run by `nox -s docs` in a baked project (SQLite), with its virtualenv: it makes a
throwaway database with a superuser and a few tasks, starts the development server
(development settings: the Debug Toolbar is on), and drives Chromium with
Playwright: CHROMIUM_PATH's, or Playwright's own (`playwright install chromium`).
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "correct-horse"
# One process (Django starts once): a database, a superuser, tasks run and not run yet.
SETUP = f"""
from django.core.management import call_command
from tasks_demo.hello.tasks import say_hello
call_command("migrate", verbosity=0)
User.objects.create_superuser("admin@example.com", "{PASSWORD}")
say_hello.enqueue("Ada"); say_hello.enqueue(); say_hello.enqueue("Grace")
call_command("worker", batch=True, max_tasks=2, verbosity=0)
"""
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "manage", *args], env=env, check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the development server at {url} did not start")


def admin_tasks(page: Page, url: str, target: Path) -> None:
    """The admin's list of tasks, as a superuser sees it."""
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", "admin@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{url}/admin/django_tasks_database/dbtaskresult/")
    page.click("#toggle-nav-sidebar")  # the list, not the menu
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=target / "admin-tasks.png")


def toolbar_tasks(page: Page, url: str, target: Path) -> None:
    """The Debug Toolbar's Tasks panel for a registration's request (its redirect intercepted)."""
    page.context.add_cookies([{"name": "djdtRedirectsPanel", "value": "on", "url": url}])
    page.goto(f"{url}/accounts/register/")
    page.fill("#id_email", "ada@example.com")
    page.fill("#id_password1", "correct horse 1815")
    page.fill("#id_password2", "correct horse 1815")
    page.click("button[type=submit]")
    page.get_by_text("Django Debug Toolbar has intercepted a redirect").wait_for()
    page.click("#djShowToolBarButton")
    page.click("#djdt-TasksPanel a")
    page.get_by_text("tasks_demo.accounts.tasks.send_welcome_email").wait_for()
    page.screenshot(path=target / "toolbar-tasks.png")


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docs-screenshots-") as scratch:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env |= {
            "SQLITE_PATH": str(Path(scratch) / "db.sqlite3"),
            "DJANGO_SETTINGS_MODULE": "config.settings.development",
        }
        manage("shell", "-v", "0", "-c", SETUP, env=env)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "manage", "runserver", "--noreload", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until_up(url, server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM_PATH") or None, args=CHROMIUM_FLAGS
                )
                for take in (admin_tasks, toolbar_tasks):
                    context = browser.new_context(viewport={"width": 1400, "height": 620})
                    take(context.new_page(), url, target)
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
