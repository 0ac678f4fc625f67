"""An SMTP server (aiosmtpd) in the test process, for the emails worker processes send.

A test reads what arrived with `smtp.wait_for_messages(1, to="ada@example.com")`; it can refuse
mail (`with smtp.refusing(TRY_LATER, times=2):`) or hold it (`with smtp.holding():`: the task
sending it stays RUNNING until the block ends).
"""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from itertools import repeat
from typing import Self, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

ACCEPTED = "250 Message accepted for delivery"
REFUSED = "554 5.7.1 Message refused by the test SMTP server"  # for good
TRY_LATER = "451 4.3.0 Try again later, says the test SMTP server"  # for now


@dataclass(frozen=True)
class ReceivedEmail:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        """The plain-text body (of a multipart message, its text/plain part)."""
        body = self.message.get_body(preferencelist=("plain",))
        return str(body.get_content()) if body else ""


class SMTPServer(Controller):
    """Receives email on 127.0.0.1 as its own aiosmtpd handler; records, refuses or holds it."""

    def __init__(self, port: int = 0, hold_timeout: float = 30) -> None:
        super().__init__(self, hostname="127.0.0.1", port=port)
        self.hold_timeout = hold_timeout
        self._received: list[ReceivedEmail] = []
        self._arrived, self._released = threading.Condition(), threading.Event()
        self.reset()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._released.set()  # let a held message finish before the loop stops
        self.stop()

    @property
    def messages(self) -> list[ReceivedEmail]:
        """Every message accepted so far, oldest first."""
        with self._arrived:
            return list(self._received)

    def wait_for_messages(
        self, count: int = 1, *, to: str | None = None, timeout: float = 10
    ) -> list[ReceivedEmail]:
        """Wait until `count` messages (to `to`, if given) arrived; return them or fail."""

        def matching() -> list[ReceivedEmail]:
            return [m for m in self._received if to is None or to in m.recipients]

        with self._arrived:
            if not self._arrived.wait_for(lambda: len(matching()) >= count, timeout):
                received = [m.recipients for m in self._received]
                expected = f"{count} email(s) to {to or 'anyone'}"
                raise TimeoutError(f"Timed out after {timeout:g} s waiting for {expected}; "
                                   f"the server received {received}.")  # fmt: skip
            return matching()

    def reset(self) -> None:
        """Forget messages, accept mail again and release held messages."""
        with self._arrived:
            self._received.clear()
        self._refusals: Iterator[str] = iter(())
        self._released.set()

    @contextmanager
    def refusing(self, reply: str = REFUSED, times: int | None = None) -> Iterator[None]:
        """Refuse messages with `reply` (an SMTP error) in the block: all, or the first `times`."""
        self._refusals = repeat(reply) if times is None else repeat(reply, times)
        try:
            yield
        finally:
            self._refusals = iter(())

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Keep messages unanswered until the block ends (at most hold_timeout seconds)."""
        self._released.clear()
        try:
            yield
        finally:
            self._released.set()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """aiosmtpd calls this once a whole message arrived; the reply goes to the sender."""
        await asyncio.to_thread(self._released.wait, self.hold_timeout)
        reply = next(self._refusals, ACCEPTED)
        if reply == ACCEPTED:
            content = envelope.original_content or envelope.content or b""
            raw = content.encode() if isinstance(content, str) else content
            message = message_from_bytes(raw, policy=policy.default)
            with self._arrived:
                self._received.append(ReceivedEmail(list(envelope.rcpt_tos), message))
                self._arrived.notify_all()
        return reply

    def _trigger_server(self) -> None:
        # start() checks the server answers at self.port: the port bound (a free one, for port=0).
        self.port = cast(asyncio.Server, self.server).sockets[0].getsockname()[1]
        super()._trigger_server()
