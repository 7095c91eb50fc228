"""Django's admin app, on this project's admin site (common.admin_site). Its own module:
INSTALLED_APPS imports it before any model may be imported."""

from django.contrib.admin.apps import AdminConfig


class FamilielivAdminConfig(AdminConfig):
    default_site = "common.admin_site.FamilielivAdminSite"
