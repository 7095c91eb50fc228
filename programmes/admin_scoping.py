"""Librarians see and edit only their branches' rows; superusers see everything.

A model takes part by naming the path to its branch in ``BRANCH_PATH``; every admin and
inline built on ``BranchScopedAdminMixin`` filters its rows and its foreign-key choices
along that path, so a librarian can neither see another branch's rows nor point one of
theirs at another branch's room.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .selectors import branches_for_user


def scope_to_user_branches(queryset: QuerySet, user) -> QuerySet:
    path = getattr(queryset.model, "BRANCH_PATH", None)
    if path is None or user.is_superuser:
        return queryset
    return queryset.filter(**{f"{path}__in": branches_for_user(user=user)})


class BranchScopedAdminMixin:
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_to_user_branches(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scope_to_user_branches(field.queryset, request.user)
        return field


class ScopedModelAdmin(BranchScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedTabularInline(BranchScopedAdminMixin, admin.TabularInline):
    pass
