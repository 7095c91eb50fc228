from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bookings.models import CANCELLATION_REASON_MAX_LENGTH, Booking
from bookings.services import BookingError, booking_cancel_by_library
from common.admin_scoping import ScopedModelAdmin, ScopedTabularInline
from notifications.models import Outbox

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class BookingCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=CANCELLATION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Each family is told it, in the message that its booking is cancelled."),
        error_messages={"required": _("Give a reason: the family is told it.")},
    )


# Registered by attendance.admin, which adds who came to each booking (attendance is a
# layer above bookings).
class BookingAdmin(ScopedModelAdmin):
    # Of any length: attendance.admin extends both.
    list_display: tuple[str, ...] = (
        "session",
        "household_name",
        "children_names",
        "places",
        "status",
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
    actions: tuple[str, ...] = ("cancel_bookings",)
    readonly_fields = (
        "session",
        "household",
        "places",
        "status",
        "created_at",
        "waitlisted_at",
        "confirmed_at",
        "cancelled_at",
        # Cancelling goes through the action, which asks for the reason and tells the family.
        "cancellation_reason",
        "rating",
        "rated_at",
        "message_history",
    )
    fields = (*readonly_fields[:2], "adults", *readonly_fields[2:])

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
    def message_history(self, obj: Booking) -> "StrOrPromise":
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

    @admin.action(
        permissions=["change"],
        description=_("Cancel the selected bookings (families are told)"),
    )
    def cancel_bookings(self, request: HttpRequest, queryset):
        """Asks for the reason first: each family is told it, with its calendar event
        cancelled (booking_cancel_by_library); freed places go to the waitlist."""
        live = queryset.exclude(status=Booking.Status.CANCELLED)
        form = BookingCancelForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            cancelled = promoted = 0
            for booking in live:
                try:
                    promoted += len(
                        booking_cancel_by_library(
                            booking_id=booking.pk, reason=form.cleaned_data["reason"]
                        )
                    )
                except BookingError as exc:
                    messages.error(request, f"{booking}: {exc}")
                else:
                    cancelled += 1
            messages.success(
                request,
                ngettext(
                    "%(count)d booking cancelled and its family told",
                    "%(count)d bookings cancelled and their families told",
                    cancelled,
                )
                % {"count": cancelled}
                + "; "
                + ngettext(
                    "%(count)d family moved up from the waitlist and was told",
                    "%(count)d families moved up from the waitlist and were told",
                    promoted,
                )
                % {"count": promoted},
            )
            return None
        return TemplateResponse(
            request,
            "admin/bookings/booking/cancel_bookings.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cancel bookings"),
                "opts": self.model._meta,
                "form": form,
                "bookings": list(
                    live.select_related("household", "session__programme", "session__room__branch")
                ),
                "action": "cancel_bookings",
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            },
        )


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
