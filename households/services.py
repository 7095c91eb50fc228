from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import DomainError
from households.models import Child, Household


class HouseholdError(DomainError):
    pass


@dataclass(frozen=True)
class ChildInput:
    first_name: str
    birth_month: date  # the first day of the month


def normalise_email(email: str) -> str:
    return email.strip().lower()


def household_get_or_create(
    *,
    email: str,
    name: str,
    phone: str,
    language: str,
    consents_to_followups: bool,
    now: datetime,
) -> tuple[Household, bool]:
    """The household of the e-mail, made on its first booking; and whether it was just made.

    Anyone can type an e-mail address into a form, so a form never changes a household that
    already exists: its name, language and consent change only through its own signed link
    (household_update_preferences).
    """
    return Household.objects.get_or_create(
        email=normalise_email(email),
        defaults={
            "name": name,
            "phone": phone,
            "language": language,
            "consents_to_followups": consents_to_followups,
            "privacy_accepted_at": now,
        },
    )


def party_children(
    *, household: Household, children: list[ChildInput], household_is_new: bool
) -> list[Child]:
    """The children of one booking's, referral's or walk-in's party.

    A household made by this very form gets them as its own. For a household that already
    existed, the form adds nothing to it (anyone can type its address): a child it already
    has (same first name and birth month) is that child, any other belongs to this party
    alone (Child.household empty), and the household adds it only through its signed link.
    """
    if household_is_new:
        return [
            Child.objects.get_or_create(
                household=household,
                first_name=child.first_name.strip(),
                birth_month=child.birth_month,
            )[0]
            for child in children
        ]
    own = {(c.first_name.casefold(), c.birth_month): c for c in household.children.all()}
    return [
        own.get((child.first_name.strip().casefold(), child.birth_month))
        or Child.objects.create(
            household=None, first_name=child.first_name.strip(), birth_month=child.birth_month
        )
        for child in children
    ]


def household_update_preferences(
    *, household: Household, language: str, consents_to_followups: bool
) -> Household:
    household.language = language
    household.consents_to_followups = consents_to_followups
    household.save(update_fields=["language", "consents_to_followups"])
    return household


def household_stop_invitations(*, household: Household) -> None:
    """The unsubscribe link: no more follow-ups or invitations (bookings are still told)."""
    if household.consents_to_followups:
        household.consents_to_followups = False
        household.save(update_fields=["consents_to_followups"])


# The longest a name or number may be, as the columns hold them.
NAME_MAX = cast(int, Household._meta.get_field("name").max_length)
PHONE_MAX = cast(int, Household._meta.get_field("phone").max_length)
CHILD_NAME_MAX = cast(int, Child._meta.get_field("first_name").max_length)


def household_correct(
    *, household: Household, name: str, phone: str, child_names: Mapping[int, str]
) -> list[str]:
    """The family corrects what it gave us: the parent's name, the phone number and the
    first names of the household's own children (``child_names``: child pk -> first name;
    a child only on one booking's party is not the household's to rename).

    All or nothing: on any error nothing changes. Returns what changed, by field ("name",
    "phone", "child:<pk>"), never the values.
    """
    name, phone = name.strip(), phone.strip()
    if not name:
        raise HouseholdError(_("Please write the parent's name."))
    if len(name) > NAME_MAX or len(phone) > PHONE_MAX:
        raise HouseholdError(_("The name or the phone number is too long."))
    with transaction.atomic():
        children = {
            child.pk: child
            for child in Child.objects.select_for_update().filter(household=household)
        }
        renamed: list[Child] = []
        for pk, first_name in child_names.items():
            child = children.get(pk)
            if child is None:
                raise HouseholdError(_("Only your own children's names can be corrected here."))
            first_name = first_name.strip()
            if not first_name or len(first_name) > CHILD_NAME_MAX:
                raise HouseholdError(_("Please write each child's first name."))
            if first_name != child.first_name:
                child.first_name = first_name
                renamed.append(child)
        names = [(c.first_name.casefold(), c.birth_month) for c in children.values()]
        if len(set(names)) < len(names):
            raise HouseholdError(
                _("Two of your children would have the same name and birth month.")
            )
        changed = [
            field
            for field, value in (("name", name), ("phone", phone))
            if getattr(household, field) != value
        ]
        household.name, household.phone = name, phone
        if changed:
            household.save(update_fields=changed)
        if len(renamed) > 1:
            # Twins whose names are swapped: out of each other's way first, as the database
            # checks each row's name as it is written.
            for child in renamed:
                Child.objects.filter(pk=child.pk).update(first_name=f"#{child.pk}")
        for child in renamed:
            child.save(update_fields=["first_name"])
    return [*changed, *(f"child:{child.pk}" for child in renamed)]
