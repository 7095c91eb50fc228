"""Households in the admin: a librarian finds those that booked, enrolled or came at their
branches (by e-mail or name) and reads them; only a superuser edits one here. The family
corrects its own data through its link (privacy.views); privacy.admin adds the export and
the erasure a librarian runs on the family's request."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from common.admin_scoping import ScopedModelAdmin
from households.models import Child, Household


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


# Registered by privacy.admin, which adds the export and the erasure (privacy is a layer
# above households).
class HouseholdAdmin(ScopedModelAdmin):
    list_display = ("name", "email", "language", "consents_to_followups", "created_at")
    list_filter = ("language", "consents_to_followups")
    search_fields = ("name", "email")
    inlines = (ChildInline,)
    readonly_fields = ("created_at", "anonymised_at")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        # A librarian's "change" is the erasure on request; the fields stay as the family
        # gave them.
        editable = [field.name for field in Household._meta.fields if field.editable]
        return [*editable, *self.readonly_fields]

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        if not request.user.is_superuser:
            # Nothing here for a librarian to save.
            extra_context = {
                **(extra_context or {}),
                "show_save": False,
                "show_save_and_continue": False,
                "show_save_and_add_another": False,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A household is made by its first booking or referral, with the privacy notice.
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)
