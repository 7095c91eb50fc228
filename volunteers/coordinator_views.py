"""The coordinator's planning pages: the week's shifts, one shift, the volunteers.

For a partner's coordinator and for library staff with a branch (volunteers.selectors
decides who sees what); anyone else signed in is refused, and rows outside the viewer's
partnerships are not found. Each POST calls one service and shows its AssignmentError.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .models import Assignment, Volunteer
from .selectors import (
    Viewer,
    iso_week,
    partnerships_for,
    shift_assignments,
    shifts_for,
    suitable_volunteers,
    viewer_for,
    volunteer_record,
    volunteer_rows,
    volunteers_for,
    volunteers_listed,
    week_grid,
    week_start,
)
from .services import (
    COUNTS_AS_STAFF,
    LIVE,
    AssignmentError,
    assignment_cancel,
    assignment_mark,
    assignment_propose,
    assignment_propose_for_term,
)
from .turnover import term_of, turnover

VOLUNTEERS_PER_PAGE = 50


def _viewer(request: HttpRequest) -> Viewer:
    viewer = viewer_for(user=request.user)
    if viewer is None:
        raise PermissionDenied
    return viewer


def _posted_pk(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404 from None


@require_GET
@login_required
@never_cache
def week(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    today = timezone.localdate()
    partnerships = list(
        partnerships_for(viewer=viewer).select_related("organisation", "programme", "branch")
    )
    chosen = next((p for p in partnerships if str(p.pk) == request.GET.get("partnership")), None)
    shifts = shifts_for(viewer=viewer)
    if chosen is not None:
        shifts = shifts.filter(partnership=chosen)
    term = term_of(today)
    return render(
        request,
        "volunteers/coordinator/week.html",
        {
            "viewer": viewer,
            "grid": week_grid(
                shifts=shifts,
                monday=week_start(request.GET.get("week", ""), today=today),
                today=today,
            ),
            "partnerships": partnerships,
            "chosen": chosen,
            "term": term,
            "turnover": turnover(
                partnerships=[chosen] if chosen else partnerships, term=term, today=today
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    shift = get_object_or_404(
        shifts_for(viewer=viewer)
        .select_related("session__programme", "session__room__branch", "partnership__organisation")
        .prefetch_related("wanted_subjects"),
        pk=pk,
    )
    if request.method == "POST":
        _act_on_shift(request, viewer, shift)
        return redirect(request.path)
    now = timezone.now()
    assignments = shift_assignments(shift=shift)
    candidates = suitable_volunteers(shift=shift, now=now)
    staffed = sum(a.status in COUNTS_AS_STAFF for a in assignments)
    return render(
        request,
        "volunteers/coordinator/shift_detail.html",
        {
            "viewer": viewer,
            "shift": shift,
            "session": shift.session,
            "branch": shift.session.room.branch,
            "assignments": assignments,
            "staffed": staffed,
            "full": staffed >= shift.required_count,
            "started": shift.session.starts_at <= now,
            "week": iso_week(shift.session.local_start.date()),
            "suitable": [c for c in candidates if c.suitable],
            "excluded": [c for c in candidates if not c.suitable],
            "Status": Assignment.Status,
            "LIVE": LIVE,
        },
    )


def _act_on_shift(request: HttpRequest, viewer: Viewer, shift) -> None:
    """One of the page's buttons: the service's refusal becomes an error message."""
    action = request.POST.get("action")
    by = request.user
    try:
        if action == "assign":
            volunteer = get_object_or_404(
                volunteers_for(viewer=viewer), pk=_posted_pk(request, "volunteer")
            )
            if request.POST.get("every_week"):
                result = assignment_propose_for_term(shift=shift, volunteer=volunteer, by=by)
                messages.success(
                    request,
                    ngettext(
                        "%(name)s was asked for %(count)d week.",
                        "%(name)s was asked for %(count)d weeks.",
                        len(result.assigned),
                    )
                    % {"name": volunteer.name, "count": len(result.assigned)},
                )
                for skipped, reason in result.skipped:
                    messages.warning(
                        request,
                        _("Not asked for %(day)s: %(reason)s")
                        % {"day": skipped.session.local_start.date().isoformat(), "reason": reason},
                    )
            else:
                assignment_propose(
                    shift=shift,
                    volunteer=volunteer,
                    by=by,
                    above_required=bool(request.POST.get("above_required")),
                )
                messages.success(
                    request,
                    _("%(name)s was asked to take this shift.") % {"name": volunteer.name},
                )
        elif action in ("cancel", "came", "no_show"):
            assignment = get_object_or_404(
                shift.assignments.select_related("volunteer"), pk=_posted_pk(request, "assignment")
            )
            if action == "cancel":
                assignment_cancel(assignment=assignment, by=by)
                messages.success(
                    request,
                    _("%(name)s is no longer on this shift.") % {"name": assignment.volunteer.name},
                )
            else:
                assignment_mark(assignment=assignment, came=action == "came", by=by)
        else:
            messages.error(request, _("Please choose what to do."))
    except AssignmentError as exc:
        messages.error(request, str(exc))


@require_GET
@login_required
@never_cache
def volunteer_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    status = request.GET.get("status", "")
    volunteers = volunteers_listed(viewer=viewer, status=status)
    page = Paginator(volunteers, VOLUNTEERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/coordinator/volunteer_list.html",
        {
            "viewer": viewer,
            "page": page,
            "rows": volunteer_rows(volunteers=page.object_list, today=timezone.localdate()),
            "status": status if status in Volunteer.Status.values else "",
            "statuses": Volunteer.Status.choices,
        },
    )


@require_GET
@login_required
@never_cache
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    volunteer = get_object_or_404(
        volunteers_for(viewer=viewer)
        .select_related("organisation")
        .prefetch_related("availability", "subjects"),
        pk=pk,
    )
    return render(
        request,
        "volunteers/coordinator/volunteer_detail.html",
        {
            "viewer": viewer,
            "record": volunteer_record(viewer=viewer, volunteer=volunteer, now=timezone.now()),
        },
    )
