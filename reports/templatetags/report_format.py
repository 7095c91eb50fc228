"""How the report writes its numbers: shares as whole per cents, "—" where there is none;
rounded half up (common.numbers), never cut off: two thirds is 67 %, not 66 %."""

from __future__ import annotations

from django import template
from django.utils import formats

from common.numbers import round_half_up

register = template.Library()

NONE = "—"


@register.filter
def share(value: float | None) -> str:
    if value is None:
        return NONE
    return f"{formats.number_format(round_half_up(value * 100), 0)}\u00a0%"


@register.filter
def decimal1(value: float | None) -> str:
    if value is None:
        return NONE
    return formats.number_format(round_half_up(value, 1), 1)


@register.filter
def signed1(value: float | None) -> str:
    """A change, with its sign: +0.8, −0.3."""
    if value is None:
        return NONE
    rounded = round_half_up(value, 1)
    text = formats.number_format(abs(rounded), 1)
    return f"+{text}" if rounded > 0 else (f"\u2212{text}" if rounded < 0 else text)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
