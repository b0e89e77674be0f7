"""Charts drawn on the server as SVG (no script): compliance over time as a bar a month, each bar stacked by how
the limits that fell due that month ended, with the month's compliance rate above it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OUTCOMES = ("met", "missed", "overdue", "stopped", "open")  # bottom to top; paused and due_soon count as open
PLOT_HEIGHT = 180
BAR_STEP = 56
BAR_WIDTH = 36
TOP = 24  # room for the rate above the tallest bar


@dataclass(frozen=True)
class Segment:
    outcome: str
    y: float
    height: float
    count: int


@dataclass(frozen=True)
class Bar:
    month: str
    x: int
    segments: tuple[Segment, ...]
    top: float  # where the bar ends, for the rate written above it
    rate: str  # 92% of those judged, or — when none was


def month_bars(months: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars for the months of `Queries.compliance_by_month`, scaled to the busiest month."""
    tallest = max((m["all"]["total"] for m in months), default=0) or 1
    bars = []
    for n, month in enumerate(months):
        counts, y, segments = month["all"], float(TOP + PLOT_HEIGHT), []
        for outcome in OUTCOMES:
            height = counts[outcome] / tallest * PLOT_HEIGHT
            if counts[outcome]:
                y -= height
                segments.append(Segment(outcome, round(y, 1), round(height, 1), counts[outcome]))
        rate = "—" if counts["rate"] is None else f"{counts['rate']:.0%}"
        bars.append(Bar(month["month"], 40 + n * BAR_STEP, tuple(segments), round(y, 1), rate))
    return {"bars": bars, "width": 60 + len(bars) * BAR_STEP, "height": TOP + PLOT_HEIGHT + 40, "base": TOP + PLOT_HEIGHT, "bar": BAR_WIDTH}
