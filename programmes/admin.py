from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_scoping import ScopedModelAdmin, ScopedTabularInline
from .models import (
    WEEKDAYS,
    Branch,
    BranchMembership,
    Programme,
    Room,
    Series,
    SeriesExclusion,
    Session,
    StrategyTrack,
    SustainableDevelopmentGoal,
)
from .services import (
    GenerationResult,
    SchedulingError,
    room_conflict_message,
    series_generate_sessions,
)


class RoomInline(ScopedTabularInline):
    model = Room
    extra = 0
    fields = ("name", "capacity", "description")


class BranchMembershipInline(admin.TabularInline):
    model = BranchMembership
    extra = 0
    autocomplete_fields = ("user",)
    verbose_name_plural = _("librarians working here")


@admin.register(Branch)
class BranchAdmin(ScopedModelAdmin):
    list_display = ("name", "municipality", "time_zone", "language", "room_count")
    list_filter = ("municipality",)
    search_fields = ("name", "municipality", "address")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (RoomInline, BranchMembershipInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(room_total=Count("rooms"))

    def get_inlines(self, request, obj):
        # Only a superuser decides who works where.
        return self.inlines if request.user.is_superuser else (RoomInline,)

    @admin.display(description=_("rooms"), ordering="room_total")
    def room_count(self, obj: Branch) -> int:
        return obj.room_total


@admin.register(Room)
class RoomAdmin(ScopedModelAdmin):
    list_display = ("name", "branch", "capacity")
    list_filter = (("branch", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "branch__name")
    list_select_related = ("branch",)


@admin.register(SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(admin.ModelAdmin):
    list_display = ("number", "name")
    search_fields = ("name",)


@admin.register(StrategyTrack)
class StrategyTrackAdmin(admin.ModelAdmin):
    list_display = ("name",)
    filter_horizontal = ("goals",)
    search_fields = ("name",)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "booking_mode", "audience", "default_capacity", "is_published")
    list_filter = ("kind", "booking_mode", "audience_basis", "strategy_track", "is_published")
    search_fields = ("name", "summary", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("goals", "next_programmes")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "summary", "description", "is_published")}),
        (
            _("Who it is for"),
            {
                "fields": (
                    "audience_basis",
                    ("min_age_months", "max_age_months"),
                    ("min_grade", "max_grade"),
                )
            },
        ),
        (
            _("Places"),
            {"fields": ("booking_mode", "capacity_unit", "default_capacity", "price_text")},
        ),
        (_("Messages"), {"fields": ("reminder_lead_hours",)}),
        (_("Strategy and family path"), {"fields": ("strategy_track", "goals", "next_programmes")}),
    )

    @admin.display(description=_("for"))
    def audience(self, obj: Programme) -> str:
        if obj.audience_basis == Programme.AudienceBasis.SCHOOL_GRADE:
            return _("grades %(low)s–%(high)s") % {
                "low": obj.min_grade if obj.min_grade is not None else "…",
                "high": obj.max_grade if obj.max_grade is not None else "…",
            }
        return _("%(low)s–%(high)s months") % {
            "low": obj.min_age_months if obj.min_age_months is not None else 0,
            "high": obj.max_age_months if obj.max_age_months is not None else "…",
        }


class SeriesAdminForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one weekday.")},
    )

    class Meta:
        model = Series
        fields = (
            "programme",
            "room",
            "title",
            "capacity",
            "weekdays",
            "start_time",
            "end_time",
            "start_date",
            "end_date",
        )


class SeriesExclusionInline(ScopedTabularInline):
    model = SeriesExclusion
    extra = 1
    verbose_name_plural = _("dates without a session (holidays, closures)")


class SessionInline(ScopedTabularInline):
    model = Session
    extra = 0
    fields = ("starts_at", "ends_at", "capacity", "status")
    show_change_link = True
    verbose_name_plural = _("sessions made from this series")

    def has_add_permission(self, request, obj=None) -> bool:
        # New sessions come from the series' dates, through "Generate sessions".
        return False


def report_generation(request: HttpRequest, series: Series, result: GenerationResult) -> None:
    made = ngettext(
        "%(series)s: %(count)d session created",
        "%(series)s: %(count)d sessions created",
        len(result.created),
    ) % {"series": series, "count": len(result.created)}
    if result.already_there:
        made += ", " + ngettext(
            "%(count)d was already there", "%(count)d were already there", result.already_there
        ) % {"count": result.already_there}
    messages.success(request, made + ".")
    for day, clash in result.conflicts:
        messages.warning(
            request,
            _("%(series)s: no session on %(date)s. %(why)s")
            % {
                "series": series,
                "date": formats.date_format(day, "SHORT_DATE_FORMAT"),
                "why": room_conflict_message(clash),
            },
        )
    for session in result.on_excluded_dates:
        messages.warning(
            request,
            _(
                "%(session)s falls on an excluded date but is still scheduled; cancel it if it "
                "should not take place."
            )
            % {"session": session},
        )


@admin.register(Series)
class SeriesAdmin(ScopedModelAdmin):
    form = SeriesAdminForm
    list_display = (
        "__str__",
        "weekday_names",
        "start_time",
        "end_time",
        "start_date",
        "end_date",
        "session_count",
    )
    list_filter = (("room__branch", admin.RelatedOnlyFieldListFilter), "programme")
    search_fields = ("title", "programme__name", "room__name", "room__branch__name")
    list_select_related = ("programme", "room__branch")
    inlines = (SeriesExclusionInline, SessionInline)
    actions = ("generate_sessions",)
    fieldsets = (
        (None, {"fields": ("programme", "room", "title", "capacity")}),
        (
            _("When"),
            {"fields": ("weekdays", ("start_time", "end_time"), ("start_date", "end_date"))},
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                scheduled=Count("sessions", filter=Q(sessions__status=Session.Status.SCHEDULED))
            )
        )

    @admin.display(description=_("weekdays"))
    def weekday_names(self, obj: Series) -> str:
        return obj.weekday_names()

    @admin.display(description=_("scheduled sessions"), ordering="scheduled")
    def session_count(self, obj: Series) -> int:
        return obj.scheduled

    def save_related(self, request, form, formsets, change) -> None:
        # Excluded dates are saved with the inlines, so sessions are made after them.
        super().save_related(request, form, formsets, change)
        self._generate(request, form.instance)

    @admin.action(description=_("Generate sessions for the selected series"))
    def generate_sessions(self, request: HttpRequest, queryset) -> None:
        for series in queryset.select_related("programme", "room__branch"):
            self._generate(request, series)

    def _generate(self, request: HttpRequest, series: Series) -> None:
        try:
            result = series_generate_sessions(series=series)
        except SchedulingError as exc:
            messages.error(request, f"{series}: {exc}")
            return
        report_generation(request, series, result)


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return (("upcoming", _("Upcoming")), ("past", _("Past")))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gte=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lt=now)
        return queryset


@admin.register(Session)
class SessionAdmin(ScopedModelAdmin):
    list_display = ("starts", "programme", "room", "capacity", "status")
    list_filter = (
        WhenFilter,
        ("room__branch", admin.RelatedOnlyFieldListFilter),
        "programme",
        "status",
        "starts_at",
    )
    date_hierarchy = "starts_at"
    search_fields = ("programme__name", "room__name", "room__branch__name", "series__title")
    list_select_related = ("programme", "room__branch")
    fields = (
        "programme",
        "series",
        "room",
        ("starts_at", "ends_at"),
        "capacity",
        "status",
        "cancellation_reason",
    )
    readonly_fields = ("series",)

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, obj: Session) -> str:
        return formats.date_format(obj.local_start, "SHORT_DATETIME_FORMAT")
