"""`manage.py stripe_setup [--apply]`: the Stripe account set up the way the site needs it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from donations import stripe_gateway
from donations.webhooks import HANDLERS


class Command(BaseCommand):
    help = (
        "Check the Stripe account: the webhook endpoint at SITE_URL/stripe/webhook/ (API version "
        "and the events the site handles) and cancellation in the customer portal. Says what it "
        "would change; --apply changes it. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="make the changes")

    def handle(self, *args, apply, **options):
        if not stripe_gateway.is_configured():
            raise CommandError(
                "STRIPE_SECRET_KEY is not set: there is no Stripe account to set up."
            )
        try:
            changes = self.webhook_endpoint(apply)
            self.portal_cancellation()
        except stripe_gateway.GatewayUnavailable as exc:
            raise CommandError(f"Stripe refused or could not be reached: {exc.__cause__}") from exc
        if changes and not apply:
            self.stdout.write(
                "\nDry run: nothing was changed. Run with --apply to make these changes."
            )
        elif not changes:
            self.stdout.write("\nThe webhook endpoint needs no change.")

    def webhook_endpoint(self, apply: bool) -> int:
        url = settings.SITE_URL + reverse("stripe_webhook")
        events = sorted(HANDLERS)
        version = stripe_gateway.API_VERSION
        say = self.stdout.write
        say(f"Webhook endpoint {url}")
        say(f"  wanted: API version {version}, {len(events)} events: {', '.join(events)}")
        same_url = [e for e in stripe_gateway.list_webhook_endpoints() if e["url"] == url]
        right_version = [e for e in same_url if e["api_version"] == version]
        if not right_version:
            for old in same_url:
                old_version = old["api_version"] or "the account's default"
                say(
                    f"  {old['id']} sends events in API version {old_version}, which Stripe "
                    "cannot change on an endpoint: a new endpoint replaces it."
                )
            if not apply:
                say(f"  Would create the endpoint{' and delete the old one' if same_url else ''}.")
                return 1
            created = stripe_gateway.create_webhook_endpoint(url, events)
            say(
                f"  Created {created['id']}. Its signing secret, which Stripe shows only this once:"
            )
            say(f"\n    {created['secret']}\n")
            say(
                "  Put it in STRIPE_WEBHOOK_SECRET in the site's environment and restart the web "
                "processes; until then the signature check refuses its events and Stripe retries "
                "them."
            )
            for old in same_url:
                stripe_gateway.delete_webhook_endpoint(old["id"])
                say(f"  Deleted {old['id']}.")
            if same_url:
                say(
                    "  Stripe no longer retries what it had failed to deliver there: run "
                    "`manage.py reconcile_stripe --since <three days ago>` once the secret is in "
                    "place."
                )
            return 1
        endpoint = right_version[0]
        for other in same_url:
            if other is not endpoint:
                say(f"  Note: {other['id']} also sends events here; delete it in the Dashboard.")
        missing = sorted(set(events) - set(endpoint["enabled_events"]))
        extra = sorted(set(endpoint["enabled_events"]) - set(events))
        disabled = endpoint["status"] != "enabled"
        if not (missing or extra or disabled):
            say(f"  {endpoint['id']} is as wanted.")
            return 0
        if missing:
            say(f"  {endpoint['id']} does not send: {', '.join(missing)}")
        if extra:
            say(f"  {endpoint['id']} also sends events the site ignores: {', '.join(extra)}")
        if disabled:
            say(f"  {endpoint['id']} is disabled: Stripe sends it nothing.")
        if not apply:
            say(f"  Would set its events to the wanted ones{' and enable it' if disabled else ''}.")
            return 1
        stripe_gateway.update_webhook_endpoint(endpoint["id"], events)
        enabled = " and is enabled" if disabled else ""
        say(f"  Updated {endpoint['id']}: it sends the wanted events{enabled}.")
        return 1

    def portal_cancellation(self):
        configuration = stripe_gateway.default_portal_configuration()
        cancel = configuration and configuration["features"]["subscription_cancel"]
        if cancel and cancel["enabled"]:
            self.stdout.write("Customer portal: monthly donors can cancel there.")
            return
        self.stdout.write(
            "Customer portal: monthly donors CANNOT cancel there. In the Stripe Dashboard, open "
            "Settings → Billing → Customer portal, turn on “Cancel subscriptions” (at the end of "
            "the billing period) and save."
        )
