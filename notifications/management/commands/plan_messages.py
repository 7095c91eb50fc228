import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from notifications.sending import outbox_send_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Write the reminders, follow-ups and invitations that are due (every planner in "
        "settings.MESSAGE_PLANNERS), and send what is due in the outbox. Celery beat does "
        "this in services mode; without Redis (the embedded default) `make run` keeps this "
        "running with --every 60."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Run again every this many seconds."
        )

    def handle(self, *args, every: float, **options) -> None:
        # By name from the settings: notifications depends on no other app.
        planners = [import_string(path) for path in settings.MESSAGE_PLANNERS]
        while True:
            try:
                written = {}
                for plan in planners:
                    written.update(plan())
                sent = outbox_send_due()
            except Exception:
                if not every:
                    raise
                logger.exception("Planning messages failed; trying again in %s s", every)
            else:
                if any(written.values()) or sent or options["verbosity"] > 1:
                    details = ", ".join(f"{kind} {count}" for kind, count in written.items())
                    self.stdout.write(f"written: {details}; sent: {sent}")
            if not every:
                return
            time.sleep(every)
