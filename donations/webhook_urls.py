from django.urls import path

from donations import views

urlpatterns = [path("stripe/webhook/", views.webhook, name="stripe_webhook")]
