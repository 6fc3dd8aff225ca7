from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
# bandit B105: the documented local-only login; handle() refuses to run with DEBUG off.
PASSWORD = "admin"  # nosec B105


class Command(BaseCommand):
    help = "Create the local-only admin login admin/admin (refused unless DEBUG is on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a default admin login with DEBUG off.")
        User = get_user_model()
        if not User.objects.filter(username=USERNAME).exists():
            User.objects.create_superuser(USERNAME, "admin@localhost", PASSWORD)
        self.stdout.write(
            f"Local admin: {settings.SITE_URL}/admin/  user {USERNAME} / password {PASSWORD}"
        )
