"""What an exploration's stages cost: CPU per stage from the stored points, and the wall time
the same stages would take on another number of workers (the report's projections)."""

from __future__ import annotations

from typing import Any


def stage_costs(stored: dict[str, dict[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per stage run: points, model runs and the CPU seconds the workers spent on them
    (summed over its points), for projections to other machines."""
    rows = []
    for stage, points in stored.items():
        pts = list(points.values())
        runs = sum(int(p.get("runs", 0)) for p in pts)
        cpu = sum(float(p.get("cpu_seconds", 0.0)) for p in pts)
        rows.append({"stage": stage, "points": len(pts), "runs": runs,
                     "cpu_seconds": round(cpu, 1),
                     "cpu_per_run": round(cpu / runs, 4) if runs else None,
                     "longest_point_cpu": round(max(
                         (float(p.get("cpu_seconds", 0.0)) for p in pts), default=0.0), 1)})
    return rows


def projected_seconds(cost: list[dict[str, Any]], workers: int) -> float:
    """Wall time of the stages on ``workers`` single-threaded workers as fast as the ones
    measured: per stage the larger of its CPU spread over the workers and its longest
    point (a point is one task), stages one after another; scheduling not counted."""
    return sum(max(c["cpu_seconds"] / workers, c.get("longest_point_cpu", 0.0))
               for c in cost)
