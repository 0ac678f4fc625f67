"""The bake's test SMTP server, noting when each message arrives, and able to answer late.

Arrival times give the welcome email's latency (enqueue to message received);
`reply_delay` makes the server answer each message late, like a distant mail
provider, for the registration that sends its email inline.
"""

import asyncio
import threading
import time

from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.support.smtp import SMTPServer


class TimedSMTPServer(SMTPServer):
    """An SMTPServer that records when each recipient's message arrived (time.time())."""

    def __init__(self, *, reply_delay: float = 0.0, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.reply_delay = reply_delay
        self._arrivals: dict[str, float] = {}
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Note the arrival, wait `reply_delay` seconds, then answer as the bake's server does."""
        arrived = time.time()
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self._arrivals[recipient] = arrived
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return await super().handle_DATA(server, session, envelope)

    def arrival(self, recipient: str, timeout: float) -> float:
        """When the message to `recipient` arrived; waits for it up to `timeout` seconds."""
        self.wait_for_messages(1, to=recipient, timeout=timeout)
        with self._lock:
            return self._arrivals[recipient]
