"""The lab: the benchmarks and the load test of the template, run inside a fresh bake.

It measures what the project's defaults cost and buy, against what came before
them and against other task backends (references/), on the database the bake
was made for:

- wakeup.py: how soon a task starts, and a welcome email arrives, after enqueue;
- idle.py: what an idle worker costs (CPU, statements and rows written per second);
- recovery.py: how soon a task whose worker was SIGKILLed runs again, and what
  watching the workers costs (statements and writes, idle and busy);
- request_cost.py: what enqueueing the welcome email adds to a registration;
- isolation.py: welcome emails while reports keep their queue busy;
- throughput.py: how many tasks per second the workers finish;
- backends.py: the database backend's worker beside the RQ backend's (an RQ bake's,
  rqbake.py), in one run: pickup, email, throughput, recovery after SIGKILL;
- load.py: many registrations at once against the production site.

It uses the bake's own test support (tests/support: the Procfile parser, the
worker processes, the SMTP server, waiting on conditions), and adds one
throwaway database (databases.py), one harness of production-like processes
(processes.py), and its own settings (settings.py). `nox -s bench` and
`nox -s load`, in the template, bake projects and run it (__main__.py).

Every time is a median or a percentile of many samples; every comparison is
made side by side, in turns, and comes with its spread across repeats.
"""
