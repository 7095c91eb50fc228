"""Volunteers of partner organisations, their certificates, and the shifts they staff."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from partners.models import ContactPerson, PartnerOrganisation, Partnership
from programmes.models import WEEKDAYS, Programme, Session
from programmes.selectors import session_local_date


class Subject(models.Model):
    """Something a volunteer helps with and a shift may want: maths, Danish, English…"""

    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        # "subject" alone is also an e-mail's subject line, which translates differently.
        verbose_name = pgettext_lazy("school subject", "subject")
        verbose_name_plural = pgettext_lazy("school subjects", "subjects")

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ONBOARDING = "onboarding", _("Being welcomed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        LEFT = "left", _("Left")

    # Welcomed or active: who may be put on a shift, invited to meetings, reminded of
    # certificates. Applicants, the paused and those who left are not.
    WORKING = (Status.ONBOARDING, Status.ACTIVE)

    # Who sees them (common.admin_scoping): the library at every branch where their
    # organisation has a partnership, and the organisation's own coordinators.
    BRANCH_PATH = "organisation__partnerships__branch"
    PARTNER_PATH = "organisation"

    organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    # Stored as E.164 (+4520304050), shown in the international format.
    phone = PhoneNumberField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language for messages"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    languages = models.CharField(
        _("languages spoken"),
        max_length=200,
        blank=True,
        help_text=_("For example “Danish, Arabic, English”."),
    )
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="volunteers", verbose_name=_("can help with")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLICANT
    )
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    joined_on = models.DateField(_("active since"), null=True, blank=True)
    paused_on = models.DateField(_("paused since"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # Raised by "send me a new link": every link made before stops working.
    link_version = models.PositiveIntegerField(_("link version"), default=1, editable=False)
    # Set when the purge took the personal data away, some time after they left.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("Seen by the partner organisation only, never by the library."),
    )
    # What the volunteer last changed on their own page, and when: the coordinator reads it
    # on the volunteer's record.
    changed_by_volunteer_at = models.DateTimeField(
        _("changed by the volunteer"), null=True, blank=True, editable=False
    )
    changed_by_volunteer = models.CharField(
        _("what the volunteer changed"), max_length=200, blank=True, editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            # One person, one row: two rows with one address get each other's invitations.
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=Q(anonymised_at__isnull=True),
                name="unique_volunteer_email_per_organisation",
                violation_error_message=_(
                    "The organisation already has a volunteer with this e-mail address."
                ),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="volunteer_left_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def can_take_shifts(self) -> bool:
        return self.status in self.WORKING


class Availability(models.Model):
    """When a volunteer can usually come: a weekday and a time of day."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("availability")
        verbose_name_plural = _("weekly availability")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="availability_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Certificate(models.Model):
    """The child-safety record the law asks for. Only the partner sees its notes."""

    class Kind(models.TextChoices):
        BOERNEATTEST = "boerneattest", _("Børneattest (Denmark)")
        POLITIATTEST = "politiattest", _("Politiattest (Norway)")

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("volunteer"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(
        _("notes on the record"),
        blank=True,
        help_text=_("Seen by the partner organisation only, never by the library."),
    )

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("child-safety certificate")
        verbose_name_plural = _("child-safety certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("checked_on")),
                name="certificate_valid_after_check",
            ),
        ]

    def __str__(self) -> str:
        checked = formats.date_format(self.checked_on, "SHORT_DATE_FORMAT")
        until = formats.date_format(self.valid_until, "SHORT_DATE_FORMAT")
        return f"{self.get_kind_display()} {checked}–{until}"

    def is_valid_on(self, day: date) -> bool:
        return self.checked_on <= day <= self.valid_until


# -- the certificate rule --------------------------------------------------------------------
#
# Where children under 15 may come, everyone who meets them holds a child-safety certificate
# valid on the day. Read in Python (needs_certificate, Certificate.is_valid_on) by the
# services that ask and confirm, and in the database (needs_certificate_q,
# certified_on_shift_day) by the counts, the flags and the planner: the two are kept side by
# side here so they cannot drift apart.

# Below this age a child-safety certificate is required of everyone who meets the child.
CERTIFICATE_AGE_YEARS = 15
# Pupils in this grade or lower may be under 15.
CERTIFICATE_MAX_GRADE = 9


def needs_certificate(programme: Programme) -> bool:
    """Whether children under 15 may come to the programme's sessions."""
    if programme.audience_basis == Programme.AudienceBasis.SCHOOL_GRADE:
        return programme.min_grade is None or programme.min_grade <= CERTIFICATE_MAX_GRADE
    return programme.min_age_months is None or programme.min_age_months < (
        CERTIFICATE_AGE_YEARS * 12
    )


def needs_certificate_q(programme: str) -> Q:
    """needs_certificate in the database, for the programme at the path ``programme``."""
    p = f"{programme}__"
    by_grade = Q(**{f"{p}audience_basis": Programme.AudienceBasis.SCHOOL_GRADE})
    return (
        by_grade
        & (
            Q(**{f"{p}min_grade__isnull": True})
            | Q(**{f"{p}min_grade__lte": CERTIFICATE_MAX_GRADE})
        )
    ) | (
        ~by_grade
        & (
            Q(**{f"{p}min_age_months__isnull": True})
            | Q(**{f"{p}min_age_months__lt": CERTIFICATE_AGE_YEARS * 12})
        )
    )


# The session's date at its own branch, annotated where the certificate is checked in SQL.
SHIFT_DAY = "shift_day"
# Whether an assignment's volunteer holds a certificate valid on the shift's day, or needs
# none there (AssignmentQuerySet.with_certificate).
CERTIFIED = "certified"


def certified_on_shift_day(*, volunteer: str) -> Exists:
    """A certificate of the volunteer at the path ``volunteer`` valid on SHIFT_DAY, both
    of the outer query."""
    return Exists(
        Certificate.objects.filter(
            volunteer=OuterRef(volunteer),
            checked_on__lte=OuterRef(SHIFT_DAY),
            valid_until__gte=OuterRef(SHIFT_DAY),
        )
    )


class Onboarding(models.Model):
    """A volunteer's welcome into one partnership: the checklist the seed describes."""

    STEPS = ("met_contact_on", "toured_on", "certificate_checked_on", "first_shift_on")
    BRANCH_PATH = "partnership__branch"

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="onboardings")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="onboardings"
    )
    met_contact_on = models.DateField(_("met the library's contact person"), null=True, blank=True)
    toured_on = models.DateField(_("tour of the library"), null=True, blank=True)
    certificate_checked_on = models.DateField(_("certificate checked"), null=True, blank=True)
    first_shift_on = models.DateField(
        _("first shift with an experienced volunteer"), null=True, blank=True
    )
    mentor = models.ForeignKey(
        Volunteer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentored",
        verbose_name=_("experienced volunteer"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("onboarding")
        verbose_name_plural = _("onboarding")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "partnership"], name="unique_onboarding_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.partnership}"

    @property
    def steps_done(self) -> int:
        return sum(getattr(self, step) is not None for step in self.STEPS)

    @property
    def is_complete(self) -> bool:
        return self.steps_done == len(self.STEPS)


def shift_mismatch(*, session: Session, partnership: Partnership) -> str:
    """Why the partnership cannot have a shift on the session, or "" when it can: the
    session must be of the partnership's programme, at its branch, within its period."""
    if session.programme_id != partnership.programme_id:
        return gettext("The partnership is for another programme than this session.")
    if session.room.branch_id != partnership.branch_id:
        return gettext("The partnership is at another branch than this session.")
    day = session.local_start.date()
    if not partnership.runs_on(day):
        return gettext("The partnership does not run on %(day)s.") % {
            "day": formats.date_format(day, "DATE_FORMAT")
        }
    return ""


# -- is a shift short? ---------------------------------------------------------------------
#
# One definition, read two ways: the planning (the coordinator's week and shift pages, the
# admin's list, asking a volunteer) counts everyone ON_THE_SHIFT, because a volunteer asked
# holds the place while they answer, so the coordinator does not ask one too many; the
# 48-hour alert and the turnover's fill rate count only the places FILLS_A_PLACE, because an
# unanswered invitation is not a volunteer the library can count on. Each count is an
# annotation of ShiftQuerySet.with_staffing, named below, and places_missing says how short.

ON_SHIFT_COUNT = "on_shift_count"
FILLED_COUNT = "filled_count"
# Invitations not yet answered: what the alert adds to its count of places filled.
UNANSWERED_COUNT = "unanswered_count"


class Staffing(TypedDict):
    """What ShiftQuerySet.with_staffing adds to each shift."""

    on_shift_count: int
    filled_count: int
    unanswered_count: int


def places_missing(*, required: int, staffed: int) -> int:
    """How many more volunteers a shift needs, ``staffed`` counted one of the two ways
    above; the shift is short when this is above 0."""
    return max(required - staffed, 0)


class ShiftQuerySet(models.QuerySet["Shift"]):
    def with_staffing(self) -> ShiftQuerySet:
        """Each shift with its head counts (ON_SHIFT_COUNT, FILLED_COUNT,
        UNANSWERED_COUNT), in the one query; also after ``values()``, grouped by them.

        A volunteer asked or confirmed for a day they will hold no valid certificate for
        (the certificate rule above) is on the shift's list, flagged, but counts in none
        of them: they cannot come, so the place is still to fill. A mark made afterwards
        (came, did not come) is the record of the day and counts as it is.
        """
        if ON_SHIFT_COUNT in self.query.annotations:
            return self
        may_come = Q(assignments__status__in=MARKED) | (
            Q(assignments__status__in=ASKED_OR_CONFIRMED)
            & (
                ~needs_certificate_q("session__programme")
                | Q(certified_on_shift_day(volunteer="assignments__volunteer"))
            )
        )
        return self.annotate(**{SHIFT_DAY: session_local_date(session="session__")}).annotate(
            **{
                ON_SHIFT_COUNT: Count(
                    "assignments", filter=Q(assignments__status__in=ON_THE_SHIFT) & may_come
                ),
                FILLED_COUNT: Count(
                    "assignments", filter=Q(assignments__status__in=FILLS_A_PLACE) & may_come
                ),
                UNANSWERED_COUNT: Count(
                    "assignments",
                    filter=Q(assignments__status=Assignment.Status.PROPOSED) & may_come,
                ),
            }
        )

    def short(self, *, counted: str) -> ShiftQuerySet:
        """The shifts with places missing, ``counted`` ON_SHIFT_COUNT or FILLED_COUNT: the
        database's side of ``places_missing(...) > 0``."""
        return self.with_staffing().filter(**{f"{counted}__lt": F("required_count")})

    def full(self, *, counted: str) -> ShiftQuerySet:
        """The shifts with no place missing, counted as in ``short``."""
        return self.with_staffing().filter(**{f"{counted}__gte": F("required_count")})


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def with_certificate(self) -> AssignmentQuerySet:
        """Each assignment with CERTIFIED: whether its volunteer holds a certificate valid
        on the shift's day where the programme needs one (True where it needs none); read
        through Assignment.lacks_certificate. In the same query."""
        if CERTIFIED in self.query.annotations:
            return self
        return self.annotate(
            **{SHIFT_DAY: session_local_date(session="shift__session__")}
        ).annotate(
            **{
                CERTIFIED: ExpressionWrapper(
                    ~needs_certificate_q("shift__session__programme")
                    | Q(certified_on_shift_day(volunteer="volunteer")),
                    output_field=BooleanField(),
                )
            }
        )

    def lacking_certificate(self) -> AssignmentQuerySet:
        """Asked or confirmed for a day the volunteer will hold no valid certificate for:
        the assignments the grid, the shift page and the record flag, and the alerts name."""
        return self.with_certificate().filter(status__in=ASKED_OR_CONFIRMED, **{CERTIFIED: False})


class Shift(models.Model):
    """Volunteers wanted at a session: how many, in what role, for which subjects."""

    BRANCH_PATH = "session__room__branch"

    class Role(models.TextChoices):
        HOMEWORK_HELPER = "homework_helper", _("Homework helper")
        CLUB_VOLUNTEER = "club_volunteer", _("Club volunteer")
        HOST = "host", _("Host")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("session")
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("partnership")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.HOMEWORK_HELPER
    )
    required_count = models.PositiveSmallIntegerField(
        _("volunteers needed"), default=2, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    wanted_subjects = models.ManyToManyField(
        Subject, blank=True, related_name="shifts", verbose_name=_("subjects wanted")
    )

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["session__starts_at", "role"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "partnership", "role"], name="unique_shift_per_session_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.get_role_display()}"

    def clean(self) -> None:
        if self.session_id and self.partnership_id:
            problem = shift_mismatch(session=self.session, partnership=self.partnership)
            if problem:
                raise ValidationError(problem)


class Assignment(models.Model):
    """A volunteer on a shift; the row keeps its latest status and who set it."""

    BRANCH_PATH = "shift__session__room__branch"

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Asked")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("Did not come")
        DONE = "done", _("Came")

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("shift")
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("volunteer"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    above_required = models.BooleanField(
        _("more than needed, by the coordinator's choice"), default=False
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
        help_text=_("Empty when the volunteer answered through their link."),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    # The session's start the volunteer was last told of: a move is found by comparing.
    told_starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Whether the volunteer was told the session is cancelled; cleared if it is reinstated,
    # so a second cancellation is told again.
    told_session_cancelled = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["shift__session__starts_at", "volunteer__name"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"], name="unique_assignment_per_shift"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.shift}"

    @property
    def lacks_certificate(self) -> bool:
        """Asked or confirmed, and the volunteer will hold no valid certificate on the day
        (read from AssignmentQuerySet.with_certificate; False where it was not asked)."""
        return self.status in ASKED_OR_CONFIRMED and not getattr(self, CERTIFIED, True)

    @property
    def counts_on_shift(self) -> bool:
        """Counted among the volunteers on the shift (ON_SHIFT_COUNT's reading, per row)."""
        return self.status in ON_THE_SHIFT and not self.lacks_certificate


_S = Assignment.Status
# Holding a place before the session: what counts against the places needed when a
# volunteer is asked, and makes a volunteer busy at that time.
ASKED_OR_CONFIRMED = (_S.PROPOSED, _S.CONFIRMED)
# A place the coordinator has filled: a yes, or a volunteer marked afterwards (not coming
# shows as a no-show, not as a gap). An unanswered invitation fills nothing yet.
FILLS_A_PLACE = (_S.CONFIRMED, _S.DONE, _S.NO_SHOW)
# The names on the shift: asked or confirmed before it, marked came or not after it.
ON_THE_SHIFT = (_S.PROPOSED, _S.CONFIRMED, _S.DONE, _S.NO_SHOW)
MARKED = (_S.DONE, _S.NO_SHOW)


class ShiftPolicy(models.Model):
    """What a partnership's volunteers may plan for themselves on their own page: the
    coordinator's choice. A partnership without one allows nothing more than answering."""

    BRANCH_PATH = "partnership__branch"

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        related_name="shift_policy",
        verbose_name=_("partnership"),
    )
    volunteers_take_open_shifts = models.BooleanField(
        _("volunteers may take open shifts themselves"),
        default=False,
        help_text=_(
            "On their own page, volunteers see the shifts that still need someone and take "
            "one with a tap; the same rules apply as when you ask them."
        ),
    )

    class Meta:
        verbose_name = _("shift policy")
        verbose_name_plural = _("shift policies")

    def __str__(self) -> str:
        return str(self.partnership)


class SwapRequest(models.Model):
    """A volunteer asks to give up one of their shifts for another that still needs
    someone; the coordinator approves or refuses."""

    BRANCH_PATH = "assignment__shift__session__room__branch"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the coordinator")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="swap_requests",
        verbose_name=_("shift given up"),
    )
    to_shift = models.ForeignKey(
        Shift,
        on_delete=models.CASCADE,
        related_name="swap_requests",
        verbose_name=_("shift wanted"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="pending"),
                name="one_pending_swap_per_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.to_shift}"


class ExperienceMeeting(models.Model):
    """A gathering of a partnership's volunteers and contact persons (erfa-møde)."""

    BRANCH_PATH = "partnership__branch"

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="experience_meetings",
        verbose_name=_("partnership"),
    )
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    # Changes of time or place told to the guests: their calendar files' SEQUENCE.
    sequence = models.PositiveIntegerField(_("changes told"), default=0, editable=False)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("experience meeting")
        verbose_name_plural = _("experience meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        # The site's calendar day: a name needs no query for the partnership's branch.
        day = formats.date_format(timezone.localdate(self.starts_at), "SHORT_DATE_FORMAT")
        return f"{self.title} ({day})"


class MeetingInvitation(models.Model):
    class Response(models.TextChoices):
        NO_ANSWER = "", _("No answer yet")
        YES = "yes", _("Coming")
        NO = "no", _("Not coming")

    meeting = models.ForeignKey(
        ExperienceMeeting, on_delete=models.CASCADE, related_name="invitations"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        ContactPerson, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    response = models.CharField(
        _("answer"), max_length=3, choices=Response.choices, blank=True, default=""
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    attended = models.BooleanField(_("came"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=True, contact__isnull=False)
                | Q(volunteer__isnull=False, contact__isnull=True),
                name="invitation_one_guest",
            ),
            models.UniqueConstraint(
                fields=["meeting", "volunteer"], name="unique_meeting_volunteer"
            ),
            models.UniqueConstraint(fields=["meeting", "contact"], name="unique_meeting_contact"),
        ]

    def __str__(self) -> str:
        return str(self.volunteer or self.contact)

    @property
    def guest(self):
        return self.volunteer or self.contact
