"""Medians and tail percentiles of samples, the only way the benchmarks report times."""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of `samples`, interpolating between neighbours."""
    if not samples:
        raise ValueError("No samples: the measurement produced no numbers.")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """How a set of samples is distributed: its median and its tail."""

    n: int
    p50: float
    p95: float
    p99: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> "Summary":
        return cls(
            n=len(samples),
            p50=percentile(samples, 50),
            p95=percentile(samples, 95),
            p99=percentile(samples, 99),
        )

    def as_dict(self) -> dict[str, float]:
        return asdict(self)
