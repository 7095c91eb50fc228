"""The one way tests book a session: through the service, as a family does on the site, or
(``direct=True``) the row written as it stands, for history and for states the service
would not reach by itself (a chosen status, a rating, a walk-in)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import date, datetime, timedelta

import time_machine
from django.utils import timezone

from bookings.models import Booking
from bookings.services import booking_create, places_needed
from households.models import Child, Household
from households.services import ChildInput, normalise_email
from notifications.sending import outbox_send_due
from programmes.models import Session
from tests.factories import BookingFactory, HouseholdFactory


def baby_for(session: Session) -> date:
    """A birth month six months before the session's: every baby programme takes the child."""
    local = session.local_start
    year, month = divmod(local.year * 12 + local.month - 1 - 6, 12)
    return date(year, month + 1, 1)


def book(
    session: Session,
    family: Household | str = "anna@example.com",
    *,
    children: Sequence[ChildInput | Child | str] = ("Ella",),
    adults: int = 1,
    at: datetime | None = None,
    name: str = "",
    language: str = "en",
    phone: str = "",
    consent: bool = False,
    send: bool = False,
    direct: bool = False,
    status: str = Booking.Status.CONFIRMED,
    places: int | None = None,
    rating: int | None = None,
    walk_in: bool = False,
) -> Booking:
    """Book ``session`` for ``family``: a household, or the e-mail of one (made on its
    first booking with ``name`` — else the e-mail's first part —, ``language``, ``phone``
    and ``consent`` to invitations; a household that exists is left as it is).

    ``children``: first names (of a baby ``baby_for`` the session), ``ChildInput``s or the
    household's ``Child`` rows.

    Through the service (the default): the clock stands at ``at`` while the family books,
    when given; ``send=True`` sends the confirmation then, so the messages a test looks at
    later are only the ones it causes itself.

    ``direct=True``: the row is written with ``status``, ``places`` (else what the
    programme's unit counts), ``rating`` and ``walk_in``, no rule checked and no message
    written; booked ``at``, else three days before the session or three days ago, whichever
    is earlier.
    """
    if not direct and (status != Booking.Status.CONFIRMED or places or rating or walk_in):
        raise TypeError("The service decides status and places: pass direct=True to set them.")
    if direct and send:
        raise TypeError("A row written directly has no confirmation to send.")
    # Given as typed: the service normalises it.
    email = family.email if isinstance(family, Household) else family
    new_family = {
        # The family itself booking: its own name, unless the test types another.
        "name": name
        or (family.name if isinstance(family, Household) else email.strip().split("@")[0].title()),
        "language": language,
        "phone": phone,
        "consents_to_followups": consent,
    }
    if direct:
        at = at or min(session.starts_at, timezone.now()) - timedelta(days=3)
        household = family if isinstance(family, Household) else _household(email, new_family, at)
        kids = [_child(household, child, session) for child in children]
        return BookingFactory(
            session=session,
            household=household,
            children=kids,
            adults=adults,
            places=places or places_needed(programme=session.programme, children=len(kids) or 1),
            status=status,
            created_at=at,
            rating=rating,
            walk_in=walk_in,
        )
    with time_machine.travel(at, tick=False) if at else nullcontext():
        booking = booking_create(
            session_id=session.pk,
            email=email,
            children=[_child_input(child, session) for child in children],
            adults=adults,
            now=at,
            **new_family,
        )
        if send:
            outbox_send_due()
    return booking


def _household(email: str, new_family: dict, at: datetime) -> Household:
    email = normalise_email(email)
    found = Household.objects.filter(email=email).first()
    return found or HouseholdFactory(email=email, privacy_accepted_at=at, **new_family)


def _child_input(child: ChildInput | Child | str, session: Session) -> ChildInput:
    if isinstance(child, ChildInput):
        return child
    if isinstance(child, Child):
        return ChildInput(first_name=child.first_name, birth_month=child.birth_month)
    return ChildInput(first_name=child, birth_month=baby_for(session))


def _child(household: Household, child: ChildInput | Child | str, session: Session) -> Child:
    if isinstance(child, Child):
        return child
    given = _child_input(child, session)
    return Child.objects.get_or_create(
        household=household, first_name=given.first_name, birth_month=given.birth_month
    )[0]
