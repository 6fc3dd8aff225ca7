"""`/stripe/webhook/`: a delivery's signature and shape checked, the event recorded, 200."""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donations.stripe import gateway
from donations.stripe.event_validation import MalformedEvent
from donations.stripe.recording import record_event


@csrf_exempt
@require_POST
def webhook(request):
    """Stripe's events: 200 once recorded (unknown types and redeliveries included), to be applied
    by `manage.py apply_stripe_events`, so that a burst of payments is acknowledged at once and
    applied as fast as the ledger takes them; 400 for anything unverified or malformed: we will
    never accept this body; 503 when the database is down and 500 when our code fails to record
    it: please retry. Stripe retries any non-2xx answer, so a 400 shows up as a failing delivery
    to look into."""
    signature = request.headers.get("Stripe-Signature", "")
    if not signature or not settings.STRIPE_WEBHOOK_SECRET:
        return HttpResponse("missing signature\n", status=400)
    try:
        event = gateway.verify_webhook(request.body, signature)
    except gateway.InvalidWebhook as exc:
        return HttpResponse(f"rejected: {exc.__class__.__name__}\n", status=400)
    try:
        record_event(event)
    except MalformedEvent as exc:
        return HttpResponse(f"rejected: {exc.__class__.__name__}\n", status=400)
    except (OperationalError, InterfaceError):
        return HttpResponse("database unavailable\n", status=503)
    return HttpResponse("ok\n")
