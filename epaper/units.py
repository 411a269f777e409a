"""Lengths: millimetres and points at the YAML boundary, points everywhere inside."""

from __future__ import annotations

import re

MM = 72.0 / 25.4
PT = 1.0

_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|pt|cm|in)?\s*$")
_FACTORS = {"mm": MM, "pt": PT, "cm": 10 * MM, "in": 72.0}


def mm(value: float) -> float:
    return value * MM


def to_mm(points: float) -> float:
    return points / MM


def parse_length(value: object, default_unit: str) -> float:
    """Parse 12, 12.5, "12mm", "9.5pt" into points; bare numbers take `default_unit`."""
    if isinstance(value, bool):
        raise ValueError(f"expected a length, got {value!r}")
    if isinstance(value, int | float):
        return float(value) * _FACTORS[default_unit]
    if isinstance(value, str):
        m = _LENGTH.match(value)
        if m:
            return float(m.group(1)) * _FACTORS[m.group(2) or default_unit]
    raise ValueError(f"expected a length such as 12, \"12mm\" or \"9pt\", got {value!r}")
