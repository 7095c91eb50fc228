from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from demo.bookings import load_bookings, load_course, load_head_counts, load_last_week
from demo.partners import load_partners
from demo.programmes import DEMO_PASSWORD, load_schedule
from demo.reports import load_reports
from demo.volunteers import load_volunteers


class Command(BaseCommand):
    help = (
        "Load the demo programmes, branches, schedules, partners and logins from the seed "
        "documents. Safe to run again: nothing is duplicated."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            results = load_schedule(today=timezone.localdate())
            coordinators = load_partners()
            booked = load_bookings()
            booked += load_last_week()
            enrolled = load_course()
            counted = load_head_counts()
            volunteers = load_volunteers(coordinators=coordinators)
            history = load_reports(today=timezone.localdate())
        for programme, series_results in results.items():
            created = sum(len(r.created) for r in series_results)
            kept = sum(r.already_there for r in series_results)
            self.stdout.write(f"{programme}: {created} sessions created, {kept} already there")
        self.stdout.write(
            f"demo bookings made: {booked}; families enrolled on the course: {enrolled}; "
            f"Lektiecafé afternoons counted: {counted}"
        )
        self.stdout.write(
            "volunteers: " + ", ".join(f"{what} {count}" for what, count in volunteers.items())
        )
        self.stdout.write(
            "reports: " + ", ".join(f"{what} {count}" for what, count in history.items())
        )
        self.stdout.write(
            self.style.SUCCESS(
                "Demo loaded. Librarian login: baerum / "
                f"{DEMO_PASSWORD} (also aarhus, ballerup; superuser admin). Session helper "
                f"(check-in and head count at /helpers/): frivillig / {DEMO_PASSWORD}. Partner "
                f"coordinators (shifts and volunteers at /coordinator/): koordinator (Red Barnet "
                f"Ungdom) and redbarnet (Red Barnet) / {DEMO_PASSWORD}."
            )
        )
