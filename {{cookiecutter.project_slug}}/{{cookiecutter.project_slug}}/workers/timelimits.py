"""Stop a task that runs past its time limit, and let the worker go on.

The worker runs each task in its main thread; a SIGALRM timer set for the
task's limit raises TimeLimitExceeded there, wherever the task is: in a sleep,
waiting on a socket, in a loop of Python code. The task fails with it (or is
retried, if its policy says so) and the worker takes its next task.

What a signal cannot interrupt is C code that never returns to Python. Such a
task keeps its worker: the heartbeat thread then stops the whole process (see
heartbeat.py), and the task's failure is recorded when another worker finds it.
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(BaseException):
    """The task ran past its time limit.

    A BaseException, like KeyboardInterrupt: a task's own `except Exception`
    must not swallow it.
    """


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
