"""No input reaches a 500 on a public page: whatever a browser, a script or an attacker sends to
the donation form, its confirmation and payment steps, the manage form, the thank-you page,
the cheering-message form and the bank-transfer pledge form,
the answer is a 2xx, 3xx or 4xx, and a refused form says what is wrong (property-based, with
hypothesis; bodies are raw bytes, so invalid UTF-8 and lone surrogates get through too)."""

import urllib.parse

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.models import Donation
from tests.support.fake_stripe import donation_form
from tests.support.gifts import small_campaign

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
FORM_URLENCODED = "application/x-www-form-urlencoded"
REFUSED = 'class="error-summary" role="alert"'

fuzz = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any code point, lone surrogates (category Cs) included.
anything = st.text(st.characters(exclude_categories=()), max_size=300)
hostile = st.one_of(
    anything,
    st.sampled_from(["\x00", "a\x00b", "\ud800", "\udfff", "${{7*7}}", "<script>", "' OR 1=1--"]),
    st.text(min_size=255, max_size=400),
)
long_emails = st.integers(min_value=255, max_value=330).map(
    lambda length: "a" * (length - len("@example.jp")) + "@example.jp"
)


@pytest.fixture
def campaign(db, settings):
    # Thousands of requests from one address: the limits have their own tests.
    settings.RATELIMIT_ENABLE = False
    return small_campaign()


def encode(fields: dict) -> bytes:
    """As a browser (or a script) would send them; lone surrogates become invalid UTF-8."""
    return urllib.parse.urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()


def post(path: str, fields: dict):
    return Client().post(path, encode(fields), content_type=FORM_URLENCODED)


def any_of_these(valid: dict, values: dict):
    """The valid fields with any of them replaced (by the given strategies), dropped, or joined
    by others."""
    return st.tuples(
        st.fixed_dictionaries({}, optional=values),
        st.dictionaries(anything, anything, max_size=3),
        st.sets(st.sampled_from(sorted(valid)), max_size=3),
    ).map(
        lambda parts: {
            key: value
            for key, value in {**valid, **parts[1], **parts[0]}.items()
            if key not in parts[2]
        }
    )


def donation_fields(campaign):
    """A real donor's form with any of its fields replaced, dropped or joined by others."""
    valid = donation_form(campaign, token="6b3b8f57-3b8e-4f1e-9c53-8a3a8d3f0b1e")
    values = {
        "campaign": st.one_of(st.just(campaign.slug), hostile),
        "frequency": st.one_of(st.sampled_from(["once", "monthly"]), hostile),
        "tier": st.one_of(
            st.sampled_from(["3000", "10000", "other", "", "7", "３０００"]), hostile
        ),
        "other_amount": st.one_of(
            st.sampled_from(["", "5000", "３，０００円", "1e9", "-1"]), hostile
        ),
        "donor_email": st.one_of(st.emails(), long_emails, hostile),
        "donor_name": st.one_of(st.just("山田 花子"), hostile),
        "public_name": st.one_of(st.sampled_from(["anonymous", "name", "nickname"]), hostile),
        "nickname": hostile,
        "message": hostile,
        "message_consent": st.sampled_from(["", "on", "\x00"]),
        "agree_terms": st.sampled_from(["on", "", "yes"]),
        "token": st.one_of(st.uuids().map(str), hostile),
    }
    return any_of_these(valid, values)


def assert_calm(response):
    assert response.status_code < 500, response.content[:2000]
    if response.status_code == 400:
        assert REFUSED in response.content.decode()


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("step", ["", "confirm/", "pay/"])
def test_the_donation_steps_answer_any_form_calmly(campaign, prefix, step):
    @settings(fuzz, max_examples=150)
    @given(fields=donation_fields(campaign))
    def check(fields):
        assert_calm(post(f"{prefix}/donate/{step}", fields))

    check()


@fuzz
@given(
    email=st.one_of(st.emails(), long_emails, hostile),
    extra=st.dictionaries(anything, anything, max_size=3),
    prefix=st.sampled_from(["", "/en"]),
)
def test_the_manage_form_answers_anything_calmly(campaign, email, extra, prefix):
    response = post(f"{prefix}/donate/manage/", {**extra, "email": email})

    assert response.status_code < 500
    if response.status_code == 200 and "<form" in response.content.decode():
        # Not accepted: the form is shown again with the reason.
        assert 'class="errorlist"' in response.content.decode()


@fuzz
@given(
    query=st.dictionaries(
        st.sampled_from(["session_id", "token", "amount", "frequency", "campaign", "canceled"]),
        st.one_of(st.just("cs_test_x"), hostile),
    ),
    path=st.sampled_from(["/donate/", "/donate/thanks/", "/en/donate/thanks/", "/", "/en/"]),
)
def test_pages_answer_any_query_calmly(campaign, query, path):
    query_string = urllib.parse.urlencode(query, encoding="utf-8", errors="surrogatepass")
    assert Client().get(f"{path}?{query_string}").status_code < 500


@fuzz
@given(token=st.one_of(hostile, st.text(min_size=1)))
def test_manage_links_answer_any_token_calmly(campaign, token):
    quoted = urllib.parse.quote(token, safe="", encoding="utf-8", errors="surrogatepass")
    response = Client().get(f"/donate/manage/open/?token={quoted}")
    assert response.status_code == 400


# --- the cases found from outside, as plain regressions -----------------------------------


@pytest.mark.parametrize(
    "field", ["campaign", "donor_name", "nickname", "message", "other_amount", "donor_email"]
)
def test_a_nul_byte_in_any_field_is_refused_calmly(campaign, field):
    for step in ("confirm/", "pay/"):
        response = post(f"/donate/{step}", {**donation_form(campaign), field: "a\x00b"})
        # An unknown campaign falls back to the featured one; any other field refuses the form.
        assert response.status_code in ((200, 400) if field == "campaign" else (400,))
        assert_calm(response)


@pytest.mark.parametrize("length", [255, 300, 320])
def test_an_email_too_long_for_the_ledger_is_refused_with_a_reason(campaign, length):
    email = "a" * (length - len("@example.jp")) + "@example.jp"
    data = donation_form(campaign, donor_email=email, token="6b3b8f57-3b8e-4f1e-9c53-8a3a8d3f0b1e")
    before = Donation.objects.count()

    for step in ("confirm/", "pay/"):
        response = post(f"/donate/{step}", data)
        assert response.status_code == 400
        assert "254文字以内で入力してください" in response.content.decode()
    assert Donation.objects.count() == before
    manage = post("/donate/manage/", {"email": email})
    assert "254文字以内で入力してください" in manage.content.decode()


def test_lone_surrogates_are_refused_calmly(campaign):
    data = donation_form(campaign, donor_name="\ud800", message="\udfff", agree_terms="on")
    for step in ("", "confirm/", "pay/"):
        assert_calm(post(f"/donate/{step}", data))
    assert Client().get("/donate/thanks/?session_id=cs_%ED%A0%80").status_code == 200
    assert Client().get("/donate/manage/open/?token=%ED%A0%80").status_code == 400


# --- the supporters' forms: cheering messages and bank-transfer pledges ----------------------


@fuzz
@given(
    fields=any_of_these(
        {"display_name": "花子", "body": "応援しています", "relation": "donor", "consent": "on"},
        {
            "display_name": hostile,
            "body": st.one_of(hostile, st.text(min_size=990, max_size=1100)),
            "relation": st.one_of(st.sampled_from(["donor", "volunteer", ""]), hostile),
            "consent": st.sampled_from(["on", "", "\x00"]),
            "website": st.one_of(st.just(""), hostile),
        },
    ),
    prefix=st.sampled_from(["", "/en"]),
)
def test_the_message_form_answers_anything_calmly(campaign, fields, prefix):
    response = post(f"{prefix}/campaigns/{campaign.slug}/messages/new/", fields)

    assert response.status_code < 500, response.content[:2000]
    if response.status_code == 400:
        assert 'class="errorlist' in response.content.decode()


@fuzz
@given(
    fields=any_of_these(
        {
            "campaign": "monthly-supporters",
            "frequency": "once",
            "amount": "5000",
            "donor_name": "山田 花子",
            "donor_email": "hanako@example.jp",
            "public_name": "anonymous",
            "agree_terms": "on",
        },
        {
            "campaign": hostile,
            "frequency": st.one_of(st.sampled_from(["once", "monthly"]), hostile),
            "amount": st.one_of(st.sampled_from(["３，０００円", "49", "1e9", "-1"]), hostile),
            "donor_name": hostile,
            "donor_email": st.one_of(st.emails(), long_emails, hostile),
            "payer_kana": hostile,
            "public_name": hostile,
            "nickname": hostile,
            "message": hostile,
            "website": st.one_of(st.just(""), hostile),
        },
    ),
    prefix=st.sampled_from(["", "/en"]),
)
def test_the_bank_pledge_form_answers_anything_calmly(campaign, fields, prefix):
    response = post(f"{prefix}/donate/bank/", fields)

    assert response.status_code < 500, response.content[:2000]
    if response.status_code == 400:
        assert 'class="errorlist' in response.content.decode()
