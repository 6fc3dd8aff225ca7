"""The public giving path: form -> confirmation -> pay -> thank-you; the manage links."""

import re
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns import payment_methods
from campaigns.models import NEWEST_FIRST, Campaign
from campaigns.payment_methods import PaymentMethod
from donations import manage_links, tasks, thanks_links
from donations.giving.forms import DonationForm, ManageForm
from donations.models import Donation
from donations.stripe import checkout, gateway, local_checkout
from jii_campaign import kept_content
from jii_campaign.caching import whole_page
from jii_campaign.ratelimits import TOO_MANY_REQUESTS, over_limit, rate_limited

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def _campaign(request):
    """The campaign the form names, or the featured one (as `CampaignQuerySet.featured`: the
    first of the published ones, newest first, that has started)."""
    slug = request.POST.get("campaign") or request.GET.get("campaign") or ""
    campaigns = _published_campaigns()
    # Anything that cannot be a slug (a NUL byte, 10,000 characters) is not looked up at all.
    named = [c for c in campaigns if c.slug == slug] if SLUG.fullmatch(slug) else []
    today = timezone.localdate()
    campaign = next(iter(named), None) or next((c for c in campaigns if c.starts_on <= today), None)
    if campaign is None:
        raise Http404("No campaign open for donations")
    return campaign


def _published_campaigns():
    """Every published campaign with its tiers, newest first; kept while the content holds."""
    published = Campaign.objects.published().order_by(*NEWEST_FIRST)
    return kept_content.kept(
        "giving:published-campaigns", lambda: list(published.prefetch_related("tiers"))
    )


def _form_page(request, form, status=200):
    context = {"form": form, "rate_limited": status == TOO_MANY_REQUESTS}
    return render(request, "donations/donate.html", context, status=status)


def _confirm_page(request, form, token, error="", status=200):
    context = {"form": form, "token": token, "error": error, "local_mode": checkout.local_mode()}
    return render(request, "donations/confirm.html", context, status=status)


def _form_again(request):
    """Over a rate limit: the form as the donor filled it in, with a calm notice."""
    form = DonationForm(request.POST, campaign=_campaign(request))
    return _form_page(request, form, status=TOO_MANY_REQUESTS)


def _confirmation_again(request):
    """Over a rate limit on the last step: the confirmation page again, to press later."""
    form = DonationForm(request.POST, campaign=_campaign(request))
    token = _uuid_or_none(request.POST.get("token", ""))
    if not form.is_valid() or token is None:
        return _form_page(request, form, status=TOO_MANY_REQUESTS)
    return _confirm_page(request, form, token, error="rate_limited", status=TOO_MANY_REQUESTS)


def _form_query(request, campaign):
    """The form's address parameters that choose what it shows, as the page cache keys them:
    a published campaign's slug, one of its tiers' amounts, a frequency, a cancelled Checkout.
    Anything else (an amount not among the tiers, an unknown slug) is left out."""
    given, amounts = request.GET, {str(tier.amount) for tier in campaign.tiers.all()}
    known = {
        "campaign": given.get("campaign") == campaign.slug,
        "amount": given.get("amount") in amounts,
        "frequency": given.get("frequency") in Donation.Frequency.values,
        "canceled": given.get("canceled") == "1",
    }
    return {name: given[name] for name in FORM_QUERY if known[name]}


FORM_QUERY = ("campaign", "amount", "frequency", "canceled")


# The form itself creates nothing, so it needs no CSRF cookie. Cached whole, one copy per
# variant of FORM_QUERY (jii_campaign/page_cache.py); a POST's refilled form is personal.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@whole_page(query=FORM_QUERY, figures=False)
def start(request):
    """The donation form; a POST (the confirmation page's "change" button) refills it."""
    campaign = _campaign(request)
    if request.method == "POST":
        form = DonationForm(request.POST, campaign=campaign)
        form.errors  # noqa: B018 - validate so that the refilled form shows any problem
        return _form_page(request, form)
    query = _form_query(request, campaign)
    if query != {name: request.GET[name] for name in FORM_QUERY if name in request.GET}:
        return redirect(
            f"{reverse('donations:start')}?{urlencode(query)}" if query else "donations:start"
        )
    initial = {"tier": query["amount"]} if "amount" in query else {}
    if "frequency" in query:
        initial["frequency"] = query["frequency"]
    form = DonationForm(campaign=campaign, initial=initial)
    return _form_page(request, form)


@csrf_exempt
@require_POST
@never_cache  # personal, as every page below: never kept by a browser's or a shared cache
@rate_limited("donate_confirm", email_field="donor_email", on_limit=_form_again)
def confirm(request):
    """Show what will happen before the donor leaves for Checkout. Creates nothing."""
    form = DonationForm(request.POST, campaign=_campaign(request))
    if not form.is_valid():
        return _form_page(request, form, status=400)
    if form.cleaned_data["payment_method"] == PaymentMethod.BANK_PLEDGE:
        return _see_other(_bank_pledge_url(form))
    return _confirm_page(request, form, token=uuid.uuid4())


def _bank_pledge_url(form):
    """The manual bank pledge has its own form (reference code, payer kana)."""
    query = urlencode(
        {
            "campaign": form.campaign.slug,
            "amount": form.cleaned_data["amount"],
            "frequency": form.cleaned_data["frequency"],
        }
    )
    return f"{reverse('donations:bank_pledge')}?{query}"


@require_POST
@never_cache
@rate_limited("donate_pay", email_field="donor_email", on_limit=_confirmation_again)
def pay(request):
    """The confirmed, CSRF-protected step: create the pending donation and go to Checkout."""
    form = DonationForm(request.POST, campaign=_campaign(request))
    token = _uuid_or_none(request.POST.get("token", ""))
    if token is None and form.is_valid():
        form.add_error(None, _("Please check your details and continue to review again."))
    if not form.is_valid() or token is None:
        return _form_page(request, form, status=400)
    if form.cleaned_data["payment_method"] == PaymentMethod.BANK_PLEDGE:
        return _see_other(_bank_pledge_url(form))
    donation = checkout.pending_donation(form, token, get_language())
    if donation.status != Donation.Status.PENDING:
        # A confirmation page resubmitted after the donor paid (or gave up) starts nothing new.
        return _see_other(_thanks_url(donation))
    try:
        url = checkout.start(donation)
    except gateway.GatewayUnavailable:
        return _confirm_page(request, form, token, error="unavailable", status=503)
    return _see_other(url)


def _thanks_url(donation):
    return thanks_links.thanks_path(donation)


def _see_other(url):
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


CHECKOUT_SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")


# Pending: not yet paid; awaiting payment: konbini, whose payment slip Stripe holds.
STATUSES_STRIPE_CAN_CHANGE = {Donation.Status.PENDING, Donation.Status.AWAITING_PAYMENT}


@require_GET
@never_cache
def thanks(request):
    """What is true about the donation, as Stripe (or, locally, the ledger) says."""
    voucher_url, donation, error, transfer_account = "", None, False, None
    if checkout.local_mode():
        # Without a valid token, filter(checkout_token=None) would match the offline gifts.
        token = _uuid_or_none(request.GET.get("token", ""))
        donation = Donation.objects.filter(checkout_token=token).first() if token else None
        if (
            donation is not None
            and donation.status == Donation.Status.AWAITING_PAYMENT
            and donation.payment_method == PaymentMethod.BANK_TRANSFER
        ):
            transfer_account = local_checkout.test_transfer_account(donation)
    elif CHECKOUT_SESSION_ID.fullmatch(session_id := request.GET.get("session_id", "")):
        donation = Donation.objects.filter(stripe_checkout_session_id=session_id).first()
        # Stripe is asked only about our own sessions whose outcome the ledger does not know yet,
        # and only so often per session: anonymous traffic cannot spend the Stripe API limit.
        if (
            donation is not None
            and donation.status in STATUSES_STRIPE_CAN_CHANGE
            and not over_limit(request, "thanks_stripe", session=session_id)
        ):
            try:
                donation, voucher_url, transfer_account = checkout.outcome_from_stripe(session_id)
            except gateway.GatewayUnavailable:
                error = True
    if donation is not None:
        _show_kept_campaign(donation)
    context = {
        "donation": donation,
        "voucher_url": voucher_url,
        "error": error,
        "transfer_account": transfer_account,
        "local_mode": checkout.local_mode(),
    }
    return render(request, "donations/thanks.html", context)


def _show_kept_campaign(donation):
    """The page links to the gift's campaign: the row this process keeps, when it is published."""
    kept = next((c for c in _published_campaigns() if c.pk == donation.campaign_id), None)
    if kept is not None:
        donation.campaign = kept


def _uuid_or_none(value):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def test_checkout(request, token):
    """The clearly labelled stand-in for Stripe Checkout when no Stripe key is set."""
    if not checkout.local_mode():
        raise Http404
    donation = get_object_or_404(Donation, checkout_token=token)
    outcome = request.POST.get("outcome")
    if request.method == "POST" and donation.status == Donation.Status.PENDING:
        if outcome == "pay":
            # As on Stripe's page, the donor may pay with any method the session offers.
            local_checkout.pay(donation, request.POST.get("paid_with"))
        else:
            local_checkout.abandon(donation)
    elif request.method == "POST" and donation.status == Donation.Status.AWAITING_PAYMENT:
        if outcome == "arrive":
            local_checkout.money_arrives(donation)
        elif outcome == "expire":
            local_checkout.instructions_expire(donation)
        elif outcome == "part" and donation.payment_method == PaymentMethod.BANK_TRANSFER:
            local_checkout.part_arrives(donation)
            return _see_other(request.path)
        elif outcome == "more" and donation.payment_method == PaymentMethod.BANK_TRANSFER:
            local_checkout.more_arrives(donation)
    if request.method == "POST":
        return _see_other(_thanks_url(donation))
    chosen = payment_methods.CHECKOUT_TYPES.get(donation.payment_method, "card")
    offered = [
        (stripe_type, payment_methods.used_in_stripe(stripe_type).label)
        for stripe_type in local_checkout.offered(donation)
    ]
    context = {
        "donation": donation,
        "method_label": donation.get_payment_method_display(),
        "offered": offered,
        "chosen": chosen,
    }
    return render(request, "donations/test_checkout.html", context)


def _manage_form_again(request):
    form = ManageForm(request.POST)
    context = {"form": form, "rate_limited": True}
    return render(request, "donations/manage.html", context, status=TOO_MANY_REQUESTS)


@require_http_methods(["GET", "POST"])
@rate_limited("manage", email_field="email", on_limit=_manage_form_again)
def manage(request):
    """Ask for an e-mail address; send links for the monthly donations made with it."""
    form = ManageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tasks.send_manage_links.enqueue(form.cleaned_data["email"], get_language())
        return render(request, "donations/manage_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "donations/manage.html", {"form": form})


@require_http_methods(["GET", "POST"])
def manage_open(request):
    """A signed link from an e-mail: open Stripe's customer portal for that donation."""
    donation_id = manage_links.donation_id_from(request.GET.get("token", ""))
    donation = Donation.objects.filter(pk=donation_id).first() if donation_id else None
    if donation is None or not donation.stripe_customer_id:
        return render(request, "donations/manage_expired.html", status=400)
    if checkout.local_mode():
        if request.method == "POST" and request.POST.get("action") == "cancel":
            local_checkout.cancel_subscription(donation)
            donation.refresh_from_db()
        return render(request, "donations/test_portal.html", {"donation": donation})
    return_url = settings.SITE_URL + reverse("campaign_pages:home")
    try:
        url = gateway.create_portal_session(donation.stripe_customer_id, return_url)
    except gateway.GatewayUnavailable:
        return render(request, "donations/manage_unavailable.html", status=503)
    return _see_other(url)


@require_GET
def manage_link_retired(request, token):
    """A link of the old form (/donate/manage/<token>/): never opened any more, whatever its
    token, so that no working token sits in a log; the donor asks for a new link."""
    return render(request, "donations/manage_expired.html", status=410)
