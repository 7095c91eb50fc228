"""Builders for the tests of running the week: a Babydans branch with a frozen clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from django.core import mail
from django.urls import reverse

from households.models import Household
from notifications.sending import outbox_send_due
from programmes.models import Programme, Series, Session
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


# -- a series in the admin ------------------------------------------------------------

WEDNESDAYS = [date(2026, 11, 25), date(2026, 12, 2), date(2026, 12, 9), date(2026, 12, 16)]


def live(series: Series) -> list[Session]:
    return list(
        Session.objects.filter(series=series, status=Session.Status.SCHEDULED).order_by("starts_at")
    )


def local_times(sessions) -> list[str]:
    return [f"{s.local_start:%Y-%m-%d %H:%M}" for s in sessions]


def series_form(series: Series, **changes) -> dict:
    """What the series' change form sends back as it stands, with ``changes`` typed in.
    Excluded dates: ``exclusions=[(from, to, reason), ...]`` replaces the saved ones."""
    values = {
        "programme": series.programme_id,
        "room": series.room_id,
        "title": series.title,
        "capacity": series.capacity or "",
        "weekdays": [str(day) for day in series.weekdays],
        "start_time": series.start_time.strftime("%H:%M"),
        "end_time": series.end_time.strftime("%H:%M"),
        "start_date": series.start_date.isoformat(),
        "end_date": series.end_date.isoformat(),
        "skip_public_holidays": series.skip_public_holidays,
    }
    exclusions = changes.pop("exclusions", None)
    values.update(changes)
    data = {key: value for key, value in values.items() if key != "skip_public_holidays"}
    if values["skip_public_holidays"]:
        data["skip_public_holidays"] = "on"
    saved = list(series.exclusions.all()) if series.pk else []
    data["exclusions-INITIAL_FORMS"] = str(len(saved))
    rows: list[dict] = []
    for exclusion in saved:
        rows.append(
            {
                "id": exclusion.pk,
                "series": series.pk,
                "start_date": exclusion.start_date.isoformat(),
                "end_date": exclusion.end_date.isoformat(),
                "reason": exclusion.reason,
                "DELETE": "on" if exclusions is not None else "",
            }
        )
    for first, last, reason in exclusions or []:
        rows.append(
            {"start_date": first.isoformat(), "end_date": last.isoformat(), "reason": reason}
        )
    data["exclusions-TOTAL_FORMS"] = str(len(rows))
    for n, row in enumerate(rows):
        for key, value in row.items():
            if value != "":
                data[f"exclusions-{n}-{key}"] = value
    # The series' sessions are shown, not edited: nothing of them is sent but the count.
    data["sessions-TOTAL_FORMS"] = data["sessions-INITIAL_FORMS"] = "0"
    return data


def change_url(series: Series) -> str:
    return reverse("admin:programmes_series_change", args=[series.pk])


def confirmation_of(response) -> dict:
    """What the preview's confirm button sends: the change shown, confirmed."""
    assert 'name="_confirm_change"' in response.text, "the page shows no change to confirm"
    found = re.search(r'name="_change_token" value="([0-9a-f]+)"', response.text)
    assert found
    return {"_change_token": found.group(1), "_confirm_change": "Save and change"}
