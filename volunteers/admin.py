"""Admin for volunteers, their certificates, shifts, assignments and experience meetings.

Librarians see the rows of their branches, through the one scoping of every admin
(common.admin_scoping, along each model's BRANCH_PATH): shifts, assignments and meetings by
the session's or partnership's branch, volunteers of the partners that work at those
branches. They see
a volunteer's name, status and certificate standing, never their phone, e-mail or a
certificate's notes: those are the partner's (data minimisation). A superuser, who keeps
the system, sees everything.

Changes with a rule behind them go through volunteers/services.py and meetings.py: a
status is changed by an action, never typed into a field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_scoping import ScopedModelAdmin, ScopedTabularInline, scope_to_user_branches
from partners.admin import PartnershipAdmin
from partners.models import Partnership
from programmes.models import Series
from volunteers.meetings import (
    attendance_refusal,
    meeting_invite,
    meeting_mark_attendance,
    meeting_respond,
    meeting_update,
    response_refusal,
)
from volunteers.models import (
    ON_SHIFT_COUNT,
    Assignment,
    Availability,
    Certificate,
    ExperienceMeeting,
    MeetingInvitation,
    Onboarding,
    Shift,
    ShiftQuerySet,
    Staffing,
    Subject,
    Volunteer,
    places_missing,
)
from volunteers.selectors import (
    CONTACT_DETAILS,
    CertificateStatus,
    certificate_status,
    sees_contact_details,
)
from volunteers.services import (
    AssignmentError,
    assignment_cancel,
    assignment_mark,
    certificates_saved,
    email_taken,
    email_taken_message,
    onboarding_update,
    shifts_create_for_series,
    shifts_delete,
    shifts_delete_refusal,
    volunteer_join,
    volunteer_set_status,
)
from volunteers.turnover import term_of, turnover

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


class PartnershipFilter(admin.RelatedOnlyFieldListFilter):
    """The partnerships on the listed rows, named in one query (a partnership's name is
    its organisation's, programme's and branch's)."""

    def field_choices(self, field, request, model_admin):
        used = (
            model_admin.get_queryset(request)
            .distinct()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        partnerships = Partnership.objects.filter(pk__in=used).select_related(
            "organisation", "programme", "branch"
        )
        return [(partnership.pk, str(partnership)) for partnership in partnerships]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


# -- volunteers ----------------------------------------------------------------------------


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


class CertificateInline(admin.TabularInline):
    """The certificates themselves: for a superuser only (see VolunteerAdmin.get_inlines)."""

    model = Certificate
    extra = 0
    fields = ("kind", "checked_on", "checked_by", "valid_until", "notes")
    autocomplete_fields = ("checked_by",)


class OnboardingInline(ScopedTabularInline):
    model = Onboarding
    fk_name = "volunteer"
    extra = 0
    fields = ("partnership", "steps", "mentor", "started_at")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("welcome checklists (tick the steps on each checklist's own page)")

    def has_add_permission(self, request, obj=None) -> bool:
        # A volunteer joins a partnership through "Joins a partnership" (welcome message).
        return False

    @admin.display(description=_("steps done"))
    def steps(self, obj: Onboarding) -> str:
        return f"{obj.steps_done} / {len(Onboarding.STEPS)}"


class CertificateFilter(admin.SimpleListFilter):
    title = _("certificate")
    parameter_name = "certificate"

    def lookups(self, request, model_admin):
        return (
            (CertificateStatus.VALID, _("Valid")),
            (CertificateStatus.EXPIRING, _("Expiring soon")),
            (CertificateStatus.EXPIRED, _("Expired")),
            (CertificateStatus.NONE, _("None")),
        )

    def queryset(self, request, queryset):
        if self.value() not in dict(self.lookup_choices):
            return queryset
        today = timezone.localdate()
        # The standing depends on each organisation's renewal window, so it is read the
        # way the list shows it; the admin filters a partner's volunteers, not thousands.
        matching = [
            volunteer.pk
            for volunteer in queryset.select_related("organisation").prefetch_related(
                "certificates"
            )
            if _standing(volunteer, today).state == self.value()
        ]
        return queryset.filter(pk__in=matching)


def _standing(volunteer: Volunteer, today) -> CertificateStatus:
    return certificate_status(
        certificates=volunteer.certificates.all(),
        today=today,
        renewal_days=volunteer.organisation.certificate_renewal_days,
    )


class JoinForm(forms.Form):
    partnership = forms.ModelChoiceField(
        label=_("partnership"), queryset=Partnership.objects.none()
    )


class VolunteerAdminForm(forms.ModelForm):
    """One volunteer per e-mail address in an organisation, said next to the field: the
    organisation is read-only on a volunteer's page, so the form's own check of the
    constraint would pass over it."""

    class Meta:
        model = Volunteer
        # The admin names the fields shown (VolunteerAdmin.get_fieldsets).
        fields = ("organisation", "name", "email")

    def clean(self):
        cleaned = super().clean() or {}
        organisation = cleaned.get("organisation") or getattr(self.instance, "organisation", None)
        email = cleaned.get("email")
        if (
            organisation is not None
            and email
            and email_taken(
                organisation=organisation,
                email=email,
                volunteer=self.instance if self.instance.pk else None,
            )
        ):
            self.add_error("email", email_taken_message())
        return cleaned


@admin.register(Volunteer)
class VolunteerAdmin(ScopedModelAdmin):
    list_display = ("name", "organisation", "status", "certificate", "joined_on")
    list_filter = (
        "status",
        CertificateFilter,
        ("organisation", admin.RelatedOnlyFieldListFilter),
        "subjects",
    )
    list_select_related = ("organisation",)
    form = VolunteerAdminForm
    inlines = (AvailabilityInline, CertificateInline, OnboardingInline)
    filter_horizontal = ("subjects",)
    actions = ("mark_onboarding", "mark_active", "mark_paused", "mark_left", "join_partnership")
    fieldsets = (
        (None, {"fields": ("organisation", "name", "email", "phone", "language", "notes")}),
        (_("Helps with"), {"fields": ("languages", "subjects")}),
        (
            _("Status"),
            {
                "fields": (
                    "status",
                    "certificate",
                    "applied_on",
                    "joined_on",
                    "paused_on",
                    "left_on",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("certificates")

    def get_search_fields(self, request):
        # Searching by e-mail would tell a librarian the address is there.
        return (
            ("name", "email")
            if sees_contact_details(user=request.user, in_admin=True)
            else ("name",)
        )

    def get_fieldsets(self, request, obj=None):
        if sees_contact_details(user=request.user, in_admin=True):
            return self.fieldsets
        return [
            (
                name,
                {**options, "fields": [f for f in options["fields"] if f not in CONTACT_DETAILS]},
            )
            for name, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("status", "certificate", "joined_on", "paused_on", "left_on")
        # A status and its dates change through the actions, which keep them in step.
        return ("organisation", "status", "certificate", "joined_on", "paused_on", "left_on")

    def get_inlines(self, request, obj):
        inlines: list[type[InlineModelAdmin]] = [AvailabilityInline]
        if sees_contact_details(user=request.user, in_admin=True):
            inlines.append(CertificateInline)
        # The library sees the certificate's standing (a field above), not the record.
        if obj is not None:
            inlines.append(OnboardingInline)
        return inlines

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Certificate:
            # A certificate typed in here ticks the welcome checklists as recording does.
            certificates_saved(volunteer=form.instance, by=request.user)

    @admin.display(description=_("certificate"))
    def certificate(self, obj: Volunteer) -> str:
        if obj.pk is None:
            return "–"
        return _standing(obj, timezone.localdate()).label

    def _set_status(self, request, queryset, status: str) -> None:
        changed = 0
        for volunteer in queryset:
            try:
                volunteer_set_status(volunteer=volunteer, status=status, by=request.user)
            except AssignmentError as exc:
                messages.error(request, str(exc))
            else:
                changed += 1
        if changed:
            messages.success(
                request,
                ngettext(
                    "%(count)d volunteer is now “%(status)s”.",
                    "%(count)d volunteers are now “%(status)s”.",
                    changed,
                )
                % {"count": changed, "status": Volunteer.Status(status).label},
            )

    @admin.action(permissions=["change"], description=_("Being welcomed"))
    def mark_onboarding(self, request, queryset) -> None:
        self._set_status(request, queryset, Volunteer.Status.ONBOARDING)

    @admin.action(permissions=["change"], description=_("Active"))
    def mark_active(self, request, queryset) -> None:
        self._set_status(request, queryset, Volunteer.Status.ACTIVE)

    @admin.action(permissions=["change"], description=_("Paused (coming shifts are withdrawn)"))
    def mark_paused(self, request, queryset) -> None:
        self._set_status(request, queryset, Volunteer.Status.PAUSED)

    @admin.action(permissions=["change"], description=_("Left (coming shifts are withdrawn)"))
    def mark_left(self, request, queryset) -> None:
        self._set_status(request, queryset, Volunteer.Status.LEFT)

    @admin.action(
        permissions=["change"],
        description=_("Joins a partnership (checklist and welcome message)"),
    )
    def join_partnership(self, request, queryset):
        form = JoinForm(request.POST if "apply" in request.POST else None)
        organisations = {v.organisation_id for v in queryset}
        cast(forms.ModelChoiceField, form.fields["partnership"]).queryset = scope_to_user_branches(
            Partnership.objects.filter(organisation__in=organisations).select_related(
                "organisation", "programme", "branch"
            ),
            request.user,
        )
        if form.is_valid():
            joined = 0
            for volunteer in queryset:
                try:
                    volunteer_join(
                        volunteer=volunteer,
                        partnership=form.cleaned_data["partnership"],
                        by=request.user,
                    )
                except AssignmentError as exc:
                    messages.error(request, str(exc))
                else:
                    joined += 1
            messages.success(
                request,
                ngettext(
                    "%(count)d volunteer joined and was welcomed.",
                    "%(count)d volunteers joined and were welcomed.",
                    joined,
                )
                % {"count": joined},
            )
            return None
        return TemplateResponse(
            request,
            "admin/volunteers/volunteer/join.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Join a partnership"),
                "opts": self.model._meta,
                "form": form,
                "volunteers": queryset,
                "action": "join_partnership",
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            },
        )


@admin.register(Onboarding)
class OnboardingAdmin(ScopedModelAdmin):
    """A welcome checklist; the library ticks its steps (meeting, tour) here. The
    certificate is the partner's to check: its step is ticked when the coordinator records
    the certificate on their own pages."""

    list_display = ("volunteer", "partnership", "steps", "mentor", "started_at")
    list_filter = (
        ("partnership__branch", admin.RelatedOnlyFieldListFilter),
        ("partnership", PartnershipFilter),
    )
    search_fields = ("volunteer__name",)
    list_select_related = (
        "volunteer",
        "partnership__organisation",
        "partnership__programme",
        "partnership__branch",
        "mentor",
    )
    fields = ("volunteer", "partnership", *Onboarding.STEPS, "mentor", "started_at")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ("volunteer", "partnership", "started_at")
        return ("volunteer", "partnership", "certificate_checked_on", "started_at")

    def has_add_permission(self, request) -> bool:
        # A volunteer joins a partnership from the volunteer list (with the welcome).
        return False

    @admin.display(description=_("steps done"))
    def steps(self, obj: Onboarding) -> str:
        return f"{obj.steps_done} / {len(Onboarding.STEPS)}"

    def save_model(self, request, obj, form, change) -> None:
        # Ticking the last step makes the volunteer active: that is the service's rule.
        onboarding_update(
            onboarding=obj,
            steps={
                step: form.cleaned_data[step]
                for step in Onboarding.STEPS
                if step in form.changed_data
            },
            mentor=form.cleaned_data.get("mentor", obj.mentor),
            by=request.user,
        )


# -- shifts and assignments ----------------------------------------------------------------


class StaffingFilter(admin.SimpleListFilter):
    title = _("staffing")
    parameter_name = "staffing"

    def lookups(self, request, model_admin):
        return (("short", _("Needs volunteers")), ("full", _("Filled")))

    def queryset(self, request, queryset):
        # Counted as the planning counts: everyone on the shift (volunteers.models).
        if self.value() == "short":
            return queryset.short(counted=ON_SHIFT_COUNT)
        if self.value() == "full":
            return queryset.full(counted=ON_SHIFT_COUNT)
        return queryset


class AssignmentInline(ScopedTabularInline):
    model = Assignment
    extra = 0
    fields = ("volunteer", "status", "above_required", "changed_by", "changed_at")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("volunteers asked (assign them on the coordinator's page)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ShiftsForSeriesForm(forms.Form):
    series = forms.ModelChoiceField(
        label=capfirst(_("series")),
        queryset=Series.objects.none(),
        help_text=_(
            "Only the series' coming sessions get a shift: sessions already held, "
            "cancelled or outside the partnership's period get none."
        ),
    )
    partnership = forms.ModelChoiceField(
        label=capfirst(_("partnership")), queryset=Partnership.objects.none()
    )
    role = forms.ChoiceField(label=capfirst(_("role")), choices=Shift.Role.choices)
    required_count = forms.IntegerField(
        label=capfirst(_("volunteers needed")), min_value=1, max_value=50, initial=2
    )
    subjects = forms.ModelMultipleChoiceField(
        label=capfirst(_("subjects wanted")),
        queryset=Subject.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["series"]).queryset = scope_to_user_branches(
            Series.objects.select_related("programme", "room__branch"), user
        )
        cast(forms.ModelChoiceField, self.fields["partnership"]).queryset = scope_to_user_branches(
            Partnership.objects.select_related("organisation", "programme", "branch"), user
        )


class ShiftWhenFilter(admin.SimpleListFilter):
    """Coming shifts unless asked otherwise: the list is for planning the weeks ahead."""

    title = _("when")
    parameter_name = "when"
    COMING, PAST, ALL = "coming", "past", "all"

    def __init__(self, request, params, model, model_admin):
        # A day picked in the date hierarchy is shown whether it has passed or not.
        self.default = (
            self.ALL
            if any(key.startswith(f"{model_admin.date_hierarchy}__") for key in request.GET)
            else self.COMING
        )
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return ((self.COMING, _("Coming")), (self.PAST, _("Past")), (self.ALL, _("All")))

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        # The default ("coming") stands in for Django's own "All" link, which is dropped.
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == self.COMING:
            return queryset.filter(session__ends_at__gte=now)
        if self.value() == self.PAST:
            return queryset.filter(session__ends_at__lt=now)
        return queryset


@admin.register(Shift)
class ShiftAdmin(ScopedModelAdmin):
    # Staffing early: it is what the list is read for.
    list_display = ("starts", "staffing", "programme", "branch", "role", "partnership")
    list_per_page = 50
    ordering = ("session__starts_at", "pk")
    actions = ("delete_selected",)
    list_filter = (
        ShiftWhenFilter,
        StaffingFilter,
        ("session__room__branch", admin.RelatedOnlyFieldListFilter),
        ("partnership", PartnershipFilter),
        "role",
    )
    date_hierarchy = "session__starts_at"
    search_fields = ("session__programme__name", "session__room__branch__name")
    list_select_related = (
        "session__programme",
        "session__room__branch",
        "partnership__organisation",
        "partnership__programme",
        "partnership__branch",
    )
    autocomplete_fields = ("session",)
    filter_horizontal = ("wanted_subjects",)
    fields = (
        "session",
        "partnership",
        "role",
        "required_count",
        "wanted_subjects",
        "planning_page",
    )
    readonly_fields = ("planning_page",)
    inlines = (AssignmentInline,)

    def get_queryset(self, request):
        return cast(ShiftQuerySet, super().get_queryset(request)).with_staffing()

    def get_ordering(self, request):
        # The past is read backwards from the latest.
        if request.GET.get(ShiftWhenFilter.parameter_name) == ShiftWhenFilter.PAST:
            return ("-session__starts_at", "-pk")
        return super().get_ordering(request)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [f for f in fields if f != "planning_page"]

    @admin.display(description=_("volunteers"))
    def planning_page(self, obj: Shift):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("volunteers:shift_detail", args=[obj.pk]),
            _("Ask, take off and mark volunteers on the shift's planning page"),
        )

    # -- deleting: not over the volunteers on a shift (services.shifts_delete) ---------------

    def delete_view(self, request, object_id, extra_context=None):
        shift = self.get_object(request, unquote(object_id))
        if shift is None:
            return super().delete_view(request, object_id, extra_context)
        back = HttpResponseRedirect(reverse("admin:volunteers_shift_change", args=[shift.pk]))
        # Refused before the confirmation page already, and again by the service when a
        # volunteer was asked onto the shift in between.
        reason = shifts_delete_refusal(shifts=Shift.objects.filter(pk=shift.pk))
        if reason:
            messages.error(request, reason)
            return back
        try:
            return super().delete_view(request, object_id, extra_context)
        except AssignmentError as exc:
            messages.error(request, str(exc))
            return back

    @admin.action(
        permissions=["delete"],
        # Set by Django's own @admin.action, which the stubs leave out.
        description=django_delete_selected.short_description,  # type: ignore[attr-defined]
    )
    def delete_selected(self, request, queryset):
        reason = shifts_delete_refusal(shifts=queryset)
        if reason:
            messages.error(request, reason)
            return None
        try:
            # One transaction with the log entries Django writes before deleting.
            with transaction.atomic():
                return django_delete_selected(self, request, queryset)
        except AssignmentError as exc:
            messages.error(request, str(exc))
            return None

    def delete_model(self, request, obj) -> None:
        shifts_delete(shifts=Shift.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        shifts_delete(shifts=queryset)

    def get_deleted_objects(self, objs, request):
        # Only declines and cancellations are left on a shift that may go (see
        # shifts_delete_refusal); they go with it, though nobody deletes them on their own.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed = {
            name for name in perms_needed if str(name) != str(Assignment._meta.verbose_name)
        }
        return deleted, counts, perms_needed, protected

    @admin.display(description=_("starts"), ordering="session__starts_at")
    def starts(self, obj: Shift) -> str:
        return formats.date_format(obj.session.local_start, "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("programme"), ordering="session__programme__name")
    def programme(self, obj: Shift) -> str:
        return obj.session.programme.name

    @admin.display(description=_("branch"), ordering="session__room__branch__name")
    def branch(self, obj: Shift) -> str:
        return obj.session.room.branch.name

    @admin.display(description=_("volunteers / needed"), ordering=ON_SHIFT_COUNT)
    def staffing(self, obj: WithAnnotations[Shift, Staffing]) -> StrOrPromise:
        figure = f"{obj.on_shift_count} / {obj.required_count}"
        # Flagged while it can still be filled; a past shift keeps its figure only.
        short = places_missing(required=obj.required_count, staffed=obj.on_shift_count)
        if short and obj.session.starts_at > timezone.now():
            return _("%(figure)s – needs volunteers") % {"figure": figure}
        return figure

    # -- shifts for a whole series -------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "for-series/",
                self.admin_site.admin_view(self.for_series_view),
                name="volunteers_shift_for_series",
            ),
            *super().get_urls(),
        ]

    def for_series_view(self, request: HttpRequest):
        """A shift on every scheduled session of a series: a whole term at once."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ShiftsForSeriesForm(
            request.POST if request.method == "POST" else None, user=request.user
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = shifts_create_for_series(
                    series=data["series"],
                    partnership=data["partnership"],
                    role=data["role"],
                    required_count=data["required_count"],
                    subjects=list(data["subjects"]),
                )
            except AssignmentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d shift made for %(series)s.",
                        "%(count)d shifts made for %(series)s.",
                        made,
                    )
                    % {"count": made, "series": data["series"]}
                    + " "
                    + str(
                        _(
                            "Sessions already held, outside the partnership's period or "
                            "that already had such a shift got none."
                        )
                    ),
                )
                return HttpResponseRedirect(reverse("admin:volunteers_shift_changelist"))
        return TemplateResponse(
            request,
            "admin/volunteers/shift/for_series.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Shifts for a whole series"),
                "opts": self.model._meta,
                "form": form,
                # The admin's own form markup: labelled rows, help lines, errors.
                "adminform": helpers.AdminForm(
                    # Any form will do, though the stubs ask for a ModelForm.
                    form,  # type: ignore[arg-type]
                    [(None, {"fields": list(form.fields)})],
                    {},
                ),
            },
        )


@admin.register(Assignment)
class AssignmentAdmin(ScopedModelAdmin):
    """Read-mostly: who is on which shift. The status changes through the actions."""

    list_display = ("volunteer", "starts", "programme", "status", "changed_by", "changed_at")
    list_filter = (
        "status",
        ("shift__session__room__branch", admin.RelatedOnlyFieldListFilter),
        ("shift__partnership", PartnershipFilter),
    )
    date_hierarchy = "shift__session__starts_at"
    search_fields = ("volunteer__name", "shift__session__programme__name")
    list_select_related = (
        "volunteer",
        "changed_by",
        "shift__session__programme",
        "shift__session__room__branch",
    )
    fields = ("shift", "volunteer", "status", "above_required", "changed_by", "changed_at")
    readonly_fields = fields
    actions = ("mark_came", "mark_missed", "cancel")

    def has_add_permission(self, request) -> bool:
        # Volunteers are asked on the coordinator's page, where the rules are shown.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The row is the record of who was asked and what they answered.
        return False

    @admin.display(description=_("starts"), ordering="shift__session__starts_at")
    def starts(self, obj: Assignment) -> str:
        return formats.date_format(obj.shift.session.local_start, "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("programme"), ordering="shift__session__programme__name")
    def programme(self, obj: Assignment) -> str:
        return obj.shift.session.programme.name

    def _each(self, request, queryset, change, done_message) -> None:
        done = 0
        for assignment in queryset:
            try:
                change(assignment)
            except AssignmentError as exc:
                messages.error(request, f"{assignment}: {exc}")
            else:
                done += 1
        if done:
            messages.success(request, done_message(done))

    @admin.action(permissions=["change"], description=_("Mark: came"))
    def mark_came(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda a: assignment_mark(assignment=a, came=True, by=request.user),
            lambda n: (
                ngettext(
                    "%(count)d volunteer marked as came.", "%(count)d volunteers marked as came.", n
                )
                % {"count": n}
            ),
        )

    @admin.action(permissions=["change"], description=_("Mark: did not come"))
    def mark_missed(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda a: assignment_mark(assignment=a, came=False, by=request.user),
            lambda n: (
                ngettext(
                    "%(count)d volunteer marked as did not come.",
                    "%(count)d volunteers marked as did not come.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(permissions=["change"], description=_("Cancel (the volunteer is told)"))
    def cancel(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda a: assignment_cancel(assignment=a, by=request.user),
            lambda n: (
                ngettext("%(count)d assignment cancelled.", "%(count)d assignments cancelled.", n)
                % {"count": n}
            ),
        )


# -- experience meetings -------------------------------------------------------------------


class InvitationForm(forms.ModelForm):
    """An answer or who came, checked by the meeting rules before anything is saved: a
    refused row stops the save with its reason next to it, so the page never says
    "changed" over a change that was not made."""

    class Meta:
        model = MeetingInvitation
        fields = ("response", "attended")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.response:
            # An answer given is changed to the other one, never taken back to none.
            response = cast(forms.ChoiceField, self.fields["response"])
            response.choices = [c for c in MeetingInvitation.Response.choices if c[0]]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        meeting, now = self.instance.meeting, timezone.now()
        if "response" in self.changed_data:
            reason = response_refusal(
                meeting=meeting, response=cleaned.get("response", ""), now=now
            )
            if reason:
                self.add_error("response", reason)
        if "attended" in self.changed_data:
            reason = attendance_refusal(meeting=meeting, attended=cleaned.get("attended"), now=now)
            if reason:
                self.add_error("attended", reason)
        return cleaned


class InvitationInline(admin.TabularInline):
    model = MeetingInvitation
    form = InvitationForm
    extra = 0
    # The guest's name heads each row already (the invitation's own name).
    fields = ("response", "responded_at", "attended")
    readonly_fields = ("responded_at",)
    verbose_name_plural = _("invitations (send them with the action “Send invitations”)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("volunteer", "contact__organisation")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class Guests(TypedDict):
    invited_count: int
    coming_count: int
    came_count: int


@admin.register(ExperienceMeeting)
class ExperienceMeetingAdmin(ScopedModelAdmin):
    list_display = ("title", "starts", "partnership", "place", "invited", "coming", "came")
    list_filter = (
        ("partnership__branch", admin.RelatedOnlyFieldListFilter),
        ("partnership", PartnershipFilter),
    )
    search_fields = ("title", "place", "agenda")
    list_select_related = (
        "partnership__organisation",
        "partnership__programme",
        "partnership__branch",
    )
    date_hierarchy = "starts_at"
    fields = ("partnership", "title", ("starts_at", "ends_at"), "place", "agenda")
    inlines = (InvitationInline,)
    actions = ("send_invitations",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                invited_count=Count("invitations", distinct=True),
                coming_count=Count(
                    "invitations",
                    filter=Q(invitations__response=MeetingInvitation.Response.YES),
                    distinct=True,
                ),
                came_count=Count(
                    "invitations", filter=Q(invitations__attended=True), distinct=True
                ),
            )
        )

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        told = meeting_update(meeting=obj)
        if told:
            messages.info(
                request,
                ngettext(
                    "%(count)d guest was told of the new time or place.",
                    "%(count)d guests were told of the new time or place.",
                    told,
                )
                % {"count": told},
            )

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, obj: ExperienceMeeting) -> str:
        # On the wall clock where the meeting is held, like the sessions.
        local = obj.starts_at.astimezone(obj.partnership.branch.zone)
        return formats.date_format(local, "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("invited"), ordering="invited_count")
    def invited(self, obj: WithAnnotations[ExperienceMeeting, Guests]) -> int:
        return obj.invited_count

    @admin.display(description=_("coming"), ordering="coming_count")
    def coming(self, obj: WithAnnotations[ExperienceMeeting, Guests]) -> int:
        return obj.coming_count

    @admin.display(description=_("came"), ordering="came_count")
    def came(self, obj: WithAnnotations[ExperienceMeeting, Guests]) -> int:
        return obj.came_count

    @admin.action(permissions=["change"], description=_("Send invitations"))
    def send_invitations(self, request, queryset) -> None:
        for meeting in queryset.select_related("partnership__library_contact"):
            try:
                sent = meeting_invite(meeting=meeting)
            except AssignmentError as exc:
                messages.error(request, f"{meeting}: {exc}")
                continue
            messages.success(
                request,
                ngettext(
                    "%(meeting)s: %(count)d invitation sent.",
                    "%(meeting)s: %(count)d invitations sent.",
                    sent,
                )
                % {"meeting": meeting, "count": sent}
                + (" " + str(_("Everyone else was invited before.")) if sent == 0 else ""),
            )

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not MeetingInvitation:
            return super().save_formset(request, form, formset, change)
        # Answers and attendance go through the meeting rules, not straight to the row.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for each in formset.forms:
            if not each.has_changed() or each.instance.pk is None:
                continue
            invitation = MeetingInvitation.objects.select_related("meeting").get(
                pk=each.instance.pk
            )
            try:
                if "response" in each.changed_data:
                    meeting_respond(invitation=invitation, response=each.cleaned_data["response"])
                if "attended" in each.changed_data:
                    meeting_mark_attendance(
                        invitation=invitation, attended=each.cleaned_data["attended"]
                    )
            except AssignmentError as exc:
                messages.error(request, f"{invitation}: {exc}")
            else:
                formset.changed_objects.append((invitation, each.changed_data))
        return None


@admin.register(Partnership)
class PartnershipWithTurnoverAdmin(PartnershipAdmin):
    """The partnership admin, with the volunteer turnover of this term and the last."""

    fieldsets = (*PartnershipAdmin.fieldsets, (_("Turnover"), {"fields": ("turnover_table",)}))
    readonly_fields = (*PartnershipAdmin.readonly_fields, "turnover_table")

    @admin.display(description=_("volunteer turnover"))
    def turnover_table(self, obj: Partnership):
        today = timezone.localdate()
        term = term_of(today)
        rows = [
            (each, turnover(partnerships=[obj], term=each, today=today)[0])
            for each in (term, term.previous())
        ]

        def percent(rate: float | None) -> str:
            return "–" if rate is None else formats.number_format(round(rate * 100)) + " %"

        def days(value: float | None) -> str:
            return "–" if value is None else formats.number_format(value, 0)

        head = (
            _("term"),
            _("active"),
            _("joined"),
            _("left"),
            _("median days with us"),
            _("places filled"),
            _("did not come"),
            _("hours given"),
        )
        return format_html(
            '<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table><p class="help">{}</p>',
            format_html_join("", '<th scope="col">{}</th>', ((h,) for h in head)),
            format_html_join(
                "",
                "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                "<td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        each.label + (" " + str(_("(so far)")) if each == term else ""),
                        row.active,
                        row.joined,
                        row.left,
                        days(row.median_tenure_days),
                        percent(row.fill_rate),
                        percent(row.no_show_rate),
                        formats.number_format(row.hours, 1),
                    )
                    for each, row in rows
                ),
            ),
            _(
                "Volunteers welcomed into this partnership. Places filled: confirmed or "
                "marked volunteers against the places needed on the term's shifts so far."
            ),
        )
