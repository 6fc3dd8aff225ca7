"""`Donation`: a donor's pledge, one gift or a monthly subscription, and every change of
its state as a row-locked, state-checked method."""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from campaigns.payment_methods import PaymentMethod
from donations.models.stripe_bank_transfers import StripeBankTransfers
from donations.models.stripe_linked import StripeLinked, is_older
from donations.models.supporter_mail import SupporterMail
from donations.models.transfer_pledges import BankTransferPledges
from jii_campaign.locking import locked_transition
from jii_campaign.money import format_yen


class DonationQuerySet(models.QuerySet):
    def manageable_by(self, email):
        """Monthly donations that a donor with this address can still manage."""
        return self.filter(
            donor_email__iexact=email.strip(),
            frequency=Donation.Frequency.MONTHLY,
            status__in=[Donation.Status.ACTIVE, Donation.Status.PAST_DUE],
        ).exclude(stripe_customer_id="")


class CancelReason(models.TextChoices):
    """Why a supporter ended a monthly gift: a short list, then their own words."""

    MONEY = "money", _("My finances changed")
    OTHER_CAUSE = "other_cause", _("I support another cause now")
    NOT_INFORMED = "not_informed", _("I did not hear enough about what my gift does")
    TEMPORARY = "temporary", _("I only meant to give for a while")
    OTHER = "other", _("Another reason")


class Donation(StripeLinked, BankTransferPledges, StripeBankTransfers, SupporterMail, models.Model):
    """A donor's pledge: one gift, or a monthly subscription with many payments."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        ONCE = "once", _("One-time")

    class Channel(models.TextChoices):
        STRIPE = "stripe", _("Online payment")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        OFFLINE = "offline", _("Other (recorded by staff)")

    class Status(models.TextChoices):
        PENDING = "pending", _("In progress")
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        SUCCEEDED = "succeeded", _("Received")
        REFUNDED = "refunded", _("Refunded")
        DISPUTED = "disputed", _("Disputed (chargeback)")
        VOIDED = "voided", _("Voided by staff")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment overdue")
        CANCELED = "canceled", _("Cancelled")

    class PublicName(models.TextChoices):
        NAME = "name", _("Name")
        NICKNAME = "nickname", _("Nickname")
        ANONYMOUS = "anonymous", _("Anonymous")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("Campaign"),
    )
    frequency = models.CharField(_("Frequency"), max_length=10, choices=Frequency.choices)
    channel = models.CharField(
        _("Received via"), max_length=20, choices=Channel.choices, default=Channel.STRIPE
    )
    # How a one-time gift is paid (campaigns.payment_methods.PaymentMethod); empty before it
    # was recorded and for monthly card gifts.
    payment_method = models.CharField(
        _("Payment method"),
        max_length=20,
        blank=True,
        choices=PaymentMethod.choices,
        db_default="",  # rows inserted in bulk (bench_data) name no method
    )
    # A Stripe bank transfer: what a partial transfer left missing, and what an over-funded one
    # left in the donor's Stripe cash balance (not counted: the gift counts what it asked).
    transfer_amount_missing = models.PositiveIntegerField(
        _("Still to transfer (¥)"), null=True, blank=True
    )
    transfer_left_in_balance = models.PositiveIntegerField(
        _("Transferred beyond the gift (¥)"), null=True, blank=True
    )
    transfer_balance_as_of = models.DateTimeField(null=True, blank=True, editable=False)
    payment_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    amount = models.PositiveIntegerField(_("Amount (¥)"))
    donor_name = models.CharField(_("Name"), max_length=100, blank=True)
    donor_email = models.EmailField(_("Email address"), blank=True)
    public_name = models.CharField(
        _("Shown publicly as"),
        max_length=10,
        choices=PublicName.choices,
        default=PublicName.ANONYMOUS,
    )
    nickname = models.CharField(_("Nickname"), max_length=100, blank=True)
    payer_kana = models.CharField(
        _("Payer name on the transfer (kana)"),
        max_length=100,
        blank=True,
        help_text=_("For bank transfers: the name the bank statement will show."),
    )
    locale = models.CharField(_("Language"), max_length=10, default="ja")
    # 特定電子メール法: the donor's ticked box "send me activity reports", recorded in their
    # SupporterPreference once the gift is paid (a bank transfer: once pledged).
    updates_consent = models.BooleanField(
        _("Asked for activity reports"), default=False, db_default=False
    )
    support_message = models.OneToOneField(
        "testimonials.SupportMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="donation",
        verbose_name=_("Cheering message"),
    )
    # One per submitted confirmation form: a double click finds the same donation.
    checkout_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Part of the idempotency key: Stripe replays a failed request's error for 24 hours, so a
    # new try after a failure needs a new key, while a double click shares one.
    checkout_attempt = models.PositiveSmallIntegerField(default=0, editable=False)
    reference = models.CharField(
        _("Reference number"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_("A unique number used to match bank transfers, etc. (optional)."),
    )
    stripe_checkout_session_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True
    )
    stripe_payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_subscription_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    cancel_at_period_end = models.BooleanField(_("Cancel at end of period"), default=False)
    # The subscription's `cancel_at`: the date Stripe ends it on (set in the portal, or by
    # Stripe itself to the period's end); null when no end is scheduled.
    cancel_at = models.DateTimeField(_("Ends on"), null=True, blank=True)
    # A monthly gift paused by its supporter: Stripe collects nothing until this time (its
    # `pause_collection.resumes_at`); null when not paused.
    paused_until = models.DateTimeField(_("Paused until"), null=True, blank=True)
    # Why the supporter ended a monthly gift, when they said (counted on the dashboard).
    cancel_reason = models.CharField(
        _("Reason for cancelling"),
        max_length=20,
        choices=CancelReason.choices,
        blank=True,
        db_default="",  # rows inserted in bulk by SQL (bench_data) have none
    )
    cancel_reason_detail = models.TextField(
        _("Reason for cancelling, in their words"), blank=True, db_default=""
    )
    # Time (Stripe's) of the newest event that set `status`: older events cannot undo it.
    status_as_of = models.DateTimeField(null=True, blank=True, editable=False)
    # The same for `cancel_at_period_end` and `cancel_at`, which other events (an invoice paid)
    # do not speak of.
    cancel_at_period_end_as_of = models.DateTimeField(null=True, blank=True, editable=False)
    # --- supporters who stay (models/supporter_mail.py): each mail once ---
    welcome_sent_at = models.DateTimeField(_("Welcome e-mail sent"), null=True, blank=True)
    goodbye_sent_at = models.DateTimeField(
        _("Goodbye e-mail sent (ended for non-payment)"), null=True, blank=True
    )
    # The card Stripe charges, as the payment events and retrieves showed it.
    card_payment_method_id = models.CharField(
        max_length=255, blank=True, default="", db_default="", editable=False
    )
    card_exp_month = models.PositiveSmallIntegerField(_("Card expiry month"), null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(_("Card expiry year"), null=True, blank=True)
    card_expiry_reminded_for = models.CharField(
        max_length=300, blank=True, default="", db_default="", editable=False
    )
    note = models.TextField(_("Notes"), blank=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Donation")
        verbose_name_plural = _("Donation")
        ordering = ["-created_at"]
        # Staff pages beyond viewing and editing rows, each granted on its own (staff_roles.py).
        permissions = [
            ("view_dashboard", "Can see the campaign dashboard"),
            ("export_donations", "Can export donations and donors as CSV"),
            ("download_receipts", "Can download donors' receipts"),
            ("anonymize_donor", "Can erase a donor's personal data"),
            ("view_supporters_at_risk", "Can see monthly supporters whose payments fail"),
        ]
        indexes = [
            models.Index(fields=["campaign", "frequency", "status"], name="donation_counting"),
            models.Index(fields=["donor_email"], name="donation_email"),
            models.Index(fields=["-created_at"], name="donation_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_frequency_display()} {format_yen(self.amount)}"

    @property
    def is_monthly(self):
        return self.frequency == self.Frequency.MONTHLY

    def public_display_name(self):
        """The name the donor chose to show; empty when they chose to stay anonymous, so that
        each reader sees "anonymous" in their own language."""
        if self.public_name == self.PublicName.NAME:
            return self.donor_name
        if self.public_name == self.PublicName.NICKNAME:
            return self.nickname
        return ""

    # --- staff-recorded gifts --------------------------------------------------------------

    @classmethod
    def record_offline(cls, *, campaign, frequency, amount, received_at=None, **fields):
        """A gift staff received outside Stripe (bank transfer, cash): it counts at once.
        With a `reference`, recording the same gift twice returns the first record."""
        reference = fields.get("reference")
        if reference and (existing := cls.objects.filter(reference=reference).first()):
            return existing
        fields.setdefault("channel", cls.Channel.OFFLINE)
        try:
            with transaction.atomic():
                donation = cls.objects.create(
                    campaign=campaign, frequency=frequency, amount=amount, **fields
                )
                if donation.is_monthly:
                    donation.activate(as_of=received_at)
                else:
                    donation.receive_payment(amount=amount, paid_at=received_at)
        except IntegrityError:
            if reference and (existing := cls.objects.filter(reference=reference).first()):
                return existing
            raise
        return donation

    @locked_transition
    def void(self):
        """Take back a gift staff recorded by mistake. The rows stay, so the ledger still adds
        up: the gift is voided (a monthly one no longer counts) and its payments count as
        refunded in full. False when already void, or for an online gift (Stripe owns those)."""
        if self.channel == self.Channel.STRIPE or self.status == self.Status.VOIDED:
            return False
        for payment in self.payments.filter(status=Payment.Status.SUCCEEDED):
            payment.record_refund(payment.amount)
        self._set_status(self.Status.VOIDED, None)
        with translation.override(settings.LANGUAGE_CODE):
            line = _("%(date)s voided by staff") % {"date": timezone.localdate()}
        self.note = f"{self.note}\n{line}" if self.note else line
        self.save(update_fields=["note", "updated_at"])
        return True

    # --- Stripe identifiers --------------------------------------------------------------

    def note_failed_checkout(self):
        """Stripe did not create the session; the donor's next try gets a fresh key."""
        type(self).objects.filter(pk=self.pk).update(checkout_attempt=F("checkout_attempt") + 1)
        self.checkout_attempt += 1

    # --- one-time gifts ------------------------------------------------------------------

    @locked_transition
    def receive_payment(self, *, amount, paid_at=None, **payment_ids):
        """Money received for a one-time gift, which is paid once: however often that is
        reported, with or without Stripe ids, it is one payment. Returns (payment, created)."""
        if payment := self.payments.first():
            created = payment.succeed(amount=amount, paid_at=paid_at, **payment_ids)
        else:
            payment, created = Payment.record_success(
                donation=self, amount=amount, paid_at=paid_at, **payment_ids
            )
        self._show_outcome(payment)
        return payment, created

    @locked_transition
    def note_payment_method(self, method: str):
        """The method the donor actually paid a one-time gift with, as Stripe reports it
        (Checkout offers all the campaign's methods, whatever the donor chose in our form)."""
        if self.is_monthly or not method or self.payment_method == method:
            return False
        self.payment_method = method
        self.save(update_fields=["payment_method", "updated_at"])
        return True

    @locked_transition
    def await_payment(self):
        """Konbini: the donor has a voucher and pays later."""
        return self._move(self.Status.AWAITING_PAYMENT, frm=[self.Status.PENDING])

    @locked_transition
    def fail(self):
        return self._move(
            self.Status.FAILED, frm=[self.Status.PENDING, self.Status.AWAITING_PAYMENT]
        )

    @locked_transition
    def expire(self):
        return self._move(self.Status.EXPIRED, frm=[self.Status.PENDING])

    # --- monthly subscriptions -----------------------------------------------------------

    @locked_transition
    def activate(self, as_of=None):
        """The subscription is running (first payment made, or a failed one recovered)."""
        return self._move(
            self.Status.ACTIVE,
            frm=[self.Status.PENDING, self.Status.PAST_DUE, self.Status.EXPIRED],
            as_of=as_of,
        )

    @locked_transition
    def mark_past_due(self, as_of=None):
        return self._move(self.Status.PAST_DUE, frm=[self.Status.ACTIVE], as_of=as_of)

    @locked_transition
    def cancel(self, as_of=None):
        """Ended for good: no later event brings a canceled subscription back."""
        if self.status not in (self.Status.PENDING, self.Status.ACTIVE, self.Status.PAST_DUE):
            return False
        self._set_status(self.Status.CANCELED, as_of)
        return True

    @locked_transition
    def receive_invoice_payment(self, *, amount, paid_at=None, as_of=None, **payment_ids):
        """One monthly invoice paid: recorded once, and the subscription is running.
        Returns (payment, created)."""
        payment, created = Payment.record_success(
            donation=self, amount=amount, paid_at=paid_at, **payment_ids
        )
        self.activate(as_of=as_of)
        return payment, created

    @locked_transition
    def record_invoice_failure(self, *, amount, as_of=None, **payment_ids):
        """A monthly invoice could not be charged. Returns (payment, created)."""
        payment, created = Payment.record_failure(donation=self, amount=amount, **payment_ids)
        if payment.status == Payment.Status.FAILED:
            self.mark_past_due(as_of=as_of)
        return payment, created

    @locked_transition
    def set_scheduled_end(self, *, cancel_at_period_end, cancel_at=None, as_of=None):
        """When the subscription is set to end, as the newest subscription event says: at the
        period's end, on a date (`cancel_at`), or not at all (both cleared)."""
        if is_older(as_of, self.cancel_at_period_end_as_of):
            return False
        changed = (self.cancel_at_period_end, self.cancel_at) != (cancel_at_period_end, cancel_at)
        # Newer news of the same choice still outdates older news of the other.
        if changed or (as_of and as_of != self.cancel_at_period_end_as_of):
            self.cancel_at_period_end = cancel_at_period_end
            self.cancel_at = cancel_at
            self.cancel_at_period_end_as_of = as_of or self.cancel_at_period_end_as_of
            self.save(
                update_fields=[
                    "cancel_at_period_end",
                    "cancel_at",
                    "cancel_at_period_end_as_of",
                    "updated_at",
                ]
            )
        return changed

    @locked_transition
    def set_pause(self, paused_until, *, as_of=None):
        """Whether Stripe collects nothing until `paused_until` (None: collecting), as the
        subscription says. Part of the same news as the scheduled end: an event older than the
        one that last set it changes nothing (`set_scheduled_end` then moves that time on)."""
        if is_older(as_of, self.cancel_at_period_end_as_of) or self.paused_until == paused_until:
            return False
        self.paused_until = paused_until
        self.save(update_fields=["paused_until", "updated_at"])
        return True

    @locked_transition
    def change_monthly_amount(self, amount, *, as_of=None):
        """The monthly amount from the next charge on, as the subscription's price says; the
        counters follow while the gift counts. Past payments keep their own amounts. Ordered
        like `set_pause`, by the time of the subscription news."""
        if not self.is_monthly or amount <= 0 or amount == self.amount:
            return False
        if is_older(as_of, self.cancel_at_period_end_as_of):
            return False
        change = (amount - self.amount) * self._counted_monthly()
        self.amount = amount
        self.save(update_fields=["amount", "updated_at"])
        if change:
            CampaignProgress.add(self.campaign_id, monthly_amount=change)
        return True

    @locked_transition
    def record_cancel_reason(self, reason, detail=""):
        """Why the supporter ended the gift, in the list's words and their own (both optional)."""
        self.cancel_reason = reason if reason in CancelReason.values else ""
        self.cancel_reason_detail = detail.strip()[:2000]
        self.save(update_fields=["cancel_reason", "cancel_reason_detail", "updated_at"])
        return True

    def is_paused(self):
        return bool(
            self.paused_until
            and self.status in (self.Status.ACTIVE, self.Status.PAST_DUE)
            and self.paused_until > timezone.now()
        )

    def way_paid(self) -> str:
        """The way the money comes, for staff and receipts: card, PayPay, konbini, a Stripe bank
        transfer or one to our account (a pledge), or the channel for older rows."""
        if self.channel == self.Channel.BANK_TRANSFER:
            return str(PaymentMethod.BANK_PLEDGE.label)
        if self.channel == self.Channel.STRIPE and self.payment_method in PaymentMethod.values:
            return str(PaymentMethod(self.payment_method).label)
        return self.get_channel_display()

    def scheduled_end(self):
        """Words for staff and donors: "Ends on 2027-01-31", "Ends at the end of the current
        period", or "" while the subscription runs on (or is no longer running)."""
        if not self.is_monthly or self.status not in (self.Status.ACTIVE, self.Status.PAST_DUE):
            return ""
        if self.cancel_at:
            date = timezone.localdate(self.cancel_at)
            return _("Ends on %(date)s") % {"date": date.isoformat()}
        if self.cancel_at_period_end:
            return _("Ends at the end of the current period")
        return ""

    # --- internals -----------------------------------------------------------------------

    def _move(self, status, *, frm, as_of=None):
        if is_older(as_of, self.status_as_of):
            return False
        if self.status == status:
            # Newer news of the same state still outdates older news of another state.
            if as_of and as_of != self.status_as_of:
                self.status_as_of = as_of
                self.save(update_fields=["status_as_of", "updated_at"])
            return False
        if self.status not in frm:
            return False
        self._set_status(status, as_of)
        return True

    def _set_status(self, status, as_of):
        counted_before = self._counted_monthly()
        self.status = status
        if as_of:
            self.status_as_of = as_of
        self.save(update_fields=["status", "status_as_of", "updated_at"])
        change = self._counted_monthly() - counted_before
        if change:
            CampaignProgress.add(
                self.campaign_id, monthly_supporters=change, monthly_amount=change * self.amount
            )
        self.release_support_message()
        if self.status in (self.Status.SUCCEEDED, self.Status.ACTIVE):
            self.record_updates_consent()

    def record_updates_consent(self):
        """The donor who ticked "send me activity reports" now receives them (never withdrawn
        here: an unticked box on a later gift changes nothing)."""
        if not (self.updates_consent and self.donor_email):
            return
        from donations.models.supporter_preferences import SupporterPreference

        preference = SupporterPreference.objects.of(self.donor_email)
        if not preference.updates_consent:
            preference.updates_consent = True
            preference.updates_consent_changed_at = timezone.now()
            preference.save(
                update_fields=["updates_consent", "updates_consent_changed_at", "updated_at"]
            )

    def release_support_message(self):
        """A message left with this gift joins the moderation queue once the gift is paid."""
        if self.support_message_id and self.status in (self.Status.SUCCEEDED, self.Status.ACTIVE):
            self.support_message.release_after_gift()

    def _show_outcome(self, payment):
        """A one-time gift's status says what became of its money: received, refunded in full,
        or withdrawn by a dispute (received again once the dispute is won). Voiding is final,
        and a monthly gift's status follows its subscription instead."""
        if self.is_monthly or self.status == self.Status.VOIDED:
            return
        if payment.disputed:
            status = self.Status.DISPUTED
        elif payment.refunded_amount >= payment.amount:
            status = self.Status.REFUNDED
        else:
            status = self.Status.SUCCEEDED
        if self.status != status:
            self._set_status(status, None)

    def _counted_monthly(self):
        return int(self.is_monthly and self.status == self.Status.ACTIVE)


# Last: these modules import this one in turn (a cycle only method bodies close).
from donations.models.counters import CampaignProgress  # noqa: E402
from donations.models.payments import Payment  # noqa: E402
