from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from attendance.models import Attendance, HeadCount
from attendance.services import attendance_record
from bookings.admin import BookingAdmin
from bookings.models import Booking
from common.admin_scoping import ScopedModelAdmin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Came(TypedDict):
    came: bool | None


@admin.register(Attendance)
class AttendanceAdmin(ScopedModelAdmin):
    list_display = ("session", "household", "attended", "recorded_at", "recorded_by")
    list_filter = (
        "attended",
        ("session__room__branch", admin.RelatedOnlyFieldListFilter),
        "session__programme",
    )
    search_fields = ("household__name", "household__email")
    list_select_related = ("session__programme", "session__room__branch", "household")
    date_hierarchy = "session__starts_at"
    fields = ("session", "household", "attended", "recorded_at", "recorded_by")
    readonly_fields = ("session", "household", "recorded_at", "recorded_by")

    def has_add_permission(self, request) -> bool:
        # Recorded from the bookings ("Mark as attended") and the check-in list, not typed in.
        return False

    def save_model(self, request, obj, form, change) -> None:
        saved = attendance_record(
            session=obj.session, household=obj.household, attended=obj.attended, by=request.user
        )
        obj.recorded_at, obj.recorded_by = saved.recorded_at, saved.recorded_by


@admin.register(HeadCount)
class HeadCountAdmin(ScopedModelAdmin):
    list_display = ("session", "grade", "first_visit", "count", "updated_at")
    list_filter = (
        ("session__room__branch", admin.RelatedOnlyFieldListFilter),
        "session__programme",
        "first_visit",
        "grade",
    )
    list_select_related = ("session__programme", "session__room__branch")
    date_hierarchy = "session__starts_at"
    fields = ("session", "grade", "first_visit", "count")
    readonly_fields = ("session", "grade", "first_visit")

    def has_add_permission(self, request) -> bool:
        return False  # counted on the head-count page, by tapping


@admin.register(Booking)
class BookingWithAttendanceAdmin(BookingAdmin):
    """The bookings list, with whether each family came and actions to record it."""

    list_display = (*BookingAdmin.list_display[:5], "came", *BookingAdmin.list_display[5:])
    actions = (*BookingAdmin.actions, "mark_came", "mark_missed")

    def get_queryset(self, request):
        came = Attendance.objects.filter(
            session=OuterRef("session_id"), household=OuterRef("household_id")
        ).values("attended")[:1]
        return (
            super().get_queryset(request).prefetch_related("children").annotate(came=Subquery(came))
        )

    @admin.display(description=_("attended"), boolean=True, ordering="came")
    def came(self, obj: WithAnnotations[Booking, Came]) -> bool | None:
        return obj.came

    def _record_attendance(self, request, queryset, attended: bool) -> None:
        live = queryset.exclude(status=Booking.Status.CANCELLED).select_related(
            "session", "household"
        )
        for booking in live:
            attendance_record(
                session=booking.session,
                household=booking.household,
                attended=attended,
                by=request.user,
            )
        messages.success(
            request,
            ngettext(
                "Attendance recorded for %(count)d booking.",
                "Attendance recorded for %(count)d bookings.",
                len(live),
            )
            % {"count": len(live)},
        )

    @admin.action(description=_("Mark as attended"))
    def mark_came(self, request, queryset) -> None:
        self._record_attendance(request, queryset, attended=True)

    @admin.action(description=_("Mark as no-show"))
    def mark_missed(self, request, queryset) -> None:
        self._record_attendance(request, queryset, attended=False)
