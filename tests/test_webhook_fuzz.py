"""Whatever a correctly signed body holds, the webhook answers 200 (recorded) or 400 (refused),
never 500, and the event worker applies (or ignores) every recorded one without failing: a 500
would be retried by Stripe for three days, a failing event would wait, and both would hide our
real bugs.
Property-based: hypothesis writes the bodies, shaped like events with every field a handler
reads, filled with any JSON value."""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.event_validation import OBJECTS
from donations.models import CampaignProgress, StripeEvent
from tests import stripe_events as se
from tests.personas import english_site

pytestmark = pytest.mark.django_db

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),  # lone surrogates and NUL included
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def fields_of(shape: dict):
    """An object with some of the fields a handler reads, each any JSON value or, for a nested
    object, an object of its own."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: fields_of(rule) if isinstance(rule, dict) else json_values
            for name, rule in shape.items()
        },
    )


event_types = st.sampled_from(sorted(OBJECTS)) | st.text(max_size=40) | json_scalars
now = int(time.time())


@st.composite
def events(draw):
    event_type = draw(event_types)
    shape = OBJECTS.get(event_type, {}) if isinstance(event_type, str) else {}
    event = {
        "id": draw(st.from_regex(r"evt_[a-z0-9]{8}", fullmatch=True) | json_values),
        # Mostly ours, so that the handlers see the bodies; any other is held, not applied.
        "api_version": draw(st.just(se.API_VERSION) | json_values),
        "type": event_type,
        "created": draw(st.integers(now - 10**6, now) | json_values),
        "livemode": draw(st.booleans() | json_values),
        "data": {"object": draw(fields_of(shape) | json_values)},
    }
    # Some bodies lose a whole envelope field, or the event is not an object at all.
    envelope = ["id", "api_version", "type", "created", "data"]
    for name in draw(st.sets(st.sampled_from(envelope), max_size=2)):
        event.pop(name)
    return draw(st.just(event) | json_values)


@pytest.fixture
def campaign(db):
    return english_site()


@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=events())
def test_no_signed_body_reaches_a_500(client, campaign, body):
    payload = json.dumps(body)  # NaN and Infinity too, which Python's JSON reader accepts
    response = client.post(
        se.WEBHOOK_PATH,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": se.signature_header(payload)},
    )

    assert response.status_code in (200, 400), (response.status_code, payload)
    if response.status_code == 200:  # recorded: the event worker's handlers must take it too
        se.apply_queued()
        assert not StripeEvent.objects.filter(attempts__gt=0).exists(), payload
    progress = CampaignProgress.objects.filter(pk=campaign.pk).first()
    if progress:  # whatever was applied, the counters still agree with the ledger
        assert progress.as_dict() == CampaignProgress.from_ledger(campaign.pk).as_dict()
