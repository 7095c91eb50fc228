"""Librarians see and edit only their branches' rows; superusers see everything.

A model takes part by naming the path from its rows to their branch in ``BRANCH_PATH``
("pk" on the branch itself); every admin and inline built on ``BranchScopedAdminMixin``
filters its rows and its foreign-key choices along that path, so a librarian can neither
see another branch's rows nor point one of theirs at another branch's room.

Two more kinds of row take part the same way:

- A row may reach branches through a one-to-many or many-to-many relation, as a volunteer
  reaches them through their organisation's partnerships: it is at every branch so
  reached, and it is found through a subquery, so that it is listed once.
- A row may reach branches by several routes, each a path in a tuple ``BRANCH_PATH``, as a
  household reaches them through its bookings, its enrolments and its attendance: it is at
  every branch any route reaches (found through a subquery, listed once).
- A row that belongs to a partner organisation names the path to that organisation in
  ``PARTNER_PATH``: the organisation's coordinators (its contact persons who sign in) see
  it too, wherever they work, besides whatever their branches show them.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

# From a branch to the librarians who work there (programmes.BranchMembership).
BRANCH_MEMBERS = "memberships__user"
# From a partner organisation to its coordinators' logins (partners.ContactPerson).
PARTNER_MEMBERS = "contacts__user"


def _crosses_to_many(model: type[Model], path: str) -> bool:
    related: type[Model] | None = model
    for name in path.split("__"):
        if name == "pk" or related is None:
            return False
        field = related._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        related = field.related_model
    return False


def scope_to_user_branches(queryset: QuerySet, user: User | AnonymousUser) -> QuerySet:
    """The rows of ``queryset`` at the branches ``user`` works at, and those of the
    partner organisation they coordinate for (PARTNER_PATH); a superuser: all."""
    model = queryset.model
    branch_path: str | tuple[str, ...] | None = getattr(model, "BRANCH_PATH", None)
    partner_path = getattr(model, "PARTNER_PATH", None)
    if (branch_path is None and partner_path is None) or user.is_superuser:
        return queryset
    if not user.is_active:
        return queryset.none()
    branch_paths = (branch_path,) if isinstance(branch_path, str) else branch_path or ()
    routes = [
        BRANCH_MEMBERS if path == "pk" else f"{path}__{BRANCH_MEMBERS}" for path in branch_paths
    ]
    if len(routes) == 1 and partner_path is None and not _crosses_to_many(model, branch_paths[0]):
        return queryset.filter(**{routes[0]: user})
    if partner_path is not None:
        routes.append(f"{partner_path}__{PARTNER_MEMBERS}")
    # One subquery per route: routes across different to-many relations joined in one query
    # would multiply each other's rows.
    reached = Q()
    for route in routes:
        reached |= Q(pk__in=model._base_manager.filter(**{route: user}).values("pk"))
    return queryset.filter(reached)


class BranchScopedAdminMixin(BaseModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_to_user_branches(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and field.queryset is not None:
            field.queryset = scope_to_user_branches(field.queryset, request.user)
        return field


class ScopedModelAdmin(BranchScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedTabularInline(BranchScopedAdminMixin, admin.TabularInline):
    pass
