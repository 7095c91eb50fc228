"""Reads for the coordinator's planning pages, and who may see what on them.

Who may look: a partner's coordinator (their organisation's volunteers, the shifts of the
partnerships they coordinate) or library staff with a branch (the shifts of partnerships at
their branches and the volunteers of those partners, without contact details or the
content of certificates). Everyone else is refused. Each rule is written once, here.

Every read below costs a fixed number of queries, however many shifts or volunteers there
are: rows are prefetched and the facts the rules need are computed in bulk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Field, Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partners.models import ContactPerson, PartnerOrganisation, Partnership
from partners.selectors import coordinator_of, partnerships_for_user
from programmes.models import Session
from programmes.selectors import branches_for_user
from programmes.weeks import WeekPage
from volunteers.models import (
    ASKED_OR_CONFIRMED,
    MARKED,
    ON_SHIFT_COUNT,
    ON_THE_SHIFT,
    Assignment,
    Availability,
    Certificate,
    ExperienceMeeting,
    MeetingInvitation,
    Onboarding,
    Shift,
    ShiftPolicy,
    SwapRequest,
    Volunteer,
    places_missing,
)
from volunteers.services import (
    AssignmentActions,
    assignment_actions,
    every_week_until,
    hours_given,
    live_assignments_between,
    needs_certificate,
    refusal,
)
from volunteers.terms import term_of

# -- who is looking ------------------------------------------------------------------------

# A volunteer's fields that are the partner's alone, with the notes on their certificates.
CONTACT_DETAILS = ("email", "phone", "notes", "changed_by_volunteer", "changed_by_volunteer_at")


def sees_contact_details(
    *, user: User | AnonymousUser, coordinator: ContactPerson | None = None, in_admin: bool = False
) -> bool:
    """Whether ``user`` sees volunteers' CONTACT_DETAILS and certificate notes.

    They are the partner's (data minimisation): its coordinator (``coordinator``) sees
    those of their own volunteers on the planning pages, and the library's staff never see
    them. The admin is where a superuser keeps the system: there, and only there, a
    superuser sees them too; on the planning pages a superuser is library staff like any
    other, and a partner's coordinator does not work in the admin.
    """
    if in_admin:
        return user.is_superuser
    return coordinator is not None


@dataclass(frozen=True)
class Viewer:
    """A signed-in user allowed on the planning pages, and in which role."""

    user: User
    contact: ContactPerson | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.contact is not None

    @property
    def sees_contact_details(self) -> bool:
        return sees_contact_details(user=self.user, coordinator=self.contact)


def viewer_for(*, user: User | AnonymousUser) -> Viewer | None:
    """The user as a coordinator or as staff with a branch; None for anyone else."""
    if not user.is_authenticated:
        return None
    contact = coordinator_of(user=user)
    if contact is not None:
        return Viewer(user=user, contact=contact)
    if user.is_staff and branches_for_user(user=user).exists():
        return Viewer(user=user)
    return None


def partnerships_for(*, viewer: Viewer | None) -> QuerySet[Partnership]:
    if viewer is None:
        return Partnership.objects.none()
    return partnerships_for_user(user=viewer.user)


def shifts_for(*, viewer: Viewer | None) -> QuerySet[Shift]:
    """The shifts the viewer plans (coordinator) or hosts (staff at the branch)."""
    return Shift.objects.filter(partnership__in=partnerships_for(viewer=viewer))


def volunteers_for(*, viewer: Viewer | None) -> QuerySet[Volunteer]:
    """A coordinator: their organisation's volunteers. Staff: the volunteers of the
    organisations that have a partnership at one of their branches."""
    if viewer is None:
        return Volunteer.objects.none()
    if viewer.contact is not None:  # a coordinator
        return Volunteer.objects.filter(organisation_id=viewer.contact.organisation_id)
    partners = PartnerOrganisation.objects.filter(
        partnerships__branch__in=branches_for_user(user=viewer.user)
    )
    return Volunteer.objects.filter(organisation__in=partners)


# -- the week grid -------------------------------------------------------------------------


@dataclass
class ShiftRow:
    shift: Shift
    assignments: list[Assignment]

    @property
    def session(self) -> Session:
        return self.shift.session

    @property
    def volunteers(self) -> list[Volunteer]:
        return [a.volunteer for a in self.assignments]

    @property
    def lacking_certificate(self) -> list[Assignment]:
        """Asked or confirmed for a day they will hold no valid certificate for: flagged,
        and not counted (the certificate rule, volunteers.models)."""
        return [a for a in self.assignments if a.lacks_certificate]

    @property
    def filled(self) -> int:
        """Everyone on the shift who may come: asked or confirmed before it (with a
        certificate for the day where one is needed), marked after it."""
        return sum(a.counts_on_shift for a in self.assignments)

    @property
    def confirmed(self) -> int:
        return sum(
            a.status == Assignment.Status.CONFIRMED and a.counts_on_shift for a in self.assignments
        )

    @property
    def asked(self) -> int:
        return sum(
            a.status == Assignment.Status.PROPOSED and a.counts_on_shift for a in self.assignments
        )

    @property
    def came(self) -> int:
        return sum(a.status == Assignment.Status.DONE for a in self.assignments)

    @property
    def missed(self) -> int:
        return sum(a.status == Assignment.Status.NO_SHOW for a in self.assignments)

    @property
    def held(self) -> bool:
        """Someone has been marked: the shift took place."""
        return any(a.status in MARKED for a in self.assignments)

    @property
    def cancelled(self) -> bool:
        return self.session.status == Session.Status.CANCELLED

    @property
    def missing(self) -> int:
        """Places still to fill, counting everyone on the shift (volunteers.models); a
        cancelled session wants nobody."""
        if self.cancelled:
            return 0
        return places_missing(required=self.shift.required_count, staffed=self.filled)

    @property
    def unfilled(self) -> bool:
        return self.missing > 0


@dataclass
class Day:
    day: date
    rows: list[ShiftRow] = field(default_factory=list)


@dataclass
class WeekGrid(WeekPage):
    days: list[Day] = field(default_factory=list)

    @property
    def rows(self) -> list[ShiftRow]:
        return [row for day in self.days for row in day.rows]

    @property
    def unfilled(self) -> int:
        return sum(row.unfilled for row in self.rows)

    @property
    def lacking_certificate(self) -> int:
        return sum(len(row.lacking_certificate) for row in self.rows if not row.cancelled)

    @property
    def empty_days(self) -> list[str]:
        """The short names of the days without shifts ("Tue", "Fri"), in the active
        language: a phone shows them on one line."""
        return [formats.date_format(day.day, "D") for day in self.days if not day.rows]


def week_grid(*, shifts: QuerySet[Shift], monday: date, today: date) -> WeekGrid:
    """The shifts whose sessions fall in the week (by each branch's own calendar), by day,
    with the volunteers on them: two queries."""
    # A day of margin on each side covers every time zone; the local date decides.
    start = datetime.combine(monday - timedelta(days=1), time(), tzinfo=UTC)
    rows = (
        shifts.filter(session__starts_at__gte=start, session__starts_at__lt=start + timedelta(9))
        .select_related("session__programme", "session__room__branch", "partnership")
        .prefetch_related(
            Prefetch(
                "assignments",
                # Each with whether its volunteer is certified for the day: the flag, in
                # the same query.
                queryset=Assignment.objects.filter(status__in=ON_THE_SHIFT)
                .with_certificate()
                .select_related("volunteer")
                .order_by("volunteer__name"),
                to_attr="on_the_shift",
            )
        )
        .order_by("session__starts_at", "session__programme__name", "role")
    )
    days = [Day(day=monday + timedelta(days=n)) for n in range(7)]
    for shift in rows:
        offset = (shift.session.local_start.date() - monday).days
        if 0 <= offset < 7:
            days[offset].rows.append(ShiftRow(shift=shift, assignments=shift.on_the_shift))
    return WeekGrid(monday=monday, today=today, days=days)


# -- suitable volunteers for a shift -------------------------------------------------------


@dataclass
class Candidate:
    """A volunteer who might take the shift, and what speaks for or against them."""

    volunteer: Volunteer
    available: bool
    subjects: list[str]
    shifts_this_week: int
    reason: str = ""
    # Their certificate runs out before "every week" would end by default: the weeks after
    # it would be refused.
    certificate_until: date | None = None
    # They were on this shift and said no, cancelled, or were taken off: asked last.
    earlier: str = ""
    earlier_by_staff: bool = False

    @property
    def suitable(self) -> bool:
        return not self.reason

    @property
    def earlier_label(self) -> str:
        if self.earlier == Assignment.Status.DECLINED:
            return _("Said no to this shift")
        if self.earlier == Assignment.Status.CANCELLED:
            if self.earlier_by_staff:
                return _("Taken off this shift")
            return _("Cancelled this shift")
        return ""


def _available(slots: Iterable[Availability], session: Session) -> bool:
    start, end = session.local_start, session.local_end
    if start.date() != end.date():
        return False
    return any(
        slot.weekday == start.weekday()
        and slot.starts_at <= start.time()
        and slot.ends_at >= end.time()
        for slot in slots
    )


def suitable_volunteers(*, shift: Shift, now: datetime) -> list[Candidate]:
    """The organisation's volunteers who can take shifts and are not on this one yet.

    The suitable come first: available then, then matching more of the wanted subjects,
    then with fewer shifts this week (to spread the load), then by name; those who were on
    this shift and said no or came off it come after the rest of the suitable. Those the
    rules exclude (no valid certificate, busy elsewhere) follow by name, with the reason.
    Eight queries, for any number of volunteers.
    """
    session = shift.session
    day = session.local_start.date()
    term_end = every_week_until(day)
    certificate_needed = needs_certificate(session.programme)
    wanted = {subject.pk: subject.name for subject in shift.wanted_subjects.all()}
    on_shift, earlier = set(), {}
    for volunteer_id, status, changed_by_id in shift.assignments.values_list(
        "volunteer_id", "status", "changed_by_id"
    ):
        if status in ASKED_OR_CONFIRMED:
            on_shift.add(volunteer_id)
        elif status in (Assignment.Status.DECLINED, Assignment.Status.CANCELLED):
            earlier[volunteer_id] = (status, changed_by_id is not None)
    volunteers = (
        Volunteer.objects.filter(
            organisation_id=shift.partnership.organisation_id,
            status__in=Volunteer.WORKING,
        )
        .exclude(pk__in=on_shift)
        .prefetch_related("certificates", "availability", "subjects")
        .order_by("name", "pk")
    )
    busy = set(
        live_assignments_between(starts_at=session.starts_at, ends_at=session.ends_at)
        .filter(volunteer__organisation_id=shift.partnership.organisation_id)
        .values_list("volunteer_id", flat=True)
    )
    zone = session.room.branch.zone
    monday = session.local_start.date() - timedelta(days=session.local_start.weekday())
    week_from = datetime.combine(monday, time(), tzinfo=zone)
    this_week = Counter(
        dict(
            Assignment.objects.filter(
                status__in=ASKED_OR_CONFIRMED,
                volunteer__organisation_id=shift.partnership.organisation_id,
                shift__session__status=Session.Status.SCHEDULED,
                shift__session__starts_at__gte=week_from,
                shift__session__starts_at__lt=datetime.combine(
                    monday + timedelta(weeks=1), time(), tzinfo=zone
                ),
            )
            .values_list("volunteer_id")
            .annotate(n=Count("pk"))
        )
    )
    candidates = []
    for volunteer in volunteers:
        certificates = list(volunteer.certificates.all())
        valid_until = max((c.valid_until for c in certificates if c.is_valid_on(day)), default=None)
        status, by_staff = earlier.get(volunteer.pk, ("", False))
        candidates.append(
            Candidate(
                volunteer=volunteer,
                available=_available(volunteer.availability.all(), session),
                subjects=[wanted[s.pk] for s in volunteer.subjects.all() if s.pk in wanted],
                shifts_this_week=this_week[volunteer.pk],
                # The head count is the shift's, not the volunteer's: the page asks about
                # "more than needed" separately, so it does not exclude anyone here.
                reason=refusal(
                    shift=shift,
                    volunteer=volunteer,
                    certificates=certificates,
                    busy=volunteer.pk in busy,
                    staffed=0,
                    above_required=True,
                ),
                certificate_until=valid_until
                if certificate_needed and valid_until is not None and valid_until < term_end
                else None,
                earlier=status,
                earlier_by_staff=by_staff,
            )
        )
    candidates.sort(
        key=lambda c: (
            not c.suitable,
            c.suitable and bool(c.earlier),
            c.suitable and not c.available,
            -len(c.subjects) if c.suitable else 0,
            c.shifts_this_week if c.suitable else 0,
            c.volunteer.name.casefold(),
        )
    )
    return candidates


def shift_assignments(*, shift: Shift) -> list[Assignment]:
    """Everyone ever asked for the shift, with who last changed their answer and whether
    they hold a certificate for the day (Assignment.lacks_certificate)."""
    return list(
        shift.assignments.with_certificate()
        .select_related("volunteer", "changed_by")
        .order_by("volunteer__name", "pk")
    )


@dataclass
class PolicyRow:
    partnership: Partnership
    volunteers_take_open_shifts: bool


def shift_policies(*, partnerships: list[Partnership]) -> list[PolicyRow]:
    """What each partnership's volunteers may plan themselves (ShiftPolicy): one query."""
    chosen = dict(
        ShiftPolicy.objects.filter(partnership__in=partnerships).values_list(
            "partnership_id", "volunteers_take_open_shifts"
        )
    )
    return [
        PolicyRow(partnership=p, volunteers_take_open_shifts=chosen.get(p.pk, False))
        for p in partnerships
    ]


def swaps_waiting(*, viewer: Viewer, shift: Shift | None = None) -> list[SwapRequest]:
    """Swap requests waiting for the viewer's answer (a coordinator's partnerships), all of
    them or those touching one shift: one query."""
    shifts = shifts_for(viewer=viewer)
    swaps = SwapRequest.objects.filter(
        Q(assignment__shift__in=shifts) | Q(to_shift__in=shifts),
        status=SwapRequest.Status.PENDING,
    )
    if shift is not None:
        swaps = swaps.filter(Q(assignment__shift=shift) | Q(to_shift=shift))
    return list(
        swaps.select_related(
            "assignment__volunteer",
            "assignment__shift__session__programme",
            "assignment__shift__session__room__branch",
            "to_shift__session__programme",
            "to_shift__session__room__branch",
        ).order_by("created_at", "pk")
    )


# -- volunteers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateStatus:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NONE = "none"

    state: str
    valid_until: date | None = None

    @property
    def state_label(self) -> str:
        """The standing in a word or two (the export's column; the date is its own)."""
        return {
            self.VALID: _("Valid"),
            self.EXPIRING: _("Expiring soon"),
            self.EXPIRED: _("Expired"),
        }.get(self.state, _("None"))

    @property
    def label(self) -> str:
        if self.state == self.NONE or self.valid_until is None:
            return _("No certificate")
        day = formats.date_format(self.valid_until, "DATE_FORMAT")
        if self.state == self.VALID:
            return _("Valid until %(day)s") % {"day": day}
        if self.state == self.EXPIRING:
            return _("Expiring soon: valid until %(day)s") % {"day": day}
        return _("Expired on %(day)s") % {"day": day}


def certificate_status(
    *, certificates: Iterable[Certificate], today: date, renewal_days: int
) -> CertificateStatus:
    """The best certificate's standing today; "expiring" inside the organisation's
    renewal window."""
    certificates = list(certificates)
    valid = [c.valid_until for c in certificates if c.is_valid_on(today)]
    if valid:
        until = max(valid)
        state = (
            CertificateStatus.EXPIRING
            if until - today <= timedelta(days=renewal_days)
            else CertificateStatus.VALID
        )
        return CertificateStatus(state=state, valid_until=until)
    if certificates:
        return CertificateStatus(
            state=CertificateStatus.EXPIRED, valid_until=max(c.valid_until for c in certificates)
        )
    return CertificateStatus(state=CertificateStatus.NONE)


def volunteers_listed(*, viewer: Viewer, status: str = "") -> QuerySet[Volunteer]:
    """The viewer's volunteers with what the list shows; filtered by status when given."""
    volunteers = (
        volunteers_for(viewer=viewer)
        .select_related("organisation")
        .prefetch_related("certificates", "subjects")
        .annotate(
            shifts_done=Count(
                "assignments",
                filter=Q(
                    assignments__status=Assignment.Status.DONE,
                    assignments__shift__session__status=Session.Status.SCHEDULED,
                ),
            )
        )
        .order_by("name", "pk")
    )
    if status in Volunteer.Status.values:
        volunteers = volunteers.filter(status=status)
    return volunteers


@dataclass
class VolunteerRow:
    volunteer: Volunteer
    certificate: CertificateStatus


def volunteer_rows(*, volunteers: Iterable[Volunteer], today: date) -> list[VolunteerRow]:
    return [
        VolunteerRow(
            volunteer=volunteer,
            certificate=certificate_status(
                certificates=volunteer.certificates.all(),
                today=today,
                renewal_days=volunteer.organisation.certificate_renewal_days,
            ),
        )
        for volunteer in volunteers
    ]


@dataclass
class ChecklistStep:
    label: str
    done_on: date | None
    name: str = ""


@dataclass
class OnboardingChecklist:
    onboarding: Onboarding
    steps: list[ChecklistStep]


@dataclass
class VolunteerRecord:
    volunteer: Volunteer
    availability: list[Availability]
    certificates: list[Certificate]
    certificate: CertificateStatus
    onboardings: list[OnboardingChecklist]
    coming: list[Assignment]
    past: list[Assignment]

    @property
    def lacking_certificate(self) -> list[Assignment]:
        return [a for a in self.coming if a.lacks_certificate]

    @property
    def hours_done(self) -> float:
        return hours_given(
            attendance=(
                (1, a.shift.session.starts_at, a.shift.session.ends_at, a.shift.session.status)
                for a in self.past
                if a.status == Assignment.Status.DONE
            )
        )


def volunteer_record(*, viewer: Viewer, volunteer: Volunteer, now: datetime) -> VolunteerRecord:
    """One volunteer as the viewer may see them: their shifts (each flagged when they will
    hold no certificate for its day) and checklists in the viewer's partnerships."""
    partnerships = partnerships_for(viewer=viewer)
    certificates = list(volunteer.certificates.select_related("checked_by"))
    assignments = list(
        volunteer.assignments.filter(shift__partnership__in=partnerships)
        .with_certificate()
        .select_related("shift__session__programme", "shift__session__room__branch")
        .order_by("shift__session__starts_at")
    )
    onboardings = volunteer.onboardings.filter(partnership__in=partnerships).select_related(
        "partnership__programme", "partnership__branch", "mentor"
    )
    return VolunteerRecord(
        volunteer=volunteer,
        availability=list(volunteer.availability.all()),
        certificates=certificates,
        certificate=certificate_status(
            certificates=certificates,
            today=timezone.localdate(now),
            renewal_days=volunteer.organisation.certificate_renewal_days,
        ),
        onboardings=[
            OnboardingChecklist(
                onboarding=onboarding,
                steps=[
                    ChecklistStep(
                        # The steps are date columns, not relations.
                        label=str(cast(Field, Onboarding._meta.get_field(step)).verbose_name),
                        done_on=getattr(onboarding, step),
                        name=step,
                    )
                    for step in Onboarding.STEPS
                ],
            )
            for onboarding in onboardings
        ],
        coming=[
            a
            for a in assignments
            if a.shift.session.starts_at >= now and a.status in ASKED_OR_CONFIRMED
        ],
        past=[a for a in reversed(assignments) if a.shift.session.starts_at < now],
    )


# -- the volunteer's own page --------------------------------------------------------------

# How far ahead the volunteer's page offers open shifts.
OPEN_SHIFTS_AHEAD = timedelta(weeks=8)
# The feed shows shifts from this long ago on, so last week's stay in the calendar.
FEED_PAST = timedelta(days=90)


@dataclass
class OwnShift:
    """One of the volunteer's coming shifts on their page, and what they may do with it."""

    assignment: Assignment
    actions: AssignmentActions
    # Said no, and the shift still needs someone: "I can come after all".
    can_undo_decline: bool
    swap: SwapRequest | None

    @property
    def session(self) -> Session:
        return self.assignment.shift.session

    @property
    def lacks_certificate(self) -> bool:
        return self.assignment.lacks_certificate


@dataclass
class OpenShift:
    shift: Shift
    # The coordinator lets volunteers take this partnership's open shifts themselves.
    may_take: bool

    @property
    def session(self) -> Session:
        return self.shift.session


@dataclass
class OwnPage:
    volunteer: Volunteer
    shifts: list[OwnShift]
    availability: list[Availability]
    # Shifts of their partnerships that still need someone and that the rules let them
    # take: to take at once where the coordinator allows it, else to ask for in a swap.
    open_shifts: list[OpenShift]
    coordinators: list[ContactPerson]

    @property
    def takes_open_shifts(self) -> bool:
        return any(o.may_take for o in self.open_shifts)

    @property
    def waiting(self) -> list[OwnShift]:
        return [s for s in self.shifts if s.actions.can_confirm and not s.lacks_certificate]

    @property
    def swappable(self) -> list[OwnShift]:
        return [s for s in self.shifts if s.actions.can_withdraw and s.swap is None]


def own_page(*, volunteer: Volunteer, now: datetime) -> OwnPage:
    """Everything on the volunteer's own page, in a fixed number of queries: their coming
    shifts (asked, confirmed, or said no to), each with the buttons the services allow, and
    the open shifts of the partnerships they joined."""
    joined = list(
        Partnership.objects.filter(onboardings__volunteer=volunteer).select_related("shift_policy")
    )
    certificates = list(volunteer.certificates.all())
    assignments = list(
        volunteer.assignments.filter(
            status__in=(*ASKED_OR_CONFIRMED, Assignment.Status.DECLINED),
            shift__session__starts_at__gt=now,
        )
        .with_certificate()
        .select_related(
            "shift__session__programme",
            "shift__session__room__branch",
            "shift__partnership__organisation",
        )
        .prefetch_related(
            Prefetch(
                "swap_requests",
                queryset=SwapRequest.objects.filter(status=SwapRequest.Status.PENDING),
                to_attr="pending_swaps",
            )
        )
        .order_by("shift__session__starts_at", "pk")
    )
    declined_on = [
        a.shift_id
        for a in assignments
        if a.status == Assignment.Status.DECLINED
        and a.shift.session.status == Session.Status.SCHEDULED
    ]
    short_shifts = set(
        Shift.objects.filter(pk__in=declined_on)
        .short(counted=ON_SHIFT_COUNT)
        .values_list("pk", flat=True)
    )
    shifts = [
        OwnShift(
            assignment=a,
            actions=assignment_actions(assignment=a, now=now),
            can_undo_decline=a.status == Assignment.Status.DECLINED
            and a.shift_id in short_shifts
            and a.shift.session.status == Session.Status.SCHEDULED,
            swap=a.pending_swaps[0] if a.pending_swaps else None,
        )
        for a in assignments
    ]
    busy = [
        (a.shift.session.starts_at, a.shift.session.ends_at)
        for a in assignments
        if a.status in ASKED_OR_CONFIRMED and a.shift.session.status == Session.Status.SCHEDULED
    ]
    # Offered are the shifts they are not on already, nor said no to (taken back above).
    on = {a.shift_id for a in assignments}
    candidates = (
        Shift.objects.filter(
            partnership__in=joined,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lt=now + OPEN_SHIFTS_AHEAD,
        )
        .exclude(pk__in=on)
        .short(counted=ON_SHIFT_COUNT)
        .select_related("session__programme", "session__room__branch", "partnership__organisation")
        .order_by("session__starts_at", "pk")
    )
    taking = {
        p.pk
        for p in joined
        if getattr(getattr(p, "shift_policy", None), "volunteers_take_open_shifts", False)
    }
    open_shifts = [
        OpenShift(shift=shift, may_take=shift.partnership_id in taking)
        for shift in candidates
        if not refusal(
            shift=shift,
            volunteer=volunteer,
            certificates=certificates,
            busy=any(
                start < shift.session.ends_at and end > shift.session.starts_at
                for start, end in busy
            ),
            staffed=getattr(shift, ON_SHIFT_COUNT),
            above_required=False,
        )
    ]
    coordinators = list(
        ContactPerson.objects.filter(coordinated_partnerships__in=joined)
        .distinct()
        .order_by("name")
    )
    return OwnPage(
        volunteer=volunteer,
        shifts=shifts,
        availability=list(volunteer.availability.all()),
        open_shifts=open_shifts,
        coordinators=coordinators,
    )


def open_shift_for(*, volunteer: Volunteer, pk: int, now: datetime) -> Shift | None:
    """One of the open shifts the volunteer's page offers, or None."""
    page = own_page(volunteer=volunteer, now=now)
    return next((o.shift for o in page.open_shifts if o.shift.pk == pk), None)


def feed_assignments(*, volunteer: Volunteer, now: datetime) -> list[Assignment]:
    """What the volunteer's calendar feed shows: every shift they were asked for from
    FEED_PAST on, said no to or cancelled ones included (as cancelled events, so a
    calendar that had them drops them)."""
    return list(
        volunteer.assignments.filter(shift__session__starts_at__gte=now - FEED_PAST)
        .select_related(
            "shift__session__programme",
            "shift__session__room__branch",
            "shift__partnership",
        )
        .order_by("shift__session__starts_at", "pk")
    )


# -- the coordinator's export --------------------------------------------------------------


@dataclass
class ExportRow:
    volunteer: Volunteer
    certificate: CertificateStatus
    shifts_done: int
    hours: float
    hours_this_term: float


def volunteer_export(*, viewer: Viewer, today: date) -> list[ExportRow]:
    """The viewer's volunteers with their certificate's standing (never what it says),
    shifts and hours, all time and this term: three queries."""
    term = term_of(today)
    volunteers = list(
        volunteers_for(viewer=viewer)
        .select_related("organisation")
        .prefetch_related("certificates", "subjects")
        .order_by("name", "pk")
    )
    done = (
        Assignment.objects.filter(
            volunteer__in=[v.pk for v in volunteers],
            status=Assignment.Status.DONE,
            shift__session__status=Session.Status.SCHEDULED,
        )
        .values_list("volunteer_id", "shift__session__starts_at", "shift__session__ends_at")
        .order_by()
    )
    sessions: dict[int, list[tuple[datetime, datetime]]] = {}
    for volunteer_id, starts_at, ends_at in done:
        sessions.setdefault(volunteer_id, []).append((starts_at, ends_at))

    def hours(spans: Iterable[tuple[datetime, datetime]]) -> float:
        return hours_given(
            attendance=((1, start, end, Session.Status.SCHEDULED) for start, end in spans)
        )

    rows = []
    for volunteer in volunteers:
        spans = sessions.get(volunteer.pk, [])
        zone = timezone.get_current_timezone()
        rows.append(
            ExportRow(
                volunteer=volunteer,
                certificate=certificate_status(
                    certificates=volunteer.certificates.all(),
                    today=today,
                    renewal_days=volunteer.organisation.certificate_renewal_days,
                ),
                shifts_done=len(spans),
                hours=hours(spans),
                hours_this_term=hours(
                    (start, end)
                    for start, end in spans
                    if term.start <= start.astimezone(zone).date() <= term.end
                ),
            )
        )
    return rows


# -- experience meetings on the coordinator's pages ----------------------------------------


def meetings_for(*, viewer: Viewer) -> QuerySet[ExperienceMeeting]:
    """The experience meetings of the viewer's partnerships, with their counts."""
    return (
        ExperienceMeeting.objects.filter(partnership__in=partnerships_for(viewer=viewer))
        .select_related(
            "partnership__programme", "partnership__branch", "partnership__organisation"
        )
        .annotate(
            invited_count=Count("invitations", distinct=True),
            coming_count=Count(
                "invitations",
                filter=Q(invitations__response=MeetingInvitation.Response.YES),
                distinct=True,
            ),
            came_count=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
        )
        .order_by("-starts_at", "pk")
    )


def meeting_guests(*, meeting: ExperienceMeeting) -> list[MeetingInvitation]:
    """Everyone invited, volunteers first, by name."""
    invitations = list(meeting.invitations.select_related("volunteer", "contact"))
    return sorted(invitations, key=lambda i: (i.volunteer_id is None, str(i.guest).casefold()))
