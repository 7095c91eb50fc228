"""Who a signed-in user is to the partners: a coordinator of one organisation, a librarian."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from partners.models import ContactPerson, PartnerOrganisation, Partnership
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


def organisations_for_user(user: User | AnonymousUser) -> QuerySet[PartnerOrganisation]:
    """A librarian: the partners with a partnership at one of their branches."""
    if user.is_superuser:
        return PartnerOrganisation.objects.all()
    return PartnerOrganisation.objects.filter(
        pk__in=Partnership.objects.filter(branch__in=branches_for_user(user=user)).values(
            "organisation_id"
        )
    )


def contacts_for_user(
    queryset: QuerySet[ContactPerson], user: User | AnonymousUser
) -> QuerySet[ContactPerson]:
    """A librarian: the library's own contacts at their branches, and the contacts of the
    partners working at them; another branch's are that branch's to see and change."""
    if user.is_superuser:
        return queryset
    return queryset.filter(
        Q(organisation__isnull=True, branch__in=branches_for_user(user=user))
        | Q(organisation__in=organisations_for_user(user))
    )
