"""Who a signed-in user is to the partners: a coordinator of one organisation, a librarian."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from partners.models import ContactPerson, Partnership
from programmes.selectors import branches_for_user


def coordinator_of(*, user: User | AnonymousUser) -> ContactPerson | None:
    """The user's contact person at a partner organisation, if they coordinate for one."""
    if not user.is_authenticated or not user.is_active:
        return None
    contact = ContactPerson.objects.filter(user=user, organisation__isnull=False).first()
    return contact


def partnerships_for_user(*, user: User | AnonymousUser) -> QuerySet[Partnership]:
    """A coordinator: the partnerships they coordinate. Staff: those at their branches."""
    contact = coordinator_of(user=user)
    if contact is not None:
        return Partnership.objects.filter(coordinators=contact)
    if not user.is_authenticated:
        return Partnership.objects.none()
    return Partnership.objects.filter(branch__in=branches_for_user(user=user))
