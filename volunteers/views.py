"""The volunteer's own pages, reached through signed links in their e-mails: one shift
(confirm, decline, cancel, calendar file), an experience meeting's RSVP (and calendar
file), and their own page: every coming shift, their details and times, open shifts and
swaps, and the calendar feed to subscribe to.

Opening a link changes nothing: mail scanners open links. An answer is a tap on one of
the page's buttons (POST), which calls one service and shows its AssignmentError.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.web import MANAGE_RATE, from_link, rate_limited, speak_to
from programmes.models import Session
from volunteers.forms import (
    OwnDetailsForm,
    WeeklyTimeEditFormSet,
    weekly_times,
    weekly_times_initial,
)
from volunteers.links import (
    assignment_from_token,
    feed_url,
    invitation_from_token,
    shift_url,
    volunteer_from_feed_token,
    volunteer_from_page_token,
)
from volunteers.meetings import meeting_respond
from volunteers.messages import meeting_ics, shift_feed, shift_ics
from volunteers.models import Assignment, MeetingInvitation, Volunteer
from volunteers.selectors import feed_assignments, open_shift_for
from volunteers.selectors import own_page as own_page_contents
from volunteers.services import (
    AssignmentError,
    assignment_actions,
    assignment_cancel,
    assignment_confirm,
    assignment_confirm_all,
    assignment_decline,
    assignment_take_open,
    assignment_undo_decline,
    confirm_certificate_refusal,
    swap_request,
    volunteer_update_own,
)

# Calendar programs fetch a subscribed feed every few hours; the limit is per address.
FEED_RATE = "30/m"

# The volunteer's answers on their shift page: each calls one service.
SHIFT_ACTIONS = {
    "confirm": (
        assignment_confirm,
        gettext_lazy("Thank you! You are expected, and we look forward to seeing you."),
    ),
    "decline": (
        assignment_decline,
        gettext_lazy("Thank you for letting us know. Your coordinator has been told."),
    ),
    "cancel": (
        assignment_cancel,
        gettext_lazy("You are off the shift. Your coordinator has been told at once."),
    ),
}


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(MANAGE_RATE)
def shift(request: HttpRequest, token: str) -> HttpResponse:
    assignment = from_link(assignment_from_token, token)
    speak_to(request, assignment.volunteer)
    error = ""
    if request.method == "POST":
        action = SHIFT_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            error = _("Choose one of the buttons on the page.")
        else:
            service, done = action
            try:
                service(assignment=assignment)
            except AssignmentError as exc:
                error = str(exc)
            else:
                messages.success(request, done)
                return redirect("volunteers:shift", token=token)
    shift = assignment.shift
    session = shift.session
    return render(
        request,
        "volunteers/shift.html",
        {
            "assignment": assignment,
            "volunteer": assignment.volunteer,
            "shift": shift,
            "session": session,
            "programme": session.programme,
            "branch": session.room.branch,
            "partnership": shift.partnership,
            "coordinators": list(shift.partnership.coordinators.all()),
            "Status": Assignment.Status,
            "session_cancelled": session.status == Session.Status.CANCELLED,
            # A proposed shift is turned down with "decline"; cancelling is for a yes.
            "actions": assignment_actions(assignment=assignment, now=timezone.now()),
            # Asked before the certificate ended: the reason shows instead of "yes".
            "certificate_refusal": confirm_certificate_refusal(assignment=assignment)
            if assignment.status == Assignment.Status.PROPOSED
            else "",
            "calendar_url": reverse("volunteers:shift_calendar", args=[token]),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_safe
@rate_limited(MANAGE_RATE)
def shift_calendar(request: HttpRequest, token: str) -> HttpResponse:
    assignment = from_link(assignment_from_token, token)
    # The same token opens the shift page, so the event may link to it.
    ics = shift_ics(assignment=assignment, link=shift_url(assignment=assignment))
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="shift.ics"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(MANAGE_RATE)
def meeting(request: HttpRequest, token: str) -> HttpResponse:
    invitation = from_link(invitation_from_token, token)
    speak_to(request, invitation.guest)
    error = ""
    if request.method == "POST":
        try:
            meeting_respond(
                invitation=invitation, response=request.POST.get("response", ""), now=timezone.now()
            )
        except AssignmentError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Thank you for your answer."))
            return redirect("volunteers:meeting", token=token)
    meeting = invitation.meeting
    return render(
        request,
        "volunteers/meeting.html",
        {
            "invitation": invitation,
            "guest": invitation.guest,
            "meeting": meeting,
            "partnership": meeting.partnership,
            "branch": meeting.partnership.branch,
            "Response": MeetingInvitation.Response,
            "started": meeting.starts_at <= timezone.now(),
            "calendar_url": reverse("volunteers:meeting_calendar", args=[token]),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_safe
@rate_limited(MANAGE_RATE)
def meeting_calendar(request: HttpRequest, token: str) -> HttpResponse:
    invitation = from_link(invitation_from_token, token)
    response = HttpResponse(
        meeting_ics(invitation=invitation), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="meeting.ics"'
    return response


# -- the volunteer's own page --------------------------------------------------------------


def _own_assignment(volunteer: Volunteer, request: HttpRequest) -> Assignment:
    """The assignment a button names, if it is the volunteer's own; else 404."""
    try:
        pk = int(request.POST.get("assignment", ""))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(
        Assignment.objects.select_related(
            "volunteer",
            "shift__session__programme",
            "shift__session__room__branch",
            "shift__partnership__organisation",
        ),
        pk=pk,
        volunteer=volunteer,
    )


def _posted_open_shift(volunteer: Volunteer, request: HttpRequest, name: str):
    try:
        pk = int(request.POST.get(name, ""))
    except ValueError:
        raise Http404 from None
    shift = open_shift_for(volunteer=volunteer, pk=pk, now=timezone.now())
    if shift is None:
        raise AssignmentError(_("That shift does not need anyone now."))
    return shift


def _act_on_own_page(request: HttpRequest, volunteer: Volunteer, action: str) -> None:
    """One of the page's buttons, through its service; a refusal raises AssignmentError."""
    if action == "confirm_all":
        result = assignment_confirm_all(volunteer=volunteer)
        count = len(result.confirmed)
        if count:
            messages.success(
                request,
                ngettext(
                    "Thank you! You have said yes to %(count)d shift.",
                    "Thank you! You have said yes to %(count)d shifts.",
                    count,
                )
                % {"count": count},
            )
        for assignment, reason in result.refused:
            day = formats.date_format(assignment.shift.session.local_start, "DATE_FORMAT")
            messages.warning(request, f"{day}: {reason}")
    elif action in ("confirm", "decline", "cancel", "undo"):
        assignment = _own_assignment(volunteer, request)
        service, done = OWN_ACTIONS[action]
        service(assignment=assignment)
        messages.success(request, done)
    elif action == "take":
        assignment_take_open(
            shift=_posted_open_shift(volunteer, request, "shift"), volunteer=volunteer
        )
        messages.success(request, _("Thank you! The shift is yours; your coordinator is told."))
    elif action == "swap":
        swap_request(
            assignment=_own_assignment(volunteer, request),
            to_shift=_posted_open_shift(volunteer, request, "to_shift"),
        )
        messages.success(
            request, _("Your coordinator is asked. Until they answer, you keep your shift.")
        )
    else:
        raise AssignmentError(_("Choose one of the buttons on the page."))


OWN_ACTIONS = {
    "confirm": (assignment_confirm, gettext_lazy("Thank you! You are expected.")),
    "decline": (
        assignment_decline,
        gettext_lazy("Thank you for letting us know. Your coordinator has been told."),
    ),
    "cancel": (
        assignment_cancel,
        gettext_lazy("You are off the shift. Your coordinator has been told at once."),
    ),
    "undo": (
        assignment_undo_decline,
        gettext_lazy("Thank you! You are on the shift after all; your coordinator is told."),
    ),
}


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(MANAGE_RATE)
def own_page(request: HttpRequest, token: str) -> HttpResponse:
    volunteer = from_link(volunteer_from_page_token, token)
    speak_to(request, volunteer)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    error, status = "", 200
    details = OwnDetailsForm(request.POST if action == "details" else None, instance=volunteer)
    times = WeeklyTimeEditFormSet(
        request.POST if action == "details" else None,
        prefix="times",
        initial=weekly_times_initial(volunteer),
    )
    if action == "details":
        if details.is_valid() and times.is_valid():
            try:
                changed = volunteer_update_own(
                    volunteer=volunteer,
                    fields={name: details.cleaned_data[name] for name in details.Meta.fields},
                    availability=weekly_times(times),
                )
            except AssignmentError as exc:
                details.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Thank you: your details are saved, and your coordinator can see them.")
                    if changed
                    else _("Nothing was changed."),
                )
                return redirect("volunteers:own_page", token=token)
        status = 400
    elif action:
        try:
            _act_on_own_page(request, volunteer, action)
        except AssignmentError as exc:
            error, status = str(exc), 400
        else:
            return redirect("volunteers:own_page", token=token)
    subscribe = feed_url(volunteer=volunteer)
    return render(
        request,
        "volunteers/own_page.html",
        {
            "volunteer": volunteer,
            "page": own_page_contents(volunteer=volunteer, now=timezone.now()),
            "details": details,
            "times": times,
            "feed_url": subscribe,
            "webcal_url": "webcal://" + subscribe.split("://", 1)[-1],
            "Status": Assignment.Status,
            "error": error,
        },
        status=status,
    )


@require_safe
@rate_limited(FEED_RATE)
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The volunteer's calendar feed: subscribed, fetched again by the calendar program."""
    volunteer = from_link(volunteer_from_feed_token, token)
    with translation.override(volunteer.language):
        text = shift_feed(
            volunteer=volunteer,
            assignments=feed_assignments(volunteer=volunteer, now=timezone.now()),
            name=_("Shifts: %(name)s") % {"name": volunteer.name},
            now=timezone.now(),
        )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="shifts.ics"'
    # Private to the link's holder; fetched anew rather than kept by a proxy.
    response["Cache-Control"] = "private, max-age=300"
    return response
