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
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.csv import csv_cell, csv_number, csv_response, csv_writer
from programmes.weeks import iso_week, week_monday
from volunteers.forms import (
    CertificateForm,
    EveryWeekForm,
    JoinForm,
    MeetingForm,
    ShiftPolicyForm,
    StatusForm,
    TickForm,
    VolunteerForm,
    WeeklyTimeEditFormSet,
    WeeklyTimeFormSet,
    weekly_times,
    weekly_times_initial,
)
from volunteers.meetings import (
    meeting_create,
    meeting_invite,
    meeting_mark_attendance,
    meeting_update,
)
from volunteers.models import (
    Assignment,
    ExperienceMeeting,
    MeetingInvitation,
    SwapRequest,
    Volunteer,
    places_missing,
)
from volunteers.selectors import (
    Viewer,
    meeting_guests,
    meetings_for,
    partnerships_for,
    shift_assignments,
    shift_policies,
    shifts_for,
    suitable_volunteers,
    swaps_waiting,
    viewer_for,
    volunteer_export,
    volunteer_record,
    volunteer_rows,
    volunteers_for,
    volunteers_listed,
    week_grid,
)
from volunteers.services import (
    VOLUNTEER_FIELDS,
    AssignmentError,
    TermResult,
    assignment_actions,
    assignment_cancel,
    assignment_mark,
    assignment_propose,
    assignment_propose_for_term,
    certificate_record,
    every_week_until,
    onboarding_tick,
    shift_policy_update,
    swap_decide,
    volunteer_create,
    volunteer_join,
    volunteer_send_page_link,
    volunteer_set_status,
    volunteer_update,
)
from volunteers.terms import term_of
from volunteers.turnover import turnover

VOLUNTEERS_PER_PAGE = 50


def _viewer(request: HttpRequest) -> Viewer:
    viewer = viewer_for(user=request.user)
    if viewer is None:
        raise PermissionDenied
    return viewer


def may_change_assignments(viewer: Viewer) -> bool:
    """A coordinator plans their own shifts; library staff need the permission to ask,
    take off and mark volunteers (librarians have it through their group)."""
    return viewer.is_coordinator or viewer.user.has_perm("volunteers.change_assignment")


def _posted_pk(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404 from None


@require_safe
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
            "swaps": swaps_waiting(viewer=viewer) if viewer.is_coordinator else [],
            "policies": shift_policies(partnerships=partnerships) if viewer.is_coordinator else [],
            "grid": week_grid(
                shifts=shifts,
                monday=week_monday(request.GET.get("week", ""), today=today),
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


@require_http_methods(["GET", "HEAD", "POST"])
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
    may_change = may_change_assignments(viewer)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        _act_on_shift(request, viewer, shift)
        return redirect(request.path)
    now = timezone.now()
    assignments = shift_assignments(shift=shift)
    candidates = suitable_volunteers(shift=shift, now=now)
    # Counted as the planning counts: a volunteer without a certificate for the day is
    # on the list, flagged, but fills no place (volunteers.models).
    staffed = sum(a.counts_on_shift for a in assignments)
    return render(
        request,
        "volunteers/coordinator/shift_detail.html",
        {
            "viewer": viewer,
            "shift": shift,
            "session": shift.session,
            "branch": shift.session.room.branch,
            "rows": [
                {"assignment": a, "actions": assignment_actions(assignment=a, now=now)}
                for a in assignments
            ],
            "may_change": may_change,
            "staffed": staffed,
            "full": not places_missing(required=shift.required_count, staffed=staffed),
            "started": shift.session.starts_at <= now,
            "week": iso_week(shift.session.local_start.date()),
            "every_week_until": every_week_until(shift.session.local_start.date()),
            "swaps": swaps_waiting(viewer=viewer, shift=shift) if may_change else [],
            "suitable": [c for c in candidates if c.suitable],
            "excluded": [c for c in candidates if not c.suitable],
            "Status": Assignment.Status,
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
            above_required = bool(request.POST.get("above_required"))
            if request.POST.get("every_week"):
                until = EveryWeekForm(request.POST)
                if not until.is_valid():
                    messages.error(request, _("Give the last day “every week” runs to as a date."))
                    return
                result = assignment_propose_for_term(
                    shift=shift,
                    volunteer=volunteer,
                    by=by,
                    above_required=above_required,
                    until=until.cleaned_data["until"],
                )
                _tell_term_result(request, volunteer, result)
            else:
                assignment_propose(
                    shift=shift, volunteer=volunteer, by=by, above_required=above_required
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


def _tell_term_result(request: HttpRequest, volunteer: Volunteer, result: TermResult) -> None:
    """How many weeks were asked, then one line per reason a week was not, with its days."""
    count = len(result.assigned)
    asked = ngettext(
        "%(name)s was asked for %(count)d week.",
        "%(name)s was asked for %(count)d weeks.",
        count,
    ) % {"name": volunteer.name, "count": count}
    (messages.success if count else messages.warning)(request, asked)
    for reason, days in result.skipped_by_reason():
        messages.warning(
            request,
            _("Not asked for %(days)s: %(reason)s")
            % {
                "days": ", ".join(formats.date_format(day, "MONTH_DAY_FORMAT") for day in days),
                "reason": reason,
            },
        )


@require_safe
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


# -- the coordinator's own volunteers ------------------------------------------------------


def _coordinator(request: HttpRequest) -> Viewer:
    """A partner's volunteers are the partner's to look after: library staff read them."""
    viewer = _viewer(request)
    if not viewer.is_coordinator:
        raise PermissionDenied
    return viewer


def _own_volunteer(viewer: Viewer, pk: int) -> Volunteer:
    return get_object_or_404(
        volunteers_for(viewer=viewer)
        .select_related("organisation")
        .prefetch_related("availability", "subjects"),
        pk=pk,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def volunteer_add(request: HttpRequest) -> HttpResponse:
    viewer = _coordinator(request)
    contact = viewer.contact
    if contact is None or contact.organisation is None:  # _coordinator refused them already
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = VolunteerForm(data, organisation=contact.organisation)
    times = WeeklyTimeFormSet(data, prefix="times")
    if data is not None and form.is_valid() and times.is_valid():
        try:
            volunteer = volunteer_create(
                organisation=contact.organisation,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                language=form.cleaned_data["language"],
                languages=form.cleaned_data["languages"],
                subjects=form.cleaned_data["subjects"],
                availability=weekly_times(times),
            )
        except AssignmentError as exc:
            form.add_error("email", str(exc))
        else:
            if form.cleaned_data["notes"]:
                volunteer_update(volunteer=volunteer, fields={"notes": form.cleaned_data["notes"]})
            messages.success(
                request,
                _("%(name)s is registered as an applicant. Welcome them into a partnership below.")
                % {"name": volunteer.name},
            )
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/coordinator/volunteer_form.html",
        {"viewer": viewer, "form": form, "times": times},
        status=400 if data is not None else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def certificate_add(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _coordinator(request)
    volunteer = _own_volunteer(viewer, pk)
    data = request.POST if request.method == "POST" else None
    form = CertificateForm(data)
    if data is not None and form.is_valid():
        try:
            certificate_record(volunteer=volunteer, by=request.user, **form.cleaned_data)
        except AssignmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The certificate is recorded for %(name)s.") % {"name": volunteer.name},
            )
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/coordinator/certificate_form.html",
        {"viewer": viewer, "volunteer": volunteer, "form": form},
        status=400 if data is not None else 200,
    )


def _volunteer_forms(viewer: Viewer, volunteer: Volunteer, data=None, action: str = "") -> dict:
    """The detail page's forms for a coordinator; the one posted (``action``) is bound."""
    partnerships = partnerships_for(viewer=viewer)
    return {
        "status_form": StatusForm(data if action == "status" else None, volunteer=volunteer),
        "join_form": JoinForm(
            data if action == "join" else None,
            partnerships=partnerships.filter(organisation=volunteer.organisation_id).exclude(
                onboardings__volunteer=volunteer
            ),
        ),
        "tick_form": TickForm(
            data if action == "tick" else None,
            onboardings=volunteer.onboardings.filter(partnership__in=partnerships),
        ),
    }


def _act_on_volunteer(request: HttpRequest, volunteer: Volunteer, action: str, form) -> bool:
    """One of the page's forms, through its service; False when the form has errors."""
    if not form.is_valid():
        return False
    data, by = form.cleaned_data, request.user
    try:
        if action == "status":
            volunteer_set_status(volunteer=volunteer, status=data["status"], by=by)
            volunteer.refresh_from_db()
            messages.success(
                request,
                _("%(name)s is now “%(status)s”.")
                % {"name": volunteer.name, "status": volunteer.get_status_display()},
            )
        elif action == "join":
            volunteer_join(volunteer=volunteer, partnership=data["partnership"], by=by)
            messages.success(
                request,
                _("%(name)s has joined and been sent a welcome.") % {"name": volunteer.name},
            )
        else:
            onboarding_tick(onboarding=data["onboarding"], step=data["step"], on=data["on"], by=by)
            messages.success(request, _("The step is ticked."))
    except AssignmentError as exc:
        form.add_error(None, str(exc))
        return False
    return True


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    volunteer = _own_volunteer(viewer, pk)
    forms, status = {}, 200
    if request.method == "POST":
        viewer = _coordinator(request)
        action = request.POST.get("action", "")
        if action in ("send_link", "renew_link"):
            volunteer_send_page_link(volunteer=volunteer, renew=action == "renew_link")
            messages.success(
                request,
                _("%(name)s has been sent a new link to their page; the old links no longer work.")
                % {"name": volunteer.name}
                if action == "renew_link"
                else _("%(name)s has been sent the link to their page.") % {"name": volunteer.name},
            )
            return redirect(request.path)
        if action not in ("status", "join", "tick"):
            raise Http404
        forms = _volunteer_forms(viewer, volunteer, request.POST, action)
        if _act_on_volunteer(request, volunteer, action, forms[f"{action}_form"]):
            return redirect(request.path)
        status = 400
    elif viewer.is_coordinator:
        forms = _volunteer_forms(viewer, volunteer)
    return render(
        request,
        "volunteers/coordinator/volunteer_detail.html",
        {
            "viewer": viewer,
            "record": volunteer_record(viewer=viewer, volunteer=volunteer, now=timezone.now()),
            **forms,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator corrects every field of one of their organisation's volunteers."""
    viewer = _coordinator(request)
    volunteer = _own_volunteer(viewer, pk)
    data = request.POST if request.method == "POST" else None
    form = VolunteerForm(data, instance=volunteer)
    times = WeeklyTimeEditFormSet(data, prefix="times", initial=weekly_times_initial(volunteer))
    if data is not None and form.is_valid() and times.is_valid():
        try:
            changed = volunteer_update(
                volunteer=volunteer,
                fields={name: form.cleaned_data[name] for name in VOLUNTEER_FIELDS},
                subjects=form.cleaned_data["subjects"],
                availability=weekly_times(times),
            )
        except AssignmentError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _("Saved: %(changed)s.") % {"changed": ", ".join(changed)}
                if changed
                else _("Nothing was changed."),
            )
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/coordinator/volunteer_form.html",
        {"viewer": viewer, "form": form, "times": times, "volunteer": volunteer},
        status=400 if data is not None else 200,
    )


@require_safe
@login_required
@never_cache
def volunteer_export_csv(request: HttpRequest) -> HttpResponse:
    """The viewer's volunteers as a spreadsheet: status, certificate standing (never what
    it says), shifts and hours; contact details for the partner's own coordinator only."""
    viewer = _viewer(request)
    today = timezone.localdate()
    rows = volunteer_export(viewer=viewer, today=today)
    # The same file as every export: a byte-order mark and semicolons, for Excel (common.csv).
    response = csv_response(filename=f"volunteers-{today:%Y-%m-%d}.csv")
    writer = csv_writer(response)
    contact = viewer.sees_contact_details
    writer.writerow(
        [
            _("Name"),
            *([_("E-mail"), _("Phone")] if contact else []),
            _("Organisation"),
            _("Status"),
            _("Active since"),
            _("Left on"),
            _("Can help with"),
            _("Child-safety certificate"),
            _("Certificate valid until"),
            _("Shifts done"),
            _("Hours given"),
            _("Hours this term"),
        ]
    )
    for row in rows:
        volunteer = row.volunteer
        writer.writerow(
            [
                csv_cell(volunteer.name),
                *(
                    [
                        csv_cell(volunteer.email),
                        # csv_cell keeps the "+" from being read as a formula.
                        csv_cell(volunteer.phone or ""),
                    ]
                    if contact
                    else []
                ),
                csv_cell(volunteer.organisation.name),
                volunteer.get_status_display(),
                volunteer.joined_on.isoformat() if volunteer.joined_on else "",
                volunteer.left_on.isoformat() if volunteer.left_on else "",
                csv_cell(", ".join(s.name for s in volunteer.subjects.all())),
                row.certificate.state_label,
                row.certificate.valid_until.isoformat() if row.certificate.valid_until else "",
                row.shifts_done,
                csv_number(row.hours, 2),
                csv_number(row.hours_this_term, 2),
            ]
        )
    return response


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was on, when it is one of this site's."""
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(default)


@require_http_methods(["POST"])
@login_required
def swap_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    if not may_change_assignments(viewer):
        raise PermissionDenied
    swap = get_object_or_404(
        SwapRequest.objects.filter(
            assignment__shift__in=shifts_for(viewer=viewer),
            to_shift__in=shifts_for(viewer=viewer),
        ).select_related("assignment__volunteer"),
        pk=pk,
    )
    approve = request.POST.get("decision") == "approve"
    try:
        swap_decide(swap=swap, approve=approve, by=request.user)
    except AssignmentError as exc:
        messages.error(request, str(exc))
    else:
        name = {"name": swap.assignment.volunteer.name}
        messages.success(
            request,
            _("The swap is approved: %(name)s is told.") % name
            if approve
            else _("The swap is refused: %(name)s is told and keeps their shift.") % name,
        )
    return _back(request, "volunteers:week")


@require_http_methods(["POST"])
@login_required
def shift_policy(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _coordinator(request)
    partnership = get_object_or_404(partnerships_for(viewer=viewer), pk=pk)
    form = ShiftPolicyForm(request.POST)
    if form.is_valid():
        shift_policy_update(
            partnership=partnership,
            volunteers_take_open_shifts=form.cleaned_data["volunteers_take_open_shifts"],
        )
        messages.success(request, _("Saved."))
    return _back(request, "volunteers:week")


# -- experience meetings -------------------------------------------------------------------


@require_safe
@login_required
@never_cache
def meeting_list(request: HttpRequest) -> HttpResponse:
    viewer = _coordinator(request)
    return render(
        request,
        "volunteers/coordinator/meeting_list.html",
        {"viewer": viewer, "meetings": meetings_for(viewer=viewer), "now": timezone.now()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def meeting_add(request: HttpRequest) -> HttpResponse:
    viewer = _coordinator(request)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, partnerships=partnerships_for(viewer=viewer))
    if data is not None and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            meeting = meeting_create(
                partnership=form.cleaned_data["partnership"],
                title=form.cleaned_data["title"],
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.cleaned_data["place"],
                agenda=form.cleaned_data["agenda"],
            )
        except AssignmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The meeting is planned. Send the invitations when you are ready."),
            )
            return redirect("volunteers:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "volunteers/coordinator/meeting_form.html",
        {"viewer": viewer, "form": form},
        status=400 if data is not None else 200,
    )


def _act_on_meeting(request: HttpRequest, meeting: ExperienceMeeting, form: MeetingForm) -> bool:
    """One of the meeting page's buttons; False when its form has errors."""
    action = request.POST.get("action", "")
    if action == "invite":
        sent = meeting_invite(meeting=meeting)
        messages.success(
            request,
            ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", sent)
            % {"count": sent}
            + (" " + str(_("Everyone else was invited before.")) if sent == 0 else ""),
        )
    elif action == "came":
        invitation = get_object_or_404(
            meeting.invitations.all(), pk=_posted_pk(request, "invitation")
        )
        answer = request.POST.get("came", "")
        attended = {"yes": True, "no": False}.get(answer)
        meeting_mark_attendance(invitation=invitation, attended=attended)
    elif action == "edit":
        if not form.is_valid():
            return False
        meeting.starts_at, meeting.ends_at = form.times()
        told = meeting_update(meeting=form.save(commit=False))
        messages.success(
            request,
            ngettext(
                "Saved; %(count)d guest was told of the new time or place.",
                "Saved; %(count)d guests were told of the new time or place.",
                told,
            )
            % {"count": told}
            if told
            else _("Saved."),
        )
    else:
        raise Http404
    return True


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting: its details to edit, invitations to send, the answers and who came."""
    viewer = _coordinator(request)
    meeting = get_object_or_404(meetings_for(viewer=viewer), pk=pk)
    partnerships = partnerships_for(viewer=viewer)
    editing = request.method == "POST" and request.POST.get("action") == "edit"
    form = MeetingForm(
        request.POST if editing else None, instance=meeting, partnerships=partnerships
    )
    status = 200
    if request.method == "POST":
        try:
            if _act_on_meeting(request, meeting, form):
                return redirect(request.path)
        except AssignmentError as exc:
            if editing:
                form.add_error(None, str(exc))
            else:
                messages.error(request, str(exc))
                return redirect(request.path)
        status = 400
    now = timezone.now()
    return render(
        request,
        "volunteers/coordinator/meeting_detail.html",
        {
            "viewer": viewer,
            "meeting": meeting,
            "branch": meeting.partnership.branch,
            "form": form,
            "guests": meeting_guests(meeting=meeting),
            "started": meeting.starts_at <= now,
            "Response": MeetingInvitation.Response,
        },
        status=status,
    )
