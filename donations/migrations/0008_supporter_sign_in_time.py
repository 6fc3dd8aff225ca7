from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0007_supporter_preferences_pauses_and_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="supporterpreference",
            name="signed_in_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="Last signed in"),
        ),
    ]
