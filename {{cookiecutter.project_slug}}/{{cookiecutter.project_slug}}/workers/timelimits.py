"""Stop a task at its time limit, or when its worker must stop, and let the worker go on.

- Soft limit: the task gets TimeLimitExceeded, an ordinary exception, where it is. A plain
  task gets it from a SIGALRM timer in the worker's main thread (a sleep, a socket, a loop);
  an `async def` task from its event loop's own timeout, at the await it is stuck in.
- Hard limit: a task still running HARD_LIMIT_GRACE_SECONDS past its limit (C code that never
  returns to Python and holds the GIL, or code that swallowed the exception) ends the
  process: faulthandler's watchdog, a C thread that needs no GIL, prints every thread's stack
  and exits. The worker's lock goes with it, and recovery fails the task (recovery.py).
- Stopping: `interrupt(after=...)` raises WorkerStopped in the task instead, when its worker
  was told to stop and the task did not finish within the grace.

No limit inside the process stops work outside it: a query the database is running goes on
there (until the database's own timeout), as does a message a mail server is taking.
"""

import asyncio
import faulthandler
import signal
import time
from collections.abc import Callable, Coroutine
from types import CodeType, FrameType
from typing import Any

from asgiref.sync import async_to_sync

HARD_LIMIT_GRACE_SECONDS = 10.0


class TimeLimitExceeded(Exception):
    """The task ran past its time limit."""


class WorkerStopped(Exception):
    """The worker was told to stop, and the task did not finish within the grace."""


class Limits:
    """Runs one task at a time in the main thread, within its limits (see the module's doc)."""

    def __init__(self) -> None:
        self._deadlines: dict[type[Exception], tuple[float, str]] = {}
        self.running = False  # whether a task runs now
        self._pending: tuple[float, str] | None = None  # an interruption for the next task

    def run(self, call: Callable[[], Any], *, seconds: float, is_async: bool = False) -> Any:
        """`call()`, stopped with TimeLimitExceeded after `seconds` (see the module's doc)."""
        message = f"The task ran longer than its time limit of {seconds:g} s."
        faulthandler.dump_traceback_later(seconds + HARD_LIMIT_GRACE_SECONDS, exit=True)
        previous = signal.signal(signal.SIGALRM, self._expire)
        self.running = True
        if self._pending:
            at, stopped = self._pending
            self._set(WorkerStopped, at - time.monotonic(), stopped)
        try:
            if is_async:
                # As Task.call runs a coroutine: its sync_to_async calls come back to this thread.
                limited = async_to_sync(_within)
                return _inside_the_task(lambda: limited(call(), seconds, message))
            self._set(TimeLimitExceeded, seconds, message)
            return _inside_the_task(call)
        finally:
            self.running = False
            self._deadlines.clear()
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            faulthandler.cancel_dump_traceback_later()

    def interrupt(self, *, after: float, message: str) -> None:
        """Raise WorkerStopped in the running task `after` seconds from now (0: at once), or in
        the task about to run, if none runs yet."""
        if self.running:
            self._set(WorkerStopped, after, message)
        else:
            self._pending = (time.monotonic() + after, message)

    def _set(self, error: type[Exception], seconds: float, message: str) -> None:
        self._deadlines[error] = (time.monotonic() + seconds, message)
        first = min(deadline for deadline, _ in self._deadlines.values())
        signal.setitimer(signal.ITIMER_REAL, max(first - time.monotonic(), 0.001))

    def _expire(self, signum: int, frame: FrameType | None) -> None:
        if not self._deadlines:
            return
        if not _in_task_code(frame):
            # Not yet in the task, or already back from it: the finally above disarms us.
            signal.setitimer(signal.ITIMER_REAL, 0.01)
            return
        error, (_, message) = min(self._deadlines.items(), key=lambda item: item[1][0])
        del self._deadlines[error]
        raise error(message)


def _inside_the_task(call: Callable[[], Any]) -> Any:
    """Call the task: an alarm interrupts code below this frame only, never the worker's own."""
    return call()


async def _within(coroutine: Coroutine[Any, Any, Any], seconds: float, message: str) -> Any:
    """Await the task's coroutine; cancel it and raise TimeLimitExceeded after `seconds`."""
    timeout = asyncio.timeout(seconds)
    try:
        async with timeout:
            return await coroutine
    except TimeoutError:
        if timeout.expired():
            raise TimeLimitExceeded(message) from None
        raise


def _in_task_code(frame: FrameType | None) -> bool:
    """Whether `frame` is code the task runs: below _inside_the_task, not that frame itself."""
    code: CodeType = _inside_the_task.__code__
    if frame is None or frame.f_code is code:
        return False
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False
