"""Staff pages added to the donations admin: the campaign dashboard (and, below it, exports and
receipts). Views stay thin: the figures come from donations/dashboard.py."""

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from donations import dashboard, exports


class StaffViews:
    """A mixin of DonationAdmin: its extra URLs, behind the admin's login and permissions."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("dashboard/", wrap(self.dashboard_default), name="donations_dashboard_default"),
            path(
                "dashboard/<int:campaign_id>/",
                wrap(self.dashboard_view),
                name="donations_dashboard",
            ),
            path("export/", wrap(self.export_view), name="donations_export"),
            *super().get_urls(),
        ]

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
            "campaigns": Campaign.objects.only("pk", "title"),
        }
        return TemplateResponse(request, "admin/donations/dashboard.html", context)

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
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Export donations as CSV"),
            "form": form,
        }
        return TemplateResponse(request, "admin/donations/export.html", context)
