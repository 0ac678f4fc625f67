"""Measurement: the database backend's worker beside the RQ backend's, in one run, in turns.

- database: the project's worker as the Procfile's `emails` line runs it
  (candidates.WOKEN), on a queue of its own;
- rq: RQ's worker as the RQ bake's Procfile `emails` line runs it (candidates.rq(),
  rqbake.py: `rqworker` with the project's job and worker classes), on queues of its
  own in the lab's Redis database.

Measured, each backend in turn (A B A B ...), the order rotated at every sample:

- pickup latency: from the write that makes the task visible to a worker (the commit
  of its INSERT; on RQ, the pipeline that pushes the job's id onto its queue) to the
  task's first line (probes.mark);
- welcome-email latency: from that write to the lab's SMTP server having received the
  message. The workers run side by side (on SQLite each on a copy of the database),
  each sample waits for its task to finish, pauses are spread as in wakeup.py, and the
  run is cut into repeats: a ratio is taken per repeat, with its spread;
- throughput: no-op tasks per second with 1 and 2 workers, started and ready before
  each batch, which becomes visible to them at once: on the database in one commit; on
  RQ, enqueued job by job through the backend for later, then all made due at once,
  and RQ's scheduler puts them on the queue together. From the first task's
  start to the last one's finish, by each backend's own clock (the database's rows;
  RQ's jobs). The configurations take turns, round after round, each started alone;
- recovery after SIGKILL: two workers on a queue, the one running a task (it sleeps
  a few seconds) killed at a random moment of its first half; from the kill until the
  task starts again. On RQ the kill takes two forms. The worker killed whole, with its
  work horse and scheduler (a machine or container lost): its job waits until its
  heartbeat lapses (RQ_JOB_MONITORING_SECONDS + RQ's own 60 s) for a worker's
  maintenance (every RQ_MAINTENANCE_SECONDS to twice that), over a minute; those trials run
  all at once, each pair of workers on a queue of its own, while the other trials run.
  The work horse alone killed (the kernel's out-of-memory killer picks the biggest
  process): its parent sees it at once, and the project's policy runs it again.
"""

import datetime
import importlib.metadata
import os
import random
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.tasks import Task, TaskResult
from django.utils import timezone
from redis.client import Pipeline

from tasks_demo.accounts.models import User
from tasks_demo.accounts.tasks import send_welcome_email
from tests.support.waiting import wait_until
from tests.support.workers import running

from . import processes, rq_tasks, tasks
from .candidates import WOKEN, rq, side_by_side
from .databases import Database
from .phases import pauses
from .plans import Plan
from .probes import Mark, Probe
from .recovery import System, run_trial
from .smtp import TimedSMTPServer
from .throughput import enqueue_noops, finish, fresh_table
from .wakeup import CYCLE, TIMEOUT, WARMUP, enqueue_committed, wait_finished

BACKENDS = ("database", "rq")
STARTUP_SECONDS = 300  # for the recovery's RQ workers to start, all at once
ATTEMPTS = 3  # of a recovery trial whose task ended before the lab could kill it
PACKAGES = ("django-tasks-db", "django-tasks-rq", "django-rq", "rq", "redis")


def rq_queue(name: str = "lab-rq"):  # type: ignore[no-untyped-def]
    """django-rq's queue `name`, of the project's job class."""
    import django_rq

    from tasks_demo.workers.rq import Job

    return django_rq.get_queue(name, job_class=Job)


def enqueue_pushed(enqueue: Callable[[], TaskResult]) -> tuple[TaskResult, float]:
    """Enqueue on RQ; return the result and when the pipeline that pushed its id returned."""
    pushed: list[float] = []
    execute = Pipeline.execute

    def stamped(pipeline: Pipeline, *args: object, **kwargs: object) -> object:
        pushes = any(args[0] in {"RPUSH", "LPUSH"} for args, _ in pipeline.command_stack)
        result = execute(pipeline, *args, **kwargs)  # type: ignore[arg-type]
        if pushes:
            pushed.append(time.time())  # MULTI ... EXEC: the job is on its queue
        return result

    with mock.patch.object(Pipeline, "execute", stamped):
        result = enqueue()
    if len(pushed) != 1:
        raise RuntimeError(f"Expected the enqueue to push one job, got {len(pushed)}.")
    return result, pushed[0]


def visible(backend: str, task: Task, *args: object) -> tuple[TaskResult, float]:
    """Enqueue `task`; return its result and when a worker could first see it."""
    if backend == "rq":
        return enqueue_pushed(partial(task.enqueue, *args))
    return enqueue_committed(partial(task.enqueue, *args))


class Sampler:
    """One sample of either latency for a backend, after a given pause."""

    def __init__(self, probe: Probe, smtp: TimedSMTPServer) -> None:
        self.probe, self.smtp, self.taken = probe, smtp, 0

    def pickup(self, backend: str, pause: float) -> float:
        self.taken += 1
        tag = f"backends-pickup-{backend}-{self.taken}"
        task = rq_tasks.rq_mark_start if backend == "rq" else tasks.mark_start.using(
            queue_name=WOKEN.queue
        )  # fmt: skip
        time.sleep(pause)
        result, at = visible(backend, task, tag)
        [started] = self.probe.wait_for(tag, "start", timeout=TIMEOUT)
        wait_finished(result)
        return started.at - at

    def email(self, backend: str, pause: float) -> float:
        self.taken += 1
        user = User.objects.create_user(f"backends-{backend}-{self.taken}@example.com")
        task = rq_tasks.rq_send_welcome_email if backend == "rq" else send_welcome_email.using(
            queue_name=WOKEN.queue
        )  # fmt: skip
        time.sleep(pause)
        result, at = visible(backend, task, user.pk)
        arrived = self.smtp.arrival(user.email, timeout=TIMEOUT)
        wait_finished(result)
        return arrived - at


def measure(plan: Plan, database: Database, probe: Probe, smtp: TimedSMTPServer, logs: Path,
            progress) -> dict:  # fmt: skip
    """Latencies per backend and repeat, throughput per configuration and round, recovery per
    trial; and the settings that decide RQ's recovery."""
    started = time.perf_counter()
    loads = [os.getloadavg()[0]]
    results = {
        "labels": {"database": WOKEN.label, "rq": rq().label},
        **latencies(plan, database, probe, smtp, logs / "latency", progress),
    }
    loads.append(os.getloadavg()[0])
    results["throughput"] = throughput(plan, logs / "throughput", progress)
    loads.append(os.getloadavg()[0])
    results["recovery"] = recovery(plan, probe, logs / "recovery", progress)
    loads.append(os.getloadavg()[0])
    results["context"] = {
        # A run of this measurement alone, merged into a full run's samples, keeps its own.
        "when": f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "versions": {name: importlib.metadata.version(name) for name in PACKAGES},
        "seconds": time.perf_counter() - started,
        "load_average": loads,
        "RQ_JOB_MONITORING_SECONDS": settings.RQ_JOB_MONITORING_SECONDS,
        "RQ_MAINTENANCE_SECONDS": settings.RQ_MAINTENANCE_SECONDS,
        "rq worker": rq().worker(logs).line.command,
        "database worker": WOKEN.worker(logs).line.command,
    }
    return results


def latencies(plan: Plan, database: Database, probe: Probe, smtp: TimedSMTPServer, logs: Path,
              progress) -> dict:  # fmt: skip
    """Pickup and email latency of each backend, sample after sample, in turns."""
    candidates = {"database": WOKEN, "rq": rq()}
    sampler = Sampler(probe, smtp)
    kinds = {"pickup": (sampler.pickup, plan.backend_pickups),
             "email": (sampler.email, plan.backend_emails)}  # fmt: skip
    samples: dict[str, dict[str, list[list[float]]]] = {
        kind: {backend: [] for backend in BACKENDS} for kind in kinds
    }
    order = list(BACKENDS)
    with side_by_side(list(candidates.values()), database, logs, counting=False) as contenders:
        homes = {backend: contenders[c.key].home for backend, c in candidates.items()}
        for backend in BACKENDS:
            with homes[backend].used():
                for take, _ in kinds.values():
                    for _ in range(WARMUP):
                        take(backend, 0.0)
        for repeat in range(plan.backend_repeats):
            for kind, (take, count) in kinds.items():
                for series in samples[kind].values():
                    series.append([])
                for number, pause in enumerate(pauses(count, CYCLE, 200 * repeat + len(kind))):
                    shift = number % len(order)
                    for backend in order[shift:] + order[:shift]:
                        with homes[backend].used():
                            samples[kind][backend][repeat].append(take(backend, pause))
            progress(f"backends: latency, repeat {repeat + 1} of {plan.backend_repeats}")
    return samples


def throughput(plan: Plan, logs: Path, progress) -> dict:
    """Seconds per batch of no-op tasks, per backend and number of workers, round by round."""
    configs = [(backend, count) for count in plan.worker_counts for backend in BACKENDS]
    seconds: dict[str, list[float]] = {f"{b}, {n}": [] for b, n in configs}
    for number in range(plan.backend_rounds):
        for backend, count in configs:
            batches = rq_batches if backend == "rq" else database_batches
            candidate = rq() if backend == "rq" else WOKEN
            workers = [
                candidate.worker(logs, number=100 * number + 10 * count + n)
                for n in range(1, count + 1)
            ]
            with running(workers):
                for _ in range(plan.throughput_batches):
                    seconds[f"{backend}, {count}"].append(batches(plan.backend_tasks))
        progress(f"backends: throughput, round {number + 1} of {plan.backend_rounds}")
    fresh_table()
    return {"tasks": plan.backend_tasks, "seconds": seconds}


def database_batches(size: int) -> float:
    """A batch on the database backend, enqueued in one commit: the workers see it at once."""
    fresh_table()
    enqueue_noops(WOKEN.queue, size)
    return finish(size)


def rq_batches(size: int) -> float:
    """A batch on RQ, enqueued job by job through the backend for an hour later, then made due
    all at once (one write of RQ's schedule): RQ's scheduler (the workers' --with-scheduler)
    puts them on the queue together at its next look."""
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry

    from tasks_demo.workers.rq import Job

    queue = rq_queue()
    finished, failed = FinishedJobRegistry(queue=queue), FailedJobRegistry(queue=queue)
    before = finished.count
    later = rq_tasks.rq_noop.using(run_after=timezone.now() + datetime.timedelta(hours=1))
    ids = [later.enqueue().id for _ in range(size)]
    now = int(time.time())  # RQ's schedule is in whole seconds
    queue.connection.zadd(ScheduledJobRegistry(queue=queue).key, dict.fromkeys(ids, now), xx=True)
    wait_until(
        lambda: finished.count - before >= size or failed.count > 0,
        timeout=60 + size,
        waiting_for=f"RQ's workers to finish {size} no-op tasks",
        poll=0.05,
    )
    if failed.count:
        raise RuntimeError(f"An RQ no-op task failed: {failed.get_job_ids()[:1]}")
    jobs = [job for job in Job.fetch_many(ids, connection=queue.connection) if job]
    first = min(job.started_at for job in jobs)  # type: ignore[type-var]
    last = max(job.ended_at for job in jobs)  # type: ignore[type-var]
    for job in jobs:
        job.delete()
    return (last - first).total_seconds()


def descendants(pid: int) -> list[int]:
    """The processes `pid` started, and theirs (RQ's work horse and scheduler)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        if int(fields[1]) == pid:
            child = int(stat.parent.name)
            children += [child, *descendants(child)]
    return children


@dataclass
class Pair:
    """Two RQ workers on a queue of their own."""

    queue: str
    workers: list[processes.Worker]

    def running(self, horse: int) -> processes.Worker:
        """The worker whose work horse is `horse`."""
        [worker] = [w for w in self.workers if horse in descendants(w.pid)]
        return worker


@contextmanager
def rq_pairs(queues: list[str], logs: Path) -> Iterator[list[Pair]]:
    """Two RQ workers on each of `queues`, started together; stopped at the end."""
    pairs = [Pair(queue, [rq(queue).worker(logs, number=n) for n in (1, 2)]) for queue in queues]
    workers = [worker for pair in pairs for worker in pair.workers]
    try:
        for worker in workers:  # all at once: on a busy machine, ten take minutes
            worker.start()
        for worker in workers:
            worker.wait_until_ready(timeout=STARTUP_SECONDS)
        yield pairs
    finally:
        for worker in workers:
            worker.stop()


def kill_whole(worker: processes.Worker) -> None:
    """SIGKILL the worker, its work horse and its scheduler at once, as a lost machine."""
    for pid in [worker.pid, *descendants(worker.pid)]:
        os.kill(pid, signal.SIGKILL)
    assert worker.process is not None
    worker.process.wait(timeout=15)


def recovery(plan: Plan, probe: Probe, logs: Path, progress) -> dict:
    """Kill to restart, kill to finish: the database's trials and RQ's work horse killed, in
    turns; RQ's workers killed whole, all at once, meanwhile."""
    rng = random.Random(11)
    wholes = [f"lab-rq-crash-{n}" for n in range(1, plan.backend_whole_kills + 1)]
    trials: dict[str, list[dict]] = {"database": [], "rq, work horse killed": [],
                                     "rq, worker killed whole": []}  # fmt: skip
    trials_plan = replace(plan, trials=plan.backend_trials)  # run_trial replaces a killed worker
    # The job's heartbeat lapses, then an idle worker looks at its maintenance every
    # RQ_MAINTENANCE_SECONDS to twice that (workers/rq.py).
    wait = settings.RQ_JOB_MONITORING_SECONDS + 60 + 2 * settings.RQ_MAINTENANCE_SECONDS + TIMEOUT
    with ExitStack() as stack:
        pairs = stack.enter_context(rq_pairs(["lab-rq-crash-0", *wholes], logs))
        database = System("database", WOKEN, {}, stack)
        for _ in range(2):
            database.start_worker(logs)
        for worker in database.workers:
            worker.wait_until_ready()
        # The workers killed whole: all at once, first.
        whole = [start_and_kill(pair, probe, plan, rng, f"whole-{pair.queue}", whole=True)
                 for pair in pairs[1:]]  # fmt: skip
        for number in range(plan.backend_trials):
            [trial] = run_trial([database], probe, trials_plan, rng, logs, number)
            trials["database"].append(trial)
            horse = start_and_kill(pairs[0], probe, plan, rng, f"horse-{number}", whole=False)
            trials["rq, work horse killed"].append(horse.outcome(probe, plan, TIMEOUT))
            progress(f"backends: recovery, trial {number + 1} of {plan.backend_trials}")
        for killed in whole:
            trials["rq, worker killed whole"].append(killed.outcome(probe, plan, wait))
        progress("backends: recovery, RQ's workers killed whole")
    return {"task_seconds": plan.task_seconds, "trials": trials}


@dataclass
class Killed:
    """A task whose worker was killed, and when."""

    tag: str
    first: Mark
    killed_at: float
    dead: set[int]  # the pids killed

    def outcome(self, probe: Probe, plan: Plan, timeout: float) -> dict:
        """Wait until the task ran again and finished: kill to restart, kill to finish."""
        again = probe.wait_for(self.tag, "start", count=2, timeout=timeout)[1]
        [end] = probe.wait_for(self.tag, "end", timeout=timeout + plan.task_seconds)
        if again.pid in self.dead:
            raise RuntimeError(f"Task {self.tag} ran again in a process that was killed.")
        return {
            "restart_seconds": again.at - self.killed_at,
            "finish_seconds": end.at - self.killed_at,
            "killed_after_seconds": self.killed_at - self.first.at,
        }


def start_and_kill(pair: Pair, probe: Probe, plan: Plan, rng: random.Random, tag: str, *,
                   whole: bool) -> Killed:  # fmt: skip
    """Run a task on the pair's queue; at a random moment of its first half, SIGKILL its work
    horse, or its worker whole (`kill_whole`). A task already over at that moment (the lab
    was late, on a busy machine) is run again, under a new tag."""
    for attempt in range(1, ATTEMPTS + 1):
        tried = f"{tag}-{attempt}"
        rq_tasks.rq_sleep_marked.using(queue_name=pair.queue).enqueue(tried, plan.task_seconds)
        [first] = probe.wait_for(tried, "start", timeout=TIMEOUT)  # in the work horse
        worker = pair.running(first.pid)
        time.sleep(max(0.0, first.at + rng.uniform(0.2, 0.5) * plan.task_seconds - time.time()))
        if not alive(first.pid):
            probe.wait_for(tried, "end", timeout=TIMEOUT)  # its worker is idle again
            continue
        dead = {worker.pid, *descendants(worker.pid)} if whole else {first.pid}
        killed_at = time.time()
        if whole:
            kill_whole(worker)
        else:
            os.kill(first.pid, signal.SIGKILL)  # the work horse alone: its worker lives on
        return Killed(tried, first, killed_at, dead)
    raise RuntimeError(f"{tag}: the task was over before the kill, {ATTEMPTS} times.")


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie does not: it ended, unreaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
