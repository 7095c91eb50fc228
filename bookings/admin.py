from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Outbox
from programmes.admin import SessionAdmin
from programmes.admin_scoping import ScopedModelAdmin, ScopedTabularInline
from programmes.models import Session

from .admin_week import SessionOperationsMixin
from .models import Attendance, Booking, Child, Household
from .services import (
    BookingError,
    attendance_record,
    booking_cancel,
    session_cancel,
    waitlist_refill,
)


@admin.register(Booking)
class BookingAdmin(ScopedModelAdmin):
    list_display = (
        "session",
        "household_name",
        "children_names",
        "places",
        "status",
        "came",
        "rating",
        "created_at",
    )
    list_filter = (
        "status",
        ("session__room__branch", admin.RelatedOnlyFieldListFilter),
        "session__programme",
    )
    search_fields = ("household__name", "household__email", "children__first_name")
    list_select_related = ("session__programme", "session__room__branch", "household")
    date_hierarchy = "session__starts_at"
    actions = ("cancel_bookings", "mark_came", "mark_missed")
    readonly_fields = (
        "session",
        "household",
        "places",
        "status",
        "created_at",
        "waitlisted_at",
        "confirmed_at",
        "cancelled_at",
        "rating",
        "rated_at",
        "message_history",
    )
    fields = (*readonly_fields[:2], "adults", *readonly_fields[2:])

    def get_queryset(self, request):
        came = Attendance.objects.filter(
            session=OuterRef("session_id"), household=OuterRef("household_id")
        ).values("attended")[:1]
        return (
            super().get_queryset(request).prefetch_related("children").annotate(came=Subquery(came))
        )

    @admin.display(description=_("attended"), boolean=True, ordering="came")
    def came(self, obj: Booking) -> bool | None:
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

    def has_add_permission(self, request) -> bool:
        # Bookings are made through the booking rules (the public page), never by hand.
        return False

    @admin.display(description=_("household"), ordering="household__name")
    def household_name(self, obj: Booking) -> str:
        return obj.household.name

    @admin.display(description=_("children"))
    def children_names(self, obj: Booking) -> str:
        return ", ".join(child.first_name for child in obj.children.all())

    @admin.display(description=_("messages"))
    def message_history(self, obj: Booking) -> str:
        """What the household was told about this booking: kind, state and when, not text."""
        rows = Outbox.objects.filter(reference=f"booking:{obj.pk}").order_by("created_at")
        if not rows:
            return _("No messages yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} – {} ({})</li>",
                (
                    (
                        row.kind,
                        row.get_status_display(),
                        date_format(localtime(row.created_at), "SHORT_DATETIME_FORMAT"),
                    )
                    for row in rows
                ),
            ),
        )

    @admin.action(description=_("Cancel the selected bookings (the waitlist moves up)"))
    def cancel_bookings(self, request, queryset) -> None:
        cancelled = promoted = 0
        for booking in queryset.exclude(status=Booking.Status.CANCELLED):
            try:
                promoted += len(booking_cancel(booking_id=booking.pk))
            except BookingError as exc:
                messages.error(request, f"{booking}: {exc}")
            else:
                cancelled += 1
        messages.success(
            request,
            ngettext("%(count)d booking cancelled", "%(count)d bookings cancelled", cancelled)
            % {"count": cancelled}
            + "; "
            + ngettext(
                "%(count)d family moved up from the waitlist and was told",
                "%(count)d families moved up from the waitlist and were told",
                promoted,
            )
            % {"count": promoted},
        )


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "language", "consents_to_followups", "created_at")
    list_filter = ("language", "consents_to_followups")
    search_fields = ("name", "email")
    inlines = (ChildInline,)


class BookingInline(ScopedTabularInline):
    model = Booking
    extra = 0
    fields = ("household", "places", "adults", "status", "created_at", "waitlisted_at")
    readonly_fields = fields
    show_change_link = True
    ordering = ("status", "waitlisted_at", "created_at")
    verbose_name_plural = _("bookings and waitlist")

    def get_queryset(self, request):
        # Each row names its household and session: fetched with the rows, not one by one.
        return (
            super()
            .get_queryset(request)
            .select_related("household", "session__programme", "session__room__branch")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# The session admin of programmes, with what bookings adds to it: the session's bookings,
# and the waitlist moving up when a librarian raises the capacity; the week calendar, the
# session's figures, participant list and message to everyone, and a move that tells them
# (admin_week.py).
admin.site.unregister(Session)


@admin.register(Session)
class SessionWithBookingsAdmin(SessionOperationsMixin, SessionAdmin):
    inlines = (BookingInline,)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data and obj.status == Session.Status.CANCELLED:
            told = session_cancel(session_id=obj.pk, reason=obj.cancellation_reason)
            messages.info(
                request,
                ngettext(
                    "%(count)d household was told the session is cancelled",
                    "%(count)d households were told the session is cancelled",
                    told,
                )
                % {"count": told},
            )
        if change and "capacity" in form.changed_data:
            promoted = waitlist_refill(session_id=obj.pk)
            if promoted:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d family moved up from the waitlist and was told",
                        "%(count)d families moved up from the waitlist and were told",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                )


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


# Courses, their referral queue and drop-in head counts have admin pages of their own.
from . import admin_courses  # noqa: E402, F401
