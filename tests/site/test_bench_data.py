"""The benchmark ledger (bench/) has the shapes of a real one and counters that agree with it."""

from django.core.management import call_command

from donations.models import CampaignProgress, Donation, Payment
from testimonials.models import SupportMessage


def test_bench_data_writes_a_mixed_ledger_with_exact_counters(campaign):
    donations_before = Donation.objects.count()

    call_command("bench_data", payments=400)

    added = Donation.objects.filter(reference__startswith="bench-")
    assert added.count() == Donation.objects.count() - donations_before == 400
    assert Payment.objects.filter(donation__in=added).count() == 400
    assert set(added.values_list("frequency", flat=True)) == {"once", "monthly"}
    assert added.filter(status=Donation.Status.CANCELED).exists()
    assert Payment.objects.filter(donation__in=added, refunded_amount__gt=0).exists()
    assert Payment.objects.filter(donation__in=added, disputed=True).exists()
    assert SupportMessage.objects.approved().filter(display_name__startswith="Bench").count() == 20
    stored = CampaignProgress.objects.get(pk=campaign.pk).as_dict()
    assert stored == CampaignProgress.from_ledger(campaign.pk).as_dict()
    assert stored["monthly_supporters"] > 1
    call_command("recount_progress", "--check")  # exits non-zero on a mismatch
