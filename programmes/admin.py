from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from common.admin_scoping import ScopedModelAdmin, ScopedTabularInline
from programmes.models import (
    Branch,
    BranchMembership,
    Programme,
    Room,
    StrategyTrack,
    SustainableDevelopmentGoal,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class RoomTotal(TypedDict):
    room_total: int


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
    def room_count(self, obj: "WithAnnotations[Branch, RoomTotal]") -> int:
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
