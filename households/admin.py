from __future__ import annotations

from django.contrib import admin

from households.models import Child, Household


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "language", "consents_to_followups", "created_at")
    list_filter = ("language", "consents_to_followups")
    search_fields = ("name", "email")
    inlines = (ChildInline,)
