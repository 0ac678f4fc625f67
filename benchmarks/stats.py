"""Medians, tails and spreads of samples: the only ways the lab reports a figure."""

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


@dataclass(frozen=True)
class Spread:
    """A figure taken once per repeat: its median, and its lowest and highest."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread":
        return cls(percentile(values, 50), min(values), max(values))


def ratio_per_repeat(
    repeats: Sequence[Sequence[float]], baseline: Sequence[Sequence[float]], q: float
) -> Spread:
    """The q-th percentile of each repeat over the baseline's of the same repeat."""
    return Spread.of(
        [percentile(a, q) / percentile(b, q) for a, b in zip(repeats, baseline, strict=True)]
    )


def flatten(repeats: Sequence[Sequence[float]]) -> list[float]:
    """Every sample of every repeat."""
    return [value for repeat in repeats for value in repeat]
