"""Measurement: what the welcome email adds to the registration request.

Three registrations, taken in turn so that the machine's ups and downs touch
all three alike:

- enqueued: the project's view, which enqueues the email (accounts/views.py);
- inline: the same, sending the email before answering, to an SMTP server that
  takes SLOW_SMTP_SECONDS to answer, as a distant mail provider does;
- no email: the same, sending nothing - the floor.

Requests go through Django's test client: the whole middleware stack and the
view, in this process, without network noise. Each creates a new user.
"""

import time
from collections.abc import Callable
from itertools import count

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from django.urls import reverse

from .plans import Plan
from .smtp import TimedSMTPServer

SLOW_SMTP_SECONDS = 0.2
PASSWORD = "correct horse battery staple"

# Variant name -> URL name of its view.
VARIANTS = {
    "no email": "bench-register-no-email",
    "enqueued": "register",
    "inline, 200 ms SMTP": "bench-register-inline",
}
_emails = count()


def register(url: str) -> float:
    """POST one new registration to `url`; return how long the request took, in seconds."""
    email = f"request-{next(_emails)}@example.com"
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    client = Client()
    started = time.perf_counter()
    response = client.post(url, data)
    elapsed = time.perf_counter() - started
    if response.status_code != 302:
        raise RuntimeError(f"Registering at {url} answered {response.status_code}: {response}")
    return elapsed


def measure(plan: Plan, smtp: TimedSMTPServer, progress: Callable[[str], None]) -> dict:
    """Seconds per request of each variant, plus what PBKDF2 would add to each."""
    urls = {variant: reverse(name) for variant, name in VARIANTS.items()}
    samples: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    smtp.reply_delay = SLOW_SMTP_SECONDS
    try:
        for round_number in range(plan.warmup_requests + plan.requests):
            for variant, url in urls.items():
                elapsed = register(url)
                if round_number >= plan.warmup_requests:
                    samples[variant].append(elapsed)
    finally:
        smtp.reply_delay = 0.0
    progress(f"{plan.requests} registrations of each kind")
    return {
        "samples": samples,
        "pbkdf2_seconds": pbkdf2_seconds(rounds=plan.hash_rounds),
        "pbkdf2_rounds": plan.hash_rounds,
    }


def pbkdf2_seconds(rounds: int) -> float:
    """The median time of hashing one password with the project's real hasher."""
    hasher = PBKDF2PasswordHasher()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        hasher.encode(PASSWORD, hasher.salt())
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]
