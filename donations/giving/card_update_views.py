"""The one-click card update behind a failed-payment notice: a signed link that opens Stripe's
customer portal on its "update your payment method" flow and brings the supporter back here."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from donations import manage_links
from donations.models import Donation
from donations.stripe import checkout, gateway


@require_GET
def card_update(request):
    donation_id = manage_links.donation_id_from(request.GET.get("token", ""))
    donation = Donation.objects.filter(pk=donation_id).first() if donation_id else None
    if donation is None or not donation.stripe_customer_id:
        return render(request, "donations/manage_expired.html", status=400)
    if checkout.local_mode():
        return render(request, "donations/test_portal.html", {"donation": donation})
    return_url = settings.SITE_URL + reverse("campaign_pages:home")
    locale = checkout.checkout_locale(donation.locale)
    try:
        url = gateway.create_card_update_session(donation.stripe_customer_id, return_url, locale)
    except gateway.GatewayUnavailable:
        return render(request, "donations/manage_unavailable.html", status=503)
    return HttpResponseRedirect(url, status=303)
