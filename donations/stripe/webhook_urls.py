from django.urls import path

from donations.stripe import webhook

urlpatterns = [path("stripe/webhook/", webhook.webhook, name="stripe_webhook")]
