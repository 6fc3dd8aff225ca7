"""Stripe's webhook answered ahead of the middleware that serves people."""

from django.urls import reverse

from donations.stripe import webhook


class StripeWebhookMiddleware:
    """A POST to the webhook is a machine's signed delivery: it carries no cookie, CSRF token or
    language, and needs no session, login, lockout or content policy. Answered here, after the
    HTTPS redirect, it skips the rest of the middleware, about a fifth of the cost of each
    delivery in a burst (docs/PERFORMANCE.md)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = reverse("stripe_webhook")

    def __call__(self, request):
        if request.path_info == self.path:
            return webhook.webhook(request)
        return self.get_response(request)
