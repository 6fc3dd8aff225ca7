"""Cached pages answered before Django's handler, from this process's memory: the WSGI application
gunicorn serves (jii_campaign/wsgi.py) wraps Django's in `CachedPagesFirst`.

A hit through Django (page_cache.PageCacheMiddleware) cost twice what whitenoise's copy of the
same bytes cost: the handler's signals, the request and response objects, the middleware above the
page cache, the headers set one by one. Here a hit costs a request object, the page cache's own
checks and a list of headers: the ones Django sent for the same entry, learnt from its response.

- **Only what the page cache would serve, as it would serve it.** `page_cache.held_entry` finds the
  entry by the same key and serves it under the same rules, but from memory alone: a page this
  process holds, under a version it read less than a tenth of a second ago (the database's number,
  half a second). Anything that needs Redis or the database (a reading due, a miss, a render, an
  outage) goes to Django, as does any conditional request (Django answers its 304).
- **The headers Django sent, learnt per entry.** When Django serves a cached page (200), the
  headers it sent are kept with that entry, for requests of the same method, encoding and scheme
  (`request.is_secure()`: HSTS is sent only over HTTPS): whatever the middleware above the page
  cache adds (SecurityMiddleware, Permissions-Policy) is sent exactly so. A middleware added above
  the page cache whose headers depend on anything else of the request must be taught here;
  tests/jii_campaign/test_page_cache_wsgi.py compares both answers header by header.
  Learnt headers are used only with the entry object they were learnt from: a new render, a new
  version or a cleared memory is learnt afresh.
- **Per visitor, as Django does it.** A form's CSRF token, ETag and cookie are made per response by
  jii_campaign/page_tokens.py (Django's own CsrfViewMiddleware reads the visitor's cookie and sets
  the new one), exactly as on the Django path.
- **The host and the HTTPS redirect stay Django's.** An unknown host or any request Django would
  redirect to HTTPS goes to Django, which answers its 400 or 301 (headers are learnt only from a
  200, so for a scheme Django redirects there are none).
"""

import dataclasses

from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest, get_path_info

from jii_campaign import page_cache, page_tokens

CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
)
PER_RESPONSE = {"etag", "content-length", "set-cookie"}
LEARNT_PAGES = 256  # as page_cache.HELD_PAGES


@dataclasses.dataclass(frozen=True)
class _Learnt:
    """The answers Django gave for one entry: (method, gzip, https) -> (status, headers without
    PER_RESPONSE). Used only while page_cache still holds that very entry object."""

    entry: dict
    answers: dict


# The entry's key -> _Learnt: one entry per key, the one Django served last.
_learnt = {}


class CachedPagesFirst:
    """The WSGI application: a cached page from memory, anything else from Django's `app`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        request = _plain_get(environ)
        if request is None:
            return self.app(environ, start_response)
        answer = _answer(request)
        if answer is not None:
            status, headers, body = answer
            start_response(status, headers)
            return [body]
        sent = []

        def start_response_noted(status, headers, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        response = self.app(environ, start_response_noted)
        served = environ.get(page_cache.SERVED)
        if served is not None and sent and sent[0].startswith("200 "):
            _learn(request, *served, *sent)
        return response


def _plain_get(environ):
    """A request object for a GET or HEAD of a cached page without a condition; None for anything
    else (a static file, the admin: no request object is made for them here). Made from a copy
    of the environ: a WSGIRequest writes the decoded path into its environ, which Django's own
    would then fail to decode again (a path beyond Latin-1)."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if any(name in environ for name in CONDITIONAL):
        return None
    if page_cache.page_at(get_path_info(environ) or "/")[1] is None:
        return None
    return WSGIRequest(dict(environ))


def _class(request):
    """What, besides the entry, the headers Django sends for a cached page depend on."""
    return request.method, _gzipped(request), request.is_secure()


def _gzipped(request):
    return bool(page_cache.ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _answer(request):
    """(status, headers, body) for a page held in memory whose headers Django already sent for
    requests like this one; None otherwise (Django answers, and its answer is learnt)."""
    try:
        request.get_host()  # an unknown host: Django's 400
        held = page_cache.held_entry(request)
    except SuspiciousOperation:  # too many parameters, a bad host: Django's 400 says so
        return None
    if held is None:
        return None
    key, entry = held
    learnt = _learnt.get(key)
    if learnt is None or learnt.entry is not entry:
        return None
    request_class = _class(request)
    answer = learnt.answers.get(request_class)
    if answer is None:
        return None
    status, learnt_headers = answer
    compressed = request_class[1]
    headers = list(learnt_headers)
    parts = entry.get("parts")
    if parts:
        token = page_tokens.visitor_token(request)
        headers.append(("ETag", page_tokens.visitor_etag(request, entry["etag"])))
        if compressed:
            body = page_tokens.gzipped(parts, entry["deflated"], token)
        else:
            body = page_tokens.joined(parts, token)
        headers += page_tokens.cookie_headers(request)
    else:
        headers.append(("ETag", entry["etag"]))
        body = entry["gzip"] if compressed else entry["body"]
    headers.append(("Content-Length", str(len(body))))
    return status, headers, b"" if request.method == "HEAD" else body


def _learn(request, key, entry, status, headers):
    cookies = sum(1 for name, _ in headers if name.lower() == "set-cookie")
    if cookies != (1 if entry.get("parts") else 0):  # a form: only its CSRF cookie
        return
    learnt = _learnt.get(key)
    if learnt is None or learnt.entry is not entry:  # a new render: its headers, not the last's
        if len(_learnt) >= LEARNT_PAGES:
            _learnt.clear()
        learnt = _learnt[key] = _Learnt(entry, {})
    kept = tuple((name, value) for name, value in headers if name.lower() not in PER_RESPONSE)
    learnt.answers[_class(request)] = (status, kept)
