"""`recount_progress` proves the counters agree with the ledger, and repairs them when not."""

import pytest
from django.core.management import CommandError, call_command

from donations.models import CampaignProgress, Donation


def test_it_agrees_after_ledger_changes(campaign, capsys):
    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.ONCE, amount=3_000)
    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.ONCE, amount=7_000)
    call_command("recount_progress", "--check")
    assert "agrees with the ledger" in capsys.readouterr().out
    assert CampaignProgress.objects.get(pk=campaign.pk).onetime_raised == 3_000 + 7_000


def test_check_fails_on_a_drifted_counter_and_recount_repairs_it(campaign, capsys):
    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.ONCE, amount=8_000)
    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.MONTHLY, amount=2_000)
    CampaignProgress.objects.filter(pk=campaign.pk).update(onetime_raised=999, monthly_supporters=7)

    with pytest.raises(CommandError, match="disagree"):
        call_command("recount_progress", "--check")
    assert CampaignProgress.objects.get(pk=campaign.pk).onetime_raised == 999  # --check only reads

    call_command("recount_progress")
    progress = CampaignProgress.objects.get(pk=campaign.pk)
    assert (progress.onetime_raised, progress.monthly_supporters) == (8_000, 1)
    call_command("recount_progress", "--check")


def test_refunds_and_cancellations_are_recounted_the_same_way(campaign):
    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.ONCE, amount=6_000)
    Donation.record_offline(campaign=campaign, frequency=Donation.Frequency.MONTHLY, amount=2_500)
    gift = Donation.record_offline(
        campaign=campaign, frequency=Donation.Frequency.ONCE, amount=10_000
    )
    gift.payments.get().record_refund(4_000)
    monthly = Donation.record_offline(
        campaign=campaign, frequency=Donation.Frequency.MONTHLY, amount=5_000
    )
    monthly.cancel()

    stored = CampaignProgress.objects.get(pk=campaign.pk).as_dict()
    assert stored == CampaignProgress.from_ledger(campaign.pk).as_dict()
    assert stored == {
        "monthly_supporters": 1,
        "monthly_amount": 2_500,
        "onetime_raised": 6_000 + 10_000 - 4_000,
    }
