"""What the staff dashboard shows: each queue's work and latency, the last hour, the workers."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone

from ..workers import taskdb

FAILED_WINDOW = timedelta(hours=24)
SUCCESSFUL_WINDOW = timedelta(hours=1)
CHART_MINUTES = 60


@dataclass
class Queue:
    name: str
    ready: int = 0
    running: int = 0
    failed: int = 0  # in the last FAILED_WINDOW
    successful: int = 0  # in the last SUCCESSFUL_WINDOW
    oldest_ready: datetime | None = None
    workers: int = 0
    paused: bool = False

    @property
    def latency(self) -> timedelta | None:
        """How long the oldest due READY task has waited: the queue's real latency."""
        return timezone.now() - self.oldest_ready if self.oldest_ready else None

    @property
    def silent(self) -> bool:
        """Tasks wait and no live worker takes this queue: they will wait forever."""
        return self.ready > 0 and self.workers == 0


@dataclass
class Minute:
    start: datetime
    successful: int = 0
    failed: int = 0


def configured_queues() -> list[str]:
    """The queues of settings.TASKS' default backend."""
    return list(settings.TASKS["default"].get("QUEUES") or ["default"])


def queues(live_queues: list[str], paused: set[str], *, finished: bool = True) -> list[Queue]:
    """Every configured queue, and any other that has tasks, with its figures (those of
    finished tasks too if `finished`). `live_queues` has each live worker's queues ("*": all)."""
    now = timezone.now()
    by_name = {name: Queue(name) for name in configured_queues()}
    for row in taskdb.unfinished_by_queue():
        queue = by_name.setdefault(row["queue_name"], Queue(row["queue_name"]))
        if row["status"] == TaskResultStatus.READY:
            queue.ready, queue.oldest_ready = row["count"], row["oldest"]
        else:
            queue.running = row["count"]
    done = (
        taskdb.finished_by_queue(now - FAILED_WINDOW, now - SUCCESSFUL_WINDOW) if finished else []
    )
    for row in done:
        queue = by_name.setdefault(row["queue_name"], Queue(row["queue_name"]))
        queue.failed, queue.successful = row["failed"], row["successful"]
    for queue in by_name.values():
        queue.workers = sum(name in (queue.name, "*") for name in live_queues)
        queue.paused = queue.name in paused
    return sorted(by_name.values(), key=lambda queue: queue.name)


def last_hour() -> list[Minute]:
    """Tasks finished in each of the last CHART_MINUTES minutes, oldest first (empty ones too)."""
    now = timezone.now().replace(second=0, microsecond=0)
    minutes = {now - timedelta(minutes=n): Minute(now - timedelta(minutes=n))
               for n in range(CHART_MINUTES - 1, -1, -1)}  # fmt: skip
    for row in taskdb.finished_per_minute(now - timedelta(minutes=CHART_MINUTES - 1)):
        if (minute := minutes.get(row["minute"])) is not None:
            minute.successful, minute.failed = row["successful"], row["failed"]
    return list(minutes.values())


@dataclass
class Bar:
    """One minute of the chart: an SVG rectangle per outcome, heights in the chart's units."""

    minute: Minute
    x: int
    successful_height: float
    failed_height: float

    @property
    def successful_y(self) -> float:
        return CHART_HEIGHT - self.successful_height

    @property
    def failed_y(self) -> float:
        return self.successful_y - self.failed_height


CHART_HEIGHT, BAR_WIDTH = 100, 10


def chart(minutes: list[Minute]) -> list[Bar]:
    """The bars of an inline SVG chart (no script: it draws under a strict CSP)."""
    busiest = max((m.successful + m.failed for m in minutes), default=0) or 1
    scale = CHART_HEIGHT / busiest
    return [Bar(m, n * BAR_WIDTH, m.successful * scale, m.failed * scale)
            for n, m in enumerate(minutes)]  # fmt: skip
