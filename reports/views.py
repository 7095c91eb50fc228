"""The impact report page, for library staff: figures for their branches over a period.

The view reads the filters (falling back to the defaults, with a message, on bad input),
asks the selectors for the figures and draws the charts; the definitions live in
``reports/selectors.py``.
"""

from __future__ import annotations

from datetime import date

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from programmes.models import Programme, Session
from programmes.selectors import branches_for_user
from reports.charts import Series, bar_chart, line_chart
from reports.forms import ReportFilterForm
from reports.questionnaires import questionnaire_results
from reports.selectors import HORIZONS, ImpactReport, impact_report, report_scope


@require_safe
@never_cache
def impact(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not (user.is_active and user.is_staff):
        raise PermissionDenied
    allowed = branches_for_user(user=user).order_by("name")
    # The programmes with sessions at those branches: a semi-join, not DISTINCT over a join
    # of every session.
    programmes = Programme.objects.filter(
        Exists(Session.objects.filter(programme=OuterRef("pk"), room__branch__in=allowed))
    ).order_by("name")
    form = ReportFilterForm(
        request.GET, branches=allowed, programmes=programmes, today=timezone.localdate()
    )
    form.is_valid()
    # The form's clean always leaves a period: the one asked for, or the default one.
    data = form.cleaned_data
    starts_on, ends_on = data["starts_on"], data["ends_on"]
    branch, programme = data.get("branch"), data.get("programme")
    errors: list[str] = [str(error) for error in form.non_field_errors()]
    for name in ("starts_on", "ends_on", "branch", "programme"):
        errors.extend(str(error) for error in form.errors.get(name, []))

    shown = ReportFilterForm(
        initial={
            "starts_on": starts_on,
            "ends_on": ends_on,
            "branch": branch,
            "programme": programme,
        },
        branches=allowed,
        programmes=programmes,
        today=timezone.localdate(),
    )
    branches = [branch] if branch else list(allowed)
    context = {
        **admin.site.each_context(request),
        "title": _("Impact report"),
        "form": shown,
        "errors": errors,
        "branches": branches,
        "programme": programme,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "report": None,
    }
    if branches:
        scope = report_scope(
            branches=branches,
            programme_ids=[programme.pk] if programme else None,
            starts_on=starts_on,
            ends_on=ends_on,
            now=timezone.now(),
        )
        report = impact_report(scope=scope)
        context["report"] = report
        context["questionnaire"] = questionnaire_results(
            programme_ids=scope.programme_ids,
            branch_ids=scope.branch_ids,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        context.update(_charts(report))
        context["horizons"] = HORIZONS
    return render(request, "reports/impact.html", context)


def _month(day: date) -> str:
    return formats.date_format(day, "M Y")


def _charts(report: ImpactReport) -> dict:
    months = [_month(row.month) for row in report.months]
    charts = {
        "visits_chart": bar_chart(
            chart_id="chart-visits",
            title=_("Family visits per month"),
            description=_("Bars: families who came to a session, per month of the period."),
            labels=months,
            series=[Series(_("Visits"), [row.visits for row in report.months])],
        ),
        "ratings_chart": bar_chart(
            chart_id="chart-ratings",
            title=_("Ratings from the follow-ups"),
            description=_("Bars: how many families gave each rating, from 1 (poor) to 5."),
            labels=[str(n) for n in range(1, 6)],
            series=[Series(_("Families"), list(report.ratings.distribution.values()))],
        ),
        "cohort_chart": None,
    }
    if report.cohorts:
        charts["cohort_chart"] = line_chart(
            chart_id="chart-cohorts",
            title=_("Families who came back, by month of their first visit"),
            description=_(
                "Lines: the share of each month's new families who came back within 3, 6 "
                "and 12 months. A line stops where those months are not over yet."
            ),
            labels=[_month(c.month) for c in report.cohorts],
            series=[
                Series(
                    ngettext("within %(months)d month", "within %(months)d months", horizon)
                    % {"months": horizon},
                    [c.shares[horizon] for c in report.cohorts],
                )
                for horizon in HORIZONS
            ],
            y_max=1,
            percent=True,
        )
    return charts
