"""How many samples each measurement takes: the full run, and a smoke run of seconds.

The full run takes about seven minutes per database on a two-core machine (RQ's
workers killed whole wait more than a minute each, all at once). The
smoke run proves the lab still works against a fresh bake (`nox -s lab`
runs it); its figures mean nothing.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Plan:
    name: str
    # Request cost: rounds of the three registrations, after some not counted.
    requests: int
    warmup_requests: int
    hash_rounds: int
    # Wake-up: repeats, and per repeat the pickups and welcome emails of each worker.
    repeats: int
    pickups: int
    emails: int
    # Idle cost: windows of time every idle worker is watched over, and their length.
    idle_windows: int
    idle_seconds: float
    # Recovery: trials, how long the killed task runs, how long the idle and the busy
    # workers' statements are counted.
    trials: int
    task_seconds: float
    busy_seconds: float
    # The environment of the lab and of every worker it starts (empty: the defaults).
    worker_env: dict[str, str] = field(default_factory=dict)
    # Queue isolation: emails with dedicated workers, with one worker for both
    # queues, and how long one report of the load takes.
    isolated_emails: int = 0
    shared_emails: int = 0
    report_seconds: float = 0.0
    # Throughput: no-op tasks per batch, batches per start of the workers, rounds
    # over every configuration, the numbers of our workers tried, and whether one
    # of ours is also tried without persistent connections.
    throughput_tasks: int = 0
    throughput_batches: int = 0
    throughput_rounds: int = 0
    worker_counts: tuple[int, ...] = ()
    without_persistent_connections: bool = True
    # Backends (the database's worker beside RQ's): repeats, and per repeat the pickups and
    # welcome emails of each; no-op tasks per batch of the throughput, and its rounds (with
    # worker_counts workers); recovery trials in turns, and RQ's workers killed whole, at once.
    backend_repeats: int = 0
    backend_pickups: int = 0
    backend_emails: int = 0
    backend_tasks: int = 0
    backend_rounds: int = 0
    backend_trials: int = 0
    backend_whole_kills: int = 0
    # Monitoring: finished and READY rows in the table; requests of each page, after some
    # not counted; enqueues per round with and without the indexes, and rounds.
    monitoring_finished: int = 0
    monitoring_ready: int = 0
    monitoring_requests: int = 0
    monitoring_warmup: int = 0
    monitoring_enqueues: int = 0
    monitoring_rounds: int = 0


FULL = Plan(
    name="full",
    requests=40,
    warmup_requests=5,
    hash_rounds=5,
    repeats=5,
    pickups=30,
    emails=20,
    idle_windows=3,
    idle_seconds=10.0,
    trials=8,
    task_seconds=3.0,
    busy_seconds=5.0,
    isolated_emails=40,
    shared_emails=8,
    report_seconds=3.1,  # 0.1 s a day, as in the end-to-end tests
    throughput_tasks=300,
    throughput_batches=2,
    throughput_rounds=2,
    worker_counts=(1, 2),  # the machine the docs' figures come from has two cores
    backend_repeats=5,
    backend_pickups=20,
    backend_emails=10,
    backend_tasks=100,  # RQ forks a process per task: tens a second, not hundreds
    backend_rounds=3,
    backend_trials=6,
    backend_whole_kills=4,  # each takes more than a minute: they run at once
    monitoring_finished=1_000_000,
    monitoring_ready=10_000,
    monitoring_requests=40,
    monitoring_warmup=5,
    monitoring_enqueues=300,
    monitoring_rounds=3,
)

SMOKE = Plan(
    name="smoke",
    requests=2,
    warmup_requests=1,
    hash_rounds=1,
    repeats=2,
    pickups=2,
    emails=1,
    idle_windows=1,
    idle_seconds=1.0,
    trials=1,
    task_seconds=1.0,
    busy_seconds=0.5,
    # django-task-psql's worker stops within a second (ours stop at once when idle).
    worker_env={"TASK_WORKER_HEARTBEAT_S": "1"},
    isolated_emails=2,
    shared_emails=1,
    report_seconds=0.3,
    throughput_tasks=20,
    throughput_batches=1,
    throughput_rounds=1,
    worker_counts=(1,),
    without_persistent_connections=False,
    backend_repeats=1,
    backend_pickups=2,
    backend_emails=1,
    backend_tasks=10,
    backend_rounds=1,
    backend_trials=1,
    backend_whole_kills=0,  # more than a minute each: `nox -s bench` measures them
    monitoring_finished=2_000,
    monitoring_ready=100,
    monitoring_requests=2,
    monitoring_warmup=1,
    monitoring_enqueues=5,
    monitoring_rounds=1,
)

PLANS = {plan.name: plan for plan in (FULL, SMOKE)}
