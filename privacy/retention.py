"""Personal data over time: what the scheduled purge and an erasure take away, and what stays.

One home per rule. A household is anonymised (``household_anonymise``, or many at once by
the purge) by taking away its name, e-mail, phone and consent, its children's first names
(its own, and those typed for its bookings' and enrolments' parties alone), the names typed
with its bookings and walk-ins, its referrals' notes and the referring professional's
contact, and the text of every message about it. What the figures need stays: the row and
its id (an opaque number, so new and returning families and cohorts still count), the
children's birth months, branches, dates, statuses, places and ratings. Nothing the reports
count is deleted.

The purge (``purge_personal_data``, daily: Celery beat in services mode, ``manage.py
plan_messages --every`` in the embedded one) anonymises

- households with no booking, enrolment or visit in the last ``HOUSEHOLD_RETENTION_MONTHS``
  (see ``households_due``),
- volunteers who left more than ``VOLUNTEER_RETENTION_MONTHS`` ago (``volunteers_due``),

and clears the text of messages sent more than ``OUTBOX_BODY_RETENTION_DAYS`` ago
(``outbox_bodies_clear``). It works in set-based UPDATEs, a batch of rows at a time, each
batch in its own transaction: a purge stopped part-way has done whole batches, and the next
run does the rest.

``household_erase`` is a family's "erase our data" (or the library's answer to it): its
coming bookings cancelled as any cancellation is, its places in line left, its courses left,
a last message saying what was erased, then the household anonymised as the purge does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    PositiveIntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Attendance
from bookings.models import Booking
from bookings.services import booking_cancel
from common.errors import DomainError
from courses.models import Enrolment
from courses.services import enrolment_withdraw
from households.models import Child, Household
from notifications.models import Outbox
from notifications.services import notify
from privacy.messages import ErasedItem, farewell_message
from programmes.eligibility import months_before
from programmes.models import Session
from volunteers.models import (
    Assignment,
    Availability,
    Certificate,
    ExperienceMeeting,
    MeetingInvitation,
    Volunteer,
)

# Households or volunteers anonymised per transaction: few enough to hold their locks
# briefly, and to stay well under SQLite's limit of query parameters (32,766; a batch's
# ids are sent four times).
BATCH_SIZE = 2000
OUTBOX_WINDOW = 5000

# An erased household's e-mail (unique and required): never delivered (.invalid is reserved,
# RFC 2606), and with a capital letter, which no address a form stores has (every form
# lowercases it: households.services.normalise_email), so no family can take it first.
ERASED_EMAIL_PREFIX = "Erased-"
ERASED_EMAIL_DOMAIN = "@erased.invalid"
# An erased child's first name: its id (a household's children are unique by first name
# and birth month, so twins need two different names).
ERASED_CHILD_PREFIX = "#"
# Why a message about an anonymised household or volunteer was never sent.
NOT_SENT_ERASED = "Not sent: the personal data it was about has been erased."

# Enrolments a family still takes part in or waits for: an erasure withdraws them.
ENROLMENTS_ONGOING = (
    Enrolment.Status.REFERRED,
    Enrolment.Status.WAITLISTED,
    Enrolment.Status.OFFERED,
    Enrolment.Status.ENROLLED,
)


class PrivacyError(DomainError):
    """An erasure that cannot be done; the message is safe to show a family or a librarian."""


# -- when ---------------------------------------------------------------------------------


def household_cutoff(*, now: datetime) -> datetime:
    """The moment ``HOUSEHOLD_RETENTION_MONTHS`` months before ``now`` (on the site's clock)."""
    local = timezone.localtime(now)
    day = months_before(local.date(), settings.HOUSEHOLD_RETENTION_MONTHS)
    return local.replace(year=day.year, month=day.month, day=day.day)


def volunteer_cutoff(*, now: datetime) -> date:
    """Volunteers who left before this day are anonymised."""
    return months_before(timezone.localdate(now), settings.VOLUNTEER_RETENTION_MONTHS)


def outbox_cutoff(*, now: datetime) -> datetime:
    return now - timedelta(days=settings.OUTBOX_BODY_RETENTION_DAYS)


# -- who is due ---------------------------------------------------------------------------


def households_due(*, now: datetime, among: Sequence[int] | None = None) -> QuerySet[Household]:
    """Households not yet anonymised that the library has not seen since the cutoff.

    A household is still in touch, and kept, when since the cutoff (``HOUSEHOLD_RETENTION_
    MONTHS`` before ``now``) it was first seen (``created_at``), or has a booking of any
    status that was made or whose session starts since then (a coming session included), an
    enrolment made or changed since then or on a course with a meeting since then, or an
    attendance record of a session since then or recorded since then.

    ``among``: only these households (a batch), each looked up through its own rows.
    """
    cutoff = household_cutoff(now=now)

    def theirs(rows: QuerySet) -> QuerySet:
        rows = rows.filter(household=OuterRef("pk"))
        # Named inside the subquery too, so that it reads the batch's rows by index rather
        # than every row of the table.
        return rows if among is None else rows.filter(household_id__in=among)

    booking = theirs(Booking.objects.all()).filter(
        Q(session__starts_at__gte=cutoff) | Q(created_at__gte=cutoff)
    )
    meeting = Session.objects.filter(series=OuterRef("course__series"), starts_at__gte=cutoff)
    enrolment = theirs(Enrolment.objects.all()).filter(
        Q(created_at__gte=cutoff) | Q(status_changed_at__gte=cutoff) | Q(Exists(meeting))
    )
    visit = theirs(Attendance.objects.all()).filter(
        Q(session__starts_at__gte=cutoff) | Q(recorded_at__gte=cutoff)
    )
    households = Household.objects.all()
    if among is not None:
        households = households.filter(pk__in=among)
    # Three NOT EXISTS side by side (not NOT of an OR): each becomes an anti-join.
    return households.filter(
        ~Exists(booking),
        ~Exists(enrolment),
        ~Exists(visit),
        anonymised_at__isnull=True,
        created_at__lt=cutoff,
    )


def volunteers_due(*, now: datetime) -> QuerySet[Volunteer]:
    """Volunteers not yet anonymised who left before ``VOLUNTEER_RETENTION_MONTHS`` ago."""
    return Volunteer.objects.filter(
        anonymised_at__isnull=True,
        status=Volunteer.Status.LEFT,
        left_on__lt=volunteer_cutoff(now=now),
    )


def _outbox_kept() -> Q:
    """A message whose text is already gone (all that is left: kind, key, status, times)."""
    return Q(subject="", body_text="", body_html="", recipient="", unsubscribe_url="")


def outbox_due(*, now: datetime) -> QuerySet[Outbox]:
    """Messages sent, or given up as failed, more than ``OUTBOX_BODY_RETENTION_DAYS`` ago
    whose text is still there. A message still waiting to be sent keeps it."""
    cutoff = outbox_cutoff(now=now)
    return Outbox.objects.filter(
        Q(status=Outbox.Status.SENT, sent_at__lt=cutoff)
        | Q(status=Outbox.Status.FAILED, created_at__lt=cutoff)
    ).exclude(_outbox_kept())


def purge_counts(*, now: datetime | None = None) -> dict[str, int]:
    """What a purge now would anonymise or clear, changing nothing (``--dry-run``)."""
    now = now or timezone.now()
    return {
        "households": households_due(now=now).count(),
        "volunteers": volunteers_due(now=now).count(),
        "messages": outbox_due(now=now).count(),
    }


# -- the outbox ---------------------------------------------------------------------------


def _references(prefix: str, rows: QuerySet) -> QuerySet:
    """The outbox ``reference`` of each row (``"booking:42"``), as a subquery."""
    return rows.annotate(
        reference=Concat(Value(prefix), Cast("pk", CharField()), output_field=CharField())
    ).values("reference")


def _outbox_clear(rows: QuerySet[Outbox]) -> int:
    """Take the text out of messages: subject, bodies, attachments, recipient, links and
    errors; kind, key, status and times stay. A message not sent yet never will be."""
    return rows.exclude(_outbox_kept()).update(
        subject="",
        body_text="",
        body_html="",
        attachments=[],
        recipient="",
        unsubscribe_url="",
        status=Case(
            When(
                status__in=[Outbox.Status.PENDING, Outbox.Status.SENDING],
                then=Value(Outbox.Status.FAILED),
            ),
            default=F("status"),
        ),
        last_error=Case(
            When(
                status__in=[Outbox.Status.PENDING, Outbox.Status.SENDING],
                then=Value(NOT_SENT_ERASED),
            ),
            default=Value(""),
        ),
    )


def outbox_bodies_clear(*, now: datetime | None = None) -> int:
    """Clear the text of messages past ``OUTBOX_BODY_RETENTION_DAYS`` (see ``outbox_due``);
    returns how many. In windows of ids, one UPDATE each."""
    now = now or timezone.now()
    due = outbox_due(now=now)
    bounds = due.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return 0
    cleared = 0
    for start in range(bounds["low"], bounds["high"] + 1, OUTBOX_WINDOW):
        cleared += _outbox_clear(due.filter(pk__gte=start, pk__lt=start + OUTBOX_WINDOW))
    return cleared


# -- households ---------------------------------------------------------------------------


def _link_version_raised() -> Case:
    """One more than before on the first anonymisation (every link made before stops
    working), unchanged on any later one."""
    return Case(
        When(anonymised_at__isnull=True, then=F("link_version") + 1),
        default=F("link_version"),
        output_field=PositiveIntegerField(),
    )


def _households_anonymise(*, ids: Sequence[int], now: datetime) -> None:
    """Anonymise the households ``ids`` (a batch): the one definition of what goes."""
    households = Household.objects.filter(pk__in=ids)
    bookings = Booking.objects.filter(household_id__in=ids)
    enrolments = Enrolment.objects.filter(household_id__in=ids)
    # Every message about them: each names its booking, enrolment or household (and one
    # that names nothing is theirs when it went to their address). One statement for each,
    # so that each finds its rows through the index on the reference.
    for about in (
        Q(reference__in=_references("booking:", bookings)),
        Q(reference__in=_references("enrolment:", enrolments)),
        Q(reference__in=_references("household:", households)),
        Q(reference="", recipient__in=households.values("email")),
    ):
        _outbox_clear(Outbox.objects.filter(about))
    erased_name = Concat(
        Value(ERASED_CHILD_PREFIX), Cast("pk", CharField()), output_field=CharField()
    )
    Child.objects.filter(household_id__in=ids).update(first_name=erased_name)
    # Children typed for one of their bookings or referrals alone.
    parties = (
        Booking.children.through.objects.filter(booking__household_id__in=ids).values("child_id"),
        Enrolment.children.through.objects.filter(enrolment__household_id__in=ids).values(
            "child_id"
        ),
    )
    for party in parties:
        Child.objects.filter(household__isnull=True, pk__in=Subquery(party)).update(
            first_name=erased_name
        )
    bookings.exclude(name_given="").update(name_given="")
    enrolments.update(referrer_name="", referrer_contact="", languages="", wishes="")
    households.update(
        name="",
        email=Concat(
            Value(ERASED_EMAIL_PREFIX),
            Cast("pk", CharField()),
            Value(ERASED_EMAIL_DOMAIN),
            output_field=CharField(),
        ),
        phone="",
        consents_to_followups=False,
        link_version=_link_version_raised(),
        anonymised_at=Coalesce(F("anonymised_at"), Value(now)),
    )


def household_anonymise(*, household: Household, now: datetime | None = None) -> Household:
    """Take the household's personal data away, keeping what the figures need (see the
    module). Doing it again changes nothing. Returns the household as it now is."""
    now = now or timezone.now()
    with transaction.atomic():
        _households_anonymise(ids=[household.pk], now=now)
    household.refresh_from_db()
    return household


def households_purge(*, now: datetime) -> int:
    """Anonymise every household ``households_due``; returns how many."""
    ids = list(households_due(now=now).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), BATCH_SIZE):
        with transaction.atomic():
            # Asked again under the rows' locks: a family that booked meanwhile stays.
            batch = list(
                households_due(now=now, among=ids[start : start + BATCH_SIZE])
                .select_for_update(no_key=True)
                .values_list("pk", flat=True)
            )
            if batch:
                _households_anonymise(ids=batch, now=now)
                done += len(batch)
    return done


# -- volunteers ---------------------------------------------------------------------------


def _volunteers_anonymise(*, ids: Sequence[int], now: datetime) -> None:
    """Anonymise the volunteers ``ids``: name, e-mail, phone, languages, availability and
    what their certificates said go; their certificates keep kind, checked on, by whom and
    valid until; their shifts, hours, status and dates stay for the turnover."""
    volunteers = Volunteer.objects.filter(pk__in=ids)
    invited_to = ExperienceMeeting.objects.filter(
        Exists(MeetingInvitation.objects.filter(meeting=OuterRef("pk"), volunteer_id__in=ids))
    )
    addresses = volunteers.values("email")
    assignments = Assignment.objects.filter(volunteer_id__in=ids)
    for about in (
        Q(reference__in=_references("volunteer:", volunteers)),
        Q(reference__in=_references("assignment:", assignments)),
        # A meeting's invitations name the meeting: theirs went to their address.
        Q(reference__in=_references("meeting:", invited_to), recipient__in=addresses),
        Q(reference="", recipient__in=addresses),
    ):
        _outbox_clear(Outbox.objects.filter(about))
    Availability.objects.filter(volunteer_id__in=ids).delete()
    Certificate.objects.filter(volunteer_id__in=ids).exclude(notes="").update(notes="")
    volunteers.update(
        name="",
        email="",
        phone="",
        languages="",
        link_version=_link_version_raised(),
        anonymised_at=Coalesce(F("anonymised_at"), Value(now)),
    )


def volunteer_anonymise(*, volunteer: Volunteer, now: datetime | None = None) -> Volunteer:
    """Take the volunteer's personal data away (see ``_volunteers_anonymise``); again
    changes nothing. Returns the volunteer as they now are."""
    now = now or timezone.now()
    with transaction.atomic():
        _volunteers_anonymise(ids=[volunteer.pk], now=now)
    volunteer.refresh_from_db()
    return volunteer


def volunteers_purge(*, now: datetime) -> int:
    ids = list(volunteers_due(now=now).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), BATCH_SIZE):
        with transaction.atomic():
            batch = list(
                volunteers_due(now=now)
                .filter(pk__in=ids[start : start + BATCH_SIZE])
                .select_for_update(no_key=True)
                .values_list("pk", flat=True)
            )
            if batch:
                _volunteers_anonymise(ids=batch, now=now)
                done += len(batch)
    return done


# -- the purge ----------------------------------------------------------------------------


def purge_personal_data(*, now: datetime | None = None) -> dict[str, int]:
    """Anonymise what has passed its retention period (see the module); returns how many
    households, volunteers and messages. Safe to run twice: the second run finds nothing."""
    now = now or timezone.now()
    # The messages first: by date, in bulk, so the households' own pass finds little left.
    messages = outbox_bodies_clear(now=now)
    return {
        "households": households_purge(now=now),
        "volunteers": volunteers_purge(now=now),
        "messages": messages,
    }


# -- a family's erasure -------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureResult:
    """What ``household_erase`` did, for the page that says so."""

    household_id: int
    # Already anonymised before (by the purge or an earlier erasure): nothing was done.
    already_erased: bool = False
    cancelled: list[ErasedItem] = field(default_factory=list)
    waitlists_left: list[ErasedItem] = field(default_factory=list)
    courses_left: list[ErasedItem] = field(default_factory=list)
    # Families on the waitlist who got a cancelled place (and were told).
    promoted: int = 0
    # Children whose first names were erased.
    children: int = 0
    # The outbox row of the last message, sent to the address the household had.
    farewell_id: int | None = None

    @property
    def cancelled_bookings(self) -> int:
        return len(self.cancelled)


def household_erase(*, household_id: int, now: datetime | None = None) -> ErasureResult:
    """Erase a household's personal data at its own request (from its signed link, or
    through the library); all or nothing.

    Its coming bookings are cancelled through ``booking_cancel`` (the waitlist moves up and
    the families promoted are told, as for any cancellation), its places in line left, its
    courses that have not ended left (``enrolment_withdraw``: the next family is offered the
    place), then the household is anonymised as the purge does (``household_anonymise``),
    and one last message goes to the address it had, saying what was erased. That message
    is written after the anonymisation, from what was read before it: the one message about
    the household whose text stays (until ``OUTBOX_BODY_RETENTION_DAYS`` after sending).
    The messages the cancellations would have sent the family itself are not sent.

    A household already anonymised: nothing happens (``already_erased``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        household = Household.objects.select_for_update(no_key=True).filter(pk=household_id).first()
        if household is None:
            raise PrivacyError(_("This household does not exist (any more)."))
        if household.anonymised_at is not None:
            return ErasureResult(household_id=household_id, already_erased=True)
        email, language = household.email, household.language

        coming = list(
            household.bookings.filter(
                status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED],
                session__starts_at__gt=now,
            )
            .select_related("session__programme", "session__room__branch")
            .order_by("session__starts_at", "pk")
        )
        cancelled: list[ErasedItem] = []
        waitlists_left: list[ErasedItem] = []
        promoted = 0
        for booking in coming:
            promoted += len(booking_cancel(booking_id=booking.pk, now=now))
            item = ErasedItem.of_session(booking.session)
            (waitlists_left if booking.status == Booking.Status.WAITLISTED else cancelled).append(
                item
            )

        ongoing = list(
            household.enrolments.filter(
                status__in=ENROLMENTS_ONGOING,
                course__series__end_date__gte=timezone.localdate(now),
            )
            .select_related("course__series__programme", "course__series__room__branch")
            .order_by("course__series__start_date", "pk")
        )
        courses_left = []
        for enrolment in ongoing:
            enrolment_withdraw(enrolment_id=enrolment.pk, now=now)
            courses_left.append(ErasedItem.of_course(enrolment.course))

        children = (
            Child.objects.filter(
                Q(household=household)
                | Q(household__isnull=True)
                & (Q(bookings__household=household) | Q(enrolments__household=household))
            )
            .distinct()
            .count()
        )
        branch = (
            household.bookings.order_by("-session__starts_at")
            .values_list("session__room__branch", flat=True)
            .first()
        )

        _households_anonymise(ids=[household.pk], now=now)

        farewell = notify(
            farewell_message(
                household_id=household.pk,
                email=email,
                language=language,
                cancelled=cancelled,
                waitlists_left=waitlists_left,
                courses_left=courses_left,
                children=children,
                branch_id=branch,
            )
        )
    return ErasureResult(
        household_id=household_id,
        cancelled=cancelled,
        waitlists_left=waitlists_left,
        courses_left=courses_left,
        promoted=promoted,
        children=children,
        farewell_id=farewell.pk,
    )
