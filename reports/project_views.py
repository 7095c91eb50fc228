"""Funder reports: a funded project's reach against its targets, as a page and as CSV.

Staff with the right to view funded projects; a librarian sees the projects that include
one of their branches, and the figures of the whole project (what the funder is told).
"""

from __future__ import annotations

from datetime import date

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from common.csv import csv_cell, csv_number, csv_response, csv_writer
from reports.charts import Series, bar_chart
from reports.funding import ProjectReport, project_reach, projects_for_user
from reports.models import FunderProject

VIEW_PERMISSION = "reports.view_funderproject"


def _allowed(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


def _context(request: HttpRequest, **extra) -> dict:
    return {**admin.site.each_context(request), **extra}


@require_safe
@staff_member_required
def project_list(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    projects = projects_for_user(user=request.user).prefetch_related(
        "programmes", "branches", "targets"
    )
    return render(
        request,
        "reports/projects/list.html",
        _context(request, title=_("Funder reports"), projects=projects),
    )


def _project(request: HttpRequest, pk: int) -> FunderProject:
    _allowed(request)
    return get_object_or_404(projects_for_user(user=request.user), pk=pk)


def _reach_chart(report: ProjectReport):
    targets = report.targets
    if not targets:
        return None
    highest = max([1.0, *(m.share or 0 for m in targets)])
    return bar_chart(
        chart_id="reach-chart",
        title=_("Reach against target"),
        description=_(
            "For each target, the share reached so far beside the share expected by now "
            "at an even pace. The table gives the numbers."
        ),
        labels=[str(m.label) for m in targets],
        series=[
            Series(name=_("Reached"), values=[m.share for m in targets]),
            Series(name=_("Expected by now"), values=[m.expected_share for m in targets]),
        ],
        y_max=highest,
        percent=True,
        reference=1.0,
        reference_label=_("100 % = target"),
    )


@require_safe
@staff_member_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    report = project_reach(project=project, today=timezone.localdate())
    return render(
        request,
        "reports/projects/detail.html",
        _context(
            request,
            title=project.name,
            project=project,
            report=report,
            chart=_reach_chart(report),
        ),
    )


# Letters slugify would drop, written as the Nordic languages spell them without them.
NORDIC_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _file_name(name: str) -> str:
    return slugify(name.translate(NORDIC_LETTERS)) or "project"


def _percent(value: float | None) -> str:
    return "" if value is None else csv_number(value * 100, 1)


def _amount(value: float) -> str:
    """A count as a whole number; hours with one decimal, in the reader's decimal mark."""
    return str(int(value)) if float(value).is_integer() else csv_number(value, 1)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


@require_safe
@staff_member_required
def project_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per measure, the project repeated on each, so the file sorts and merges."""
    project = _project(request, pk)
    today = timezone.localdate()
    report = project_reach(project=project, today=today)
    response = csv_response(filename=f"{_file_name(project.name)}-{today.isoformat()}.csv")
    writer = csv_writer(response)
    writer.writerow(
        [
            _("project"),
            _("funder"),
            _("from"),
            _("until"),
            _("counted until"),
            _("measure"),
            _("target"),
            _("reached"),
            _("share of target reached (per cent)"),
            _("expected by now (per cent)"),
            _("pace"),
        ]
    )
    for measure in report.measures:
        writer.writerow(
            [
                csv_cell(project.name),
                csv_cell(project.funder),
                _day(project.starts_on),
                _day(project.ends_on),
                _day(report.counted_until),
                csv_cell(measure.label),
                "" if measure.target is None else measure.target,
                _amount(measure.achieved),
                _percent(measure.share),
                _percent(measure.expected_share) if measure.target is not None else "",
                measure.pace_label,
            ]
        )
    return response
