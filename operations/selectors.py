from __future__ import annotations

from programmes.models import Session


def coming_series_sessions(*, series, now):
    """The scheduled sessions still to come of a series (or a queryset of series): what
    cancelling a series cancels."""
    lookup = "series__in" if hasattr(series, "model") else "series"
    return Session.objects.filter(
        **{lookup: series}, status=Session.Status.SCHEDULED, starts_at__gt=now
    )
