"""A donor's receipt as a PDF, through the signed link in their receipt e-mail."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from donations import receipts


def pdf_response(data: bytes, name: str, *, download=False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def payment_receipt(request, token):
    payment = receipts.payment_from_token(token)
    if payment is None:
        return render(request, "donations/bank_pledged.html", status=400)
    return pdf_response(receipts.payment_pdf(payment), payment.receipt_number)
