"""The admin for bank transfers: confirming or cancelling pledges, importing a statement, and
resolving the lines that did not match by themselves. Every decision is logged (LogEntry).
Confirming and cancelling need the permission to change donations; importing, its own."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from donations.bank import statements
from donations.models import Donation, StatementLine


def log(modeladmin, request, obj, what):
    modeladmin.log_change(request, obj, str(what))


@admin.action(
    description=_("Confirm the selected bank-transfer pledges as received"), permissions=["change"]
)
def confirm_transfers(modeladmin, request, queryset):
    confirmed = 0
    for donation in queryset.filter(channel=Donation.Channel.BANK_TRANSFER):
        if statements.confirm(donation):
            confirmed += 1
            log(modeladmin, request, donation, _("Bank transfer confirmed"))
    modeladmin.message_user(
        request, _("%(count)d bank transfer(s) confirmed.") % {"count": confirmed}
    )


@admin.action(description=_("Cancel the selected bank-transfer pledges"), permissions=["change"])
def cancel_transfer_pledges(modeladmin, request, queryset):
    cancelled = 0
    for donation in queryset.filter(channel=Donation.Channel.BANK_TRANSFER):
        if donation.cancel_pledge():
            cancelled += 1
            log(modeladmin, request, donation, _("Bank-transfer pledge cancelled"))
    modeladmin.message_user(request, _("%(count)d pledge(s) cancelled.") % {"count": cancelled})


class StatementUploadForm(forms.Form):
    statement = forms.FileField(
        label=_("Bank statement (the bank’s CSV export, or a Zengin file)"),
        help_text=_(
            "The file as the bank exports it: a CSV of deposits and withdrawals (UTF-8 or "
            "Shift_JIS), or a Zengin statement or transfer notice. Importing a file twice is safe."
        ),
    )


class ResolveForm(forms.ModelForm):
    """What staff decide for a line the import could not match."""

    DECISIONS = [
        ("attach", _("It is the transfer for this pledge")),
        ("record", _("Record it as a one-time gift to this campaign")),
        ("ignore", _("It is not a donation")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    pledge = forms.ModelChoiceField(
        label=_("Pledge"),
        queryset=Donation.objects.filter(
            channel=Donation.Channel.BANK_TRANSFER,
            status__in=[Donation.Status.PENDING, Donation.Status.ACTIVE, Donation.Status.PAST_DUE],
        ).select_related("campaign"),
        required=False,
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.all(), required=False
    )

    class Meta:
        model = StatementLine
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.suggested_id:
            self.initial.setdefault("pledge", self.instance.suggested_id)
            self.initial.setdefault("decision", "attach")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "attach" and not cleaned.get("pledge"):
            self.add_error("pledge", _("Choose the pledge this transfer is for."))
        if cleaned.get("decision") == "record" and not cleaned.get("campaign"):
            self.add_error("campaign", _("Choose the campaign the gift is for."))
        return cleaned


@admin.register(StatementLine)
class StatementLineAdmin(admin.ModelAdmin):
    list_display = ["booked_on", "payer_name", "amount", "status", "donation", "suggested"]
    list_filter = ["status"]
    search_fields = ["payer_name", "donation__reference", "donation__donor_name"]
    list_select_related = ["donation", "suggested"]
    date_hierarchy = "booked_on"
    form = ResolveForm
    readonly_fields = [
        "booked_on",
        "payer_name",
        "amount",
        "status",
        "donation",
        "suggested",
        "file_name",
        "imported_at",
        "resolved_at",
    ]
    change_list_template = "admin/donations/statementline/change_list.html"

    def get_fields(self, request, obj=None):
        if obj and obj.status == StatementLine.Status.UNMATCHED:
            return [*self.readonly_fields, "decision", "pledge", "campaign"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if decision == "attach":
            done = statements.attach(obj, form.cleaned_data["pledge"])
        elif decision == "record":
            done = statements.record_as_gift(obj, form.cleaned_data["campaign"])
        elif decision == "ignore":
            done = statements.ignore(obj)
        else:
            return
        if not done:
            self.message_user(
                request,
                _("Nothing changed: this line or the pledge was already settled."),
                messages.WARNING,
            )

    def construct_change_message(self, request, form, formsets, add=False):
        return str(dict(ResolveForm.DECISIONS).get(form.cleaned_data.get("decision"), ""))

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="donations_statementline_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not request.user.has_perm("donations.import_statement"):
            raise PermissionDenied
        form = StatementUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["statement"]
            try:
                result = statements.import_statement(upload.read(), upload.name)
            except statements.StatementError as exc:
                form.add_error("statement", str(exc))
            else:
                for line in result.matched:
                    log(self, request, line, _("Imported and matched to a pledge"))
                self.message_user(request, summary(result))
                return redirect(
                    reverse("admin:donations_statementline_changelist") + "?status__exact=unmatched"
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Import a bank statement"),
        }
        return render(request, "admin/donations/statementline/import.html", context)


def summary(result):
    return _(
        "%(matched)d line(s) matched and confirmed, %(unmatched)d to resolve, "
        "%(skipped)d already imported."
    ) % {
        "matched": len(result.matched),
        "unmatched": len(result.unmatched),
        "skipped": result.already_imported,
    }
