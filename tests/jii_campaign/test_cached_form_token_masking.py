"""The tokens written into cached forms are Django's: each unmasks to its visitor's secret."""

from collections import Counter

from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _does_token_match,
    _unmask_cipher_token,
)

from jii_campaign import page_tokens


def test_a_masked_token_unmasks_to_its_secret_and_no_other():
    secret, other = page_tokens.random_csrf_string(), page_tokens.random_csrf_string()

    token = page_tokens.masked(secret)

    assert len(token) == 2 * CSRF_SECRET_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret and _does_token_match(token, secret)
    assert not _does_token_match(token, other)
    assert page_tokens.masked(secret) != token  # a fresh mask each time


def test_secrets_use_every_allowed_character_and_never_repeat():
    drawn = [page_tokens.random_csrf_string() for _ in range(2000)]

    assert len(set(drawn)) == len(drawn)
    assert all(len(secret) == CSRF_SECRET_LENGTH for secret in drawn)
    counts = Counter("".join(drawn))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    # 64,000 characters, about 1,032 of each: a byte mapped without dropping the top 8 values
    # would give the first eight characters about 1,250.
    assert max(counts.values()) < 1180 and min(counts.values()) > 880
