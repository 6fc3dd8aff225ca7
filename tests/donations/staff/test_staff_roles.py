"""Staff see exactly what their group is for (donations/staff/roles.py): 事務局 the content and
the cheering messages, 会計 the ledger, exports and receipts, 管理者 everything; a bare staff
account nothing. Whatever is not theirs answers 403 (or has no button), as Django's admin does;
every look at donors' personal data is recorded with who and when."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from donations.models import Donation, Payment
from testimonials.models import SupportMessage
from tests.support.staff_personas import ACCOUNTS, ADMINISTRATORS, SECRETARIAT, member, signed_in

pytestmark = pytest.mark.django_db

CONTENT = {"campaign", "program", "testimonial", "infopage", "organisation", "bankaccount"}
LEDGER = {"donation", "payment", "stripeevent", "statementline", "bankaccount"}
# 活動報告: 事務局 writes and sends them; who received them is donors' data.
CONTENT |= {"update"}
LEDGER |= {"delivery"}
EVERYTHING = (
    CONTENT
    | LEDGER
    | {
        "supportmessage",
        "user",
        "group",
        "accessattempt",
        "accessfailurelog",
        "accesslog",
        "totpdevice",
        "staticdevice",
        "dbtaskresult",
        "logentry",
    }
)
PERSONAS = {
    "volunteer": ([], set()),
    "secretariat": ([SECRETARIAT], CONTENT | {"supportmessage"}),
    "accounts": ([ACCOUNTS], LEDGER),
    "administrator": ([ADMINISTRATORS], EVERYTHING),
}
CHANGELISTS = {
    "donation": "/admin/donations/donation/",
    "payment": "/admin/donations/payment/",
    "statementline": "/admin/donations/statementline/",
    "supportmessage": "/admin/testimonials/supportmessage/",
    "campaign": "/admin/campaigns/campaign/",
    "user": "/admin/auth/user/",
    "accessattempt": "/admin/axes/accessattempt/",
}


@pytest.fixture
def gift(campaign):
    """A paid gift, with its donor's name and address."""
    donation = Donation.record_offline(
        campaign=campaign,
        frequency="once",
        amount=5_000,
        donor_name="山田 花子",
        donor_email="hanako@example.jp",
        received_at=timezone.now(),
    )
    return donation


def client_of(persona):
    groups, _ = PERSONAS[persona]
    return signed_in(member(persona, *groups))


def staff_pages(donation):
    payment = Payment.objects.get(donation=donation)
    year = timezone.localtime(payment.paid_at).year
    return {
        "dashboard": "/admin/donations/donation/dashboard/",
        "export": "/admin/donations/donation/export/?kind=donors",
        "receipt": f"/admin/donations/donation/receipts/payment/{payment.pk}/",
        "annual receipt": f"/admin/donations/donation/receipts/annual/{donation.pk}/{year}/",
        "statement import": "/admin/donations/statementline/import/",
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_index_lists_exactly_the_groups_sections(persona, campaign):
    html = client_of(persona).get("/admin/").content.decode()

    assert set(re.findall(r'class="model-(\w+)', html)) == PERSONAS[persona][1]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_changelist_opens_only_for_the_groups_that_hold_it(persona, campaign):
    client = client_of(persona)
    visible = PERSONAS[persona][1]

    for model, url in CHANGELISTS.items():
        assert client.get(url).status_code == (200 if model in visible else 403), url


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("volunteer", set()),
        ("secretariat", set()),
        ("accounts", {"dashboard", "export", "receipt", "annual receipt", "statement import"}),
        ("administrator", {"dashboard", "export", "receipt", "annual receipt", "statement import"}),
    ],
)
def test_the_staff_pages_answer_only_the_groups_they_are_for(persona, allowed, gift):
    client = client_of(persona)

    for page, url in staff_pages(gift).items():
        response = client.get(url, follow=True)
        assert response.status_code == (200 if page in allowed else 403), page


def erase(client, donation):
    return client.post(
        "/admin/donations/donation/",
        {"action": "anonymize_donors", "_selected_action": [donation.pk]},
    )


@pytest.mark.parametrize("persona", ["volunteer", "secretariat", "accounts"])
def test_only_administrators_may_erase_a_donor(persona, gift):
    erase(client_of(persona), gift)

    gift.refresh_from_db()
    assert gift.donor_email == "hanako@example.jp"


def test_an_administrator_erases_a_donor(gift):
    erase(client_of("administrator"), gift)

    gift.refresh_from_db()
    assert gift.donor_email == "" and gift.donor_name == ""


def test_accounts_are_not_offered_the_erasure(gift):
    html = client_of("accounts").get("/admin/donations/donation/").content.decode()

    assert 'value="void_staff_recorded"' in html
    assert 'value="anonymize_donors"' not in html


@pytest.mark.parametrize(("persona", "published"), [("secretariat", True), ("accounts", False)])
def test_the_secretariat_moderates_messages_and_accounts_do_not(persona, published, campaign):
    message = SupportMessage.objects.create(campaign=campaign, body="がんばって")

    client_of(persona).post(
        "/admin/testimonials/supportmessage/",
        {"action": "approve", "_selected_action": [message.pk]},
    )

    message.refresh_from_db()
    assert (message.status == SupportMessage.Status.APPROVED) is published


def test_the_secretariat_sees_no_ledger_link_on_the_front_page(campaign):
    html = client_of("secretariat").get("/admin/").content.decode()

    assert "/admin/testimonials/supportmessage/?status__exact=pending" in html
    assert "/admin/donations/" not in html


def test_an_export_is_recorded_with_who_and_when(gift):
    client = client_of("accounts")

    response = client.get("/admin/donations/donation/export/", {"kind": "donors"})
    b"".join(response.streaming_content)

    entry = LogEntry.objects.get(user__username="accounts")
    assert entry.action_time and "donors-" in entry.change_message
    assert "kind=donors" in entry.change_message


def test_opening_a_donor_or_a_receipt_is_in_the_donations_history(gift):
    client = client_of("accounts")
    pages = staff_pages(gift)

    client.get(f"/admin/donations/donation/{gift.pk}/change/")
    client.get(pages["receipt"])

    entries = LogEntry.objects.filter(user__username="accounts", object_id=str(gift.pk))
    assert entries.count() == 2
    history = client.get(f"/admin/donations/donation/{gift.pk}/history/").content.decode()
    assert "<td>accounts</td>" in history


def test_administrators_read_the_staff_log_and_others_do_not(gift):
    client_of("accounts").get(f"/admin/donations/donation/{gift.pk}/change/")

    assert client_of("administrator").get("/admin/admin/logentry/").status_code == 200
    assert client_of("secretariat").get("/admin/admin/logentry/").status_code == 403


@pytest.mark.slow
def test_a_fresh_database_gets_the_three_groups(tmp_path):
    """`migrate` on an empty database defines the groups with their permissions."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    manage = [sys.executable, "manage.py"]
    cwd = Path(__file__).resolve().parents[3]
    run = {"cwd": cwd, "env": environment, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run([*manage, "migrate", "-v0"], check=True, **run)
    code = (
        "from django.contrib.auth.models import Group;"
        "print(sorted((g.name, g.permissions.filter(codename__in=["
        "'export_donations', 'moderate_supportmessage', 'anonymize_donor']).count())"
        " for g in Group.objects.all()))"
    )
    result = subprocess.run([*manage, "shell", "-c", code], **run)

    groups = result.stdout.strip().splitlines()[-1]
    assert groups == "[('事務局', 1), ('会計', 1), ('管理者', 3)]", result.stderr


def test_opening_the_dashboard_is_recorded(gift):
    client_of("accounts").get("/admin/donations/donation/dashboard/", follow=True)

    [entry] = LogEntry.objects.filter(user__username="accounts")
    assert "ダッシュボード" in entry.change_message and gift.campaign.title in entry.change_message


@pytest.mark.parametrize("persona, offered", [("accounts", False), ("administrator", True)])
def test_the_dashboard_links_to_the_messages_only_for_those_who_moderate(persona, offered, gift):
    page = client_of(persona).get("/admin/donations/donation/dashboard/", follow=True)

    assert page.status_code == 200
    assert ("/admin/testimonials/supportmessage/" in page.content.decode()) is offered
