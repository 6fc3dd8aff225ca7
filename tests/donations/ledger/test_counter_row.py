"""Every payment moves the one counter row of its campaign: a webhook locks it only for its
last statement and the commit, and the deferred changes stay exact."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from donations.models import CampaignProgress
from tests.support.gifts import campaign_with_earlier_gifts


@pytest.fixture
def campaign(db):
    """A small campaign of the test's own whose counters already moved (tests/support/gifts.py)."""
    return campaign_with_earlier_gifts()


pytestmark = pytest.mark.django_db(transaction=True)


def raised(campaign):
    return CampaignProgress.objects.get(pk=campaign.pk).onetime_raised


def can_lock_counter_row_elsewhere(campaign):
    """Whether another connection gets the row lock at once (instead of queueing)."""
    outcome = []

    def try_lock():
        try:
            with transaction.atomic():
                CampaignProgress.objects.select_for_update(nowait=True).get(pk=campaign.pk)
            outcome.append(True)
        except DatabaseError:
            outcome.append(False)
        finally:
            connection.close()

    thread = threading.Thread(target=try_lock)
    thread.start()
    thread.join(timeout=30)
    return outcome == [True]


def test_the_counter_row_stays_free_until_the_end_of_the_transaction(campaign):
    before = raised(campaign)
    with CampaignProgress.deferred():
        CampaignProgress.add(campaign.pk, onetime_raised=3000)
        assert can_lock_counter_row_elsewhere(campaign)
    assert raised(campaign) == before + 3000

    with transaction.atomic():
        CampaignProgress.add(campaign.pk, onetime_raised=3000)
        assert not can_lock_counter_row_elsewhere(campaign)  # without deferral it queues


def test_a_change_in_a_rolled_back_savepoint_never_counts(campaign):
    before = raised(campaign)
    with CampaignProgress.deferred():
        CampaignProgress.add(campaign.pk, onetime_raised=1000)
        try:
            with transaction.atomic():
                CampaignProgress.add(campaign.pk, onetime_raised=50_000)
                raise RuntimeError("this part rolls back")
        except RuntimeError:
            pass
        with CampaignProgress.deferred():  # nested: applied once, with the outer block
            CampaignProgress.add(campaign.pk, onetime_raised=200)
        CampaignProgress.add(campaign.pk, onetime_raised=30)

    assert raised(campaign) == before + 1230


def test_nothing_counts_when_the_deferred_block_fails(campaign):
    before = raised(campaign)
    with pytest.raises(RuntimeError), CampaignProgress.deferred():
        CampaignProgress.add(campaign.pk, onetime_raised=1000)
        raise RuntimeError("the event could not be applied")

    assert raised(campaign) == before


def test_django_still_keeps_on_commit_callbacks_as_we_read_them():
    """CampaignProgress._apply_pending reads Django's undocumented `run_on_commit`: a list of
    (savepoint ids, the callback itself, robust), from which a rolled-back savepoint's callbacks
    are gone. If an upgrade changes that, deferred counter changes would be lost or double."""

    def kept():
        return [callback for _sids, callback, _robust in transaction.get_connection().run_on_commit]

    def survives():
        pass

    def rolled_back():
        pass

    with transaction.atomic():
        transaction.on_commit(survives)
        try:
            with transaction.atomic():
                transaction.on_commit(rolled_back)
                assert rolled_back in kept()
                raise RuntimeError("roll this savepoint back")
        except RuntimeError:
            pass
        assert kept() == [survives]
        transaction.set_rollback(True)
