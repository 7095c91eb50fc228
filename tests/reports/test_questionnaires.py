"""A course's questionnaire: answers recorded through the service (and the admin), and the
means before and after worked out by hand."""

from datetime import date

import pytest
from django.urls import reverse

from courses.models import Enrolment
from programmes.models import Programme
from reports.models import QuestionnaireAnswer, QuestionnaireResponse
from reports.questionnaires import questionnaire_results
from reports.services import ReportError, questionnaire_answer

from .funding_support import branch, child, course, enrol, household, programme, questionnaire, room

pytestmark = pytest.mark.django_db

BEFORE, AFTER = QuestionnaireResponse.Moment.BEFORE, QuestionnaireResponse.Moment.AFTER
YEAR = {"starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31)}


@pytest.fixture
def club():
    ballerup, herlev = branch("Ballerup"), branch("Herlev")
    club = programme("Småbørnsklub", Programme.BookingMode.COURSE)
    _, items = questionnaire(club, "My child is doing well.", "We enjoy playing together.")
    spring = course(club, room(ballerup), date(2026, 2, 3), date(2026, 6, 30))
    last_year = course(club, room(ballerup), date(2025, 2, 4), date(2025, 6, 24))
    at_herlev = course(club, room(herlev), date(2026, 2, 4), date(2026, 6, 24))
    return {
        "ballerup": ballerup,
        "herlev": herlev,
        "programme": club,
        "items": items,
        "spring": spring,
        "last_year": last_year,
        "at_herlev": at_herlev,
    }


def family_on(on, status=Enrolment.Status.ENROLLED) -> Enrolment:
    who = household()
    return enrol(on, who, [child(who, "Kid")], status=status)


def answer(enrolment, moment, items, *values, day=date(2026, 2, 3)):
    return questionnaire_answer(
        enrolment=enrolment,
        moment=moment,
        answers={item.pk: value for item, value in zip(items, values, strict=False) if value},
        answered_on=day,
        today=date(2026, 12, 31),
    )


def test_means_before_and_after_and_the_paired_change(club):
    well, play = club["items"]
    first, second, left = (family_on(club["spring"]) for _ in range(3))
    answer(first, BEFORE, club["items"], 3, 2)
    answer(first, AFTER, club["items"], 4, 4)
    answer(second, BEFORE, club["items"], 2, 2)
    answer(second, AFTER, club["items"], 4, None)  # skipped the second statement
    answer(left, BEFORE, club["items"], 1, 3)  # left the course early
    # Not counted: last year's course and the course at Herlev.
    answer(family_on(club["last_year"]), BEFORE, club["items"], 1, 1, day=date(2025, 2, 4))
    answer(family_on(club["at_herlev"]), BEFORE, club["items"], 5, 5)

    results = questionnaire_results(
        programme_ids=[club["programme"].pk], branch_ids=[club["ballerup"].pk], **YEAR
    )

    assert [r.text for r in results] == ["My child is doing well.", "We enjoy playing together."]
    doing_well, playing = results
    # Before: (3 + 2 + 1) / 3 = 2.0; after: (4 + 4) / 2 = 4.0. The two who answered both:
    # (3 + 2) / 2 = 2.5 before, 4.0 after, +1.5.
    assert (doing_well.before_count, doing_well.before_mean) == (3, 2.0)
    assert (doing_well.after_count, doing_well.after_mean) == (2, 4.0)
    assert doing_well.change == 2.0
    assert doing_well.paired_count == 2
    assert (doing_well.paired_before_mean, doing_well.paired_after_mean) == (2.5, 4.0)
    assert doing_well.paired_change == 1.5
    # Before: (2 + 2 + 3) / 3; after: only the first family, 4; paired: that family, 2 → 4.
    assert playing.before_count == 3
    assert playing.before_mean == pytest.approx(7 / 3)
    assert (playing.after_count, playing.after_mean) == (1, 4.0)
    assert playing.change == pytest.approx(4 - 7 / 3)
    assert (playing.paired_count, playing.paired_change) == (1, 2.0)
    assert (playing.programme, playing.questionnaire) == ("Småbørnsklub", "Trivsel og samspil")


def test_every_branch_and_programme_when_not_narrowed_and_none_when_empty(club):
    answer(family_on(club["spring"]), BEFORE, club["items"], 2, 2)
    answer(family_on(club["at_herlev"]), BEFORE, club["items"], 4, 4)

    everywhere = questionnaire_results(programme_ids=None, branch_ids=None, **YEAR)
    no_branch = questionnaire_results(programme_ids=None, branch_ids=[], **YEAR)

    assert [(r.before_count, r.before_mean, r.after_mean) for r in everywhere] == [
        (2, 3.0, None),
        (2, 3.0, None),
    ]
    assert everywhere[0].change is None
    assert no_branch == []


def test_a_course_that_overlaps_the_period_counts_with_both_its_answers(club):
    """The spring course ends in June: a period from May still sees its start answers."""
    enrolment = family_on(club["spring"])
    answer(enrolment, BEFORE, club["items"], 2, 3)
    answer(enrolment, AFTER, club["items"], 4, 4, day=date(2026, 6, 30))

    results = questionnaire_results(
        programme_ids=None,
        branch_ids=None,
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 31),
    )

    assert [(r.before_mean, r.after_mean, r.paired_count) for r in results] == [
        (2.0, 4.0, 1),
        (3.0, 4.0, 1),
    ]


def test_the_results_are_one_query(club, django_assert_num_queries):
    for _ in range(4):
        enrolment = family_on(club["spring"])
        answer(enrolment, BEFORE, club["items"], 2, 3)
        answer(enrolment, AFTER, club["items"], 3, 4)

    with django_assert_num_queries(1):
        questionnaire_results(programme_ids=None, branch_ids=None, **YEAR)


def test_answering_the_same_moment_again_replaces_the_answers(club):
    enrolment = family_on(club["spring"])
    answer(enrolment, BEFORE, club["items"], 2, 3)

    answer(enrolment, BEFORE, club["items"], 4, None)

    response = QuestionnaireResponse.objects.get()
    assert list(response.answers.values_list("item__text", "value")) == [
        ("My child is doing well.", 4)
    ]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("zero", "Every answer is a whole number from 1 to 5."),
        ("six", "Every answer is a whole number from 1 to 5."),
        ("text", "Every answer is a whole number from 1 to 5."),
        ("another questionnaire's statement", "Some answers are not to statements of"),
        ("nothing", "Give at least one answer."),
        ("no such moment", "at the start or at the end"),
        ("next year", "cannot be dated in the future"),
        ("only referred", "had a place on the course"),
    ],
)
def test_answers_that_cannot_be_used_are_refused_with_a_reason(club, case, message):
    _, (elsewhere,) = questionnaire(programme("Legestue", Programme.BookingMode.COURSE), "Other.")
    status = Enrolment.Status.REFERRED if case == "only referred" else Enrolment.Status.ENROLLED
    enrolment = family_on(club["spring"], status=status)
    item = club["items"][0].pk
    answers = {
        "zero": {item: 0},
        "six": {item: 6},
        "text": {item: "3"},
        "another questionnaire's statement": {item: 3, elsewhere.pk: 3},
        "nothing": {},
    }.get(case, {item: 3})

    with pytest.raises(ReportError, match=message):
        questionnaire_answer(
            enrolment=enrolment,
            moment="during" if case == "no such moment" else BEFORE,
            answers=answers,
            answered_on=date(2027, 1, 1) if case == "next year" else date(2026, 2, 3),
            today=date(2026, 12, 31),
        )
    assert not QuestionnaireResponse.objects.exists()


def test_a_programme_without_a_questionnaire_takes_no_answers():
    plain = programme("Legestue", Programme.BookingMode.COURSE)
    enrolment = family_on(
        course(plain, room(branch("Ballerup")), date(2026, 2, 3), date(2026, 6, 30))
    )

    with pytest.raises(ReportError, match="Legestue has no questionnaire"):
        questionnaire_answer(
            enrolment=enrolment, moment=BEFORE, answers={1: 3}, answered_on=date(2026, 2, 3)
        )


# -- the admin ---------------------------------------------------------------------------


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


def test_a_librarian_enters_a_familys_answers_in_the_admin(club, client, make_librarian):
    client.force_login(make_librarian(club["ballerup"]))
    enrolment = family_on(club["spring"])
    well, play = club["items"]
    add = reverse("admin:reports_questionnaireresponse_add")

    page = client.get(add, {"enrolment": enrolment.pk})

    # One row per statement, ready for its value.
    assert page.status_code == 200
    assert page.context["inline_admin_formsets"][0].formset.initial_form_count() == 0
    assert [f.initial.get("item") for f in page.context["inline_admin_formsets"][0].formset] == [
        well.pk,
        play.pk,
    ]

    response = client.post(
        f"{add}?enrolment={enrolment.pk}",
        {
            "enrolment": enrolment.pk,
            "moment": BEFORE,
            "answered_on": "2026-02-03",
            **formset("answers", [{"item": well.pk, "value": "2"}, {"item": play.pk, "value": ""}]),
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    saved = QuestionnaireResponse.objects.get()
    assert (saved.enrolment, saved.moment) == (enrolment, BEFORE)
    assert list(saved.answers.values_list("item", "value")) == [(well.pk, 2)]


def test_the_admin_shows_a_mistake_and_saves_nothing(club, client, make_librarian):
    client.force_login(make_librarian(club["ballerup"]))
    enrolment = family_on(club["spring"])
    well, _ = club["items"]

    response = client.post(
        reverse("admin:reports_questionnaireresponse_add"),
        {
            "enrolment": enrolment.pk,
            "moment": BEFORE,
            "answered_on": "2026-02-03",
            **formset(
                "answers", [{"item": well.pk, "value": "2"}, {"item": well.pk, "value": "4"}]
            ),
        },
    )

    assert response.status_code == 200
    assert "Each statement is answered once." in response.content.decode()
    assert not QuestionnaireAnswer.objects.exists()


def test_a_librarian_sees_and_chooses_only_their_branches_families(club, client, make_librarian):
    client.force_login(make_librarian(club["ballerup"]))
    theirs = family_on(club["spring"])
    elsewhere = family_on(club["at_herlev"])
    answer(theirs, BEFORE, club["items"], 2, 2)
    answer(elsewhere, BEFORE, club["items"], 4, 4)
    family_on(club["spring"], status=Enrolment.Status.REFERRED)  # never started: not offered

    listing = client.get(reverse("admin:reports_questionnaireresponse_changelist"))
    choices = (
        client.get(reverse("admin:reports_questionnaireresponse_add"))
        .context["adminform"]
        .form.fields["enrolment"]
        .queryset
    )
    refused = client.post(
        reverse("admin:reports_questionnaireresponse_add"),
        {
            "enrolment": elsewhere.pk,
            "moment": AFTER,
            "answered_on": "2026-06-24",
            **formset("answers", [{"item": club["items"][0].pk, "value": "5"}]),
        },
    )

    assert list(listing.context["cl"].result_list) == [theirs.questionnaire_responses.get()]
    assert list(choices) == [theirs]
    assert refused.status_code == 200
    assert not QuestionnaireResponse.objects.filter(moment=AFTER).exists()


def test_correcting_answers_in_the_admin_replaces_them(club, client, make_librarian):
    client.force_login(make_librarian(club["ballerup"]))
    well, play = club["items"]
    response = answer(family_on(club["spring"]), BEFORE, club["items"], 2, None)
    change = reverse("admin:reports_questionnaireresponse_change", args=[response.pk])
    kept = response.answers.get()

    page = client.get(change)
    # The answer given, and a row for the statement still unanswered.
    rows = page.context["inline_admin_formsets"][0].formset
    assert [(f.instance.pk, f.initial.get("item")) for f in rows] == [
        (kept.pk, well.pk),
        (None, play.pk),
    ]

    saved = client.post(
        change,
        {
            "answered_on": "2026-02-10",
            **formset(
                "answers",
                [
                    {"id": kept.pk, "response": response.pk, "item": well.pk, "value": ""},
                    {"response": response.pk, "item": play.pk, "value": "3"},
                ],
                initial=1,
            ),
        },
    )

    assert saved.status_code == 302
    response.refresh_from_db()
    assert response.answered_on == date(2026, 2, 10)
    # Clearing a value takes the answer away; the new one is added.
    assert list(response.answers.values_list("item", "value")) == [(play.pk, 3)]


def test_a_librarian_reads_a_questionnaire_but_cannot_change_or_delete_it(
    club, client, make_librarian
):
    librarian = make_librarian(club["ballerup"])
    client.force_login(librarian)
    questionnaire = club["programme"].questionnaire
    well, _ = club["items"]

    page = client.get(reverse("admin:reports_questionnaire_change", args=[questionnaire.pk]))

    assert page.status_code == 200
    assert "My child is doing well." in page.text
    assert 'name="_save"' not in page.text  # a page to read, without a save button
    for name in ("change", "delete"):
        for model in ("questionnaire", "questionnaireitem"):
            assert not librarian.has_perm(f"reports.{name}_{model}")
    deleted = client.post(
        reverse("admin:reports_questionnaire_delete", args=[questionnaire.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert questionnaire.items.filter(pk=well.pk).exists()
