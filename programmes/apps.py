from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes and schedules")

    def ready(self) -> None:
        from programmes.roles import ensure_role_groups

        # Permissions exist only after migrate has run, so the groups are kept in step there.
        post_migrate.connect(ensure_role_groups, dispatch_uid="programmes.role_groups")
