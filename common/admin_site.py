"""The admin site every model admin is registered on, with one rule for all of them: a
list can be filtered only by what it offers (its filters and its date hierarchy).

The site also puts first what librarians use every day: its index lists the models
settings.ADMIN_DAILY_MODELS names in a group of their own, the rest after them (under
"More"), and starts with the page settings.ADMIN_START_PAGE fills (operations.start: the
day's sessions and what needs the librarian). A form's related-object widgets offer no
delete link: deleting a room from a session's form is never what was meant.

Django's admin accepts any lookup on a model's own fields written into the address, so a
list that hides a volunteer's e-mail would still answer ``?email__startswith=alb`` with
"1 volunteer" — enough to rebuild the address in a few hundred requests. Here any other
lookup is refused with 400 (Django's DisallowedModelAdminLookup), for every admin,
including those added later and Django's own.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper, url_params_from_lookup_dict
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from common.second_factor import AdminLoginForm
from common.web import LOGIN_RATE, rate_limited

# What a list filter or the date hierarchy puts after a field's path in the address.
FILTER_SUFFIXES = frozenset(
    {
        "exact",
        "isnull",
        "in",
        "gt",
        "gte",
        "lt",
        "lte",
        "year",
        "month",
        "day",
        "id__exact",
        "id__in",
        "id__isnull",
    }
)


class OfferedLookupsOnly(admin.ModelAdmin):
    """Mixed into every ModelAdmin by FamilielivAdminSite.register."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if _limit_choices_lookup(self.model, lookup, value):
            return True  # the related-object popups of raw-id fields, as Django allows
        for offered in _offered(self, request):
            if lookup == offered:
                return True
            prefix = f"{offered}__"
            if lookup.startswith(prefix) and lookup[len(prefix) :] in FILTER_SUFFIXES:
                return True
        return False


def _offered(model_admin: admin.ModelAdmin, request: HttpRequest | None) -> set[str]:
    """The field paths and parameters the list's filters and date hierarchy use."""
    offered: set[str] = set()
    filters = model_admin.get_list_filter(request) if request else model_admin.list_filter
    for item in filters:
        if isinstance(item, (list, tuple)):
            item = item[0]
        # A field's path, or a SimpleListFilter's own parameter.
        name = item if isinstance(item, str) else getattr(item, "parameter_name", None)
        if isinstance(name, str):
            offered.add(name)
    if model_admin.date_hierarchy:
        offered.add(model_admin.date_hierarchy)
    return offered


def _limit_choices_lookup(model: type[Model], lookup: str, value: str) -> bool:
    for fk_lookup in model._meta.related_fkey_lookups:
        if callable(fk_lookup):
            fk_lookup = fk_lookup()
        if (lookup, value) in url_params_from_lookup_dict(fk_lookup).items():
            return True
    return False


class NoDeletingRelated(BaseModelAdmin):
    """Mixed into every ModelAdmin and its inlines by FamilielivAdminSite.register: the ✖
    beside a foreign key (a session's room, its programme) deletes that row everywhere."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget.can_delete_related = False
        return field


def _daily_first(app_list: list[dict], daily: list[str], url: str) -> list[dict]:
    """The models named in ``daily`` ("app_label.ModelName") as one group first, in that
    order; every app's other models after it, as before."""
    wanted = [name.lower() for name in daily]
    found: dict[str, dict] = {}
    rest = []
    for app in app_list:
        kept = []
        for model in app["models"]:
            key = f"{app['app_label']}.{model['object_name']}".lower()
            if key in wanted:
                found[key] = model
            else:
                kept.append(model)
        if kept:
            rest.append({**app, "models": kept})
    if not found:
        return app_list
    group = {
        "name": _("Daily work"),
        "app_label": "daily",
        "app_url": url,
        "has_module_perms": True,
        "models": [found[key] for key in wanted if key in found],
        "daily": True,
    }
    return [group, *rest]


class FamilielivAdminSite(admin.AdminSite):
    # The login asks for an authenticator's code of those who need one; a session without
    # the code a superuser needs is signed out on every page (common.second_factor).
    login_form = AdminLoginForm
    login_template = "admin/login_second_factor.html"

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The admin's login, limited per address as the site's is (common.web.LOGIN_RATE);
        django-axes locks a user name after five wrong passwords on both."""
        view = rate_limited(LOGIN_RATE, method="POST")(super().login)
        return view(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, OfferedLookupsOnly):
            inlines = [
                inline
                if issubclass(inline, NoDeletingRelated)
                else type(inline.__name__, (NoDeletingRelated, inline), {})
                for inline in admin_class.inlines
            ]
            admin_class = type(
                admin_class.__name__,
                (OfferedLookupsOnly, NoDeletingRelated, admin_class),
                {"inlines": inlines},
            )
        return super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list
        # A link that is no app's page: "in request.path" would mark it current everywhere.
        url = reverse("admin:index", current_app=self.name) + "#daily-work"
        return _daily_first(app_list, settings.ADMIN_DAILY_MODELS, url)

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        """The index starts with the librarian's start page (settings.ADMIN_START_PAGE)."""
        start_page = import_string(settings.ADMIN_START_PAGE)
        extra_context = {**(extra_context or {}), **start_page(request)}
        return super().index(request, extra_context)
