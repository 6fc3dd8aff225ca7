"""The donation ledger. Each model lives in its own module; this package re-exports them
all, so `donations.models.Donation` and the app label, tables and migrations are unchanged."""

# isort: skip_file
# In this order: a module comes after those its classes are built from (the ForeignKey
# targets); what only methods use is imported at the end of each module.
from donations.models.stripe_linked import StripeLinked, is_older
from donations.models.counters import CampaignProgress
from donations.models.donations import CancelReason, Donation, DonationQuerySet
from donations.models.payments import (
    DISPUTE_CLOSED,
    DISPUTE_WITHDRAWS_MONEY,
    DisputeStatus,
    Payment,
    PaymentQuerySet,
)
from donations.models.refunds import Refund
from donations.models.stripe_events import StripeEvent, StripeEventQuerySet
from donations.models.statement_lines import StatementLine
from donations.models.supporter_preferences import SupporterPreference

__all__ = [
    "DISPUTE_CLOSED",
    "DISPUTE_WITHDRAWS_MONEY",
    "CampaignProgress",
    "CancelReason",
    "DisputeStatus",
    "Donation",
    "DonationQuerySet",
    "Payment",
    "PaymentQuerySet",
    "Refund",
    "StatementLine",
    "StripeEvent",
    "StripeEventQuerySet",
    "StripeLinked",
    "SupporterPreference",
    "is_older",
]
