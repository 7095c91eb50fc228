"""Builders for the tests of running the week: a Babydans branch with a frozen clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.core import mail

from households.models import Household
from notifications.sending import outbox_send_due
from programmes.models import Programme, Session
from tests.factories import ProgrammeFactory, SessionFactory

# Monday 23 November 2026, 09:00 in Oslo: ISO week 2026-W48.
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)
THIS_WEEK = "2026-W48"
# Wednesday 25 November 2026, 11:00–12:00 in Oslo.
WEDNESDAY_11 = datetime(2026, 11, 25, 10, tzinfo=UTC)
BABY_BORN = date(2026, 5, 1)  # six months old in November


def babydans() -> Programme:
    return ProgrammeFactory(name="Babydans", min_age_months=3, max_age_months=12)


def session_at(starts_at: datetime, *, hours: float = 1, **kwargs) -> Session:
    kwargs.setdefault("programme", babydans())
    return SessionFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **kwargs)


def household(
    email: str, name: str = "", *, language: str = "en", phone: str = "", consents=False
) -> Household:
    return Household.objects.create(
        email=email,
        name=name or email.split("@")[0].title(),
        phone=phone,
        language=language,
        consents_to_followups=consents,
        privacy_accepted_at=NOW - timedelta(days=30),
    )


def sent_to(email: str) -> list:
    outbox_send_due()
    return [message for message in mail.outbox if message.to == [email]]


def ics_of(message) -> str:
    ((_, content, _),) = message.attachments
    return content
