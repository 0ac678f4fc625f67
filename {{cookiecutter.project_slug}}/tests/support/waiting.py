"""Wait for a condition, never for a fixed time: a fixed sleep is slow on a fast machine and
flaky on a slow one. `wait_until` returns once the condition holds, or says what it awaited."""

import time
from collections.abc import Callable


def wait_until[T](
    condition: Callable[[], T | None], *, timeout: float, waiting_for: str, poll: float = 0.02
) -> T:
    """Return the first truthy value of `condition()`; raise TimeoutError after `timeout` s,
    saying what it was `waiting_for`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Timed out after {timeout:g} s waiting for {waiting_for}.")
        time.sleep(poll)
