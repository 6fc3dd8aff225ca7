"""The staff groups 事務局, 会計 and 管理者 with their permissions (donations/staff/roles.py)."""

from django.db import migrations

from donations.staff.roles import define_groups


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
        ("campaigns", "0003_hero_renditions"),
        ("programs", "0002_english_translations"),
        ("jii_campaign", "0002_english_translations"),
        ("testimonials", "0003_moderation_permission"),
        ("donations", "0005_staff_permissions"),
    ]

    operations = [migrations.RunPython(define_groups, migrations.RunPython.noop)]
