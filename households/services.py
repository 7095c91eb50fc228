from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from households.models import Child, Household


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
