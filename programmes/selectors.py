"""Reads about schedules that are more than one line."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import caches
from django.db.models import (
    Case,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import (
    ExtractMonth,
    ExtractYear,
    TruncDate,
)

from common.admin_scoping import scope_to_user_branches
from programmes.models import NORDIC_TIME_ZONES, Branch, Programme, Session


def branches_for_user(*, user: User | AnonymousUser) -> QuerySet[Branch]:
    """The branches a user works at (staff, or a helper at the sessions); a superuser: all.
    The same scoping as every admin list (common.admin_scoping)."""
    return scope_to_user_branches(Branch.objects.all(), user)


def upcoming_sessions(*, now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__gte=now, programme__is_published=True
    ).select_related("programme", "room__branch")


def _at_branch(expression_class, field: str = "starts_at", *, session: str = ""):
    """A date part of ``field`` as the wall clock at the session's branch shows it; the
    session reached through ``session`` (a path such as "shift__session__") from another
    model."""
    return Case(
        *[
            When(
                **{f"{session}room__branch__time_zone": zone},
                then=expression_class(f"{session}{field}", tzinfo=ZoneInfo(zone)),
            )
            for zone, _ in NORDIC_TIME_ZONES
        ],
        default=expression_class(f"{session}{field}"),
    )


def session_local_date(*, session: str = ""):
    """The date a session starts on at its own branch (``session``: the path to it from the
    model queried, e.g. "shift__session__"), as an expression for annotations."""
    return _at_branch(TruncDate, session=session)


def sessions_from_date(sessions: QuerySet[Session], *, day: date) -> QuerySet[Session]:
    """Sessions on or after ``day`` at their own branch."""
    return sessions.annotate(local_day=_at_branch(TruncDate)).filter(local_day__gte=day)


def sessions_for_child_born(sessions: QuerySet[Session], *, birth_month: date) -> QuerySet[Session]:
    """Sessions a child born in ``birth_month`` may join, by their age in months that day.

    The age is counted in whole calendar months at the branch's own date, as the booking
    check does (programmes.eligibility); programmes by school grade are left out.
    """
    age = (
        _at_branch(ExtractYear) * 12
        + _at_branch(ExtractMonth)
        - Value(birth_month.year * 12 + birth_month.month)
    )
    return (
        sessions.annotate(child_age=age)
        .filter(programme__audience_basis=Programme.AudienceBasis.AGE_MONTHS, child_age__gte=0)
        .filter(
            Q(programme__min_age_months__isnull=True)
            | Q(programme__min_age_months__lte=F("child_age"))
        )
        .filter(
            Q(programme__max_age_months__isnull=True)
            | Q(programme__max_age_months__gte=F("child_age"))
        )
    )


def published_programme(*, slug: str) -> Programme | None:
    """The programme of a public page, kept as briefly as the listings are."""
    return caches["local"].get_or_set(
        f"programme:{slug}",
        lambda: Programme.objects.filter(slug=slug, is_published=True).first(),
        settings.LISTING_CACHE_SECONDS,
    )


def programme_editable_by(*, programme: Programme, user: User | AnonymousUser) -> bool:
    """A librarian changes a programme only when every branch that owns it is theirs (and
    it has owners); a superuser changes any. The rest they see read-only."""
    if user.is_superuser:
        return True
    owners = set(programme.owners.values_list("pk", flat=True))
    mine = set(branches_for_user(user=user).values_list("pk", flat=True))
    return bool(owners) and owners <= mine
