"""Giving by bank transfer: the pledge form, then the reference code with the account details
(also e-mailed). The pledge counts once the transfer is confirmed (donations/bank/statements.py)."""

from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from donations import tasks
from donations.gift_messages import attach_support_message
from donations.giving.forms import BankPledgeForm
from donations.giving.views import _campaign
from donations.models import Donation
from jii_campaign import ratelimits
from jii_campaign.models import BankAccount

SALT = "donations.bank-pledge"
LINK_DAYS = 60


@require_http_methods(["GET", "POST"])
def pledge(request):
    campaign = _campaign(request)
    # From the donation form's "bank transfer to our account": the amount and kind carried over.
    carried = ("amount", "frequency")
    initial = {key: request.GET[key] for key in carried if request.GET.get(key, "").isalnum()}
    form = BankPledgeForm(request.POST or None, campaign=campaign, initial=initial)
    status = 200
    if request.method == "POST":
        if ratelimits.refused(
            request,
            form,
            "bank_pledge",
            _(
                "We have received several pledges from your connection just now. "
                "Please wait a while and try again."
            ),
            email=request.POST.get("donor_email", ""),
        ):
            status = 429
        elif form.is_valid():
            donation = _record(form, campaign)
            return redirect("donations:bank_pledged", token=signing.dumps(donation.pk, salt=SALT))
        else:
            status = 400
    context = {"form": form, "campaign": campaign}
    return render(request, "donations/bank_pledge.html", context, status=status)


def _record(form, campaign):
    data = form.cleaned_data
    with transaction.atomic():
        donation = Donation.pledge_transfer(
            campaign=campaign,
            frequency=data["frequency"],
            amount=data["amount"],
            donor_name=data["donor_name"],
            donor_email=data["donor_email"],
            payer_kana=data["payer_kana"],
            public_name=data["public_name"],
            nickname=data["nickname"],
            locale=get_language(),
            updates_consent=data.get("updates_consent", False),
        )
        donation.record_updates_consent()  # a pledge asks for reports at once
        if data["message"].strip():
            attach_support_message(donation, data["message"])
        tasks.send_transfer_instructions.enqueue(donation.pk)
    return donation


@require_GET
def pledged(request, token):
    try:
        donation_id = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.BadSignature:
        donation_id = None
    donation = Donation.objects.filter(pk=donation_id).first() if donation_id else None
    if donation is None:
        return render(request, "donations/bank_pledged.html", status=400)
    accounts = BankAccount.objects.filter(is_active=True)
    return render(
        request, "donations/bank_pledged.html", {"donation": donation, "accounts": accounts}
    )
