"""Payments through Stripe: Checkout, the webhook, the event worker's handlers,
reconciliation. Only `gateway` imports the SDK."""
