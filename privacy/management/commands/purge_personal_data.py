from django.core.management.base import BaseCommand

from privacy.retention import purge_counts, purge_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise the personal data that has passed its retention period: households not "
        "seen for HOUSEHOLD_RETENTION_MONTHS, volunteers who left VOLUNTEER_RETENTION_MONTHS "
        "ago, and the text of messages sent OUTBOX_BODY_RETENTION_DAYS ago. Runs daily "
        "(Celery beat, or `manage.py plan_messages --every` in the embedded mode); safe to "
        "run by hand at any time."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be anonymised; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        counts = purge_counts() if dry_run else purge_personal_data()
        verb = "would anonymise" if dry_run else "anonymised"
        self.stdout.write(
            f"{verb}: {counts['households']} households, {counts['volunteers']} volunteers; "
            f"message texts {'to clear' if dry_run else 'cleared'}: {counts['messages']}"
        )
