"""Running the week in the admin: the branch's week calendar, a session's page (figures,
participant list, CSV, message to everyone booked), moving a session by editing its time,
and cancelling a whole series with a reason.

The pages parse input and call one service (bookings.services); what a librarian may see
follows their branches, as everywhere in the admin (common.admin_scoping).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bookings.admin import BookingInline
from bookings.models import Booking
from common.admin_scoping import ScopedModelAdmin, ScopedTabularInline
from common.csv import csv_response
from common.errors import DomainError
from courses.selectors import session_course
from operations.month import month_calendar, month_first
from operations.participants import participants, session_figures, write_participants_csv
from operations.selectors import coming_series_sessions, households_to_tell
from operations.services import (
    CANCELLATION_REASON_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    SeriesChange,
    SeriesChangeResult,
    SessionChangeError,
    cancellation_reason_check,
    is_move,
    series_cancel,
    series_change_apply,
    series_change_preview,
    session_message_all,
    session_move_check,
    session_update,
)
from operations.week import week_calendar
from programmes.models import (
    MAX_SERIES_LENGTH,
    WEEKDAYS,
    Branch,
    Programme,
    Series,
    SeriesExclusion,
    Session,
)
from programmes.selectors import branches_for_user
from programmes.services import (
    ExcludedDays,
    GenerationResult,
    SchedulingError,
    SeriesPlan,
    series_generate_sessions,
)
from programmes.weeks import iso_week, week_monday

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


# Fields of a series that decide its sessions' dates, times and room.
SCHEDULE_FIELDS = (
    "room",
    "weekdays",
    "start_time",
    "end_time",
    "start_date",
    "end_date",
    "skip_public_holidays",
)


class SeriesAdminForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one weekday.")},
    )
    # Shown with the preview of a change that cancels sessions (not in the fieldsets).
    cancel_reason = forms.CharField(
        label=_("Reason for cancelling"),
        required=False,
        max_length=CANCELLATION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("The families of the sessions cancelled are told it."),
    )

    class Meta:
        model = Series
        fields = (
            "programme",
            "room",
            "title",
            "capacity",
            "weekdays",
            "start_time",
            "end_time",
            "start_date",
            "end_date",
            "skip_public_holidays",
        )


def _plan_complete(series: Series) -> bool:
    """Whether the form gave every value a plan needs (a form with errors may not have)."""
    return bool(
        series.room_id
        and series.weekdays
        and series.start_time
        and series.end_time
        and series.start_date
        and series.end_date
        and series.end_time > series.start_time
        and series.end_date >= series.start_date
        and series.end_date <= series.start_date + MAX_SERIES_LENGTH
    )


class SeriesExclusionFormSet(BaseInlineFormSet):
    """The series' excluded dates, and where a change of the series' plan is checked: the
    formset is validated after the series' own form, so it sees the new values and the
    new excluded dates together. A change that moves or cancels sessions is shown first
    (operations.services.series_change_preview) and saved only once confirmed; one that
    cannot be made (the room is taken) is refused with the dates named."""

    CONFIRM = "confirm"

    def __init__(self, *args, confirmation: str = "", cancel_reason: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.confirmation = confirmation
        self.cancel_reason = cancel_reason
        self.series_change: SeriesChange | None = None
        self.reason_error = ""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            # The tick box's column heading is no label to a screen reader.
            form.fields["DELETE"].widget.attrs["aria-label"] = form.fields["DELETE"].label

    def clean(self) -> None:
        super().clean()
        series = self.instance
        if any(self.errors) or series.cancelled_at is not None or not _plan_complete(series):
            return
        exclusions = [
            ExcludedDays(
                form.cleaned_data["start_date"],
                form.cleaned_data.get("end_date") or form.cleaned_data["start_date"],
                form.cleaned_data.get("reason", ""),
            )
            for form in self.forms
            if form.cleaned_data.get("start_date") and not form.cleaned_data.get("DELETE")
        ]
        plan = SeriesPlan.of(series, exclusions)
        saved = Series.objects.filter(pk=series.pk).select_related("room__branch").first()
        if saved is not None and plan == SeriesPlan.of(saved):
            return  # the title, capacity or programme: no session changes
        change = series_change_preview(series=series, plan=plan, now=timezone.now())
        self.series_change = change
        if change.problems:
            raise forms.ValidationError(change.refusal())
        if change.needs_confirmation and self.confirmation != change.token:
            raise forms.ValidationError(
                _("Check what this change does (at the top of the page), then confirm it."),
                code=self.CONFIRM,
            )
        if change.drops:
            try:
                cancellation_reason_check(self.cancel_reason)
            except SessionChangeError as exc:
                self.reason_error = str(exc)
                raise forms.ValidationError(self.reason_error) from exc

    def awaits_confirmation(self) -> bool:
        """Whether the only thing keeping the change from being saved is the librarian's
        confirmation of its preview."""
        errors = self.non_form_errors().as_data()
        return bool(errors) and all(error.code == self.CONFIRM for error in errors)


class SeriesExclusionInline(ScopedTabularInline):
    model = SeriesExclusion
    formset = SeriesExclusionFormSet
    fields = ("start_date", "end_date", "reason")
    extra = 1
    verbose_name_plural = _("dates without a session (holidays, closures)")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            # A table's cells have no <label>: screen readers name each input by its column.
            field.widget.attrs["aria-label"] = capfirst(db_field.verbose_name)
        return field


class SessionInline(ScopedTabularInline):
    """The series' sessions, each a link to its own page: a session is moved, cancelled or
    messaged there (where the families are told), never from the series' list."""

    model = Session
    template = "admin/programmes/series/sessions_inline.html"
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("starts_at", "room", "status")
    readonly_fields = fields
    ordering = ("starts_at",)
    verbose_name_plural = _("sessions made from this series")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("room__branch")
            .annotate(
                booked=Count(
                    "bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED), distinct=True
                )
            )
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def report_generation(request: HttpRequest, series: Series, result: GenerationResult) -> None:
    made = ngettext(
        "%(series)s: %(count)d session created",
        "%(series)s: %(count)d sessions created",
        len(result.created),
    ) % {"series": series, "count": len(result.created)}
    if result.already_there:
        made += ", " + ngettext(
            "%(count)d was already there", "%(count)d were already there", result.already_there
        ) % {"count": result.already_there}
    messages.success(request, made + ".")
    for session in result.on_excluded_dates:
        messages.warning(
            request,
            _(
                "%(session)s falls on an excluded date but is still scheduled; cancel it if it "
                "should not take place."
            )
            % {"session": session},
        )


def report_change(request: HttpRequest, series: Series, result: SeriesChangeResult) -> None:
    parts = [
        ngettext("%(count)d session created", "%(count)d sessions created", result.created)
        % {"count": result.created}
    ]
    if result.moved:
        parts.append(
            ngettext("%(count)d session moved", "%(count)d sessions moved", result.moved)
            % {"count": result.moved}
        )
    if result.cancelled:
        parts.append(
            ngettext(
                "%(count)d session cancelled", "%(count)d sessions cancelled", result.cancelled
            )
            % {"count": result.cancelled}
        )
    if result.moved or result.cancelled:
        parts.append(
            ngettext("%(count)d family was told", "%(count)d families were told", result.told)
            % {"count": result.told}
        )
    messages.success(request, f"{series}: " + ", ".join(parts) + ".")


# -- cancelling a whole series ---------------------------------------------------------------


class SeriesCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=CANCELLATION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The families are told it, in the message that the sessions are cancelled."),
        error_messages={"required": _("Give a reason: the families are told it.")},
    )


class Scheduled(TypedDict):
    scheduled: int


@admin.register(Series)
class SeriesAdmin(ScopedModelAdmin):
    form = SeriesAdminForm
    change_form_template = "admin/programmes/series/change_form.html"
    # "Save as new": the same series for another term, with the dates changed first; its
    # sessions are made when it is saved, none are copied.
    save_as = True
    list_display = (
        "__str__",
        "weekday_names",
        "start_time",
        "end_time",
        "start_date",
        "end_date",
        "session_count",
        "cancelled_at",
    )
    list_filter = (("room__branch", admin.RelatedOnlyFieldListFilter), "programme")
    search_fields = ("title", "programme__name", "room__name", "room__branch__name")
    list_select_related = ("programme", "room__branch")
    inlines = (SeriesExclusionInline, SessionInline)
    actions = ("generate_sessions", "cancel_coming_sessions")
    fieldsets = (
        (None, {"fields": ("programme", "room", "title", "capacity")}),
        (
            _("When"),
            {
                "fields": (
                    "weekdays",
                    ("start_time", "end_time"),
                    ("start_date", "end_date"),
                    "skip_public_holidays",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                scheduled=Count("sessions", filter=Q(sessions__status=Session.Status.SCHEDULED))
            )
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        (main, (when, options)) = fieldsets
        return (main, (when, {**options, "fields": (*options["fields"], "left_out")}))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.cancelled_at is not None:
            # A cancelled series stays cancelled: nothing of its schedule changes.
            return ("left_out", *SCHEDULE_FIELDS)
        return ("left_out",)

    def get_inlines(self, request, obj):
        if "_saveasnew" in request.POST:
            return (SeriesExclusionInline,)  # the new series makes its own sessions
        return self.inlines

    def get_changeform_initial_data(self, request):
        return {"skip_public_holidays": True, **super().get_changeform_initial_data(request)}

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, SeriesExclusionInline) and request.method == "POST":
            # The token of the change the librarian saw, when they confirmed it.
            if "_confirm_change" in request.POST:
                kwargs["confirmation"] = request.POST.get("_change_token", "")
            kwargs["cancel_reason"] = request.POST.get("cancel_reason", "")
        return kwargs

    @admin.display(description=_("weekdays"))
    def weekday_names(self, obj: Series) -> str:
        return obj.weekday_names()

    @admin.display(description=_("scheduled sessions"), ordering="scheduled")
    def session_count(self, obj: WithAnnotations[Series, Scheduled]) -> int:
        return obj.scheduled

    @admin.display(description=_("no session on"))
    def left_out(self, obj: Series) -> str:
        days = SeriesPlan.of(obj).left_out()
        if not days:
            return "–"
        return format_html_join(
            ", ",
            "{} {}",
            (
                (formats.date_format(day, "SHORT_DATE_FORMAT"), f"({why})" if why else "")
                for day, why in days.items()
            ),
        )

    # -- saving: a change of plan is previewed, confirmed, then carried out ----------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # Raised while saving (save_related): the admin's transaction is rolled back,
            # so nothing of the change was saved.
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.get_full_path())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        formset = next(
            (
                admin_formset.formset
                for admin_formset in context.get("inline_admin_formsets", [])
                if isinstance(admin_formset.formset, SeriesExclusionFormSet)
            ),
            None,
        )
        form = context["adminform"].form
        # A form with errors first gets them put right: its preview would show half a change.
        if formset is not None and formset.series_change is not None and not form.errors:
            context["series_change"] = formset.series_change
            context["cancel_reason"] = form["cancel_reason"]
            context["cancel_reason_error"] = formset.reason_error
            if formset.awaits_confirmation():
                # Not an error the librarian made: the preview says what to do.
                context["errors"] = None
        if obj is not None and obj.cancelled_at is not None:
            context["series_cancelled"] = True
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change) -> None:
        # Excluded dates are saved with the inlines, so sessions are made after them.
        super().save_related(request, form, formsets, change)
        series = form.instance
        formset = next((f for f in formsets if isinstance(f, SeriesExclusionFormSet)), None)
        if formset is None or formset.series_change is None:
            return
        result = series_change_apply(
            series_id=series.pk,
            change=formset.series_change,
            reason=form.cleaned_data.get("cancel_reason", ""),
        )
        report_change(request, series, result)

    def response_change(self, request, obj):
        if "_confirm_change" in request.POST:
            # After a confirmed change, the series' page shows its sessions as they now are.
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # -- actions -------------------------------------------------------------------------------

    @admin.action(description=_("Generate sessions for the selected series"))
    def generate_sessions(self, request: HttpRequest, queryset) -> None:
        for series in queryset.select_related("programme", "room__branch"):
            try:
                result = series_generate_sessions(series=series, after=timezone.now())
            except SchedulingError as exc:
                messages.error(request, f"{series}: {exc}")
            else:
                report_generation(request, series, result)

    @admin.action(
        permissions=["change"],
        description=_("Cancel the coming sessions (with a reason; families are told)"),
    )
    def cancel_coming_sessions(self, request: HttpRequest, queryset):
        form = SeriesCancelForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            sessions = told = 0
            for series in queryset:
                try:
                    result = series_cancel(series_id=series.pk, reason=form.cleaned_data["reason"])
                except SessionChangeError as exc:
                    messages.error(request, f"{series}: {exc}")
                else:
                    sessions += result.sessions
                    told += result.told
            messages.success(
                request,
                ngettext(
                    "%(count)d coming session cancelled",
                    "%(count)d coming sessions cancelled",
                    sessions,
                )
                % {"count": sessions}
                + "; "
                + ngettext(
                    "%(count)d message to a family about it",
                    "%(count)d messages to families about it",
                    told,
                )
                % {"count": told}
                + ".",
            )
            return None
        coming_sessions = list(
            coming_series_sessions(series=queryset, now=timezone.now())
            .select_related("room__branch")
            .order_by("starts_at")
        )
        families = households_to_tell(sessions=coming_sessions)
        chosen = list(queryset.select_related("programme", "room__branch"))
        return TemplateResponse(
            request,
            "admin/programmes/series/cancel_sessions.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cancel the coming sessions"),
                "opts": self.model._meta,
                "form": form,
                "series_list": [
                    (
                        series,
                        [(s, families[s.pk]) for s in coming_sessions if s.series_id == series.pk],
                    )
                    for series in chosen
                ],
                "bookings": sum(families.values()),
                "action": "cancel_coming_sessions",
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            },
        )


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return (("upcoming", _("Upcoming")), ("past", _("Past")))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gte=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lt=now)
        return queryset


class SessionAdminForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = (
            "programme",
            "room",
            "starts_at",
            "ends_at",
            "capacity",
            "status",
            "cancellation_reason",
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        status = cleaned.get("status")
        if (
            self.instance.pk
            and status == Session.Status.CANCELLED
            and self.instance.status != Session.Status.CANCELLED
        ):
            # Cancelling here tells every family the reason (session_cancel's own rule).
            try:
                cleaned["cancellation_reason"] = cancellation_reason_check(
                    cleaned.get("cancellation_reason") or ""
                )
            except SessionChangeError as exc:
                self.add_error("cancellation_reason", str(exc))
        starts_at, ends_at, room = (
            cleaned.get("starts_at"),
            cleaned.get("ends_at"),
            cleaned.get("room"),
        )
        # The instance still holds the saved values here: they are set after clean().
        if (
            self.instance.pk
            and starts_at
            and ends_at
            and room
            and status == Session.Status.SCHEDULED
            and self.instance.status == Session.Status.SCHEDULED
            and is_move(self.instance, starts_at=starts_at, ends_at=ends_at, room=room)
        ):
            # The same check as the move itself, so a refused move is an error on the form.
            try:
                session_move_check(
                    session=self.instance,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    room=room,
                    now=timezone.now(),
                )
            except SessionChangeError as exc:
                self.add_error("starts_at", str(exc))
        return cleaned


class SessionMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    text = forms.CharField(
        label=_("Message"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 70}),
        help_text=_(
            "Sent as you write it. Each family gets its own e-mail, with a greeting, the "
            "session's time and place, and a link to their bookings in their language."
        ),
    )
    include_waitlist = forms.BooleanField(
        label=_("Also the families on the waitlist"), required=False
    )
    # Made when the form is shown and sent back with it: the same form sent twice is one
    # message (session_message_all).
    token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form has expired: open the message page again."),
            "invalid": _("This form has expired: open the message page again."),
        },
    )


class SessionOperationsMixin(admin.ModelAdmin):
    """Added to the session admin (bookings.admin.SessionWithBookingsAdmin)."""

    form = SessionAdminForm
    change_form_template = "admin/programmes/session/change_form.html"
    change_list_template = "admin/programmes/session/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("week/", view(self.week_view), name="programmes_session_week"),
            path("month/", view(self.month_view), name="programmes_session_month"),
            path(
                "<int:pk>/participants/",
                view(self.participants_view),
                name="programmes_session_participants",
            ),
            path(
                "<int:pk>/participants.csv",
                view(self.participants_csv_view),
                name="programmes_session_participants_csv",
            ),
            path("<int:pk>/message/", view(self.message_view), name="programmes_session_message"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title, **context) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **context,
        }

    def _session(self, request: HttpRequest, pk: int, *, change: bool = False) -> Session:
        """A session at one of the librarian's branches; any other is not found."""
        session = get_object_or_404(
            self.get_queryset(request).select_related("programme", "room__branch", "series"),
            pk=pk,
        )
        allowed = (
            self.has_change_permission(request, session)
            if change
            else self.has_view_permission(request, session)
        )
        if not allowed:
            raise PermissionDenied
        return session

    # -- the week and month calendars --------------------------------------------------------

    def _calendar_branches(self, request: HttpRequest) -> tuple[list[Branch], list[Branch]]:
        """The librarian's branches, and those the calendar shows: the ones ticked (?branch=
        once per branch), or all of theirs. A branch not theirs is not found."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        branches = list(branches_for_user(user=request.user).order_by("name", "pk"))
        wanted = {int(v) for v in request.GET.getlist("branch") if v.isdigit() and len(v) < 12}
        mine = {b.pk for b in branches}
        if wanted - mine:
            raise Http404(_("No such branch among yours."))
        return branches, [b for b in branches if b.pk in wanted] or branches

    def _calendar_context(self, request: HttpRequest, kind: StrOrPromise, branches, chosen):
        title: StrOrPromise = kind
        if chosen:
            title = _("%(calendar)s: %(branches)s") % {
                "calendar": kind,
                "branches": ", ".join(b.name for b in chosen),
            }
        return self._context(
            request,
            title,
            branches=branches,
            chosen=chosen,
            chosen_pks=[b.pk for b in chosen],
            branch_query=urlencode([("branch", b.pk) for b in chosen]),
        )

    def week_view(self, request: HttpRequest):
        branches, chosen = self._calendar_branches(request)
        context = self._calendar_context(request, _("Week calendar"), branches, chosen)
        if chosen:
            today = timezone.localdate(timezone=chosen[0].zone)
            context["calendar"] = week_calendar(
                branches=chosen,
                monday=week_monday(request.GET.get("week", ""), today=today),
                today=today,
            )
        return TemplateResponse(request, "admin/programmes/session/week.html", context)

    def month_view(self, request: HttpRequest):
        branches, chosen = self._calendar_branches(request)
        context = self._calendar_context(request, _("Month calendar"), branches, chosen)
        if chosen:
            today = timezone.localdate(timezone=chosen[0].zone)
            context["calendar"] = month_calendar(
                branches=chosen,
                first=month_first(request.GET.get("month", ""), today=today),
                today=today,
            )
        return TemplateResponse(request, "admin/programmes/session/month.html", context)

    # -- a session's page --------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        session = self.get_object(request, unquote(object_id))
        if session is not None:
            course = session_course(session)
            extra_context = {
                **(extra_context or {}),
                "course": course,
                "figures": session_figures(session=session, course=course),
                "head_count": (
                    session.head_counts.aggregate(total=Sum("count"))["total"] or 0
                    if session.programme.booking_mode == Programme.BookingMode.DROP_IN
                    else None
                ),
                "week_url": (
                    f"{reverse('admin:programmes_session_week')}"
                    f"?branch={session.room.branch_id}&week={iso_week(session.local_start.date())}"
                ),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def participants_view(self, request: HttpRequest, pk: int):
        session = self._session(request, pk)
        course = session_course(session)
        return TemplateResponse(
            request,
            "admin/programmes/session/participants.html",
            self._context(
                request,
                _("Participants"),
                session=session,
                original=session,
                course=course,
                rows=participants(session=session, course=course),
                figures=session_figures(session=session, course=course),
            ),
        )

    def participants_csv_view(self, request: HttpRequest, pk: int):
        session = self._session(request, pk)
        rows = participants(session=session, course=session_course(session))
        filename = (
            f"{slugify(session.programme.name) or 'session'}-"
            f"{session.local_start:%Y-%m-%d-%H%M}.csv"
        )
        response = csv_response(filename=filename)
        write_participants_csv(rows, response)
        return response

    def message_view(self, request: HttpRequest, pk: int):
        session = self._session(request, pk, change=True)
        form = SessionMessageForm(
            request.POST if request.method == "POST" else None,
            initial={"token": uuid.uuid4().hex},
        )
        if form.is_valid():
            try:
                written = session_message_all(
                    session=session,
                    subject=form.cleaned_data["subject"],
                    text=form.cleaned_data["text"],
                    token=form.cleaned_data["token"],
                    include_waitlist=form.cleaned_data["include_waitlist"],
                    by=request.user,
                )
            except SessionChangeError as exc:
                form.add_error(None, str(exc))
            else:
                if not written:
                    messages.info(
                        request, _("This message was already sent: nothing new was written.")
                    )
                    return HttpResponseRedirect(
                        reverse("admin:programmes_session_change", args=[session.pk])
                    )
                messages.success(
                    request,
                    ngettext(
                        "Your message was written to %(count)d family and is being sent.",
                        "Your message was written to %(count)d families and is being sent.",
                        written,
                    )
                    % {"count": written},
                )
                return HttpResponseRedirect(
                    reverse("admin:programmes_session_change", args=[session.pk])
                )
        course = session_course(session)
        return TemplateResponse(
            request,
            "admin/programmes/session/message.html",
            self._context(
                request,
                _("Message everyone booked"),
                session=session,
                original=session,
                course=course,
                form=form,
                figures=session_figures(session=session, course=course),
            ),
            status=400 if form.is_bound else 200,
        )

    # -- moving a session by editing its time or room ---------------------------------------


@admin.register(Session)
class SessionAdmin(SessionOperationsMixin, ScopedModelAdmin):
    list_display = ("starts", "programme", "room", "capacity", "status")
    list_filter = (
        WhenFilter,
        ("room__branch", admin.RelatedOnlyFieldListFilter),
        "programme",
        "status",
        "starts_at",
    )
    date_hierarchy = "starts_at"
    search_fields = ("programme__name", "room__name", "room__branch__name", "series__title")
    list_select_related = ("programme", "room__branch")
    fields = (
        "programme",
        ("series", "series_date"),
        "room",
        ("starts_at", "ends_at"),
        "capacity",
        "status",
        "cancellation_reason",
    )
    readonly_fields = ("series", "series_date")
    # "Save as new" duplicates a session at the time and room given first: a session of its
    # own (no series), without the original's bookings.
    save_as = True

    def get_inlines(self, request, obj):
        return () if "_saveasnew" in request.POST else self.inlines

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, obj: Session) -> str:
        return formats.date_format(obj.local_start, "SHORT_DATETIME_FORMAT")

    inlines = (BookingInline,)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        try:
            result = session_update(session=obj, changed=form.changed_data)
        except DomainError as exc:
            messages.error(request, _("The session was not saved: %(why)s") % {"why": exc})
            return
        if result.moved:
            messages.info(
                request,
                ngettext(
                    "The session was moved; %(count)d family was told the new time.",
                    "The session was moved; %(count)d families were told the new time.",
                    result.told_of_move,
                )
                % {"count": result.told_of_move},
            )
        if result.cancelled:
            messages.info(
                request,
                ngettext(
                    "%(count)d household was told the session is cancelled",
                    "%(count)d households were told the session is cancelled",
                    result.told_of_cancellation,
                )
                % {"count": result.told_of_cancellation},
            )
        if result.promoted:
            messages.info(
                request,
                ngettext(
                    "%(count)d family moved up from the waitlist and was told",
                    "%(count)d families moved up from the waitlist and were told",
                    result.promoted,
                )
                % {"count": result.promoted},
            )
