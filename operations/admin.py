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
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.text import slugify
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
from operations.selectors import coming_series_sessions
from operations.services import (
    CANCELLATION_REASON_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    SessionChangeError,
    cancellation_reason_check,
    is_move,
    series_cancel,
    session_message_all,
    session_move_check,
    session_update,
)
from operations.week import week_calendar
from programmes.models import (
    WEEKDAYS,
    Branch,
    Programme,
    Series,
    SeriesExclusion,
    Session,
    room_conflict_message,
)
from programmes.selectors import branches_for_user
from programmes.services import GenerationResult, SchedulingError, series_generate_sessions
from programmes.weeks import iso_week, week_monday

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


class SeriesAdminForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one weekday.")},
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
        )


class SeriesExclusionInline(ScopedTabularInline):
    model = SeriesExclusion
    extra = 1
    verbose_name_plural = _("dates without a session (holidays, closures)")


class SessionInline(ScopedTabularInline):
    model = Session
    extra = 0
    fields = ("starts_at", "ends_at", "capacity", "status")
    show_change_link = True
    verbose_name_plural = _("sessions made from this series")

    def has_add_permission(self, request, obj=None) -> bool:
        # New sessions come from the series' dates, through "Generate sessions".
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
    for day, clash in result.conflicts:
        messages.warning(
            request,
            _("%(series)s: no session on %(date)s. %(why)s")
            % {
                "series": series,
                "date": formats.date_format(day, "SHORT_DATE_FORMAT"),
                "why": room_conflict_message(clash),
            },
        )
    for session in result.on_excluded_dates:
        messages.warning(
            request,
            _(
                "%(session)s falls on an excluded date but is still scheduled; cancel it if it "
                "should not take place."
            )
            % {"session": session},
        )


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
    list_display = (
        "__str__",
        "weekday_names",
        "start_time",
        "end_time",
        "start_date",
        "end_date",
        "session_count",
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
            {"fields": ("weekdays", ("start_time", "end_time"), ("start_date", "end_date"))},
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

    @admin.display(description=_("weekdays"))
    def weekday_names(self, obj: Series) -> str:
        return obj.weekday_names()

    @admin.display(description=_("scheduled sessions"), ordering="scheduled")
    def session_count(self, obj: WithAnnotations[Series, Scheduled]) -> int:
        return obj.scheduled

    def save_related(self, request, form, formsets, change) -> None:
        # Excluded dates are saved with the inlines, so sessions are made after them.
        super().save_related(request, form, formsets, change)
        self._generate(request, form.instance)

    @admin.action(description=_("Generate sessions for the selected series"))
    def generate_sessions(self, request: HttpRequest, queryset) -> None:
        for series in queryset.select_related("programme", "room__branch"):
            self._generate(request, series)

    def _generate(self, request: HttpRequest, series: Series) -> None:
        try:
            result = series_generate_sessions(series=series)
        except SchedulingError as exc:
            messages.error(request, f"{series}: {exc}")
            return
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
        now = timezone.now()
        coming_sessions = coming_series_sessions(series=queryset, now=now)
        coming = dict(
            coming_sessions.values("series")
            .annotate(sessions=Count("pk"))
            .values_list("series", "sessions")
        )
        booked = (
            Booking.objects.filter(session__in=coming_sessions)
            .exclude(status=Booking.Status.CANCELLED)
            .count()
        )
        chosen = list(queryset.select_related("programme", "room__branch"))
        return TemplateResponse(
            request,
            "admin/programmes/series/cancel_sessions.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Cancel the coming sessions"),
                "opts": self.model._meta,
                "form": form,
                "series_list": [(series, coming.get(series.pk, 0)) for series in chosen],
                "bookings": booked,
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
        "series",
        "room",
        ("starts_at", "ends_at"),
        "capacity",
        "status",
        "cancellation_reason",
    )
    readonly_fields = ("series",)

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
