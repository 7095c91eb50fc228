"""Pages for the people at the session, on a phone: check families in, count pupils.

For signed-in session helpers (club volunteers, staff on the floor) and librarians; each
sees only the sessions of their branches. The views call one service and show its
AttendanceError.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from attendance.forms import HeadCountForm, WalkInForm
from attendance.head_counts import head_count_change, head_count_table
from attendance.selectors import check_in_list, helper_session, helper_sessions, takes_walk_ins
from attendance.services import AttendanceError, attendance_check_in, attendance_walk_in
from bookings.models import Booking
from households.forms import ChildFormSet
from partners.selectors import coordinator_of
from programmes.models import Session
from programmes.selectors import branches_for_user

CHECK_IN = "attendance.change_attendance"
HEAD_COUNT = "attendance.change_headcount"


def _session_of(request: HttpRequest, pk: int) -> Session:
    """A session of the helpers' window at one of the user's branches; any other, older or
    later, is not found."""
    session = helper_session(
        branches=branches_for_user(user=request.user), pk=pk, now=timezone.now()
    )
    if session is None:
        raise Http404
    return session


@require_safe
@login_required
@never_cache
def today(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_perm(CHECK_IN) or user.has_perm(HEAD_COUNT)):
        # Sign-in lands here; a partner's coordinator plans volunteer shifts instead.
        if coordinator_of(user=user) is not None:
            return redirect("volunteers:week")
        raise PermissionDenied
    sessions = helper_sessions(branches=branches_for_user(user=user), now=timezone.now())
    return render(
        request,
        "attendance/today.html",
        {
            "sessions": sessions,
            "today": timezone.localdate(),
        },
    )


def _add_walk_in(
    request: HttpRequest, session: Session, form: WalkInForm, children: ChildFormSet
) -> Booking | None:
    """The family who came without booking, added and ticked; None: the forms say why not."""
    if not (form.is_valid() and children.is_valid()):
        return None
    data = form.cleaned_data
    try:
        booking = attendance_walk_in(
            session=session,
            name=data["name"],
            email=data["email"],
            language=data["language"],
            adults=data["adults"],
            children=children.children(),
            consents_to_followups=data["wants_followups"],
            by=request.user,
        )
    except AttendanceError as exc:
        form.add_error(None, str(exc))
        return None
    # The name as typed: whoever typed an e-mail is not shown the name stored for it.
    messages.success(request, _("%(name)s is on the list and checked in.") % {"name": data["name"]})
    return booking


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(CHECK_IN, raise_exception=True)
@never_cache
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    error = ""
    walk_ins = takes_walk_ins(session)
    walk_in_posted = walk_ins and request.method == "POST" and "walk_in" in request.POST
    walk_in = WalkInForm(
        request.POST if walk_in_posted else None, initial={"language": session.room.branch.language}
    )
    children = ChildFormSet(request.POST if walk_in_posted else None, prefix="children")
    if walk_in_posted:
        added = _add_walk_in(request, session, walk_in, children)
        if added is not None:
            return redirect(f"{request.path}#family-{added.household_id}")
    elif request.method == "POST":
        try:
            attendance_check_in(
                session=session,
                household_id=int(request.POST.get("household", "")),
                attended=request.POST.get("attended") == "yes",
                by=request.user,
            )
        except ValueError:
            error = _("This family is not on the list for this session.")
        except AttendanceError as exc:
            error = str(exc)
        else:
            return redirect(f"{request.path}#family-{request.POST['household']}")
    rows = check_in_list(session=session)
    return render(
        request,
        "attendance/check_in.html",
        {
            "session": session,
            "branch": session.room.branch,
            "rows": rows,
            "came": sum(1 for row in rows if row.attended),
            "error": error,
            "takes_walk_ins": walk_ins,
            "walk_in": walk_in,
            "children": children,
        },
        status=400 if error or walk_in.errors or children.total_error_count() else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(HEAD_COUNT, raise_exception=True)
@never_cache
def head_count(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    if request.method == "POST":
        tap = HeadCountForm(request.POST)
        if not tap.is_valid():
            messages.error(request, _("That was not one of the buttons: nothing was counted."))
            return redirect(request.path)
        try:
            head_count_change(
                session=session,
                grade=tap.cleaned_data["grade"],
                first_visit=tap.cleaned_data["first_visit"],
                delta=tap.cleaned_data["change"],
            )
        except AttendanceError as exc:
            messages.error(request, str(exc))
        return redirect(request.path)
    return render(
        request,
        "attendance/head_count.html",
        {
            "session": session,
            "branch": session.room.branch,
            "table": head_count_table(session=session),
        },
    )
