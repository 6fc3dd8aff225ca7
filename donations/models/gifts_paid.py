"""Many one-time gifts paid at once (the event worker's batch of Checkout sessions): the same
state change as `Donation.receive_payment`, for the common case, in a few statements whatever
the batch's size."""

import dataclasses

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from donations.models.counters import CampaignProgress
from donations.models.donations import Donation
from donations.models.payments import Payment


@dataclasses.dataclass(frozen=True, eq=False)
class GiftPaid:
    """What a paid Checkout session says of its one-time gift. Each report is its own (equal
    and hashed by identity): two reports of one session are two, of which one is recorded."""

    donation_id: int | None  # from the session's metadata, when it carries one
    checkout_session_id: str
    amount: int
    payment_intent_id: str | None = None
    customer_id: str | None = None


def receive_gifts_paid(paid: list[GiftPaid]) -> list[tuple[Payment, GiftPaid]]:
    """Record the first payment of each one-time gift reported paid, in one transaction: the
    gifts locked (in primary-key order, as every writer takes them), their Stripe ids filled in
    (never overwritten), the payments inserted together, the gifts marked received, the one-time
    total moved once per campaign. Each payment recorded with its report, in the reports' order;
    a report with none is what this cannot take on its own, left to `Donation.receive_payment`
    one at a time: a gift not found, monthly or voided, one that already has a payment or whose
    payment intent is known, a second report of a gift.

    The caller holds the payment intents' locks (`lock_stripe_objects`), as the one-at-a-time
    path does, so that a refund of one of them applies after this commits."""
    donations = _lock_donations(paid)
    by_pk = {donation.pk: donation for donation in donations}
    by_session = {
        d.stripe_checkout_session_id: d for d in donations if d.stripe_checkout_session_id
    }
    paid_before = Payment.objects.filter(
        Q(donation__in=donations)
        | Q(
            stripe_payment_intent_id__in=[
                gift.payment_intent_id for gift in paid if gift.payment_intent_id
            ]
        )
    ).values_list("donation_id", "stripe_payment_intent_id")
    taken_donations = {donation_id for donation_id, _intent in paid_before}
    taken_intents = {intent for _donation_id, intent in paid_before if intent}
    accepted = []
    for gift in paid:
        donation = by_pk.get(gift.donation_id) or by_session.get(gift.checkout_session_id)
        if (
            donation is None
            or donation.is_monthly
            or donation.status == Donation.Status.VOIDED
            or donation.pk in taken_donations
            or (gift.payment_intent_id and gift.payment_intent_id in taken_intents)
        ):
            continue
        taken_donations.add(donation.pk)
        taken_intents.add(gift.payment_intent_id)
        accepted.append((donation, gift))
    if not accepted:
        return []
    now = timezone.now()
    payments = Payment.objects.bulk_create(
        Payment(
            donation=donation,
            amount=gift.amount,
            status=Payment.Status.SUCCEEDED,
            paid_at=now,
            stripe_payment_intent_id=gift.payment_intent_id or None,
        )
        for donation, gift in accepted
    )
    _mark_received([donation for donation, _gift in accepted], [gift for _d, gift in accepted])
    raised = {}
    for payment in payments:
        campaign_id = payment.donation.campaign_id
        raised[campaign_id] = raised.get(campaign_id, 0) + payment.net_amount
    for campaign_id, amount in raised.items():
        CampaignProgress.add(campaign_id, onetime_raised=amount)
    return list(zip(payments, [gift for _donation, gift in accepted], strict=True))


def _lock_donations(paid):
    ids = [gift.donation_id for gift in paid if gift.donation_id]
    sessions = [gift.checkout_session_id for gift in paid]
    return list(
        Donation.objects.select_for_update()
        .filter(Q(pk__in=ids) | Q(stripe_checkout_session_id__in=sessions))
        .order_by("pk")
    )


LINKED = ("stripe_checkout_session_id", "stripe_customer_id", "stripe_payment_intent_id")


def _mark_received(donations, gifts):
    """Each gift's Stripe ids filled in and its status made received, in one UPDATE; then what
    a gift received sets off (`Donation._set_status`): its message released, its donor's
    consent to activity reports recorded. A one-time gift moves no monthly counter."""
    now = timezone.now()
    for donation, gift in zip(donations, gifts, strict=True):
        donation.fill_stripe_ids(
            stripe_checkout_session_id=gift.checkout_session_id,
            stripe_customer_id=gift.customer_id,
            stripe_payment_intent_id=gift.payment_intent_id,
        )
        donation.status = Donation.Status.SUCCEEDED
        donation.updated_at = now
    if connection.vendor == "postgresql":
        _update_from_arrays(donations, now)
    else:  # SQLite (scripts/run): its batches are small
        Donation.objects.bulk_update(donations, ["status", "updated_at", *LINKED])
    for donation in donations:
        donation.release_support_message()
        donation.record_updates_consent()


def _update_from_arrays(donations, now):
    """The rows' new Stripe ids from one array per column (`bulk_update`'s CASE per row and
    column costs more than the rest of the batch)."""
    quote = connection.ops.quote_name
    table = quote(Donation._meta.db_table)
    columns = [quote(Donation._meta.get_field(name).column) for name in LINKED]
    assignments = ", ".join(f"{column} = given.{column}" for column in columns)
    status, updated_at = (
        quote(Donation._meta.get_field(n).column) for n in ("status", "updated_at")
    )
    # Only our own quoted table and column names are formatted in; values are parameters.
    sql = (
        f"UPDATE {table} SET {status} = %s, {updated_at} = %s, {assignments} "  # nosec B608
        f"FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) "
        f"AS given(id, {', '.join(columns)}) WHERE {table}.id = given.id"
    )
    values = [[getattr(donation, name) for donation in donations] for name in LINKED]
    with connection.cursor() as cursor:
        cursor.execute(sql, [Donation.Status.SUCCEEDED, now, [d.pk for d in donations], *values])
