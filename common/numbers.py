"""Rounding as people do it, once for every page and file that shows a figure."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# A share such as 57/200 is 28.499999999999996 per cent in binary floating point: figures
# are first settled at this many places, so that it shows as 29 %, not 28 %.
SETTLE = Decimal("1e-9")


def round_half_up(value: float | int | Decimal, places: int = 0) -> Decimal:
    """``value`` rounded to ``places`` decimals, halves away from zero (12.5 → 13), never
    truncated (66.7 → 67, not 66)."""
    settled = Decimal(str(value)).quantize(SETTLE, rounding=ROUND_HALF_UP)
    return settled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
