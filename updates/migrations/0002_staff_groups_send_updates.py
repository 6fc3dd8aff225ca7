"""事務局 writes and sends activity reports; 会計 sees their deliveries (donations/staff/roles.py)."""

from django.db import migrations

from donations.staff.roles import define_groups


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0007_supporter_preferences_pauses_and_reasons"),
        ("donations", "0006_staff_groups"),
        ("updates", "0001_activity_reports_and_deliveries"),
    ]

    operations = [migrations.RunPython(define_groups, migrations.RunPython.noop)]
