"""gunicorn's access log, as production writes it (the Dockerfile's command, gunicorn.conf.py's
format), carries no token from a link: not from an old manage link's path, a receipt link's
path, a pledge page's path, nor a query string."""

import json

import pytest
from django.core import signing
from django.db import connection

from donations import manage_links, receipts
from tests.support.site_process import SiteProcess

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("needs_postgresql"),
]


def database_url():
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@127.0.0.1:{settings['PORT']}/{settings['NAME']}"


def test_no_access_log_line_contains_a_token(tmp_path):
    manage = signing.TimestampSigner(salt=manage_links.SALT).sign("17")
    receipt = signing.TimestampSigner(salt=receipts.SALT).sign("42")
    log = tmp_path / "access.log"
    site = SiteProcess(database_url(), GUNICORN_ACCESS_LOG=str(log))
    try:
        requests = [
            f"/donate/manage/{manage}/",
            f"/en/donate/manage/{manage}/",
            f"/donate/manage/open/?token={manage}",
            f"/donate/receipt/{receipt}/",
            f"/donate/bank/{receipt}/",
        ]
        statuses = [
            site.get(path, headers={"Referer": site.url + path}).status_code for path in requests
        ]
    finally:
        site.stop()

    lines = log.read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert statuses[0] == 410
    assert {entry["path"] for entry in entries} >= {
        "/donate/manage/[token]/",
        "/en/donate/manage/[token]/",
        "/donate/manage/open/",
        "/donate/receipt/[token]/",
        "/donate/bank/[token]/",
    }
    signatures = {manage.split(":")[-1], receipt.split(":")[-1]}
    for line in lines:
        assert not any(signature in line for signature in signatures), line
