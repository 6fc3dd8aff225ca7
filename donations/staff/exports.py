"""CSV exports of donations and donors for staff: UTF-8 with a BOM so that Excel reads the
Japanese correctly, and every cell that a spreadsheet would run as a formula neutralised."""

import csv
import io

from django import forms
from django.db.models import Count, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from donations.models import Donation, Payment

BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class ExportFilterForm(forms.Form):
    KINDS = [("donations", _("Donations")), ("donors", _("Donors"))]

    kind = forms.ChoiceField(label=_("Export"), choices=KINDS, initial="donations")
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Donation.Status.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("Received via"), choices=[("", "—"), *Donation.Channel.choices], required=False
    )

    def donations(self):
        """The donations the chosen filters select (by the date each was made, in Japan)."""
        data = self.cleaned_data
        donations = Donation.objects.select_related("campaign").order_by("created_at", "id")
        if data.get("date_from"):
            donations = donations.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            donations = donations.filter(created_at__date__lte=data["date_to"])
        if data.get("campaign"):
            donations = donations.filter(campaign=data["campaign"])
        if data.get("status"):
            donations = donations.filter(status=data["status"])
        if data.get("channel"):
            donations = donations.filter(channel=data["channel"])
        return donations


RECEIVED = Sum(
    F("payments__amount") - F("payments__refunded_amount"),
    filter=Q(payments__status=Payment.Status.SUCCEEDED, payments__disputed=False),
    default=0,
)


def donation_rows(donations):
    yield [
        _("Number"),
        _("Created at"),
        _("Campaign"),
        _("Frequency"),
        _("Received via"),
        _("Status"),
        _("Amount (¥)"),
        _("Received (¥)"),
        _("Name"),
        _("Email address"),
        _("Reference number"),
        _("Payment method"),
        _("Bank transfer note"),
    ]
    for donation in donations.annotate(received=RECEIVED).iterator(chunk_size=2000):
        yield [
            donation.pk,
            timezone.localtime(donation.created_at).strftime("%Y-%m-%d %H:%M"),
            donation.campaign.title,
            donation.get_frequency_display(),
            donation.get_channel_display(),
            donation.get_status_display(),
            donation.amount,
            donation.received,
            donation.donor_name,
            donation.donor_email,
            donation.reference or "",
            donation.way_paid(),
            donation.transfer_summary(),
        ]


def donor_rows(donations):
    """One row per donor (by e-mail address, else by name)."""
    yield [
        _("Name"),
        _("Email address"),
        _("Donations"),
        _("Received (¥)"),
        _("First donation"),
        _("Latest donation"),
    ]
    donors = (
        donations.order_by()
        .exclude(donor_email="", donor_name="")
        .annotate(key=Coalesce(NullIf(Lower("donor_email"), Value("")), "donor_name"))
        .values("key")
        .annotate(
            name=Max("donor_name"),
            email=Max("donor_email"),
            count=Count("id", distinct=True),
            received=RECEIVED,
            first=Min("created_at"),
            latest=Max("created_at"),
        )
        .order_by("key")
    )
    for donor in donors.iterator(chunk_size=2000):
        yield [
            donor["name"],
            donor["email"],
            donor["count"],
            donor["received"],
            timezone.localtime(donor["first"]).strftime("%Y-%m-%d"),
            timezone.localtime(donor["latest"]).strftime("%Y-%m-%d"),
        ]


def csv_lines(rows, language):
    """The CSV text, a line at a time, starting with the BOM. Streamed after the view returned,
    so the headers are translated here, in the staff member's language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield BOM
    with translation.override(language):
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
