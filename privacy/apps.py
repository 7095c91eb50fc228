from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data over time: the purge, a family's own requests, the library's answers."""

    name = "privacy"
    verbose_name = _("Personal data")
