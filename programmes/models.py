"""Where, what and when: branches and rooms, programmes, weekly series and their sessions."""

from __future__ import annotations

from collections.abc import Iterable, Set
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, TypedDict, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

NORDIC_TIME_ZONES = [
    ("Europe/Copenhagen", "Europe/Copenhagen"),
    ("Europe/Oslo", "Europe/Oslo"),
    ("Europe/Stockholm", "Europe/Stockholm"),
    ("Europe/Helsinki", "Europe/Helsinki"),
    ("Atlantic/Faroe", "Atlantic/Faroe"),
    ("America/Nuuk", "America/Nuuk"),
]

# The countries whose public holidays a branch's series can leave out (programmes.holidays).
COUNTRIES = [
    ("DK", _("Denmark")),
    ("NO", _("Norway")),
    ("SE", _("Sweden")),
]
COUNTRY_OF_TIME_ZONE = {
    "Europe/Copenhagen": "DK",
    "Europe/Oslo": "NO",
    "Europe/Stockholm": "SE",
}

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a known time zone."), params={"value": value}
        ) from exc


class Branch(models.Model):
    """A library location. Librarians belong to branches and see only theirs."""

    # How each model reaches its branch; the admin scopes librarians' rows along it.
    BRANCH_PATH = "pk"

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    municipality = models.CharField(_("municipality"), max_length=80)
    address = models.CharField(_("address"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=NORDIC_TIME_ZONES,
        default="Europe/Copenhagen",
        validators=[validate_time_zone],
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="da",
        help_text=_("The language the branch's pages and messages start in."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=COUNTRIES,
        blank=True,
        default="DK",
        help_text=_("Its public holidays are offered as dates without sessions."),
    )

    class Meta:
        ordering = ["municipality", "name"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class BranchMembership(models.Model):
    """A librarian's place of work; what they may see and edit in the admin follows it."""

    BRANCH_PATH = "branch"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="branch_memberships",
        verbose_name=_("librarian"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("branch")
    )

    class Meta:
        verbose_name = _("branch membership")
        verbose_name_plural = _("branch memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "branch"], name="unique_branch_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.branch}"


class StaffProfile(models.Model):
    """What a member of staff (a librarian, a helper, a coordinator) chose for themselves:
    the language of the admin and the staff pages. Empty: their branches' language
    (programmes.staff_language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language of the admin"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the language of the branches this person works at."),
    )

    class Meta:
        verbose_name = _("staff language")
        verbose_name_plural = _("staff languages")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'}"


class Room(models.Model):
    BRANCH_PATH = "branch"

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), help_text=_("How many people the room holds, adults included.")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["branch__name", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="unique_room_name_per_branch")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.branch.name})"


class SustainableDevelopmentGoal(models.Model):
    """One of the UN's 17 goals; programmes are tagged with them for reporting."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["number"]
        verbose_name = _("UN Sustainable Development Goal")
        verbose_name_plural = _("UN Sustainable Development Goals")

    def __str__(self) -> str:
        return f"{self.number}. {_(self.name)}"


class StrategyTrack(models.Model):
    """A track of the library's strategy (Ballerup has three), tied to SDGs."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    goals = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, verbose_name=_("UN goals")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("strategy track")
        verbose_name_plural = _("strategy tracks")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    class Kind(models.TextChoices):
        BABY = "baby", _("Baby activity")
        HOMEWORK = "homework", _("Homework help")
        FAMILY_CLUB = "family_club", _("Family club")
        PLAY = "play", _("Play day")
        STORYTIME = "storytime", _("Story time")
        OTHER = "other", _("Other")

    class AudienceBasis(models.TextChoices):
        AGE_MONTHS = "age", _("Child's age in months")
        SCHOOL_GRADE = "grade", _("School grade")

    class BookingMode(models.TextChoices):
        BOOKING = "booking", _("Booking: places per session")
        DROP_IN = "drop_in", _("Drop-in: just come, staff count heads")
        COURSE = "course", _("Course: families enrol for a whole run")

    class CapacityUnit(models.TextChoices):
        CHILDREN = "children", _("Children")
        FAMILIES = "families", _("Families")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    summary = models.CharField(_("summary"), max_length=240, blank=True)
    description = models.TextField(_("description"), blank=True)
    audience_basis = models.CharField(
        _("audience by"),
        max_length=8,
        choices=AudienceBasis.choices,
        default=AudienceBasis.AGE_MONTHS,
    )
    min_age_months = models.PositiveSmallIntegerField(
        _("youngest age (months)"),
        null=True,
        blank=True,
        help_text=_("A child may join from the day they turn this many months."),
    )
    max_age_months = models.PositiveSmallIntegerField(
        _("oldest age (months)"),
        null=True,
        blank=True,
        help_text=_("A child may join until the day before they turn one month more than this."),
    )
    min_grade = models.PositiveSmallIntegerField(
        _("lowest school grade"), null=True, blank=True, validators=[MaxValueValidator(13)]
    )
    max_grade = models.PositiveSmallIntegerField(
        _("highest school grade"), null=True, blank=True, validators=[MaxValueValidator(13)]
    )
    booking_mode = models.CharField(
        _("booking mode"), max_length=10, choices=BookingMode.choices, default=BookingMode.BOOKING
    )
    capacity_unit = models.CharField(
        _("capacity counts"),
        max_length=10,
        choices=CapacityUnit.choices,
        default=CapacityUnit.CHILDREN,
    )
    default_capacity = models.PositiveSmallIntegerField(
        _("default capacity"),
        default=15,
        validators=[MinValueValidator(1)],
        help_text=_("Places per session, in the unit above, unless a series says otherwise."),
    )
    price_text = models.CharField(
        _("price"), max_length=120, blank=True, help_text=_("Leave empty when it is free.")
    )
    strategy_track = models.ForeignKey(
        StrategyTrack,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("strategy track"),
    )
    goals = models.ManyToManyField(
        SustainableDevelopmentGoal,
        blank=True,
        related_name="programmes",
        verbose_name=_("UN goals"),
    )
    next_programmes = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="previous_programmes",
        verbose_name=_("next on the family path"),
        help_text=_("Programmes to invite families to when their children grow out of this one."),
    )
    reminder_lead_hours = models.PositiveSmallIntegerField(
        _("reminder (hours before)"),
        default=24,
        validators=[MaxValueValidator(14 * 24)],
        help_text=_(
            "Booked families get a reminder this many hours before a session; 0 sends none. "
            "Families who book later than that get no reminder."
        ),
    )
    is_published = models.BooleanField(_("shown to the public"), default=True)
    # Programmes are shared: any branch may run one and point its family path to one. Who
    # may change it is its owners' librarians (programmes.selectors.programme_editable_by).
    owners = models.ManyToManyField(
        Branch,
        blank=True,
        related_name="owned_programmes",
        verbose_name=_("run by"),
        help_text=_(
            "The branches whose librarians may change this programme. Librarians of other "
            "branches see it read-only, and may still run it and invite families to it."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age_months__isnull=True)
                | Q(max_age_months__isnull=True)
                | Q(min_age_months__lte=models.F("max_age_months")),
                name="programme_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_grade__isnull=True)
                | Q(max_grade__isnull=True)
                | Q(min_grade__lte=models.F("max_grade")),
                name="programme_grade_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return not self.price_text

    def clean(self) -> None:
        errors = {}
        if self.audience_basis == self.AudienceBasis.AGE_MONTHS:
            if self.min_age_months is None and self.max_age_months is None:
                errors["min_age_months"] = _("Give at least one age limit, in months.")
        elif self.min_grade is None and self.max_grade is None:
            errors["min_grade"] = _("Give at least one school grade.")
        if (
            self.min_age_months is not None
            and self.max_age_months is not None
            and self.min_age_months > self.max_age_months
        ):
            errors["max_age_months"] = _("The oldest age must not be below the youngest.")
        if (
            self.min_grade is not None
            and self.max_grade is not None
            and self.min_grade > self.max_grade
        ):
            errors["max_grade"] = _("The highest grade must not be below the lowest.")
        if errors:
            raise ValidationError(errors)


# A series runs for a term or a school year; its dates are all listed when it is checked.
MAX_SERIES_LENGTH = timedelta(days=2 * 366)


def validate_weekdays(value: object) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(day, int) or not 0 <= day <= 6 for day in value)
    ):
        raise ValidationError(_("Choose at least one weekday."))


class Series(models.Model):
    """A weekly recurrence that generates sessions, e.g. Lektiecafé Mon/Wed/Thu 15–18."""

    BRANCH_PATH = "room__branch"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="series", verbose_name=_("programme")
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="series", verbose_name=_("room")
    )
    title = models.CharField(
        _("title"), max_length=120, blank=True, help_text=_("For example “Spring term”.")
    )
    weekdays = models.JSONField(_("weekdays"), default=list, validators=[validate_weekdays])
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    start_date = models.DateField(_("first date"))
    end_date = models.DateField(_("last date"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Places per session; empty means the programme's default."),
    )
    skip_public_holidays = models.BooleanField(
        _("leave out public holidays"),
        default=False,
        help_text=_("No session on the public holidays of the branch's country."),
    )
    # Set by operations.services.series_cancel: a cancelled series makes no more sessions.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["start_date", "programme__name"]
        verbose_name = _("series")
        verbose_name_plural = pgettext_lazy("plural", "series")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="series_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="series_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.programme.name} – {self.room.branch.name}"
        return f"{label}, {self.title}" if self.title else label

    @property
    def session_capacity(self) -> int:
        return self.capacity or self.programme.default_capacity

    def weekday_names(self) -> str:
        names = dict(WEEKDAYS)
        return ", ".join(str(names[day]) for day in sorted(self.weekdays))

    def occurrence_dates(self, excluded: Set[date] = frozenset()) -> list[date]:
        """Every date in the range that falls on one of the weekdays and is not excluded."""
        return weekly_dates(
            weekdays=self.weekdays, first=self.start_date, last=self.end_date, excluded=excluded
        )

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last date must not be before the first date.")
        elif (
            self.start_date
            and self.end_date
            and self.end_date - self.start_date > MAX_SERIES_LENGTH
        ):
            errors["end_date"] = _("A series runs for two years at most: make another after it.")
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The session must end after it starts.")
        if errors:
            raise ValidationError(errors)


def weekly_dates(
    *, weekdays: Iterable[int], first: date, last: date, excluded: Set[date] = frozenset()
) -> list[date]:
    """Every date from ``first`` to ``last`` on one of the weekdays, less those excluded."""
    days = set(weekdays)
    span = (last - first).days
    candidates = (first + timedelta(days=n) for n in range(span + 1))
    return [d for d in candidates if d.weekday() in days and d not in excluded]


class SeriesExclusion(models.Model):
    """Days the series skips, from one date to another: a school holiday, a closure."""

    BRANCH_PATH = "series__room__branch"

    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("series")
    )
    start_date = models.DateField(_("from"))
    # Empty in a form means the one day (clean() fills it in).
    end_date = models.DateField(_("to"), blank=True, help_text=_("Empty for one day."))
    reason = models.CharField(
        _("reason"), max_length=120, blank=True, help_text=_("For example “Winter holiday”.")
    )

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("excluded date")
        verbose_name_plural = _("excluded dates")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="series_exclusion_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        days = formats.date_format(self.start_date, "SHORT_DATE_FORMAT")
        if self.end_date and self.end_date != self.start_date:
            days += "–" + formats.date_format(self.end_date, "SHORT_DATE_FORMAT")
        return f"{days} {self.reason}".strip()

    def clean(self) -> None:
        if self.start_date and not self.end_date:
            self.end_date = self.start_date
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day must not be before the first.")})

    def days(self) -> list[date]:
        span = (self.end_date - self.start_date).days
        return [self.start_date + timedelta(days=n) for n in range(span + 1)]


class Places(TypedDict):
    """What bookings.selectors.with_places adds to a session."""

    taken: int
    waiting: int


class Session(models.Model):
    BRANCH_PATH = "room__branch"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("programme")
    )
    series = models.ForeignKey(
        Series,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("series"),
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("room")
    )
    # The date of the series this session was made for: it stays when the session is moved
    # or cancelled, so that date is never made again (one session per series and date).
    series_date = models.DateField(_("series date"), null=True, blank=True, editable=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    cancellation_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # Counts the changes families were told of (a move, a cancellation): the SEQUENCE of
    # every calendar file about the session builds on it, so each file sent about a change
    # replaces the one before in the family's calendar (operations.services).
    sequence = models.PositiveIntegerField(_("changes told"), default=0, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["starts_at"], name="session_starts_at_idx"),
            models.Index(fields=["room", "starts_at"], name="session_room_starts_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_times_ordered"
            ),
            models.UniqueConstraint(
                fields=["series", "series_date"],
                condition=Q(series_date__isnull=False),
                name="unique_session_per_series_date",
            ),
            # On PostgreSQL, migration 0002 adds the exclusion constraint that keeps a room
            # from being double-booked; clean() carries the same rule for every database.
        ]

    def __str__(self) -> str:
        # In the reader's language: 24.12.2026 10:00 in Danish and Norwegian.
        when = formats.date_format(self.local_start, "SHORT_DATETIME_FORMAT")
        return f"{self.programme.name}, {self.room.branch.name}, {when}"

    @property
    def branch(self) -> Branch:
        return self.room.branch

    @property
    def places_left(self) -> int:
        """Places still free; needs the ``taken`` annotation of bookings.selectors.with_places."""
        annotated = cast("WithAnnotations[Session, Places]", self)
        return max(self.capacity - annotated.taken, 0)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.room.branch.zone)

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.room.branch.zone)

    def clean(self) -> None:
        if (
            self.status == self.Status.SCHEDULED
            and self.room_id
            and self.starts_at
            and self.ends_at
        ):
            problem = session_slot_problem(
                room=self.room, starts_at=self.starts_at, ends_at=self.ends_at, exclude_pk=self.pk
            )
        elif self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            problem = SlotProblem("ends_at", _("The session must end after it starts."))
        else:
            problem = None
        if problem is not None:
            raise ValidationError({problem.field: problem.message})


def room_conflicts(
    *, room: Room, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None
) -> QuerySet[Session]:
    """Scheduled sessions in the room whose time overlaps [starts_at, ends_at).

    Back-to-back sessions (one ends when the next starts) do not conflict, and a
    cancelled session frees its room.
    """
    qs = Session.objects.filter(
        room=room,
        status=Session.Status.SCHEDULED,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).select_related("programme", "room__branch")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("starts_at")


def room_conflict_message(clash: Session) -> str:
    start, end = clash.local_start, clash.local_end
    return _("%(room)s is already in use %(date)s %(start)s–%(end)s by %(programme)s.") % {
        "room": clash.room.name,
        "date": formats.date_format(start, "SHORT_DATE_FORMAT"),
        "start": formats.time_format(start, "H:i"),
        "end": formats.time_format(end, "H:i"),
        "programme": clash.programme.name,
    }


class SlotProblem(NamedTuple):
    field: str  # the session's field the problem is about: "ends_at" or "room"
    message: StrOrPromise


def session_slot_problem(
    *, room: Room, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None
) -> SlotProblem | None:
    """Why a scheduled session cannot take ``room`` from ``starts_at`` to ``ends_at``; None
    when it can. The one rule for a new or edited session (Session.clean) and for a move
    (operations.services.session_move_check); on PostgreSQL an exclusion constraint holds
    the room part too (migration 0002)."""
    if ends_at <= starts_at:
        return SlotProblem("ends_at", _("The session must end after it starts."))
    clash = room_conflicts(
        room=room, starts_at=starts_at, ends_at=ends_at, exclude_pk=exclude_pk
    ).first()
    if clash is not None:
        return SlotProblem("room", room_conflict_message(clash))
    return None
