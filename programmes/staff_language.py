"""The language a member of staff works in, on the admin and the staff pages (the helpers',
the coordinator's, the reports), whatever address or browser they come from.

Their own choice when they made one (StaffProfile.language: the "My language" page, the
site's language menu while signed in, or a superuser on the user's page); otherwise the
language of the branches they work at (the most common among them, the first by name on
a tie); otherwise none, and the page speaks the address's or the browser's language, as it
does for anyone signed out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User

from programmes.models import BranchMembership, StaffProfile

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def staff_language(*, user: User | AnonymousUser) -> str | None:
    """The user's own language, else their branches'; None for neither. One query."""
    if not user.is_authenticated:
        return None
    rows = list(
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list("staff_profile__language", "branch_memberships__branch__language")
        .order_by("branch_memberships__branch__name", "branch_memberships__branch__pk")
    )
    own = next((own for own, _branch in rows if own), None)
    if own in LANGUAGE_CODES:
        return own
    return _most_common(branch for _own, branch in rows)


def _most_common(languages: Iterable[str | None]) -> str | None:
    """The language most of the branches speak; on a tie, the first branch's."""
    counted = Counter(code for code in languages if code in LANGUAGE_CODES)
    # Counter keeps the order first met among equal counts.
    return counted.most_common(1)[0][0] if counted else None


def branches_language(*, user: User | AnonymousUser) -> str | None:
    """What the user's branches speak: the language they get without a choice of their own."""
    if not user.is_authenticated:
        return None
    return _most_common(
        BranchMembership.objects.filter(user_id=user.pk)
        .order_by("branch__name", "branch__pk")
        .values_list("branch__language", flat=True)
    )


def own_language(*, user: User | AnonymousUser) -> str:
    """The user's own choice; "" when they have none."""
    if not user.is_authenticated:
        return ""
    return (
        StaffProfile.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
        or ""
    )


def staff_language_set(*, user: User, language: str) -> StaffProfile:
    """Keep ``language`` as the user's own ("" to follow their branches again)."""
    if language and language not in LANGUAGE_CODES:
        raise ValueError(f"not a language of the site: {language!r}")
    profile, _created = StaffProfile.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return profile
