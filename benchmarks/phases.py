"""When to enqueue each sample: at moments spread evenly over a worker's cycle.

A task enqueued just before a poll waits a moment; just after, a whole poll
interval. Real tasks arrive at any moment of the cycle, so a latency measured
at one moment, or at a few random ones, says little. These pauses put one
sample in each equal slice of the cycle, at a random point of the slice, in a
shuffled order: the samples cover the cycle as real arrivals do, and two runs
measure the same thing.
"""

import random
from collections.abc import Iterator


def pauses(samples: int, cycle: float, seed: int) -> Iterator[float]:
    """`samples` pauses in [0, cycle): one per slice of the cycle, in a random order."""
    rng = random.Random(seed)
    slices = list(range(samples))
    rng.shuffle(slices)
    for index in slices:
        yield (index + rng.random()) * cycle / samples
