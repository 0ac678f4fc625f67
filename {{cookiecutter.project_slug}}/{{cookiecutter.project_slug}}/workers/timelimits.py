"""Stop a task that runs past its time limit, and let the worker go on.

A SIGALRM timer raises TimeLimitExceeded in the task (the worker's main thread),
wherever it is: a sleep, a socket, a loop. C code that never returns to Python
cannot be interrupted: the heartbeat thread then ends the process (heartbeat.py)
and another worker runs the task again, as after any crash.
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(BaseException):
    """The task ran past its time limit (a BaseException: `except Exception` must not hide it)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise TimeLimitExceeded in this (the main) thread if the block runs past `seconds`."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("Time limits use SIGALRM: run tasks in the main thread.")

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded(f"The task ran longer than its time limit of {seconds:g} s.")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
