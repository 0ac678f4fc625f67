"""Benchmarks of the tutorial's three performance claims, on this machine.

1. Enqueueing keeps the registration request fast (request_cost.py).
2. Dedicated workers keep welcome emails fast while reports run (email_latency.py).
3. More workers process more tasks, on PostgreSQL more than on SQLite (throughput.py),
   and what keeps one worker below the database's own bound (worker_time.py).
And what the workers' poll interval costs and buys (poll_interval.py).

Run `python -m bench --out DIR` in the project (or `nox -s bench` in the template):
it prints a table, writes results.md, results.csv and PNG plots to DIR. Every
figure is a median or a percentile of many samples, compared with another taken
side by side in the same run: a machine twice as fast halves them all and
leaves the ratios alone.
"""
