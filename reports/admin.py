"""Admin for what impact is measured against: questionnaires and their answers, and funded
projects with their targets.

Answers are written through reports.services.questionnaire_answer, the same rules as
anywhere else; the admin checks them first, so a mistake is shown on the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_scoping import ScopedModelAdmin, scope_to_user_branches
from courses.models import Enrolment
from programmes.models import Programme
from programmes.selectors import branches_for_user
from reports.funding import projects_for_user
from reports.models import (
    FunderProject,
    ProjectTarget,
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
)
from reports.services import (
    ANSWERING,
    ReportError,
    questionnaire_answer,
    questionnaire_answers_check,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

SCALE = [
    ("", "---------"),
    (1, _("1 – not at all")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – very much")),
]


# -- questionnaires ------------------------------------------------------------------------


class QuestionnaireItemInline(admin.TabularInline):
    model = QuestionnaireItem
    extra = 3
    fields = ("position", "text")


class ItemTotal(TypedDict):
    item_total: int


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "item_count")
    list_select_related = ("programme",)
    search_fields = ("title", "programme__name")
    inlines = (QuestionnaireItemInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("items"))

    @admin.display(description=_("statements"), ordering="item_total")
    def item_count(self, obj: WithAnnotations[Questionnaire, ItemTotal]) -> int:
        return obj.item_total

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme":
            # Answers belong to course enrolments: only a course has a before and an after.
            kwargs["queryset"] = Programme.objects.filter(booking_mode=Programme.BookingMode.COURSE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# -- a family's answers --------------------------------------------------------------------


def _answering_enrolments(request: HttpRequest) -> QuerySet[Enrolment]:
    """Families on the user's branches' courses whose programme has a questionnaire."""
    has_questionnaire = Questionnaire.objects.filter(
        programme=OuterRef("course__series__programme")
    )
    enrolments = Enrolment.objects.filter(Exists(has_questionnaire), status__in=ANSWERING)
    return (
        scope_to_user_branches(enrolments, request.user)
        .select_related("household", "course__series__programme", "course__series__room__branch")
        .order_by("course__series__programme__name", "-course__series__start_date", "household")
    )


def _items_for(request: HttpRequest, obj: QuestionnaireResponse | None) -> QuerySet:
    """The statements a response may answer: those of its family's questionnaire; on a new
    response before a family is chosen, of the family in the address (``?enrolment=``),
    else of every questionnaire the user's families answer."""
    enrolments = _answering_enrolments(request)
    if obj is not None and obj.enrolment_id:
        enrolments = Enrolment.objects.filter(pk=obj.enrolment_id)
    else:
        chosen = request.GET.get("enrolment", "")
        if chosen.isdigit() and enrolments.filter(pk=chosen).exists():
            enrolments = enrolments.filter(pk=chosen)
    programmes = enrolments.values("course__series__programme")
    return QuestionnaireItem.objects.filter(questionnaire__programme__in=programmes).select_related(
        "questionnaire"
    )


class AnswerFormSet(forms.BaseInlineFormSet):
    def answers(self) -> dict[int, int]:
        """Item id → value, of the rows kept (call after validation)."""
        found = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("item") or data.get("value") in (None, ""):
                continue
            found[data["item"].pk] = int(data["value"])
        return found

    def clean(self) -> None:
        if any(self.errors):
            return
        items = [
            form.cleaned_data["item"].pk
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("item")
        ]
        if len(items) != len(set(items)):
            raise ValidationError(_("Each statement is answered once."))
        super().clean()
        response = self.instance
        if not (response.enrolment_id and response.moment and response.answered_on):
            return  # the form above has its own errors to show first
        try:
            questionnaire_answers_check(
                enrolment=response.enrolment,
                moment=response.moment,
                answers=self.answers(),
                answered_on=response.answered_on,
            )
        except ReportError as error:
            raise ValidationError(str(error)) from error


class AnswerInline(admin.TabularInline):
    model = QuestionnaireAnswer
    formset = AnswerFormSet
    fields = ("item", "value")
    extra = 0
    verbose_name_plural = _("answers (1 = not at all, 5 = very much)")

    def get_formset(self, request, obj=None, **kwargs):
        self._items = _items_for(request, obj)
        return super().get_formset(request, obj, **kwargs)

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return len(_unanswered(self._items, obj))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "value":
            # A statement left without a value was not answered: the row is not saved.
            return forms.TypedChoiceField(
                label=db_field.verbose_name,
                choices=SCALE,
                coerce=int,
                empty_value=None,
                required=False,
            )
        if db_field.name == "item":
            kwargs["queryset"] = self._items
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _unanswered(items: QuerySet, obj: QuestionnaireResponse | None) -> list[QuestionnaireItem]:
    if obj is None or obj.pk is None:
        return list(items)
    answered = set(obj.answers.values_list("item_id", flat=True))
    return [item for item in items if item.pk not in answered]


class QuestionnaireResponseForm(forms.ModelForm):
    class Meta:
        model = QuestionnaireResponse
        fields = ("enrolment", "moment", "answered_on")


class AnswerTotal(TypedDict):
    answer_total: int


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(ScopedModelAdmin):
    form = QuestionnaireResponseForm
    list_display = ("family", "course", "moment", "answered_on", "answer_count")
    list_filter = (
        "moment",
        ("enrolment__course__series__programme", admin.RelatedOnlyFieldListFilter),
        ("enrolment__course__series__room__branch", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = (
        "enrolment__household",
        "enrolment__course__series__programme",
        "enrolment__course__series__room__branch",
    )
    search_fields = ("enrolment__household__name",)
    date_hierarchy = "answered_on"
    inlines = (AnswerInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_total=Count("answers"))

    @admin.display(description=_("family"), ordering="enrolment__household__name")
    def family(self, obj: QuestionnaireResponse) -> str:
        return obj.enrolment.household.name

    @admin.display(description=_("course"))
    def course(self, obj: QuestionnaireResponse) -> str:
        return str(obj.enrolment.course)

    @admin.display(description=_("answers"), ordering="answer_total")
    def answer_count(self, obj: WithAnnotations[QuestionnaireResponse, AnswerTotal]) -> int:
        return obj.answer_total

    def get_readonly_fields(self, request, obj=None):
        # Another family or moment is another response: add it, do not move this one.
        return ("enrolment", "moment") if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "enrolment":
            kwargs["queryset"] = _answering_enrolments(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        # A form's initial data may be any value, not only the address's strings.
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        initial.setdefault("answered_on", timezone.localdate())
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AnswerInline) and request.method != "POST":
            # One row per statement still to answer: the librarian only picks the values.
            kwargs["initial"] = [{"item": item.pk} for item in _unanswered(inline._items, obj)]
        return kwargs

    def save_model(self, request, obj, form, change) -> None:
        """Saved with its answers in save_related, through the service."""

    def construct_change_message(self, request, form, formsets, add=False):
        # The answers were written by the service, not by the formsets' own save().
        return super().construct_change_message(request, form, [], add)

    def save_related(self, request, form, formsets, change) -> None:
        answers = {}
        for formset in formsets:
            if isinstance(formset, AnswerFormSet):
                answers.update(formset.answers())
        obj = form.instance
        response = questionnaire_answer(
            enrolment=obj.enrolment,
            moment=obj.moment,
            answers=answers,
            answered_on=obj.answered_on,
        )
        # The admin goes on with the form's object: its log entry and the page it returns to.
        obj.pk = response.pk
        obj._state.adding = False


# -- funded projects -----------------------------------------------------------------------


class ProjectTargetInline(admin.TabularInline):
    model = ProjectTarget
    extra = 1
    fields = ("measure", "target")


@admin.register(FunderProject)
class FunderProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "funder", "starts_on", "ends_on", "report_link")
    list_filter = ("funder",)
    search_fields = ("name", "funder", "description")
    date_hierarchy = "starts_on"
    filter_horizontal = ("programmes", "branches")
    inlines = (ProjectTargetInline,)
    readonly_fields = ("report_link",)
    fields = (
        "name",
        "funder",
        ("starts_on", "ends_on"),
        "programmes",
        "branches",
        "description",
        "report_link",
    )

    def get_queryset(self, request):
        return projects_for_user(user=request.user, queryset=super().get_queryset(request))

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        # Saving keeps only the branches the form offers, the librarian's own: a project
        # shared with other branches is changed by a superuser, so none is dropped.
        own = set(branches_for_user(user=request.user).values_list("pk", flat=True))
        return set(obj.branches.values_list("pk", flat=True)) <= own

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "branches":
            kwargs["queryset"] = branches_for_user(user=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("report"))
    def report_link(self, obj: FunderProject) -> str:
        if obj.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("project_reports:detail", args=[obj.pk]),
            _("View report"),
        )
