"""The visitor's CSRF token written into a cached page's bytes, plain and gzipped, per response.

A form cached whole (`caching.whole_page(csrf_token=True)`) is stored with
`caching.CSRF_TOKEN_PLACEHOLDER` where its token goes, cut into the parts around it. Each
response joins the parts with a token masked from the visitor's own CSRF secret, which Django's
own CsrfViewMiddleware reads from the cookie and sends back as a cookie (a new one for a visitor
who has none; Django's for a malformed one), and which Django checks on the form's POST: the form
is protected exactly as a rendered one, and no visitor ever receives another's token.

A new visitor's secret and every mask are drawn here, in Django's format, from one read of the
OS's random source each: Django's `get_token` draws each of their 64 characters with its own
`secrets.choice` (a system call each), which cost a new visitor's hit more than the rest of it.

gzip without compressing the page again: each part is stored as raw deflate ending on a byte
boundary (Z_SYNC_FLUSH) by its own compressor, so nothing refers back across a token; a token
goes between them as a stored (uncompressed) block; the gzip trailer's CRC-32 and length are
computed for the joined bytes.

The ETag of such a page names the page's bytes and (as a keyed hash) the visitor's CSRF secret:
a browser's copy is answered 304 only for the visitor whose token it holds, which stays valid as
long as the secret; another visitor's ETag never matches.

A page answered before Django's handler (jii_campaign/page_cache_wsgi.py) has no response object
for CsrfViewMiddleware to set its cookie on: `cookie_headers` gives the Set-Cookie header Django
makes, made by Django once a second with a stand-in where the visitor's secret goes.
"""

import functools
import hashlib
import secrets
import struct
import time
import zlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware

from jii_campaign.caching import CSRF_TOKEN_PLACEHOLDER

GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, mtime 0
_csrf = CsrfViewMiddleware(lambda request: None)


def cut(body: bytes) -> list[bytes]:
    """The page's bytes around each placeholder."""
    return body.split(CSRF_TOKEN_PLACEHOLDER.encode())


def deflated(parts: list[bytes]) -> list[bytes]:
    """Each part as raw deflate, independent of the others; only the last one ends the stream."""
    chunks = []
    for n, part in enumerate(parts):
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        last = n == len(parts) - 1
        chunks.append(
            compressor.compress(part)
            + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
        )
    return chunks


def visitor_token(request) -> str:
    """A token for this visitor's CSRF secret (a new secret, sent as a cookie by `finish`, for a
    visitor without a valid one). A returning visitor's token is masked once per process and
    then reused: masking afresh defeats BREACH, which needs the token compressed beside what an
    attacker sends, and here it is neither (a stored block; a page that shows no input)."""
    _csrf.process_request(request)
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:  # as Django's get_token for a visitor without a cookie
        secret = request.META["CSRF_COOKIE"] = random_csrf_string()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie set or renewed
    token = _masked.get(secret)
    if token is None:
        token = masked(secret)
        if len(_masked) >= MASKED_TOKENS:
            _masked.clear()
        _masked[secret] = token
    return token


def random_csrf_string() -> str:
    """As Django's CSRF secrets and masks: CSRF_SECRET_LENGTH characters of CSRF_ALLOWED_CHARS,
    each uniformly random (a byte picks one only below the largest multiple of their number)."""
    picked = b""
    while len(picked) < CSRF_SECRET_LENGTH:
        picked += secrets.token_bytes(48).translate(_PICKED, _UNEVEN)
    return picked[:CSRF_SECRET_LENGTH].decode("ascii")


def masked(secret: str) -> str:
    """A token for `secret`, as Django's own masking makes them (Django unmasks it on the POST):
    each character's index plus the mask's, modulo their number. The indexes are added as two
    big integers of one byte each: a sum is at most 122, so no byte carries into the next."""
    mask = random_csrf_string()
    indexes = [int.from_bytes(chars.encode().translate(_INDEX), "big") for chars in (secret, mask)]
    sums = sum(indexes).to_bytes(CSRF_SECRET_LENGTH, "big")
    return mask + sums.translate(_CHAR_OF_SUM).decode("ascii")


_CHARS = CSRF_ALLOWED_CHARS
_INDEX = bytes.maketrans(_CHARS.encode(), bytes(range(len(_CHARS))))
_CHAR_OF_SUM = bytes(ord(_CHARS[n % len(_CHARS)]) for n in range(2 * len(_CHARS))).ljust(256, b"\0")
_BELOW = 256 - 256 % len(_CHARS)
# bytes.translate tables: each byte below _BELOW to its character; those above dropped.
_PICKED = bytes(ord(_CHARS[byte % len(_CHARS)]) for byte in range(_BELOW)).ljust(256, b"\0")
_UNEVEN = bytes(range(_BELOW, 256))

# Each returning visitor's masked token, by CSRF secret (this process's memory only).
_masked = {}
MASKED_TOKENS = 10_000


@functools.cache
def _etag_key() -> bytes:
    return hashlib.sha256(b"jii_campaign.page_tokens.etag" + settings.SECRET_KEY.encode()).digest()


def visitor_etag(request, etag: str) -> str:
    """The page's ETag for this visitor: only the same CSRF secret matches it again (a keyed
    hash: the ETag does not give the secret away)."""
    secret = request.META["CSRF_COOKIE"].encode()
    mark = hashlib.blake2b(secret, key=_etag_key(), digest_size=8).hexdigest()
    return f'{etag[:-1]}-{mark}"'


def finish(request, response):
    """The CSRF cookie (set or renewed) and `Vary: Cookie`, as CsrfViewMiddleware sends them."""
    return _csrf.process_response(request, response)


def cookie_headers(request) -> list[tuple[str, str]]:
    """The Set-Cookie header `finish` would add, as a WSGI header. Django makes it once a second
    (the cookie's expiry is to the second), with a stand-in for the secret, which is put in per
    response: Django's SimpleCookie costs a new visitor's hit more than its token."""
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return []
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    second = int(time.time())
    made = _cookie_made.get(second)
    if made is None:
        _cookie_made.clear()
        made = _cookie_made[second] = _cookie_with_stand_in()
    stand_in = f"{settings.CSRF_COOKIE_NAME}={SECRET_STAND_IN}"
    with_secret = f"{settings.CSRF_COOKIE_NAME}={request.META['CSRF_COOKIE']}"
    return [("Set-Cookie", made.replace(stand_in, with_secret, 1))]


def _cookie_with_stand_in() -> str:
    request = HttpRequest()
    request.META.update(CSRF_COOKIE=SECRET_STAND_IN, CSRF_COOKIE_NEEDS_UPDATE=True)
    response = finish(request, HttpResponse())
    (cookie,) = response.cookies.values()
    return cookie.output(header="")


# A secret's shape (letters and digits, CSRF_SECRET_LENGTH of them): quoted as a secret would be.
SECRET_STAND_IN = "csrfsecretstandin".ljust(CSRF_SECRET_LENGTH, "0")
_cookie_made = {}  # the second -> the header with the stand-in


def forget():
    """Forget the cookie made this second (tests: the settings it was made with may change)."""
    _cookie_made.clear()


def joined(parts: list[bytes], token: str) -> bytes:
    return token.encode().join(parts)


def gzipped(parts: list[bytes], chunks: list[bytes], token: str) -> bytes:
    """The gzip file of `joined(parts, token)`, from the parts' stored deflate chunks."""
    filling = token.encode()
    stored = b"\x00" + struct.pack("<HH", len(filling), len(filling) ^ 0xFFFF) + filling
    crc, size = zlib.crc32(parts[0]), len(parts[0])
    for part in parts[1:]:
        crc = zlib.crc32(part, zlib.crc32(filling, crc))
        size += len(filling) + len(part)
    return b"".join((GZIP_HEADER, stored.join(chunks), struct.pack("<II", crc, size & 0xFFFFFFFF)))
