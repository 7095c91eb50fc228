"""Series that keep their sessions, as a librarian finds them in the admin: saving again
duplicates nothing, a change of time, room or weekdays is shown first and then moves the
coming sessions (the families told), a clash refuses the change with the dates named, a
cancelled series stays cancelled, the series' sessions are links, and cancelling a series
lists its dates and leaves the session under way alone. Each defect of the issue is
reproduced as the librarian's steps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from attendance.models import Attendance
from bookings.models import Booking
from notifications.models import Outbox
from operations.services import (
    SessionChangeError,
    series_cancel,
    series_change_apply,
    series_change_preview,
    session_move,
)
from programmes.models import Programme, Series, SeriesExclusion, Session
from programmes.services import SeriesPlan, series_generate_sessions
from tests.bookings.support import book
from tests.factories import RoomFactory, SeriesFactory, SessionFactory
from tests.operations.support import (
    NOW,
    WEDNESDAYS,
    babydans,
    change_url,
    confirmation_of,
    household,
    live,
    local_times,
    sent_to,
    series_form,
)

pytestmark = pytest.mark.django_db

# -- the defects, as a librarian meets them in the admin --------------------------------------


def test_saving_a_series_again_after_a_session_was_moved_makes_no_duplicate(
    client, wednesdays, librarian
):
    client.force_login(librarian)
    second = live(wednesdays)[1]
    anna = book(second, household("anna@example.com"), direct=True)
    # The librarian moves 2 December to 13:00 on the session's own page.
    moved = client.post(
        reverse("admin:programmes_session_change", args=[second.pk]),
        {
            "programme": second.programme_id,
            "room": second.room_id,
            "starts_at_0": "2026-12-02",
            "starts_at_1": "13:00",
            "ends_at_0": "2026-12-02",
            "ends_at_1": "14:00",
            "capacity": second.capacity,
            "status": "scheduled",
            "cancellation_reason": "",
            "bookings-TOTAL_FORMS": "0",
            "bookings-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert "The session was moved; 1 family was told the new time." in moved.text

    # ... then opens the series and saves it, changing nothing.
    saved = client.post(change_url(wednesdays), series_form(wednesdays), follow=True)

    assert saved.status_code == 200
    assert local_times(live(wednesdays)) == [
        "2026-11-25 11:00",
        "2026-12-02 13:00",
        "2026-12-09 11:00",
        "2026-12-16 11:00",
    ]
    assert Session.objects.filter(series=wednesdays).count() == 4
    anna.refresh_from_db()
    assert anna.session_id == second.pk


def test_changing_the_time_shows_a_preview_then_moves_the_sessions_and_tells_the_families(
    client, wednesdays, librarian
):
    client.force_login(librarian)
    first, second, *_ = live(wednesdays)
    book(first, household("anna@example.com", "Anna Hansen"), direct=True)
    book(second, household("ole@example.com"), status=Booking.Status.WAITLISTED, direct=True)
    form = series_form(wednesdays, start_time="12:00", end_time="13:00")

    preview = client.post(change_url(wednesdays), form)

    # Nothing saved yet: the page says what would happen.
    assert preview.status_code == 200
    assert "Check this change before it is saved" in preview.text
    assert "2 families will be told." in preview.text
    moves = preview.text[preview.text.index('id="series-change-moves"') :]
    for day in ("25 Nov 2026", "2 Dec 2026", "9 Dec 2026", "16 Dec 2026"):
        assert day in moves
    assert "11:00–12:00, Luftslottet" in moves
    assert "12:00–13:00, Luftslottet" in moves
    assert "Please correct the error" not in preview.text
    assert local_times(live(wednesdays))[0] == "2026-11-25 11:00"
    assert Series.objects.get(pk=wednesdays.pk).start_time == time(11)
    assert not Outbox.objects.filter(kind="session_moved").exists()

    done = client.post(change_url(wednesdays), {**form, **confirmation_of(preview)}, follow=True)

    assert "4 sessions moved, 2 families were told." in done.text
    assert local_times(live(wednesdays)) == [
        "2026-11-25 12:00",
        "2026-12-02 12:00",
        "2026-12-09 12:00",
        "2026-12-16 12:00",
    ]
    assert Session.objects.filter(series=wednesdays).count() == 4
    assert Series.objects.get(pk=wednesdays.pk).start_time == time(12)
    (anna,) = sent_to("anna@example.com")
    assert anna.subject.startswith("New time: Babydans is now Wednesday")
    assert set(Outbox.objects.filter(kind="session_moved").values_list("recipient", flat=True)) == {
        "anna@example.com",
        "ole@example.com",
    }


def test_changing_the_room_moves_the_sessions_there(client, wednesdays, librarian, sandvika):
    client.force_login(librarian)
    book(live(wednesdays)[0], household("anna@example.com"), direct=True)
    eventyr = RoomFactory(branch=sandvika, name="Eventyrrommet")
    form = series_form(wednesdays, room=eventyr.pk)

    preview = client.post(change_url(wednesdays), form)
    assert "11:00–12:00, Eventyrrommet" in preview.text
    client.post(change_url(wednesdays), {**form, **confirmation_of(preview)})

    assert {s.room for s in live(wednesdays)} == {eventyr}
    assert Session.objects.filter(series=wednesdays).count() == 4
    (told,) = sent_to("anna@example.com")
    assert "Eventyrrommet" in told.body


def test_an_old_preview_does_not_confirm_another_change(client, wednesdays, librarian):
    client.force_login(librarian)
    preview = client.post(
        change_url(wednesdays), series_form(wednesdays, start_time="12:00", end_time="13:00")
    )

    again = client.post(
        change_url(wednesdays),
        {
            **series_form(wednesdays, start_time="14:00", end_time="15:00"),
            **confirmation_of(preview),
        },
    )

    assert again.status_code == 200
    assert "14:00–15:00, Luftslottet" in again.text
    assert local_times(live(wednesdays))[0] == "2026-11-25 11:00"


def test_taking_a_weekday_away_cancels_its_sessions_with_a_reason_and_adds_the_new_day(
    client, wednesdays, librarian
):
    client.force_login(librarian)
    book(live(wednesdays)[1], household("anna@example.com"), direct=True)
    form = series_form(wednesdays, weekdays=["3"])  # Thursdays instead of Wednesdays

    preview = client.post(change_url(wednesdays), form)

    drops = preview.text[preview.text.index('id="series-change-drops"') :]
    assert "2 Dec 2026" in drops
    assert "no longer one of the series' days" in drops
    assert "New sessions:" in preview.text
    assert "Thu 26 Nov 2026" in preview.text
    confirmed = confirmation_of(preview)

    # Confirming without a reason is refused: the families are told it.
    blank = client.post(change_url(wednesdays), {**form, **confirmed})
    assert "Give a reason: the families are told it." in blank.text
    assert len(live(wednesdays)) == 4

    done = client.post(
        change_url(wednesdays),
        {**form, **confirmed, "cancel_reason": "Babydans moves to Thursdays."},
        follow=True,
    )

    assert "3 sessions created, 4 sessions cancelled, 1 family was told." in done.text
    # The series still ends on 16 December.
    assert local_times(live(wednesdays)) == [
        "2026-11-26 11:00",
        "2026-12-03 11:00",
        "2026-12-10 11:00",
    ]
    (told,) = sent_to("anna@example.com")
    assert told.subject.startswith("Cancelled: Babydans")
    assert "Babydans moves to Thursdays." in told.body


def test_an_excluded_date_range_cancels_the_sessions_in_it(client, wednesdays, librarian):
    client.force_login(librarian)
    form = series_form(
        wednesdays, exclusions=[(date(2026, 12, 1), date(2026, 12, 10), "Juleverksted")]
    )

    preview = client.post(change_url(wednesdays), form)

    drops = preview.text[preview.text.index('id="series-change-drops"') :]
    assert "Juleverksted" in drops
    assert "2 Dec 2026" in drops
    assert "9 Dec 2026" in drops
    client.post(
        change_url(wednesdays),
        {**form, **confirmation_of(preview), "cancel_reason": "Juleverksted."},
    )
    assert local_times(live(wednesdays)) == ["2026-11-25 11:00", "2026-12-16 11:00"]
    assert SeriesExclusion.objects.get(series=wednesdays).end_date == date(2026, 12, 10)


def test_a_cancelled_series_stays_cancelled_when_its_title_is_edited(client, wednesdays, librarian):
    client.force_login(librarian)
    changelist = reverse("admin:programmes_series_changelist")
    client.post(
        changelist,
        {
            "action": "cancel_coming_sessions",
            "_selected_action": [wednesdays.pk],
            "apply": "yes",
            "reason": "No more Babydans this autumn.",
        },
    )
    assert live(wednesdays) == []

    page = client.get(change_url(wednesdays))
    assert "This series was cancelled on" in page.text
    edited = client.post(
        change_url(wednesdays), series_form(wednesdays, title="Autumn!"), follow=True
    )

    assert edited.status_code == 200
    assert Series.objects.get(pk=wednesdays.pk).title == "Autumn!"
    assert live(wednesdays) == []
    assert Session.objects.filter(series=wednesdays).count() == 4
    # Its schedule is shown, not offered for change.
    assert 'name="start_time"' not in page.text


def test_the_series_page_lists_its_sessions_as_links_not_as_rows_to_edit(
    client, wednesdays, librarian
):
    client.force_login(librarian)
    first = live(wednesdays)[0]
    book(first, household("anna@example.com"), direct=True)

    page = client.get(change_url(wednesdays))

    assert page.status_code == 200
    session_url = reverse("admin:programmes_session_change", args=[first.pk])
    assert f'<a href="{session_url}">Wed 25 Nov 2026, 11:00–12:00</a>' in page.text
    for editable in ("sessions-0-starts_at", "sessions-0-status", "sessions-0-DELETE"):
        assert editable not in page.text

    # A status sent for a session row anyway changes nothing.
    client.post(
        change_url(wednesdays),
        {
            **series_form(wednesdays),
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "1",
            "sessions-0-id": first.pk,
            "sessions-0-series": wednesdays.pk,
            "sessions-0-status": "cancelled",
            "sessions-0-DELETE": "on",
        },
    )
    first.refresh_from_db()
    assert first.status == Session.Status.SCHEDULED


def test_a_new_series_that_clashes_is_refused_with_the_dates_named(
    client, clock, luftslottet, librarian
):
    client.force_login(librarian)
    SessionFactory(
        room=luftslottet,
        programme=babydans(),
        starts_at=datetime(2026, 12, 9, 10, 30, tzinfo=UTC),  # 11:30 in Oslo
        ends_at=datetime(2026, 12, 9, 11, 30, tzinfo=UTC),
    )
    rim = Programme.objects.create(name="Rim og regler", slug="rim", min_age_months=12)
    new = SeriesFactory.build(
        programme=rim,
        room=luftslottet,
        title="Rim",
        weekdays=[2],
        start_time=time(11),
        end_time=time(12),
        start_date=WEDNESDAYS[0],
        end_date=WEDNESDAYS[-1],
    )

    response = client.post(reverse("admin:programmes_series_add"), series_form(new))

    assert response.status_code == 200
    assert "This change cannot be made" in response.text
    assert "Luftslottet is already in use 9 Dec 2026 11:30–12:30 by Babydans." in response.text
    assert not Series.objects.filter(title="Rim").exists()
    assert "session created" not in response.text


def test_a_change_that_clashes_is_refused_before_anything_is_saved(client, wednesdays, librarian):
    client.force_login(librarian)
    SessionFactory(
        room=wednesdays.room,
        programme=babydans(),
        starts_at=datetime(2026, 12, 2, 12, 30, tzinfo=UTC),  # 13:30 in Oslo
        ends_at=datetime(2026, 12, 2, 13, 30, tzinfo=UTC),
    )

    response = client.post(
        change_url(wednesdays), series_form(wednesdays, start_time="13:00", end_time="14:00")
    )

    assert "Luftslottet is already in use 2 Dec 2026 13:30–14:30 by Babydans." in response.text
    assert 'name="_confirm_change"' not in response.text
    assert Series.objects.get(pk=wednesdays.pk).start_time == time(11)
    assert local_times(live(wednesdays))[0] == "2026-11-25 11:00"


def test_cancelling_the_coming_sessions_lists_them_and_leaves_the_one_under_way(
    client, clock, librarian, luftslottet
):
    """Babydans every day at 08:30 this week: Monday's began at 08:30 and, at 09:00, is
    under way; Tuesday's has a family checked in early (the helper ticked them)."""
    series = SeriesFactory(
        programme=babydans(),
        room=luftslottet,
        weekdays=[0, 1, 2],
        start_time=time(8, 30),
        end_time=time(10),
        start_date=date(2026, 11, 23),
        end_date=date(2026, 11, 25),
    )
    series_generate_sessions(series=series)
    monday, tuesday, wednesday = live(series)
    checked_in = household("early@example.com")
    book(tuesday, checked_in, direct=True)
    Attendance.objects.create(session=tuesday, household=checked_in, attended=True, recorded_at=NOW)
    client.force_login(librarian)
    chosen = {"action": "cancel_coming_sessions", "_selected_action": [series.pk]}

    asked = client.post(reverse("admin:programmes_series_changelist"), chosen)

    assert "1 coming session" in asked.text
    assert "Wed 25 Nov 2026" in asked.text
    assert "Mon 23 Nov 2026" not in asked.text
    assert "Tue 24 Nov 2026" not in asked.text

    client.post(
        reverse("admin:programmes_series_changelist"),
        {**chosen, "apply": "yes", "reason": "Flooding."},
    )
    statuses = [s.status for s in Session.objects.filter(series=series).order_by("starts_at")]
    assert statuses == ["scheduled", "scheduled", "cancelled"]
    assert Series.objects.get(pk=series.pk).cancelled_at == NOW


# -- public holidays and excluded ranges ------------------------------------------------------


def test_a_new_series_leaves_out_the_branchs_public_holidays(client, clock, luftslottet, librarian):
    """Thursdays in March 2027 in Norway: Skjærtorsdag (25 March) has no session."""
    client.force_login(librarian)
    new = SeriesFactory.build(
        programme=babydans(),
        room=luftslottet,
        title="Spring",
        weekdays=[3],
        start_time=time(11),
        end_time=time(12),
        start_date=date(2027, 3, 4),
        end_date=date(2027, 4, 1),
        skip_public_holidays=True,
    )

    response = client.post(reverse("admin:programmes_series_add"), series_form(new), follow=True)

    series = Series.objects.get(title="Spring")
    assert series.skip_public_holidays
    assert [s.series_date for s in live(series)] == [
        date(2027, 3, 4),
        date(2027, 3, 11),
        date(2027, 3, 18),
        date(2027, 4, 1),
    ]
    assert "4 sessions created." in response.text
    page = client.get(change_url(series))
    assert "25 Mar 2027 (Skjærtorsdag)" in page.text


def test_the_add_form_offers_to_leave_out_public_holidays(client, librarian):
    client.force_login(librarian)

    page = client.get(reverse("admin:programmes_series_add"))

    assert page.context["adminform"].form.initial["skip_public_holidays"] is True


def test_leaving_out_holidays_afterwards_cancels_the_sessions_on_them(clock, luftslottet):
    """A Danish branch's Thursday series over Easter 2027: ticking the box drops 25 March."""
    luftslottet.branch.country = "DK"
    luftslottet.branch.save()
    series = SeriesFactory(
        programme=babydans(),
        room=luftslottet,
        weekdays=[3],
        start_date=date(2027, 3, 18),
        end_date=date(2027, 4, 1),
    )
    series_generate_sessions(series=series)
    holiday = Session.objects.get(series=series, series_date=date(2027, 3, 25))
    book(holiday, household("anna@example.com"), direct=True)
    series.skip_public_holidays = True

    change = series_change_preview(series=series, plan=SeriesPlan.of(series), now=NOW)

    assert [(d.session, d.why, d.told) for d in change.drops] == [(holiday, "Skærtorsdag", 1)]
    series.save()
    series_change_apply(series_id=series.pk, change=change, reason="Skærtorsdag.", now=NOW)
    holiday.refresh_from_db()
    assert holiday.status == Session.Status.CANCELLED
    assert Outbox.objects.filter(kind="session_cancelled", recipient="anna@example.com").exists()


# -- the services' rules -----------------------------------------------------------------------


def test_the_preview_counts_the_families_told_and_writes_nothing(wednesdays):
    first = live(wednesdays)[0]
    book(first, household("anna@example.com"), direct=True)
    book(first, household("gone@example.com"), status=Booking.Status.CANCELLED, direct=True)
    wednesdays.start_time, wednesdays.end_time = time(10), time(11)

    change = series_change_preview(series=wednesdays, plan=SeriesPlan.of(wednesdays), now=NOW)

    assert change.told == 1
    assert [m.told for m in change.moves] == [1, 0, 0, 0]
    assert change.needs_confirmation
    assert (change.new_dates, change.drops, change.problems) == ((), (), ())
    assert local_times(live(wednesdays))[0] == "2026-11-25 11:00"


def test_a_session_moved_on_its_own_page_keeps_its_time_when_the_series_moves(wednesdays):
    second = live(wednesdays)[1]
    session_move(
        session_id=second.pk,
        starts_at=second.starts_at + timedelta(hours=4),
        ends_at=second.ends_at + timedelta(hours=4),
        now=NOW,
    )
    wednesdays.start_time, wednesdays.end_time = time(10), time(11)

    change = series_change_preview(series=wednesdays, plan=SeriesPlan.of(wednesdays), now=NOW)

    assert [s.pk for s in change.kept] == [second.pk]
    assert second.pk not in [m.session.pk for m in change.moves]
    wednesdays.save()
    series_change_apply(series_id=wednesdays.pk, change=change, now=NOW)
    assert local_times(live(wednesdays)) == [
        "2026-11-25 10:00",
        "2026-12-02 15:00",
        "2026-12-09 10:00",
        "2026-12-16 10:00",
    ]


def test_a_session_moved_to_another_day_is_not_made_again_on_its_date(wednesdays):
    second = live(wednesdays)[1]
    session_move(
        session_id=second.pk,
        starts_at=second.starts_at + timedelta(days=1),
        ends_at=second.ends_at + timedelta(days=1),
        now=NOW,
    )

    result = series_generate_sessions(series=wednesdays)

    assert result.created == []
    assert result.already_there == 4
    assert Session.objects.filter(series=wednesdays).count() == 4


def test_a_session_is_not_moved_to_a_day_the_series_already_meets(wednesdays):
    first, second, *_ = live(wednesdays)

    with pytest.raises(SessionChangeError, match="The series already has a session on 2 Dec 2026"):
        session_move(
            session_id=first.pk,
            starts_at=second.starts_at + timedelta(hours=3),
            ends_at=second.ends_at + timedelta(hours=3),
            now=NOW,
        )


def test_a_cancelled_series_makes_no_sessions(wednesdays):
    series_cancel(series_id=wednesdays.pk, reason="Closed.", now=NOW)
    wednesdays.refresh_from_db()
    wednesdays.end_date = date(2027, 1, 27)

    with pytest.raises(Exception, match="This series is cancelled"):
        series_generate_sessions(series=wednesdays)
    assert (
        series_change_preview(series=wednesdays, plan=SeriesPlan.of(wednesdays), now=NOW).new_dates
        == ()
    )


def test_a_change_after_a_session_began_since_the_preview_is_refused(wednesdays, clock):
    wednesdays.start_time, wednesdays.end_time = time(12), time(13)
    change = series_change_preview(series=wednesdays, plan=SeriesPlan.of(wednesdays), now=NOW)
    wednesdays.save()
    later = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)  # Wednesday's session has begun

    with pytest.raises(SessionChangeError, match="has begun or changed since the preview"):
        series_change_apply(series_id=wednesdays.pk, change=change, now=later)


def test_a_session_cannot_be_moved_to_a_time_of_today_that_has_passed(clock, luftslottet):
    """Monday 23 November at 09:00: today's 15:00 session cannot go to 08:00."""
    series = SeriesFactory(
        programme=babydans(),
        room=luftslottet,
        weekdays=[0],
        start_time=time(15),
        end_time=time(16),
        start_date=date(2026, 11, 23),
        end_date=date(2026, 11, 30),
    )
    series_generate_sessions(series=series)
    series.start_time, series.end_time = time(8), time(9)

    change = series_change_preview(series=series, plan=SeriesPlan.of(series), now=NOW)

    assert [why for _day, why in change.problems] == [
        "The session of 23 Nov 2026 cannot move to 08:00: that time has passed."
    ]
    with pytest.raises(SessionChangeError, match="Nothing was saved"):
        series_change_apply(series_id=series.pk, change=change, now=NOW)
