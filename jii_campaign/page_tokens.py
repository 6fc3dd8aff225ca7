"""The visitor's CSRF token written into a cached page's bytes, plain and gzipped, per response.

A form cached whole (`caching.whole_page(csrf_token=True)`) is stored with
`caching.CSRF_TOKEN_PLACEHOLDER` where its token goes, cut into the parts around it. Each
response joins the parts with a token masked afresh from the visitor's own CSRF cookie, by
Django's own CsrfViewMiddleware and `get_token`, which also set the cookie for a visitor who has
none (or a malformed one): the form is protected exactly as a rendered one, and no visitor ever
receives another's token.

gzip without compressing the page again: each part is stored as raw deflate ending on a byte
boundary (Z_SYNC_FLUSH) by its own compressor, so nothing refers back across a token; a token
goes between them as a stored (uncompressed) block; the gzip trailer's CRC-32 and length are
computed for the joined bytes.

The ETag of such a page names the page's bytes and (as a keyed hash) the visitor's CSRF secret:
a browser's copy is answered 304 only for the visitor whose token it holds, which stays valid as
long as the secret; another visitor's ETag never matches.
"""

import functools
import hashlib
import struct
import zlib

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware, get_token

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
    token = _masked.get(secret) if secret else None
    if token is None:
        token = get_token(request)
        if len(_masked) >= MASKED_TOKENS:
            _masked.clear()
        _masked[request.META["CSRF_COOKIE"]] = token
    else:
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie renewed
    return token


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
