"""Staff pages added to the donations admin: the campaign dashboard (and, below it, exports and
receipts). Views stay thin: the figures come from donations/staff/dashboard.py. Each page checks its
own permission (donations/staff/roles.py) and refuses others with 403, as the admin does."""

from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from donations import receipts
from donations.models import Donation
from donations.receipts import pdf_response
from donations.staff import anonymize, at_risk, dashboard, exports, retention
from donations.staff.access_records import record_access

DASHBOARD = "donations.view_dashboard"
EXPORT = "donations.export_donations"
RECEIPTS = "donations.download_receipts"
ANONYMIZE = "donations.anonymize_donor"
AT_RISK = "donations.view_supporters_at_risk"


class StaffViews:
    """A mixin of DonationAdmin: its extra URLs, behind the admin's login and permissions."""

    def get_urls(self):
        def wrap(permission, view):
            # 403 for staff without the permission, as the admin's own pages answer.
            checked = permission_required(permission, raise_exception=True)(view)
            return self.admin_site.admin_view(checked)

        return [
            path(
                "dashboard/",
                wrap(DASHBOARD, self.dashboard_default),
                name="donations_dashboard_default",
            ),
            path(
                "dashboard/<int:campaign_id>/",
                wrap(DASHBOARD, self.dashboard_view),
                name="donations_dashboard",
            ),
            path("export/", wrap(EXPORT, self.export_view), name="donations_export"),
            path("at-risk/", wrap(AT_RISK, self.at_risk_view), name="donations_at_risk"),
            path(
                "dashboard/<int:campaign_id>/retention.csv",
                wrap(EXPORT, self.retention_csv_view),
                name="donations_retention_csv",
            ),
            path(
                "receipts/payment/<int:payment_id>/",
                wrap(RECEIPTS, self.payment_receipt_view),
                name="donations_payment_receipt",
            ),
            path(
                "receipts/annual/<int:donation_id>/<int:year>/",
                wrap(RECEIPTS, self.annual_receipt_view),
                name="donations_annual_receipt",
            ),
            *super().get_urls(),
        ]

    def has_anonymize_permission(self, request):
        """For the erasure action (`permissions=["anonymize"]`)."""
        return request.user.has_perm(ANONYMIZE)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.has_perm(RECEIPTS):
            return [name for name in fields if name != "receipt_links"]
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            donation = response.context_data.get("original")
            if donation is not None:
                record_access(request, _("Viewed the donor's details"), donation)
        return response

    def dashboard_default(self, request):
        campaign = Campaign.objects.featured() or Campaign.objects.first()
        if campaign is None:
            return redirect("admin:index")
        return redirect("admin:donations_dashboard", campaign_id=campaign.pk)

    def dashboard_view(self, request, campaign_id):
        campaign = get_object_or_404(Campaign.objects.select_related("progress"), pk=campaign_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Dashboard: %(campaign)s") % {"campaign": campaign.title},
            "board": dashboard.build(campaign),
            "retention": retention.build(campaign),
            "campaigns": Campaign.objects.only("pk", "title"),
        }
        # Its recent gifts and waiting transfers name donors.
        record_access(request, _("Viewed the dashboard of %(campaign)s") % {"campaign": campaign})
        return TemplateResponse(request, "admin/donations/dashboard.html", context)

    def at_risk_view(self, request):
        """Monthly supporters whose payment is failing, of one campaign (?campaign=) or all."""
        campaign = None
        if (chosen := request.GET.get("campaign", "")).isdigit():
            campaign = get_object_or_404(Campaign, pk=chosen)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Supporters at risk"),
            "at_risk": at_risk.at_risk(campaign),
            "campaign": campaign,
        }
        record_access(request, _("Viewed the supporters at risk"))
        return TemplateResponse(request, "admin/donations/at_risk.html", context)

    def export_view(self, request):
        """The filter form; submitted with a choice, the CSV itself."""
        form = exports.ExportFilterForm(request.GET if "kind" in request.GET else None)
        if form.is_bound and form.is_valid():
            kind = form.cleaned_data["kind"]
            rows = (exports.donor_rows if kind == "donors" else exports.donation_rows)(
                form.donations()
            )
            response = StreamingHttpResponse(
                exports.csv_lines(rows, translation.get_language()),
                content_type="text/csv; charset=utf-8",
            )
            name = f"{kind}-{timezone.localdate():%Y%m%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            record_access(
                request,
                _("Exported %(file)s (%(filters)s)")
                % {
                    "file": name,
                    "filters": request.GET.urlencode(),
                },
            )
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Export donations as CSV"),
            "form": form,
        }
        return TemplateResponse(request, "admin/donations/export.html", context)

    def retention_csv_view(self, request, campaign_id):
        """The retention figures of the dashboard as a CSV (no names: counts and yen)."""
        campaign = get_object_or_404(Campaign, pk=campaign_id)
        rows = retention.csv_rows(retention.build(campaign))
        response = StreamingHttpResponse(
            exports.csv_lines(rows, translation.get_language()),
            content_type="text/csv; charset=utf-8",
        )
        name = f"retention-{campaign.slug}-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        record_access(request, _("Exported %(file)s (%(filters)s)") % {"file": name, "filters": ""})
        return response

    def payment_receipt_view(self, request, payment_id):
        payment = get_object_or_404(receipts.counted_payments(), pk=payment_id)
        record_access(
            request,
            _("Downloaded receipt %(number)s") % {"number": payment.receipt_number},
            payment.donation,
        )
        return pdf_response(receipts.payment_pdf(payment), payment.receipt_number, download=True)

    def annual_receipt_view(self, request, donation_id, year):
        """The annual receipt of the donor of this donation (all gifts made with their e-mail)."""
        donation = get_object_or_404(Donation.objects.exclude(donor_email=""), pk=donation_id)
        data = receipts.annual_pdf(donation.donor_email, year)
        if data is None:
            raise Http404("No gifts that year")
        name = receipts.annual_number(donation.donor_email, year)
        record_access(
            request, _("Downloaded annual receipt %(number)s") % {"number": name}, donation
        )
        return pdf_response(data, name, download=True)

    @admin.display(description=_("Receipts"))
    def receipt_links(self, donation):
        """Each payment's receipt, and the donor's annual receipt for each year they gave."""
        payments = receipts.counted_payments().filter(donation=donation).order_by("paid_at")
        links = [
            (
                reverse("admin:donations_payment_receipt", args=[p.pk]),
                p.receipt_number,
            )
            for p in payments
        ]
        if donation.donor_email:
            years = sorted({timezone.localtime(p.paid_at).year for p in payments})
            links += [
                (
                    reverse("admin:donations_annual_receipt", args=[donation.pk, year]),
                    _("Annual receipt %(year)d") % {"year": year},
                )
                for year in years
            ]
        if not links:
            return "—"
        return format_html_join(" / ", '<a href="{}">{}</a>', links)


@admin.action(
    description=_("Erase the selected donors’ personal data (on their request)"),
    permissions=["anonymize"],
)
def anonymize_donors(modeladmin, request, queryset):
    """Every donation made with the selected donations' addresses is anonymised."""
    emails = {email.lower() for email in queryset.values_list("donor_email", flat=True) if email}
    count = 0
    for email in sorted(emails):
        donations = list(Donation.objects.filter(donor_email__iexact=email))
        count += anonymize.anonymize_donor(email)
        for donation in donations:
            modeladmin.log_change(request, donation, str(_("Personal data erased")))
    modeladmin.message_user(request, _("%(count)d donation(s) anonymised.") % {"count": count})
