"""How many samples each measurement takes: the full run, and a smoke run of seconds.

The full run takes about ten minutes on a two-core machine. The smoke run
proves the benchmarks still work (the template's tests run it); its numbers
mean nothing.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    name: str
    # Request cost: registrations per variant, after some not counted.
    requests: int
    warmup_requests: int
    hash_rounds: int
    # Welcome-email latency: emails per scenario, and how long one report of the
    # load that keeps the reports queue busy takes.
    idle_emails: int
    busy_emails: int
    shared_worker_emails: int
    report_seconds: float
    # Throughput: no-op tasks per batch (at least throughput_tasks, and enough to
    # last throughput_seconds at the per-task bound), batches per run, the worker
    # counts and CONN_MAX_AGE values tried, and the tasks of the per-task bound.
    throughput_tasks: int
    throughput_seconds: float
    throughput_batches: int
    worker_counts: tuple[int, ...]
    conn_max_ages: tuple[int, ...]
    bound_tasks: int
    # Where one worker's time goes: the no-op tasks of the profiled worker loop.
    profile_tasks: int
    # Poll interval: the intervals tried, tasks per interval (fewer for the slow
    # ones), and how long the idle load is watched.
    intervals: tuple[float, ...]
    pickups: int
    slow_pickups: int
    idle_seconds: float


FULL = Plan(
    name="full",
    requests=100,
    warmup_requests=5,
    hash_rounds=5,
    idle_emails=200,
    busy_emails=200,
    shared_worker_emails=15,
    report_seconds=3.1,  # 0.1 s a day, as in the end-to-end tests
    throughput_tasks=500,
    throughput_seconds=1.0,
    throughput_batches=3,
    worker_counts=(1, 2, 4),
    conn_max_ages=(0, 600),
    bound_tasks=500,
    profile_tasks=1000,
    intervals=(0.02, 0.05, 0.1, 0.2, 0.5, 1.0),
    pickups=30,
    slow_pickups=15,
    idle_seconds=4.0,
)

SMOKE = Plan(
    name="smoke",
    requests=3,
    warmup_requests=1,
    hash_rounds=1,
    idle_emails=3,
    busy_emails=3,
    shared_worker_emails=2,
    report_seconds=0.3,
    throughput_tasks=20,
    throughput_seconds=0.0,
    throughput_batches=1,
    worker_counts=(1,),
    conn_max_ages=(600,),
    bound_tasks=20,
    profile_tasks=20,
    intervals=(0.05,),
    pickups=3,
    slow_pickups=2,
    idle_seconds=0.5,
)

PLANS = {plan.name: plan for plan in (FULL, SMOKE)}
