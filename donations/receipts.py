"""PDF receipts (領収書): one payment's, and a donor's annual total (合計領収書) for a calendar
year in Japan. Rendered from HTML by WeasyPrint with the system's Japanese fonts; the same
ledger rows always give the same receipt, so a receipt can be downloaded again at any time.

JII Partners is not a certified NPO (認定NPO法人): a receipt says so, and never promises a
tax deduction.
"""

import datetime
import hashlib

from django.core import signing
from django.db.models import F, Sum
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from donations.models import Payment, SupporterPreference
from jii_campaign import kept_content

SALT = "donations.receipt"
LINK_DAYS = 400


def counted_payments():
    return Payment.objects.filter(status=Payment.Status.SUCCEEDED, disputed=False).select_related(
        "donation__campaign"
    )


def receipt_name(email, given_name):
    """The name the supporter asked for on receipts (their page's preferences), else the name
    given with the gift."""
    return SupporterPreference.objects.read(email).receipt_name or given_name


def payment_pdf(payment) -> bytes:
    context = {
        "number": payment.receipt_number,
        "payments": [payment],
        "total": payment.net_amount,
        "name": payment.donation.mail_choices().receipt_name,
        "issued_on": timezone.localtime(payment.paid_at).date(),
    }
    return _pdf(context, payment.donation.locale)


def annual_payments(email, year):
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    return counted_payments().filter(
        donation__donor_email__iexact=email, paid_at__gte=start, paid_at__lt=end
    )


def annual_pdf(email, year) -> bytes | None:
    """The year's total for every gift made with this address, or None when there were none."""
    payments = list(annual_payments(email, year).order_by("paid_at", "pk"))
    if not payments:
        return None
    last = payments[-1].donation
    context = {
        "number": annual_number(email, year),
        "payments": payments,
        "total": annual_payments(email, year).aggregate(
            total=Sum(F("amount") - F("refunded_amount"))
        )["total"],
        "name": receipt_name(email, last.donor_name),
        "year": year,
        # Dated by the year's last gift, so that downloading it again gives the same receipt.
        "issued_on": timezone.localtime(payments[-1].paid_at).date(),
    }
    return _pdf(context, last.locale)


def annual_number(email, year):
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:8].upper()
    return f"JII-{year}-Y{digest}"


def _pdf(context, locale) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which only receipts need.
    from weasyprint import HTML

    with translation.override(locale):
        html = render_to_string(
            "donations/receipt.html", {**context, "organisation": kept_content.organisation()}
        )
    return HTML(string=html).write_pdf()


def payment_link_token(payment) -> str:
    return signing.dumps(payment.pk, salt=SALT)


def payment_from_token(token):
    try:
        payment_id = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    return counted_payments().filter(pk=payment_id).first()


def pdf_response(data: bytes, name: str, *, download=False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
