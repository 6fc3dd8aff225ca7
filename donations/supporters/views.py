"""The supporter page: sign-in by link, the gifts of the signed-in address, their receipts and
changes, and the supporter's preferences. Every page is private (no-store, noindex)."""

import datetime
import logging

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from donations import monthly_charges, receipts, tasks
from donations.models import Donation, Payment, SupporterPreference
from donations.stripe import gateway
from donations.supporters import changes, sign_in
from donations.supporters.changes import PAUSE_MONTHS
from donations.supporters.forms import (
    AmountForm,
    CancelForm,
    PauseForm,
    PreferencesForm,
    SignInForm,
)
from donations.supporters.private import private_page, signed_in
from jii_campaign.models import BankAccount
from jii_campaign.months import add_months
from jii_campaign.ratelimits import TOO_MANY_REQUESTS, rate_limited

log = logging.getLogger(__name__)

# `scripts/run` (EMAIL_URL unset): every e-mail is printed in the terminal, the link too.
PRINTED_MAIL = "django.core.mail.backends.console.EmailBackend"

# Checkouts never completed are no gift of the supporter's.
NOT_GIFTS = [Donation.Status.PENDING, Donation.Status.EXPIRED]


def _sign_in_again(request):
    form = SignInForm(request.POST)
    context = {"form": form, "rate_limited": True}
    return render(request, "supporters/sign_in.html", context, status=TOO_MANY_REQUESTS)


@private_page
@require_http_methods(["GET", "POST"])
@rate_limited("supporter_sign_in", email_field="email", on_limit=_sign_in_again)
def sign_in_form(request):
    """Ask for an address; the same answer whether or not it ever gave (the task decides)."""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        path = reverse("supporters:open")
        url = f"{settings.SITE_URL}{path}?token={sign_in.make_token(email)}"
        tasks.send_sign_in_link.enqueue(email, url, get_language())
        context = {"email": email, "mail_printed": settings.EMAIL_BACKEND == PRINTED_MAIL}
        return render(request, "supporters/sign_in_sent.html", context)
    return render(request, "supporters/sign_in.html", {"form": form})


@private_page
@require_http_methods(["GET", "POST"])
def open_link(request):
    """GET shows a button (mail scanners that fetch links do not use them up); POST signs in."""
    token = request.POST.get("token") or request.GET.get("token", "")
    if request.method == "POST":
        if sign_in.sign_in(request, token):
            return redirect("supporters:page")
    elif sign_in.is_valid(token):
        return render(request, "supporters/open.html", {"token": token})
    return render(request, "supporters/link_invalid.html", status=400)


@private_page
@require_POST
def sign_out(request):
    sign_in.sign_out(request)
    return redirect("supporters:sign_in")


def _gifts(email):
    return (
        Donation.objects.filter(donor_email__iexact=email)
        .exclude(channel=Donation.Channel.STRIPE, status__in=NOT_GIFTS)
        .select_related("campaign")
        .prefetch_related("payments")
        .order_by("-created_at")
    )


def _next_charge(donation, paid, pause_ends_on):
    """About when the next monthly card charge falls: the day of the month of the last one.
    A pause keeps that day (Stripe's billing cycle does not move) and voids the charges due
    before it ends: the first such day after it, the day the page says the pause lasts until."""
    if not changes.can_change_card_gift(donation) or donation.cancel_at_period_end:
        return None
    if pause_ends_on:
        return pause_ends_on
    if not paid:
        return None
    return add_months(timezone.localtime(paid[0].paid_at), 1).date()


def _gift_rows(email):
    rows = []
    for donation in _gifts(email):
        paid = sorted(
            (p for p in donation.payments.all() if p.status == Payment.Status.SUCCEEDED),
            key=lambda p: p.paid_at,
            reverse=True,
        )
        pause_ends_on = monthly_charges.pause_ends_on(donation)
        rows.append(
            {
                "donation": donation,
                "payments": paid,
                "next_charge": _next_charge(donation, paid, pause_ends_on),
                "pause_ends_on": pause_ends_on,
                "card_monthly": changes.can_change_card_gift(donation),
                "transfer_monthly": donation.is_transfer_pledge
                and donation.is_monthly
                and donation.awaits_transfer(),
            }
        )
    return rows


@signed_in
@require_GET
def page(request, email):
    rows = _gift_rows(email)
    years = sorted(
        {
            p.paid_at.astimezone(timezone.get_current_timezone()).year
            for r in rows
            for p in r["payments"]
        },
        reverse=True,
    )
    preference = SupporterPreference.objects.filter(email=email).first()
    context = {
        "email": email,
        "rows": rows,
        "years": years,
        "accounts": list(BankAccount.objects.filter(is_active=True)),
        "preferences": PreferencesForm(initial=_preference_initial(preference)),
        "local_mode": not gateway.is_configured(),
        "done": request.GET.get("done", ""),
    }
    return render(request, "supporters/page.html", context)


def _preference_initial(preference):
    if preference is None:
        return {"language": get_language() or "ja"}
    return {
        "updates_consent": preference.updates_consent,
        "language": preference.language or get_language() or "ja",
        "receipt_name": preference.receipt_name,
    }


@signed_in
@require_POST
def preferences(request, email):
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return render(request, "supporters/preferences_error.html", {"form": form}, status=400)
    preference = SupporterPreference.objects.of(email)
    data = form.cleaned_data
    if preference.updates_consent != data["updates_consent"]:
        preference.updates_consent = data["updates_consent"]
        preference.updates_consent_changed_at = timezone.now()
    preference.language = data["language"]
    preference.receipt_name = data["receipt_name"].strip()
    preference.save()
    log.info("Supporter preferences saved (preference %s)", preference.pk)
    return redirect(f"{reverse('supporters:page')}?done=preferences#preferences")


def _own_gift(email, pk):
    """A gift of the signed-in address; any other id is not found, whoever it belongs to."""
    donation = _gifts(email).filter(pk=pk).first()
    if donation is None:
        raise Http404
    return donation


CHANGE_FORMS = {
    "pause": PauseForm,
    "resume": None,
    "amount": AmountForm,
    "cancel": CancelForm,
    "card": None,
}


@signed_in
@require_http_methods(["GET", "POST"])
def change(request, email, pk, action):
    """Each change shows what will happen and asks to confirm; the POST applies it."""
    if action not in CHANGE_FORMS:
        raise Http404
    donation = _own_gift(email, pk)
    form_class = CHANGE_FORMS[action]
    extra = {"campaign": donation.campaign} if form_class is AmountForm else {}
    if form_class is PauseForm:
        extra = {
            "resume_dates": {n: changes.resume_date(donation, n) for n in PAUSE_MONTHS},
            "amount": donation.amount,
        }
    form = form_class(request.POST or None, **extra) if form_class else None
    context = {"donation": donation, "action": action, "form": form}
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            if action == "pause":
                changes.pause(donation, data["months"])
            elif action == "resume":
                changes.resume(donation)
            elif action == "amount":
                changes.change_amount(donation, data["amount"])
            elif action == "cancel":
                changes.cancel(donation, data["reason"], data["detail"])
            else:
                return_url = settings.SITE_URL + reverse("supporters:page")
                return redirect(changes.card_update_url(donation, return_url))
        except changes.NotAllowed:
            return render(
                request, "supporters/change.html", context | {"refused": True}, status=409
            )
        except gateway.GatewayUnavailable:
            return render(
                request, "supporters/change.html", context | {"unavailable": True}, status=503
            )
        return redirect(f"{reverse('supporters:page')}?done={action}")
    return render(request, "supporters/change.html", context)


@signed_in
@require_GET
def payment_receipt(request, email, payment_id):
    payment = (
        receipts.counted_payments()
        .filter(pk=payment_id, donation__donor_email__iexact=email)
        .first()
    )
    if payment is None:
        raise Http404
    return receipts.pdf_response(receipts.payment_pdf(payment), payment.receipt_number)


@signed_in
@require_GET
def annual_receipt(request, email, year):
    if not 2000 <= year <= datetime.date.today().year:
        raise Http404
    data = receipts.annual_pdf(email, year)
    if data is None:
        raise Http404
    return receipts.pdf_response(data, f"receipt-{year}")
