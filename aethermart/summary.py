"""What extract and export report per table or dataset: the rate of each, and the summary dict
of ``--json``."""

from __future__ import annotations

from dataclasses import asdict

__all__ = ["Throughput", "summary_dict"]


class Throughput:
    """For a result dataclass with ``rows`` and ``seconds``."""

    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def summary_dict(result, items: str) -> dict:
    """``asdict(result)``, each of its ``items`` (a list of Throughput results) with its rate."""
    out = asdict(result)
    for item, source in zip(out[items], getattr(result, items), strict=True):
        item["rows_per_second"] = round(source.rows_per_second, 1)
    return out
