"""`manage.py stripe_setup [--apply]`: the Stripe account set up the way the site needs it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign
from campaigns.payment_methods import CHECKOUT_TYPES, PaymentMethod
from donations.stripe import gateway
from donations.stripe.handlers import HANDLERS


class Command(BaseCommand):
    help = (
        "Check the Stripe account: the webhook endpoint at SITE_URL/stripe/webhook/ (API version "
        "and the events the site handles), cancellation in the customer portal, and the payment "
        "methods and wallets campaigns offer (on, and activated). Says what it "
        "would change; --apply changes it. Running it again changes nothing."
    )
    # The system checks refuse a secret key without a webhook secret (jii.E001); this command
    # is how that secret is first obtained.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="make the changes")

    def handle(self, *args, apply, **options):
        if not gateway.is_configured():
            raise CommandError(
                "STRIPE_SECRET_KEY is not set: there is no Stripe account to set up."
            )
        self.apply = apply
        self.url = settings.SITE_URL + reverse("stripe_webhook")
        self.events = sorted(HANDLERS)  # the event types the site handles, and no others
        try:
            changed = self.webhook_endpoint()
            self.portal_cancellation()
            self.payment_methods()
        except gateway.GatewayUnavailable as exc:
            raise CommandError(f"Stripe refused or could not be reached: {exc.__cause__}") from exc
        if not changed:
            self.say("\nThe webhook endpoint needs no change.")
        elif not apply:
            self.say("\nDry run: nothing was changed. Run with --apply to make these changes.")

    def say(self, text):
        self.stdout.write(text)

    def webhook_endpoint(self) -> bool:
        version = gateway.API_VERSION
        self.say(f"Webhook endpoint {self.url}")
        self.say(f"  wanted: API version {version}, {len(self.events)} events:")
        self.say(f"  {', '.join(self.events)}")
        same_url = [e for e in gateway.list_webhook_endpoints() if e["url"] == self.url]
        in_version = [e for e in same_url if e["api_version"] == version]
        if not in_version:
            return self.replace(same_url)
        endpoint = in_version[0]
        for other in same_url:
            if other is not endpoint:
                self.say(
                    f"  Note: {other['id']} also sends events here; delete it in the Dashboard."
                )
        return self.update(endpoint)

    def replace(self, old_endpoints: list[dict]) -> bool:
        """A new endpoint: Stripe cannot change the version of an existing one."""
        for old in old_endpoints:
            self.say(
                f"  {old['id']} sends events in API version "
                f"{old['api_version'] or 'of the account'}, which Stripe cannot change on an "
                "endpoint: a new endpoint replaces it."
            )
        if not self.apply:
            also = " and delete the old one" if old_endpoints else ""
            self.say(f"  Would create the endpoint{also}.")
            return True
        created = gateway.create_webhook_endpoint(self.url, self.events)
        self.say(f"  Created {created['id']}. Its signing secret, which Stripe shows only once:")
        self.say(f"\n    {created['secret']}\n")
        self.say(
            "  Put it in STRIPE_WEBHOOK_SECRET in the site's environment and restart the web "
            "processes; until then the signature check refuses its events and Stripe retries them."
        )
        for old in old_endpoints:
            gateway.delete_webhook_endpoint(old["id"])
            self.say(f"  Deleted {old['id']}.")
        if old_endpoints:
            self.say(
                "  Stripe no longer retries what it had failed to deliver there: once the secret "
                "is in place, run `manage.py reconcile_stripe --since <three days ago>`."
            )
        return True

    def update(self, endpoint: dict) -> bool:
        missing = sorted(set(self.events) - set(endpoint["enabled_events"]))
        extra = sorted(set(endpoint["enabled_events"]) - set(self.events))
        disabled = endpoint["status"] != "enabled"
        if not (missing or extra or disabled):
            self.say(f"  {endpoint['id']} is as wanted.")
            return False
        if missing:
            self.say(f"  {endpoint['id']} does not send: {', '.join(missing)}")
        if extra:
            self.say(f"  {endpoint['id']} also sends events the site ignores: {', '.join(extra)}")
        if disabled:
            self.say(f"  {endpoint['id']} is disabled: Stripe sends it nothing.")
        enabled = " and enable it" if disabled else ""
        if not self.apply:
            self.say(f"  Would set its events to the wanted ones{enabled}.")
            return True
        gateway.update_webhook_endpoint(endpoint["id"], self.events)
        self.say(f"  Updated {endpoint['id']}: set its events to the wanted ones{enabled}.")
        return True

    def portal_cancellation(self):
        configuration = gateway.default_portal_configuration()
        cancel = configuration and configuration["features"]["subscription_cancel"]
        if cancel and cancel["enabled"]:
            self.say("Customer portal: monthly donors can cancel there.")
            return
        self.say(
            "Customer portal: monthly donors CANNOT cancel there. In the Stripe Dashboard, open "
            "Settings → Billing → Customer portal, turn on “Cancel subscriptions” (at the end of "
            "the billing period) and save."
        )

    # Each way to pay, as the default payment method configuration names it. Apple Pay and
    # Google Pay come with cards; Stripe-hosted Checkout needs no domain registration for them
    # (that is for Elements and embedded Checkout: docs.stripe.com/apple-pay?platform=web).
    WALLETS_AND_METHODS = {
        "card": "Cards",
        "apple_pay": "Apple Pay (with cards on Stripe's Checkout page; no domain registration)",
        "google_pay": "Google Pay (with cards on Stripe's Checkout page)",
        "paypay": "PayPay",
        "konbini": "Konbini",
        "customer_balance": "Bank transfer (jp_bank_transfer)",
    }
    # The account capability each method needs (Settings → Payment methods asks to activate it).
    CAPABILITIES = {
        "card": "card_payments",
        "paypay": "paypay_payments",
        "konbini": "konbini_payments",
        "customer_balance": "jp_bank_transfer_payments",
    }

    def payment_methods(self):
        """What Checkout can offer: a method off here, or whose capability is not active, is
        never shown, whatever a campaign asks."""
        configuration = gateway.default_payment_method_configuration()
        capabilities = gateway.account_capabilities()
        if configuration is None:
            self.say("Payment methods: no default payment method configuration found.")
            configuration = {}
        else:
            self.say("Payment methods (Settings → Payment methods):")
        usable = set()
        for key, name in self.WALLETS_AND_METHODS.items():
            available = bool((configuration.get(key) or {}).get("available"))
            capability = self.CAPABILITIES.get(key)
            status = capabilities.get(capability) if capability else None
            note = f", capability {capability}: {status or 'not requested'}" if capability else ""
            self.say(f"  {name}: {'on' if available else 'OFF'}{note}")
            if available and (capability is None or status == "active"):
                usable.add(key)
        self.campaign_methods(usable)

    def campaign_methods(self, usable: set[str]):
        """Each open campaign's one-time methods that Checkout would not show."""
        for campaign in Campaign.objects.published():
            with translation.override("en"):  # as the rest of this command's report
                missing = [
                    str(PaymentMethod(method).label)
                    for method in campaign.one_time_methods
                    if method in CHECKOUT_TYPES and CHECKOUT_TYPES[method] not in usable
                ]
            if missing:
                self.say(
                    f"  Campaign “{campaign.slug}” offers {', '.join(missing)}, which Stripe "
                    "will not show: turn it on (and activate it) in the Dashboard, or take it "
                    "off the campaign's “Ways to pay a one-time gift”."
                )
