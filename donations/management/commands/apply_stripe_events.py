import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from donations.models import StripeEvent
from donations.stripe.applying import apply_due_events
from donations.stripe.held_events import apply_held_events

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Apply the Stripe events the webhook recorded, oldest first, and keep doing so (the "
        "event worker); with --until-idle, stop once none is due. With --held, apply once the "
        "events held for their API version, from their objects fetched again from Stripe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--until-idle", action="store_true", help="Stop when none is due.")
        parser.add_argument(
            "--held",
            action="store_true",
            help="Apply the events held for their API version (after `stripe_setup --apply`), "
            "each from its object fetched again from Stripe, and stop.",
        )
        parser.add_argument(
            "--idle-pause",
            type=float,
            default=0.25,
            help="Seconds between looks at the queue while it is empty (0.25).",
        )

    def handle(self, *args, until_idle=False, idle_pause=0.25, held=False, **options):
        if held:
            self._apply_held()
            return
        self.stopping = False
        if not until_idle:
            # A deploy stops the worker: the batch being applied finishes first.
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        applied = 0
        while not self.stopping:
            try:
                tried, done = apply_due_events()
            except (OperationalError, InterfaceError) as error:
                if until_idle:
                    raise
                # Down, or a deadlock with another worker: the events stay queued either way.
                name = type(error).__name__
                log.warning("Database unavailable (%s); Stripe events wait in the queue", name)
                connection.close()
                time.sleep(max(idle_pause, 1))
                continue
            applied += done
            if tried:
                continue
            if until_idle:
                break
            close_old_connections()
            time.sleep(idle_pause)
        if until_idle or options["verbosity"] > 1:
            self.stdout.write(f"{applied} Stripe events applied")

    def _apply_held(self):
        applied, failed = apply_held_events(StripeEvent.objects.all())
        self.stdout.write(
            f"{len(applied)} held Stripe event(s) fetched again from Stripe and applied; "
            f"{failed} stay held (Stripe unreachable, or see the log)"
        )
        if failed:
            raise CommandError("Some held Stripe events could not be applied: see the log")

    def _stop(self, signum, frame):
        self.stopping = True
