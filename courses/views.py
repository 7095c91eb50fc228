"""Courses in the browser: a professional's referral form, and the family's course page.

Both are reached through signed links, not accounts. The views parse input, call one
service (courses.services) and show its EnrolmentError.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common.web import BOOKING_RATE, MANAGE_RATE, from_link, rate_limited, speak_to
from courses.forms import FamilyChildFormSet, ReferralForm
from courses.links import enrolment_from_token
from courses.models import Enrolment
from courses.selectors import (
    course_meetings,
    courses_open_for_referral,
    enrolment_waitlist_position,
)
from courses.services import (
    EnrolmentError,
    Referral,
    enrolment_accept,
    enrolment_decline,
    enrolment_refer,
    enrolment_withdraw,
)
from partners.referral_links import partnership_from_referral_token


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(BOOKING_RATE, method="POST")
def refer(request: HttpRequest, token: str) -> HttpResponse:
    partnership = partnership_from_referral_token(token)
    if partnership is None:  # forged, revoked, or the partnership is over
        return render(request, "courses/referral_closed.html", status=404)
    courses = courses_open_for_referral(programme=partnership.programme, branch=partnership.branch)
    form = ReferralForm(request.POST or None, courses=courses, prefix="referral")
    children = FamilyChildFormSet(request.POST or None, prefix="children")
    if request.method == "POST" and courses.exists():
        if form.is_valid() and children.is_valid():
            data = form.cleaned_data
            try:
                enrolment_refer(
                    course_id=data["course"].pk,
                    partnership=partnership,
                    referral=Referral(
                        name=data["name"],
                        email=data["email"],
                        phone=data["phone"],
                        language=data["language"],
                        children=children.children(),
                        languages=data["languages"],
                        wishes=data["wishes"],
                        referrer_name=data["referrer_name"],
                        referrer_role=data["referrer_role"],
                        referrer_contact=data["referrer_contact"],
                        wants_followups=data["wants_followups"],
                    ),
                )
            except EnrolmentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. The family is referred: the library will offer them a "
                        "place by e-mail. You can refer another family below."
                    ),
                )
                return redirect("courses:refer", token=token)
    return render(
        request,
        "courses/refer.html",
        {
            "partnership": partnership,
            "programme": partnership.programme,
            "branch": partnership.branch,
            "courses": courses,
            "form": form,
            "children": children,
        },
        status=400 if request.method == "POST" else 200,
    )


# The family's answers on its course page: each calls one service.
ENROLMENT_ACTIONS = {
    "accept": (enrolment_accept, None),  # the page itself says "you have a place"
    "decline": (
        enrolment_decline,
        gettext_lazy("Thank you for letting us know. Your place can go to another family."),
    ),
    "leave": (
        enrolment_withdraw,
        gettext_lazy("You have left the course. Thank you for letting us know."),
    ),
}


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(MANAGE_RATE)
def enrolment(request: HttpRequest, token: str) -> HttpResponse:
    """The family's course page, from its e-mails. Nothing changes on opening the link:
    mail scanners open links; the family's answer is a tap on one of the page's buttons."""
    enrolment = from_link(enrolment_from_token, token)
    speak_to(request, enrolment.household)
    error = ""
    if request.method == "POST":
        action = ENROLMENT_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            error = _("Choose one of the buttons on the page.")
        else:
            service, done = action
            try:
                service(enrolment_id=enrolment.pk)
            except EnrolmentError as exc:
                error = str(exc)
            else:
                if done:
                    messages.success(request, done)
                return redirect("courses:enrolment", token=token)
    course = enrolment.course
    return render(
        request,
        "courses/enrolment.html",
        {
            "enrolment": enrolment,
            "course": course,
            "series": course.series,
            "programme": course.series.programme,
            "branch": course.series.room.branch,
            "meetings": course_meetings(course=course),
            "position": enrolment_waitlist_position(enrolment=enrolment),
            "Status": Enrolment.Status,
            "error": error,
        },
        status=400 if error else 200,
    )
