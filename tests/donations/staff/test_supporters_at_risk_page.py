"""Staff see the supporters at risk in the admin, behind their own permission
(`donations.view_supporters_at_risk`, given to 会計): each monthly supporter whose payment is
failing with the decline reason in plain words, attempts, Stripe's next retry, the last mail we
sent and a link to the gift; each look is logged. 事務局 sees no donor: not the list, not the
names. Recovered payments are marked where staff look at payments."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.support.gifts import small_campaign
from tests.support.monthly_supporters import failing, jst, recovered, supporter
from tests.support.staff_personas import ACCOUNTS, SECRETARIAT, member, signed_in

pytestmark = pytest.mark.django_db

URL = "/admin/donations/donation/at-risk/"
NEXT_RETRY = jst(2026, 12, 20, hour=10)


@pytest.fixture
def failing_supporters():
    campaign = small_campaign()
    supporter(campaign, jst(2026, 5, 1))  # giving, not at risk
    expired = failing(
        campaign, jst(2026, 6, 1), code="expired_card", attempts=3, next_retry=NEXT_RETRY
    )
    no_more = failing(campaign, jst(2026, 7, 1), code="insufficient_funds", attempts=8)
    return campaign, expired, no_more


def test_accounts_see_who_is_at_risk_why_and_when_stripe_tries_again(failing_supporters):
    _campaign, expired, no_more = failing_supporters
    accounts = signed_in(member("kaikei", ACCOUNTS))

    response = accounts.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split('<table class="at-risk">')[1].split("</table>")[0].split("<tr>")[2:]
    assert len(rows) == 2  # the soonest retry first
    first, last = rows
    assert f'href="/admin/donations/donation/{expired.pk}/change/"' in first
    assert expired.donor_name in first
    assert "カードの有効期限切れ" in first
    assert "<td>3</td>" in first
    assert "2026-12-20 10:00" in first
    assert timezone.localdate().isoformat() in first  # the failure notice, mailed today
    assert no_more.donor_name in last
    assert "残高・利用可能枠の不足" in last and "再決済の予定なし" in last
    logged = LogEntry.objects.get(user__username="kaikei")
    assert logged.change_message == "決済が止まっているサポーターの一覧を閲覧"


def test_the_list_of_one_campaign_from_the_dashboards_count(failing_supporters):
    campaign, expired, _ = failing_supporters
    other = small_campaign("other")
    elsewhere = failing(other, jst(2026, 6, 1), code="card_declined")
    accounts = signed_in(member("kaikei", ACCOUNTS))

    board = accounts.get(f"/admin/donations/donation/dashboard/{campaign.pk}/").content.decode()
    assert f'href="{URL}?campaign={campaign.pk}"' in board

    html = accounts.get(f"{URL}?campaign={campaign.pk}").content.decode()
    assert expired.donor_name in html and elsewhere.donor_name not in html
    assert elsewhere.donor_name in accounts.get(URL).content.decode()


def test_the_secretariat_may_not_see_the_list(failing_supporters):
    secretariat = signed_in(member("jimu", SECRETARIAT))

    assert secretariat.get(URL).status_code == 403
    assert not LogEntry.objects.exists()


def test_the_dashboard_lists_no_one_at_risk_to_staff_without_the_permission(failing_supporters):
    campaign, _expired, _ = failing_supporters
    viewer = member("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    client = signed_in(viewer)

    html = client.get(f"/admin/donations/donation/dashboard/{campaign.pk}/").content.decode()

    assert '<strong class="at-risk-count">2</strong>' in html
    assert 'class="at-risk"' not in html and "カードの有効期限切れ" not in html
    assert client.get(URL).status_code == 403


def test_recovered_payments_are_marked_in_the_payments_list():
    campaign = small_campaign()
    back = recovered(campaign, jst(2026, 8, 1), amount=5000)
    supporter(campaign, jst(2026, 9, 1), amount=2000)
    accounts = signed_in(member("kaikei", ACCOUNTS))

    listed = accounts.get("/admin/donations/payment/").content.decode()
    assert "column-recovered" in listed  # a column, beside the filter
    only = accounts.get("/admin/donations/payment/?recovered__exact=1")
    assert [p.donation for p in only.context["cl"].result_list] == [back]
    gift = accounts.get(f"/admin/donations/donation/{back.pk}/change/").content.decode()
    assert "失敗後に回復" in gift  # and on the gift's own page, by each payment


def test_no_reminder_left_untimed_for_a_payment_past_its_next_retry():
    """The list orders by the next retry; a retry already past still sorts among the others."""
    campaign = small_campaign()
    past = failing(
        campaign,
        jst(2026, 6, 1),
        attempts=2,
        next_retry=timezone.now() - datetime.timedelta(hours=1),
    )
    accounts = signed_in(member("kaikei", ACCOUNTS))
    assert past.donor_name in accounts.get(URL).content.decode()
