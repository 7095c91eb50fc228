from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _

from common.admin_scoping import ScopedModelAdmin, ScopedTabularInline
from programmes.models import (
    Branch,
    BranchMembership,
    Programme,
    Room,
    StaffProfile,
    StrategyTrack,
    SustainableDevelopmentGoal,
)
from programmes.selectors import branches_for_user, programme_editable_by
from programmes.staff_views import my_language

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
    list_display = ("name", "municipality", "country", "time_zone", "language", "room_count")
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
    """Every librarian sees every programme (a branch may run another's, and the family path
    may lead to one); they change only those all of whose owners are their branches."""

    list_display = (
        "name",
        "kind",
        "booking_mode",
        "audience",
        "default_capacity",
        "run_by",
        "is_published",
    )
    list_filter = (
        "kind",
        "booking_mode",
        "audience_basis",
        "strategy_track",
        "is_published",
        ("owners", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "summary", "description")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("owners", "goals", "next_programmes")
    # "Save as new" duplicates a programme: give the copy its own name and address first.
    save_as = True
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "summary", "description", "is_published")}),
        (_("Run by"), {"fields": ("owners",)}),
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Programme]:
        return super().get_queryset(request).prefetch_related("owners")

    def has_change_permission(self, request: HttpRequest, obj: Programme | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or programme_editable_by(programme=obj, user=request.user))

    def has_delete_permission(self, request: HttpRequest, obj: Programme | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or programme_editable_by(programme=obj, user=request.user))

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "owners" and not request.user.is_superuser:
            # A librarian names their own branches; at least one (the form says so).
            kwargs["queryset"] = branches_for_user(user=request.user)
            kwargs["required"] = True
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("run by"))
    def run_by(self, obj: Programme) -> str:
        return ", ".join(branch.name for branch in obj.owners.all())

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


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """Who chose which language (superusers); every member of staff chooses their own on
    "My language" (programmes.staff_views)."""

    list_display = ("user", "language")
    list_filter = ("language",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)

    def get_urls(self):
        return [
            path("mine/", self.admin_site.admin_view(my_language), name="my_language"),
            *super().get_urls(),
        ]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    max_num = 1
    fields = ("language",)
    verbose_name_plural = _("language of the admin")


User = get_user_model()
# A superuser sets a member of staff's language on their user page too.
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = (*UserAdmin.inlines, StaffProfileInline)
