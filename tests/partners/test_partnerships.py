"""When a partnership runs: one rule, in Python (Partnership.runs_on) and in the database
(Partnership.objects.running), and the two agree."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from partners.models import PartnerOrganisation, Partnership
from partners.services import PartnerError, partnership_fixed_fields, partnership_update
from tests.factories import BranchFactory, ProgrammeFactory
from tests.volunteers.support import lektiecafe_series, partnership_for, shifts_for

pytestmark = pytest.mark.django_db

FIRST = date(2027, 1, 1)
LAST = date(2027, 6, 30)


@pytest.fixture
def partnerships():
    """Open-ended, one day long, and a half-year, at one branch."""
    organisation = PartnerOrganisation.objects.create(name="Red Barnet", slug="red-barnet")
    branch = BranchFactory()
    periods = [(FIRST, None), (FIRST, FIRST), (FIRST + timedelta(days=1), LAST)]
    return [
        Partnership.objects.create(
            organisation=organisation,
            programme=ProgrammeFactory(),
            branch=branch,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        for starts_on, ends_on in periods
    ]


@pytest.mark.parametrize(
    "day",
    [
        FIRST - timedelta(days=1),
        FIRST,
        FIRST + timedelta(days=1),
        LAST,
        LAST + timedelta(days=1),
        date(2040, 1, 1),
    ],
)
def test_the_database_and_python_agree_on_the_partnerships_running_on_a_day(partnerships, day):
    in_python = {p.pk for p in partnerships if p.runs_on(day)}
    assert set(Partnership.objects.running(on=day).values_list("pk", flat=True)) == in_python


def test_a_partnership_runs_from_its_first_day_to_its_last_both_included(partnerships):
    open_ended, one_day, half_year = partnerships
    assert [open_ended.runs_on(FIRST), open_ended.runs_on(date(2040, 1, 1))] == [True, True]
    assert [one_day.runs_on(FIRST), one_day.runs_on(FIRST + timedelta(days=1))] == [True, False]
    assert [half_year.runs_on(FIRST), half_year.runs_on(LAST)] == [False, True]


def test_a_partnership_with_shifts_keeps_its_organisation_programme_and_branch():
    series = lektiecafe_series()
    partnership = partnership_for(series)
    other = PartnerOrganisation.objects.create(name="Ungdommens Røde Kors", slug="urk")
    assert partnership_fixed_fields(partnership=partnership) == ()
    partnership.notes = "Signed in March"
    partnership_update(partnership=partnership)
    shifts_for(series, partnership)

    assert partnership_fixed_fields(partnership=partnership) == (
        "organisation",
        "programme",
        "branch",
    )
    partnership.organisation, partnership.notes = other, "Moved"
    with pytest.raises(PartnerError, match="has shifts"):
        partnership_update(partnership=partnership)
    partnership.refresh_from_db()
    assert (partnership.organisation.name, partnership.notes) == (
        "Red Barnet Ungdom",
        "Signed in March",
    )


def test_the_organisation_page_cannot_move_a_staffed_partnership(admin_client):
    """The organisation's page lists its partnerships to open, not to edit: changing one
    there would get round partnership_update's freeze."""
    series = lektiecafe_series()
    partnership = partnership_for(series)
    shifts_for(series, partnership)
    url = reverse("admin:partners_partnerorganisation_change", args=[partnership.organisation_id])

    page = admin_client.get(url).text
    admin_client.post(
        url,
        {
            "name": partnership.organisation.name,
            "slug": partnership.organisation.slug,
            "partnerships-TOTAL_FORMS": "1",
            "partnerships-INITIAL_FORMS": "1",
            "partnerships-0-id": partnership.pk,
            "partnerships-0-organisation": partnership.organisation_id,
            "partnerships-0-programme": ProgrammeFactory().pk,
            "partnerships-0-branch": BranchFactory().pk,
        },
    )

    assert 'name="partnerships-0-programme"' not in page
    partnership.refresh_from_db()
    assert (partnership.programme, partnership.branch) == (series.programme, series.room.branch)
