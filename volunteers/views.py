"""The volunteer's own pages, reached through signed links in their e-mails: one shift
(confirm, decline, cancel, calendar file) and an experience meeting's RSVP.

Opening a link changes nothing: mail scanners open links. An answer is a tap on one of
the page's buttons (POST), which calls one service and shows its AssignmentError.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.web import MANAGE_RATE, from_link, rate_limited, speak_to
from programmes.models import Session
from volunteers.links import assignment_from_token, invitation_from_token, shift_url
from volunteers.meetings import meeting_respond
from volunteers.messages import shift_ics
from volunteers.models import Assignment, MeetingInvitation
from volunteers.services import (
    AssignmentError,
    assignment_actions,
    assignment_cancel,
    assignment_confirm,
    assignment_decline,
)

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
            "error": error,
        },
        status=400 if error else 200,
    )
