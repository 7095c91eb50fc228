"""Series that keep their sessions: each session made from a series carries the series'
date it was made for, so a moved or cancelled session's date is never made again; a series
can be cancelled for good; excluded dates become ranges; a branch knows its country, whose
public holidays a series may leave out.

Existing sessions get their local start date as their series date. Where the old
generation left two sessions of one series on one date (a session moved, then the series
saved again), the first made keeps the date and the others none: they stay as they are,
for a librarian to cancel, and are never the reason a date is made again.
"""

from zoneinfo import ZoneInfo

from django.db import migrations, models

COUNTRY_OF_TIME_ZONE = {
    "Europe/Copenhagen": "DK",
    "Europe/Oslo": "NO",
    "Europe/Stockholm": "SE",
}


def branch_countries(apps, schema_editor):
    Branch = apps.get_model("programmes", "Branch")
    for branch in Branch.objects.all():
        branch.country = COUNTRY_OF_TIME_ZONE.get(branch.time_zone, "")
        branch.save(update_fields=["country"])


def one_day_exclusions(apps, schema_editor):
    SeriesExclusion = apps.get_model("programmes", "SeriesExclusion")
    SeriesExclusion.objects.update(end_date=models.F("start_date"))


def series_dates(apps, schema_editor):
    Session = apps.get_model("programmes", "Session")
    seen = set()
    changed = []
    sessions = (
        Session.objects.filter(series__isnull=False)
        .select_related("room__branch")
        .order_by("series_id", "pk")
    )
    for session in sessions.iterator(chunk_size=2000):
        day = session.starts_at.astimezone(ZoneInfo(session.room.branch.time_zone)).date()
        if (session.series_id, day) in seen:
            continue
        seen.add((session.series_id, day))
        session.series_date = day
        changed.append(session)
    Session.objects.bulk_update(changed, ["series_date"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0005_session_sequence"),
    ]

    operations = [
        # A branch's country, from its time zone.
        migrations.AddField(
            model_name="branch",
            name="country",
            field=models.CharField(
                blank=True,
                choices=[("DK", "Denmark"), ("NO", "Norway"), ("SE", "Sweden")],
                default="DK",
                help_text="Its public holidays are offered as dates without sessions.",
                max_length=2,
                verbose_name="country",
            ),
        ),
        migrations.RunPython(branch_countries, migrations.RunPython.noop),
        # A series cancelled for good; public holidays left out.
        migrations.AddField(
            model_name="series",
            name="cancelled_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="cancelled"
            ),
        ),
        migrations.AddField(
            model_name="series",
            name="skip_public_holidays",
            field=models.BooleanField(
                default=False,
                help_text="No session on the public holidays of the branch's country.",
                verbose_name="leave out public holidays",
            ),
        ),
        # Excluded dates as ranges: each existing one a range of one day.
        migrations.RemoveConstraint(
            model_name="seriesexclusion",
            name="unique_series_exclusion",
        ),
        migrations.RenameField(
            model_name="seriesexclusion",
            old_name="date",
            new_name="start_date",
        ),
        migrations.AlterField(
            model_name="seriesexclusion",
            name="start_date",
            field=models.DateField(verbose_name="from"),
        ),
        migrations.AddField(
            model_name="seriesexclusion",
            name="end_date",
            field=models.DateField(null=True, verbose_name="to"),
        ),
        migrations.RunPython(one_day_exclusions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="seriesexclusion",
            name="end_date",
            field=models.DateField(blank=True, help_text="Empty for one day.", verbose_name="to"),
        ),
        migrations.AlterField(
            model_name="seriesexclusion",
            name="reason",
            field=models.CharField(
                blank=True,
                help_text="For example “Winter holiday”.",
                max_length=120,
                verbose_name="reason",
            ),
        ),
        migrations.AlterModelOptions(
            name="seriesexclusion",
            options={
                "ordering": ["start_date"],
                "verbose_name": "excluded date",
                "verbose_name_plural": "excluded dates",
            },
        ),
        migrations.AddConstraint(
            model_name="seriesexclusion",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gte", models.F("start_date"))),
                name="series_exclusion_dates_ordered",
            ),
        ),
        # A session's series date: one session per series and date, whatever its status.
        migrations.AddField(
            model_name="session",
            name="series_date",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="series date"
            ),
        ),
        migrations.RunPython(series_dates, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="session",
            name="unique_session_per_series_start",
        ),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.UniqueConstraint(
                condition=models.Q(("series_date__isnull", False)),
                fields=("series", "series_date"),
                name="unique_session_per_series_date",
            ),
        ),
    ]
