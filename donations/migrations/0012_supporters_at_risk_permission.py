"""The permission to see supporters at risk, given to 会計 (donations/staff/roles.py)."""

from django.db import migrations

from donations.staff.roles import define_groups


class Migration(migrations.Migration):

    dependencies = [
        ('donations', '0011_failed_payments_recovered_and_supporter_mails'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='donation',
            options={'ordering': ['-created_at'], 'permissions': [('view_dashboard', 'Can see the campaign dashboard'), ('export_donations', 'Can export donations and donors as CSV'), ('download_receipts', "Can download donors' receipts"), ('anonymize_donor', "Can erase a donor's personal data"), ('view_supporters_at_risk', 'Can see monthly supporters whose payments fail')], 'verbose_name': 'Donation', 'verbose_name_plural': 'Donation'},
        ),
        migrations.RunPython(define_groups, migrations.RunPython.noop),
    ]
