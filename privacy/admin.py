"""The library acts on a family's request, in the admin: a librarian of a branch where the
household booked, was enrolled or came finds it (Households: search by e-mail), reads
everything held about it, exports it (the same readable page and JSON file the family
gets) and erases it, after a confirmation page; a superuser does so for every household.
Each export and erasure goes to the audit trail, which only a superuser reads.
"""

from __future__ import annotations

from typing import Any, cast

from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from households.admin import HouseholdAdmin
from households.models import Household
from privacy.audit import BY_FAMILY, AuditEvent
from privacy.services import (
    EXPORT_JSON,
    EXPORT_PAGE,
    household_data_erase,
    household_data_export,
)
from privacy.views import data_json_response


@admin.register(Household)
class HouseholdWithRequestsAdmin(HouseholdAdmin):
    """Households, with the export and the erasure a family may ask the library for."""

    change_form_template = "admin/privacy/household_change_form.html"

    def get_urls(self):
        def view(function, suffix: str):
            return path(
                f"<path:object_id>/{suffix}",
                self.admin_site.admin_view(function),
                name=f"households_household_{function.__name__}",
            )

        return [
            view(self.data, "data/"),
            view(self.data_download, "data/download/"),
            view(self.erase, "erase/"),
            *super().get_urls(),
        ]

    def _household(self, request: HttpRequest, object_id: str) -> Household:
        # Another branch's household is not found, as on its change page.
        household = self.get_object(request, unquote(object_id))
        if household is None or not self.has_view_permission(request, household):
            raise Http404
        return household

    def _staff(self, request: HttpRequest) -> User:
        # The admin's own views let in only signed-in staff.
        return cast(User, request.user)

    def _context(self, request: HttpRequest, household: Household, title) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": household,
            "title": title,
        }

    def data(self, request: HttpRequest, object_id: str) -> HttpResponse:
        household = self._household(request, object_id)
        found = household_data_export(
            household=household, by=self._staff(request), form=EXPORT_PAGE
        )
        return TemplateResponse(
            request,
            "admin/privacy/household_data.html",
            {**self._context(request, household, _("Personal data")), "data": found},
        )

    def data_download(self, request: HttpRequest, object_id: str) -> HttpResponse:
        household = self._household(request, object_id)
        return data_json_response(
            household_data_export(household=household, by=self._staff(request), form=EXPORT_JSON)
        )

    def erase(self, request: HttpRequest, object_id: str) -> HttpResponse:
        household = self._household(request, object_id)
        if not self.has_change_permission(request, household):
            raise PermissionDenied
        change_url = reverse("admin:households_household_change", args=[household.pk])
        if request.method == "POST":
            try:
                household_data_erase(household_id=household.pk, by=self._staff(request))
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "The household's personal data is erased; its bookings still to come "
                        "are cancelled and the family is told."
                    ),
                )
            return redirect(change_url)
        return TemplateResponse(
            request,
            "admin/privacy/household_erase.html",
            {
                **self._context(request, household, _("Erase this household's personal data")),
                "change_url": change_url,
            },
        )


class EventFilter(admin.SimpleListFilter):
    title = _("request")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return AuditEvent.choices

    def queryset(self, request, queryset):
        if self.value() in AuditEvent.values:
            return queryset.filter(additional_data__event=self.value())
        return queryset


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditTrailAdmin(admin.ModelAdmin):
    """The audit trail of requests about households' data: read by superusers only, changed
    by nobody. Search by the household's number."""

    list_display = ("timestamp", "event", "household", "who")
    list_filter = (EventFilter,)
    search_fields = ("=object_pk",)
    search_help_text = _("Search by the household's number.")
    date_hierarchy = "timestamp"
    list_select_related = ("actor",)
    fields = ("timestamp", "event", "household", "who", "detail")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[LogEntry]:
        return super().get_queryset(request).filter(additional_data__event__isnull=False)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("request"))
    def event(self, obj: LogEntry) -> str:
        event = (obj.additional_data or {}).get("event", "")
        return str(AuditEvent(event).label) if event in AuditEvent.values else event

    @admin.display(description=_("household"), ordering="object_id")
    def household(self, obj: LogEntry) -> str:
        url = reverse("admin:households_household_change", args=[obj.object_pk])
        return format_html('<a href="{}">{}</a>', url, obj.object_pk)

    @admin.display(description=_("by"))
    def who(self, obj: LogEntry) -> str:
        if (obj.additional_data or {}).get("by") == BY_FAMILY:
            return str(_("the family, through its link"))
        if obj.actor is None:
            return "–"
        return obj.actor.get_full_name() or obj.actor.get_username()

    @admin.display(description=_("details"))
    def detail(self, obj: LogEntry) -> str:
        extra = {
            key: value
            for key, value in (obj.additional_data or {}).items()
            if key not in {"event", "by"}
        }
        return ", ".join(f"{key}: {value}" for key, value in extra.items()) or "–"
