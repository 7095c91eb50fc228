"""Librarians see and edit only their branches' rows; superusers see everything.

A model takes part by naming the path to its branch in ``BRANCH_PATH``; every admin and
inline built on ``BranchScopedAdminMixin`` filters its rows and its foreign-key choices
along that path, so a librarian can neither see another branch's rows nor point one of
theirs at another branch's room.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import HttpRequest

# From a branch to the librarians who work there (programmes.BranchMembership).
BRANCH_MEMBERS = "memberships__user"


def scope_to_user_branches(queryset: QuerySet, user: User | AnonymousUser) -> QuerySet:
    """The rows of ``queryset`` at the branches ``user`` works at; a superuser: all."""
    path = getattr(queryset.model, "BRANCH_PATH", None)
    if path is None or user.is_superuser:
        return queryset
    if not user.is_active:
        return queryset.none()
    to_members = BRANCH_MEMBERS if path == "pk" else f"{path}__{BRANCH_MEMBERS}"
    return queryset.filter(**{to_members: user})


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
