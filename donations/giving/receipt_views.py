"""The PDF receipt behind the signed link in a receipt e-mail."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from donations import receipts
from donations.receipts import pdf_response


@require_GET
def payment_receipt(request, token):
    payment = receipts.payment_from_token(token)
    if payment is None:
        return render(request, "donations/bank_pledged.html", status=400)
    return pdf_response(receipts.payment_pdf(payment), payment.receipt_number)
