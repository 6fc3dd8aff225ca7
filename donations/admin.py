from django import forms
from django.contrib import admin, messages
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from donations.bank.admin import cancel_transfer_pledges, confirm_transfers
from donations.models import Donation, Payment, Refund, StripeEvent
from donations.staff.admin_views import StaffViews, anonymize_donors
from donations.stripe import held_events
from donations.stripe.gateway import API_VERSION
from jii_campaign.money import format_yen

STRIPE_FIELDS = [
    "stripe_checkout_session_id",
    "stripe_payment_intent_id",
    "stripe_subscription_id",
    "stripe_customer_id",
]


class OfflineGiftForm(forms.ModelForm):
    """What staff fill in to record a gift received outside the site."""

    received_at = forms.DateTimeField(label=_("Received at"), required=False)

    class Meta:
        model = Donation
        fields = [
            "campaign",
            "frequency",
            "channel",
            "amount",
            "donor_name",
            "donor_email",
            "public_name",
            "nickname",
            "reference",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            choice for choice in Donation.Channel.choices if choice[0] != Donation.Channel.STRIPE
        ]


class ReceiptNumberColumn:
    @admin.display(description=_("Receipt number"), ordering="pk")
    def receipt(self, payment):
        return payment.receipt_number


class PaymentInline(ReceiptNumberColumn, admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = [
        "receipt",
        "amount",
        "status",
        "recovered",
        "refunded_amount",
        "refund_states",
        "disputed",
        "dispute_status",
        "paid_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("refunds")

    @admin.display(description=_("Refunds"))
    def refund_states(self, payment):
        """Each refund with what became of it: one that failed or was cancelled gave the money
        back, and the refunded amount no longer includes it."""
        return "; ".join(
            f"{format_yen(refund.amount)} {refund.get_status_display()}"
            for refund in payment.refunds.all()
        )


@admin.register(Donation)
class DonationAdmin(StaffViews, admin.ModelAdmin):
    # Narrow columns first, so that amount and status show at 1280 px without scrolling.
    list_display = [
        "id",
        "amount_yen",
        "refunded",
        "status",
        "frequency",
        "way_paid",
        "donor",
        "created_on",
        "campaign_short",
    ]
    list_filter = ["status", "frequency", "channel", "payment_method", "campaign"]
    search_fields = ["donor_name", "donor_email", "reference", *STRIPE_FIELDS]
    list_select_related = ["campaign"]
    date_hierarchy = "created_at"
    inlines = [PaymentInline]
    readonly_fields = [
        "campaign",
        "frequency",
        "channel",
        "payment_method",
        "transfer_note",
        "status",
        "amount",
        "locale",
        "support_message",
        "cancel_at_period_end",
        "cancel_at",
        "scheduled_end",
        "created_at",
        "updated_at",
        "receipt_links",
        *STRIPE_FIELDS,
    ]
    actions = [
        "cancel_monthly",
        "void_staff_recorded",
        confirm_transfers,  # bank transfers: donations/bank/admin.py
        cancel_transfer_pledges,
        anonymize_donors,  # donations/staff/admin_views.py
    ]

    @admin.display(description=_("Payment method"), ordering="payment_method")
    def way_paid(self, donation):
        return donation.way_paid()

    @admin.display(description=_("Bank transfer note"))
    def transfer_note(self, donation):
        return donation.transfer_summary() or "—"

    @admin.display(description=_("Scheduled end"))
    def scheduled_end(self, donation):
        return donation.scheduled_end() or "—"

    @admin.display(description=_("Amount (¥)"), ordering="amount")
    def amount_yen(self, donation):
        return format_yen(donation.amount)

    @admin.display(description=_("Donor"), ordering="donor_name")
    def donor(self, donation):
        return Truncator(donation.donor_name or donation.donor_email or "—").chars(24)

    @admin.display(description=_("Date"), ordering="created_at")
    def created_on(self, donation):
        return timezone.localtime(donation.created_at).strftime("%Y-%m-%d")

    @admin.display(description=_("Campaign"), ordering="campaign")
    def campaign_short(self, donation):
        return Truncator(donation.campaign.title).chars(14)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(refunded_total=Sum("payments__refunded_amount"))
        )

    @admin.display(description=_("Refunded amount (¥)"), ordering="refunded_total")
    def refunded(self, donation):
        return donation.refunded_total or None

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = OfflineGiftForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*OfflineGiftForm.Meta.fields, "received_at"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = {name: form.cleaned_data[name] for name in OfflineGiftForm.Meta.fields}
        data["reference"] = data["reference"] or None
        recorded = Donation.record_offline(received_at=form.cleaned_data["received_at"], **data)
        obj.pk = recorded.pk

    def has_delete_permission(self, request, obj=None):
        # Deleting rows would leave the campaign counters wrong: void_staff_recorded instead.
        return False

    @admin.action(
        description=_("Record selected monthly donations as cancelled"), permissions=["change"]
    )
    def cancel_monthly(self, request, queryset):
        self._change_staff_recorded(
            request,
            queryset.filter(frequency=Donation.Frequency.MONTHLY),
            Donation.cancel,
            done=_("%(count)d donation(s) marked as cancelled."),
            skipped=_(
                "%(count)d online monthly donation(s) left unchanged: cancel those in "
                "the Stripe Dashboard (or the donor's customer portal)."
            ),
        )

    @admin.action(
        description=_("Void the selected staff-recorded donations"), permissions=["change"]
    )
    def void_staff_recorded(self, request, queryset):
        self._change_staff_recorded(
            request,
            queryset,
            Donation.void,
            done=_("%(count)d donation(s) voided."),
            skipped=_(
                "%(count)d online donation(s) not voided: refund or cancel those in the "
                "Stripe Dashboard."
            ),
        )

    def _change_staff_recorded(self, request, queryset, change, *, done, skipped):
        """Apply a state change to gifts staff recorded; Stripe owns the online ones."""
        online = queryset.filter(channel=Donation.Channel.STRIPE).count()
        changed = 0
        for donation in queryset.exclude(channel=Donation.Channel.STRIPE):
            if change(donation):
                changed += 1
                self.log_change(request, donation, donation.get_status_display())
        self.message_user(request, done % {"count": changed})
        if online:
            self.message_user(request, skipped % {"count": online}, messages.WARNING)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only Stripe's events write: staff read them, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReceiptFilter(admin.SimpleListFilter):
    """Receipts the task worker has not managed to send yet (it keeps trying for three days)."""

    title = _("Receipt email")
    parameter_name = "receipt"

    def lookups(self, request, model_admin):
        return [("unsent", _("Not sent yet")), ("sent", _("Sent"))]

    def queryset(self, request, queryset):
        if self.value() == "unsent":
            return queryset.filter(
                status=Payment.Status.SUCCEEDED, receipt_sent_at__isnull=True
            ).exclude(donation__donor_email="")
        if self.value() == "sent":
            return queryset.filter(receipt_sent_at__isnull=False)
        return queryset


class RefundInline(admin.TabularInline):
    """A payment's refunds as Stripe last reported each: a failed or cancelled one gave the
    money back."""

    model = Refund
    extra = 0
    can_delete = False
    fields = ["stripe_refund_id", "amount", "status", "refunded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReceiptNumberColumn, ReadOnlyAdmin):
    list_display = [
        "receipt",
        "donation",
        "amount",
        "status",
        "recovered",
        "refunded_amount",
        "dispute_status",
        "paid_at",
        "receipt_sent_at",
    ]
    list_filter = [ReceiptFilter, "status", "recovered", "disputed", "dispute_status"]
    search_fields = [
        "stripe_invoice_id",
        "stripe_payment_intent_id",
        "stripe_charge_id",
        "refunds__stripe_refund_id",
    ]
    list_select_related = ["donation"]
    inlines = [RefundInline]


class AppliedFilter(admin.SimpleListFilter):
    """Events the event worker has not applied yet: just arrived, or failing and retried."""

    title = _("Applied")
    parameter_name = "applied"

    def lookups(self, request, model_admin):
        return [("no", _("Waiting to be applied")), ("yes", _("Applied"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.queued()
        if self.value() == "yes":
            return queryset.filter(processed_at__isnull=False)
        return queryset


class ApiVersionFilter(admin.SimpleListFilter):
    """Events Stripe sent in another API version than the site's: recorded, not applied."""

    title = _("API version")
    parameter_name = "version"

    def lookups(self, request, model_admin):
        return [("held", _("Other API version — needs attention"))]

    def queryset(self, request, queryset):
        if self.value() == "held":
            return queryset.held()
        return queryset


HELD_NOTICE = _(
    "%(count)d Stripe event(s) came in another API version than this site's (%(version)s) and "
    "were NOT applied: payments, refunds or cancellations may be missing from the ledger. Ask "
    "the person who runs the site to set the webhook endpoint's version with "
    "“manage.py stripe_setup --apply”; then choose “Other API version — needs attention” on "
    "the right, select the events and run the action “%(action)s”."
)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    # What staff look for first (has it failed, when is it tried again) before it scrolls off.
    list_display = [
        "event_id",
        "type",
        "attempts",
        "last_error",
        "retry_at",
        "processed_at",
        "api_version",
        "created",
        "received_at",
    ]
    list_filter = [ApiVersionFilter, AppliedFilter, "type"]
    search_fields = ["event_id", "payment_intent_id", "charge_id", "invoice_id"]
    actions = ["apply_held_events"]

    def changelist_view(self, request, extra_context=None):
        if count := StripeEvent.objects.held().count():
            action = self.apply_held_events.short_description
            notice = HELD_NOTICE % {"count": count, "version": API_VERSION, "action": action}
            self.message_user(request, notice, messages.ERROR)
        return super().changelist_view(request, extra_context)

    def has_apply_permission(self, request):
        """Applying moves money in the ledger: those who may change events, not only view."""
        return request.user.has_perm("donations.change_stripeevent")

    @admin.action(
        description=_("Fetch again from Stripe and apply (other API version)"),
        permissions=["apply"],
    )
    def apply_held_events(self, request, queryset):
        applied, failed = held_events.apply_held_events(queryset)
        for record in applied:
            self.log_change(request, record, str(_("Fetched again from Stripe and applied")))
        self.message_user(
            request,
            _("%(count)d held event(s) applied.") % {"count": len(applied)},
            messages.SUCCESS,
        )
        if failed:
            self.message_user(
                request,
                _(
                    "%(count)d event(s) stay held: Stripe could not be reached, or the event "
                    "could not be applied (see the log). Try again later."
                )
                % {"count": failed},
                messages.WARNING,
            )
