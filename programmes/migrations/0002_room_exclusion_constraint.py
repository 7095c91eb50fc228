"""On PostgreSQL, the database itself refuses two scheduled sessions in one room at once.

The constraint is written as SQL and only on PostgreSQL: SQLite has no exclusion
constraints, so there Session.clean() carries the same rule. It is not declared in the
model's Meta, so Django's model state stays the same on every database.
"""

from django.db import migrations

CONSTRAINT = "session_room_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"""
        ALTER TABLE programmes_session ADD CONSTRAINT {CONSTRAINT}
        EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
        WHERE (status = 'scheduled')
        """
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE programmes_session DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
