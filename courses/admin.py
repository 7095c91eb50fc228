from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from common.admin_scoping import ScopedModelAdmin
from courses.models import Course, Enrolment
from courses.selectors import HOLDING_PLACE
from courses.services import (
    EnrolmentError,
    course_complete,
    course_fill_places,
    enrolment_offer,
    enrolment_withdraw,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

Status = Enrolment.Status


class CourseFigures(TypedDict):
    places_taken: int
    places_waiting: int
    referrals_new: int


def _report(request, done: int, message, errors: list[str]) -> None:
    """``message``: an ngettext_lazy(..., "count") that says what was done ``done`` times."""
    for error in errors:
        messages.error(request, error)
    if done:
        messages.success(request, message % {"count": done})


@admin.register(Course)
class CourseAdmin(ScopedModelAdmin):
    list_display = ("__str__", "capacity", "taken", "waiting", "to_review", "completion_percent")
    list_select_related = ("series__programme", "series__room__branch")
    list_filter = (("series__room__branch", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("series__programme__name", "series__title")
    actions = ("mark_completed",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                places_taken=Count("enrolments", filter=Q(enrolments__status__in=HOLDING_PLACE)),
                places_waiting=Count("enrolments", filter=Q(enrolments__status=Status.WAITLISTED)),
                referrals_new=Count("enrolments", filter=Q(enrolments__status=Status.REFERRED)),
            )
        )

    @admin.display(description=_("places taken"), ordering="places_taken")
    def taken(self, obj: WithAnnotations[Course, CourseFigures]) -> int:
        return obj.places_taken

    @admin.display(description=_("waitlist"), ordering="places_waiting")
    def waiting(self, obj: WithAnnotations[Course, CourseFigures]) -> int:
        return obj.places_waiting

    @admin.display(description=_("referrals to review"), ordering="referrals_new")
    def to_review(self, obj: WithAnnotations[Course, CourseFigures]):
        if not obj.referrals_new:
            return 0
        url = f"../enrolment/?course__id__exact={obj.pk}&status__exact={Status.REFERRED.value}"
        return format_html('<a href="{}">{}</a>', url, obj.referrals_new)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            offered = course_fill_places(course_id=obj.pk)
            _report(
                request,
                len(offered),
                ngettext_lazy(
                    "%(count)d waiting family was offered a place and told",
                    "%(count)d waiting families were offered a place and told",
                    "count",
                ),
                [],
            )

    @admin.action(
        permissions=["change"], description=_("Mark who completed (after the last meeting)")
    )
    def mark_completed(self, request, queryset) -> None:
        done, errors = 0, []
        for course in queryset:
            try:
                done += course_complete(course_id=course.pk)
            except EnrolmentError as exc:
                errors.append(f"{course}: {exc}")
        _report(
            request,
            done,
            ngettext_lazy(
                "%(count)d family completed the course",
                "%(count)d families completed the course",
                "count",
            ),
            errors,
        )


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedModelAdmin):
    """The referral queue: review, offer a place (or the waitlist), withdraw."""

    list_display = (
        "household_name",
        "children_names",
        "course",
        "status",
        "referred_by",
        "created_at",
    )
    list_filter = ("status", ("course", admin.RelatedOnlyFieldListFilter))
    search_fields = ("household__name", "household__email", "children__first_name")
    list_select_related = ("household", "course__series__programme", "course__series__room__branch")
    ordering = ("created_at",)
    actions = ("offer_places", "withdraw")
    fieldsets = (
        (None, {"fields": ("course", "status", "household_contact", "children_names")}),
        (
            _("Referral"),
            {
                "fields": (
                    "referrer_name",
                    "referrer_role",
                    "referrer_contact",
                    "partnership",
                    "languages",
                    "wishes",
                )
            },
        ),
        (
            _("History"),
            {
                "fields": (
                    "created_at",
                    "waitlisted_at",
                    "offered_at",
                    "offer_expires_at",
                    "enrolled_at",
                    "status_changed_at",
                )
            },
        ),
    )
    readonly_fields = (
        "course",
        "status",
        "household_contact",
        "children_names",
        "partnership",
        "created_at",
        "waitlisted_at",
        "offered_at",
        "offer_expires_at",
        "enrolled_at",
        "status_changed_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("children")

    def has_add_permission(self, request) -> bool:
        # Families come through a partnership's referral link (the library can use it too),
        # so that every referral has the parent's consent and the family is told.
        return False

    @admin.display(description=_("offer expires"))
    def offer_expires_at(self, obj: Enrolment):
        return obj.offer_expires_at if obj.status == Status.OFFERED else None

    @admin.display(description=_("family"), ordering="household__name")
    def household_name(self, obj: Enrolment) -> str:
        return obj.household.name

    @admin.display(description=_("contact"))
    def household_contact(self, obj: Enrolment) -> str:
        household = obj.household
        return " · ".join(
            part for part in (household.name, household.email, household.phone) if part
        )

    @admin.display(description=_("children"))
    def children_names(self, obj: Enrolment) -> str:
        return ", ".join(str(child) for child in obj.children.all())

    @admin.display(description=_("referred by"), ordering="referrer_name")
    def referred_by(self, obj: Enrolment) -> str:
        role = obj.get_referrer_role_display()
        return f"{obj.referrer_name} ({role})" if role else obj.referrer_name

    def _each(self, request, queryset, service, message) -> None:
        done, errors = 0, []
        for enrolment in queryset.order_by("created_at", "pk"):
            try:
                service(enrolment_id=enrolment.pk)
            except EnrolmentError as exc:
                errors.append(f"{enrolment.household.name}: {exc}")
            else:
                done += 1
        _report(request, done, message, errors)

    @admin.action(
        permissions=["change"],
        description=_("Offer a place (or the waitlist when full); the family is told"),
    )
    def offer_places(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            enrolment_offer,
            ngettext_lazy(
                "%(count)d family was offered a place or put on the waitlist, and told",
                "%(count)d families were offered a place or put on the waitlist, and told",
                "count",
            ),
        )

    @admin.action(
        permissions=["change"],
        description=_("Withdraw (the place goes to the next family); the family is told"),
    )
    def withdraw(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            enrolment_withdraw,
            ngettext_lazy(
                "%(count)d family withdrawn and told",
                "%(count)d families withdrawn and told",
                "count",
            ),
        )
