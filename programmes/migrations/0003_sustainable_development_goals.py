from django.db import migrations

from programmes.goals import ensure_goals



def add_goals(apps, schema_editor):
    ensure_goals(apps.get_model("programmes", "SustainableDevelopmentGoal"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_room_exclusion_constraint")]

    operations = [migrations.RunPython(add_goals, migrations.RunPython.noop)]
