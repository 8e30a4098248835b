"""Medians with their spread, percentiles, and the machine a figure was measured on.

Every figure is printed as median (min–max) of its rounds; every ratio is taken
within a round (both sides minutes apart on the same machine state), then medianed.
"""

from __future__ import annotations

import math
import os
import platform
import sqlite3
import statistics
from datetime import datetime


def spread(values: list[float], digits: int = 0) -> str:
    """`median (min–max)`; one value alone is printed alone."""
    if not values:
        return "—"
    fmt = f"{{:,.{digits}f}}"
    med = fmt.format(statistics.median(values))
    if len(values) == 1:
        return med
    return f"{med} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def ratio(values: list[float]) -> str:
    return spread(values, 3 if values and statistics.median(values) < 0.1 else 2)


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    return (f"{os.cpu_count()} cores ({cpu_model()}), {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}")


def today() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
