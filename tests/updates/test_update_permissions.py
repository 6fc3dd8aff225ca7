"""Each step of an activity report checks its own permission (donations/staff/roles.py): 事務局
writes, previews, tests and sends; 会計 and a bare staff account cannot; the recipients'
addresses are listed only to staff who may see donors (会計, 管理者), and each look is logged."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail

from tests.support.fake_stripe import run_task_worker
from tests.support.gifts import small_campaign
from tests.support.staff_personas import ACCOUNTS, ADMINISTRATORS, SECRETARIAT, member, signed_in
from tests.support.update_factories import organisation, supporter, update
from updates.models import Delivery, Update

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def report():
    organisation()
    campaign = small_campaign()
    supporter("hanako@example.jp", campaign)
    supporter("ken@example.jp", campaign, monthly=True, locale="en")
    return update(campaign)


def steps(report):
    base = f"/admin/updates/update/{report.pk}"
    return {
        "write": ("get", f"{base}/change/", {}),
        "preview e-mail": ("get", f"{base}/preview/email/en/", {}),
        "preview page": ("get", f"{base}/preview/page/ja/", {}),
        "send a test": ("post", f"{base}/test/", {"language": "en"}),
        "send": ("get", f"{base}/send/", {}),
    }


@pytest.mark.parametrize(
    ("groups", "allowed"),
    [
        ([SECRETARIAT], True),
        ([ADMINISTRATORS], True),
        ([ACCOUNTS], False),
        ([], False),
    ],
)
def test_each_step_checks_its_permission(report, groups, allowed):
    client = signed_in(member("staffer", *groups))
    for step, (method, url, data) in steps(report).items():
        status = getattr(client, method)(url, data).status_code
        if allowed:
            assert status in (200, 302), step
        else:
            assert status == 403, step


def test_the_secretariat_previews_tests_and_sends(report):
    client = signed_in(member("jimukyoku", SECRETARIAT))

    preview = client.get(f"/admin/updates/update/{report.pk}/preview/email/en/")
    assert report.title_en in preview.content.decode()
    client.post(f"/admin/updates/update/{report.pk}/test/", {"language": "ja"})
    run_task_worker()
    (test,) = mail.outbox
    assert test.to == ["jimukyoku@example.org"] and test.subject.startswith("[テスト]")
    mail.outbox.clear()

    page = client.get(f"/admin/updates/update/{report.pk}/send/").content.decode()
    assert 'value="monthly"' in page
    client.post(f"/admin/updates/update/{report.pk}/send/", {"audience": "monthly"})
    run_task_worker()

    assert [message.to for message in mail.outbox] == [["ken@example.jp"]]
    report.refresh_from_db()
    assert report.audience == Update.Audience.MONTHLY and report.sent_at


def test_recipients_are_listed_only_to_staff_who_see_donors_and_each_look_is_logged(report):
    Delivery.objects.create(update=report, email="hanako@example.jp", language="ja")
    secretariat = signed_in(member("jimukyoku", SECRETARIAT))
    accounts = signed_in(member("kaikei", ACCOUNTS))

    assert secretariat.get("/admin/updates/delivery/").status_code == 403
    listing = accounts.get("/admin/updates/delivery/")
    assert listing.status_code == 200 and "hanako@example.jp" in listing.content.decode()
    assert LogEntry.objects.filter(user__username="kaikei").exists()


def test_nothing_is_sent_while_the_organisations_address_is_missing(report):
    from jii_campaign.models import Organisation

    Organisation.objects.update(address="")
    client = signed_in(member("jimukyoku", SECRETARIAT))
    page = client.get(f"/admin/updates/update/{report.pk}/send/").content.decode()
    client.post(f"/admin/updates/update/{report.pk}/send/", {"audience": "consenting"})
    run_task_worker()

    assert "住所" in page and 'name="audience"' not in page
    assert mail.outbox == [] and not report.deliveries.exists()


def test_the_recipients_list_shows_whose_mail_was_stopped_and_why(report):
    from donations.models import SupporterPreference
    from updates import sending

    for email in ["hanako@example.jp", "ken@example.jp"]:
        Delivery.objects.create(update=report, email=email, language="ja")
    sending.stop_mail("ken@example.jp", "Bounced (Postmark)")
    stopped_on = SupporterPreference.objects.get(email="ken@example.jp").mail_stopped_at

    listing = signed_in(member("kaikei", ACCOUNTS)).get("/admin/updates/delivery/")

    assert f"Bounced (Postmark) ({stopped_on:%Y-%m-%d})" in listing.content.decode()


def test_the_recipients_list_asks_the_database_as_often_for_ten_as_for_two(report):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = signed_in(member("kaikei", ACCOUNTS))
    staff.get("/admin/updates/delivery/")  # what a first visit caches (content types...)

    def queries_for(count):
        Delivery.objects.all().delete()
        for n in range(count):
            Delivery.objects.create(update=report, email=f"p{n}@example.jp", language="ja")
        with CaptureQueriesContext(connection) as queries:
            assert staff.get("/admin/updates/delivery/").status_code == 200
        return len(queries)

    assert queries_for(10) == queries_for(2)
