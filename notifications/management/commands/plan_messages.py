import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from notifications.sending import outbox_send_due

logger = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60


class Command(BaseCommand):
    help = (
        "Write the reminders, follow-ups and invitations that are due (every planner in "
        "settings.MESSAGE_PLANNERS), and send what is due in the outbox. Celery beat does "
        "this in services mode; without Redis (the embedded default) `make run` keeps this "
        "running with --every 60, which also runs settings.DAILY_JOBS (the purge of personal "
        "data) on starting and then once a day."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="Run again every this many seconds."
        )

    def handle(self, *args, every: float, **options) -> None:
        # By name from the settings: notifications depends on no other app.
        planners = [import_string(path) for path in settings.MESSAGE_PLANNERS]
        daily = [(path, import_string(path)) for path in settings.DAILY_JOBS] if every else []
        last_daily: float | None = None
        while True:
            if daily and (last_daily is None or time.monotonic() - last_daily >= DAY_SECONDS):
                last_daily = time.monotonic()
                self._run_daily(daily)
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

    def _run_daily(self, jobs) -> None:
        """Each daily job once; one that fails is tried again the next day, as beat would."""
        for path, job in jobs:
            try:
                result = job()
            except Exception:
                logger.exception("The daily job %s failed; it runs again tomorrow", path)
            else:
                self.stdout.write(f"{path}: {result}")
