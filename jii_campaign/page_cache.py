"""Whole public pages cached as rendered bytes, served before the view runs.

A page marked with `caching.whole_page` carries nothing per visitor, so its bytes (plain and
gzipped), its headers and its ETag are stored once per path (a path names one campaign in one
language) and per variant of the address parameters the view names (`/donate/`'s tier links:
the view redirects values it does not recognise, so an attacker cannot add keys) in the default
cache: Redis when REDIS_URL is set, so every process shares them; each process's own memory
otherwise. A form's CSRF token is the one thing per visitor: stored as a placeholder, written in
per response (jii_campaign/page_tokens.py).

Every stored page carries the public version it was rendered under, and is served while that
version is current (and in a burst of changes for a second at most after it, below). The
version is replaced *after commit* by any transaction that changes what public pages show:
the ledger (`donations.CampaignProgress.add`) or the content (a saved or deleted row of the apps
below). Pages without the ledger's figures (the forms:
`whole_page(figures=False)`) carry the content's version instead, which the ledger leaves alone:
they stay cached through a burst of gifts. Each version has two parts:

- a random token in the default cache. With Redis every process reads it at most every
  PAGE_CACHE_TOKEN_READ_SECONDS (a tenth of a second), its own changes at once, so a change
  shows everywhere within that time. Without Redis it lives in each process's memory and only
  tells that process (and a cleared cache) apart;
- a number in the database (`jii_campaign.models.PageVersion`), which every process of every
  machine reads at most every PAGE_CACHE_VERSION_POLL_SECONDS (half a second) on a hit. It is
  raised by every change when there is no Redis, so a payment applied by the event worker or a
  statement imported by a command shows in the web process within half a second; and, with
  Redis, by a change whose token Redis refused (an outage): once Redis is back, the pages
  rendered before the change are not served again.

The version is read before rendering, so a render that races a commit is stored under the old
version. A burst of gifts bumps the version many times a second; rendering each page after
every gift, and for every visitor who asks before the first render is stored, cost most of the
site's CPU. So a stale page is still served for PAGE_CACHE_RERENDER_SECONDS (half a second)
after its render was stored, and for one more such window only while another request (in any
process, with Redis) renders it again: each page is rendered about twice a second at most.
After those windows, a visitor who finds the page being rendered waits (two windows at most)
for that render rather than rendering it too: on a loaded machine a render can outlast the
windows, and each render more slowed the next. Each change shows within a second of its
commit, with Redis or without (whose half-second poll falls within that second), or, for a
change committed while the page was being rendered, within a second of that render's end. The
day is never stale: a page rendered yesterday is rendered again. While Redis cannot be reached,
pages are rendered from the database on every request (jii_campaign/cache_outage.py).

A hit costs, at most every tenth of a second per process, one round trip to Redis (the token;
the page itself is held in memory while its version is current), on one kept client
(jii_campaign/shared_cache.py), and, for a form, its token and cookie
(jii_campaign/page_tokens.py); the database only for its version number, at most every half
second per process; no session, no middleware below.

A cached page is answered only for a host in ALLOWED_HOSTS: `request.get_host()` raises
DisallowedHost, Django's 400, as it would for a cold render.

Most hits never reach this middleware: jii_campaign/page_cache_wsgi.py answers a page this
process holds (`held_entry`) before Django's handler, with the headers Django sent for it.
"""

import functools
import gzip
import hashlib
import logging
import re
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers

from jii_campaign import cache_outage, page_tokens
from jii_campaign.models import PageVersion
from jii_campaign.outage import DATABASE_DOWN

log = logging.getLogger(__name__)

VERSION_KEY = "page-cache:version"  # any change: the ledger's or the content's
CONTENT_VERSION_KEY = "page-cache:content-version"  # the content's: pages without figures
RENDERING = "page-cache:rendering:"  # + an entry's key: a request is rendering that page again
RENDERING_SECONDS = 2  # how long that mark stands if its request never clears it
RENDERING_POLL_SECONDS = 0.01
# Rows of these apps and models are shown on public pages: saving one invalidates them.
CONTENT_APPS = {"campaigns", "programs", "testimonials", "jii_campaign", "updates"}
CONTENT_MODELS = {"donations.campaignprogress"}
NOT_CONTENT = {"jii_campaign.pageversion", "updates.delivery"}
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers the outer middleware (security, locale, session) set again on every response.
NOT_STORED = {"content-length", "content-encoding", "etag", "vary"}
# After the database failed to answer the version, a process asks again after this long.
DATABASE_RETRY_SECONDS = 5.0
RENDERED_INSTEAD = "pages are rendered from the database on every request until it answers"


def bump():
    """A new public version: every cached page is stale from now on, in every process."""
    _replace_version(content=True)


def bump_figures():
    """The ledger changed: the pages that show its figures are stale; the forms stay current."""
    _replace_version(content=False)


def _replace_version(*, content):
    keys = [VERSION_KEY, CONTENT_VERSION_KEY] if content else [VERSION_KEY]
    token_replaced = cache_outage.shared_or(
        lambda: cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None) or True,
        lambda: False,
        RENDERED_INSTEAD,
    )
    _tokens_read.clear()  # once replaced: this process's next hit reads the new token
    if not settings.REDIS_URL or not token_replaced:
        _raise_database_number(content=content)


def _raise_database_number(*, content):
    """One statement, safe when several processes raise it at once."""
    table = connection.ops.quote_name(PageVersion._meta.db_table)
    raised = f"number = {table}.number + 1"
    if content:
        raised += f", content_number = {table}.content_number + 1"
    # Only our own quoted table name is formatted in; the id is a parameter.
    upsert = f"INSERT INTO {table} (id, number, content_number) VALUES (%s, 1, %s) ON CONFLICT (id) DO UPDATE SET {raised}"  # noqa: E501  # nosec B608
    try:  # a savepoint if called inside a transaction: a failure here must not spoil it
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(upsert, [PageVersion.SINGLETON_ID, int(content)])
    except DatabaseError as error:
        log.error("Page version not raised (%s): cached pages may be stale", type(error).__name__)
        return
    _polled.at = None  # this process reads the new number on its next hit


def changed(using=None, *, figures_only=False):
    """Call inside the transaction that changes what a public page shows (`figures_only`: the
    ledger's figures alone): the cached pages go stale once it commits (at once outside a
    transaction), and not if it rolls back. Once per transaction: a bump already waiting in it
    (or in an enclosing savepoint) that covers this change suffices."""
    bump_now, covering = (bump_figures, (bump, bump_figures)) if figures_only else (bump, (bump,))
    conn = transaction.get_connection(using)
    if conn.in_atomic_block:
        enclosing = set(conn.savepoint_ids)
        for sids, callback, _robust in conn.run_on_commit:
            if callback in covering and set(sids) <= enclosing:
                return
    transaction.on_commit(bump_now, using=using)


def is_public_content(model):
    meta = model._meta
    if meta.label_lower in NOT_CONTENT:
        return False
    return meta.app_label in CONTENT_APPS or meta.label_lower in CONTENT_MODELS


def on_content_saved(sender, instance=None, created=False, using=None, **kwargs):
    """post_save / post_delete receiver of the public content models (see apps.py)."""
    if _shown_before_or_after(instance, created):
        changed(using=using)


def _shown_before_or_after(instance, created):
    """Whether a saved or deleted row is, or was, on a public page: always, unless its model
    says (`on_public_pages`, and `was_on_public_pages` as its last state change set it)."""
    shown = getattr(instance, "on_public_pages", None)
    if shown is None:
        return True
    return shown or (not created and getattr(instance, "was_on_public_pages", True))


def current_token(key=VERSION_KEY):
    """The shared cache's part of the version (raises when Redis cannot be reached): of any
    change, or with CONTENT_VERSION_KEY of the content's."""
    token = cache.get(key)
    if token is None:  # a fresh or flushed cache: start a token every process agrees on
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key)
    return token


# The shared cache's tokens as this process last read them, and when: key -> (token, when).
_tokens_read = {}


def _token(key, *, read_due=True):
    """The version's token, read from the shared cache at most every
    PAGE_CACHE_TOKEN_READ_SECONDS per process (None while it cannot be reached, or, without
    `read_due`, when a reading is due). A hit then costs no round trip most of the time; a
    change of another process still shows within the second a stale page may be served (see
    `_recent`)."""
    now = time.monotonic()
    read = _tokens_read.get(key)
    if read is not None and now - read[1] < settings.PAGE_CACHE_TOKEN_READ_SECONDS:
        return read[0]
    if not read_due:
        return None
    token = _shared(current_token, key)
    if token is not None:
        _tokens_read[key] = (token, now)
    return token


def content_version():
    """The content's version as this process reads it (token, number), or None while the shared
    cache cannot be reached: what jii_campaign/kept_content.py keys its memory by."""
    token = _token(CONTENT_VERSION_KEY)
    if token is None:
        return None
    return token, database_number(poll=True, content=True)


class _Polled:
    """The database's part of the version as this process last read it, and when: the number
    of any change and the number of the content's."""

    numbers = None
    at = None
    failed_at = None


_polled = _Polled()


def database_number(*, poll: bool, content=False):
    """The database's part of the version (with `content`, the content's alone): read again when
    `poll` and the last reading is older than PAGE_CACHE_VERSION_POLL_SECONDS; otherwise the
    last reading (None before the first). While the database cannot answer, the last reading
    stands: cached pages need no database."""
    now = time.monotonic()
    due = _poll_due(now)
    resting = _polled.failed_at is not None and now - _polled.failed_at < DATABASE_RETRY_SECONDS
    if poll and due and not resting:
        try:
            numbers = (
                PageVersion.objects.filter(pk=PageVersion.SINGLETON_ID)
                .values_list("number", "content_number")
                .first()
            )
        except (DatabaseError, *DATABASE_DOWN):
            _polled.failed_at = now
        else:
            _polled.numbers, _polled.at, _polled.failed_at = numbers or (0, 0), now, None
    return None if _polled.numbers is None else _polled.numbers[content]


def _poll_due(now):
    return _polled.at is None or now - _polled.at >= settings.PAGE_CACHE_VERSION_POLL_SECONDS


def forget_process_state():
    """Forget this process's reading of the database's version and the entries it holds, as a
    fresh process starts (tests: each rolls the database back, and the number with it)."""
    _polled.numbers = _polled.at = _polled.failed_at = None
    _held.clear()
    _tokens_read.clear()
    page_tokens.forget()


class PageCacheMiddleware:
    """Answers GET/HEAD for pages marked `whole_page` from the cache; stores them on a miss.
    Sits right after SecurityMiddleware: a hit skips the rest of the stack. The language comes
    from the path alone, as UrlLanguageMiddleware sets it for the render."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page, key = _page_and_key(request)
        if not page:
            return self.get_response(request)
        request.get_host()  # an unknown host: DisallowedHost, the 400 of a cold render
        content_only = not page.figures  # a form: only a change of the content makes it stale
        token = _token(CONTENT_VERSION_KEY if content_only else VERSION_KEY)
        if token is None:  # Redis cannot be reached: rendered from the database
            return self.get_response(request)
        if key is None:  # a value no variant has: the view redirects it, nothing to look up
            return self.get_response(request)
        today = timezone.localdate().isoformat()  # "days left" changes at midnight in Japan
        entry = _held.get(key)
        servable = _servable(entry, token, today, content_only)
        if not servable:
            entry = _shared(cache.get, key)
            servable = _servable(entry, token, today, content_only)
        if servable:
            _hold(key, entry)
            return _serve(request, key, entry)
        rendering = _shared(cache.add, RENDERING + key, 1, timeout=RENDERING_SECONDS)
        if rendering is False:  # another request is rendering it again
            if _recent(entry, today, 2):
                return _serve(request, key, entry)
            rendered = _rendered_elsewhere(key, today)
            if rendered is not None:
                _hold(key, rendered)
                return _serve(request, key, rendered)
        try:
            return self._render(request, page, key, token, today, content_only)
        finally:
            if rendering:
                _shared(cache.delete, RENDERING + key)

    def _render(self, request, page, key, token, today, content_only):
        # Read before rendering, as the token, and afresh when due: a stale reading (a fresh
        # process, or just after this process's own bump) would store the page under a number
        # the next hit refuses, and render it again.
        number = database_number(poll=True, content=content_only)
        response = _rendered(self.get_response, request, page)
        if not _storable(response):
            return response
        entry = _entry(response, token, number, today)
        _shared(cache.set, key, entry, timeout=None)
        _hold(key, entry)
        return _serve(request, key, entry)


def held_entry(request):
    """The (key, entry) a hit on this GET or HEAD would serve, found in this process's memory
    alone: a page it holds, under a version it read less than PAGE_CACHE_TOKEN_READ_SECONDS
    (and, for the database's number, PAGE_CACHE_VERSION_POLL_SECONDS) ago; None when anything
    would need Redis or the database, or for a path that is not a cached page. What
    jii_campaign/page_cache_wsgi.py answers before Django's handler; the host is its to check."""
    page, key = _page_and_key(request)
    if not page or key is None:
        return None
    content_only = not page.figures
    token = _token(CONTENT_VERSION_KEY if content_only else VERSION_KEY, read_due=False)
    if token is None:
        return None
    entry = _held.get(key)
    today = timezone.localdate().isoformat()
    if not _servable(entry, token, today, content_only, poll_due=False):
        return None
    return key, entry


def _page_and_key(request):
    """The path's `caching.WholePage` (None, or False for another method) and the entry's key."""
    language, page = page_at(request.path_info)
    page = request.method in ("GET", "HEAD") and page
    return page, page and _key(request, language, page)


@functools.lru_cache(maxsize=4096)
def page_at(path_info):
    """The path's language and its `caching.WholePage`, or None when it is not a cached page;
    the same answer in every process, kept because resolving i18n URL patterns costs as much as
    serving the cached page."""
    language = translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE
    return language, _whole_page(language, path_info)


def _rendered_elsewhere(key, today):
    """The page another request is rendering, once it is stored; None if it is not stored
    within two windows. Visitors who find a page too stale to serve while it is being rendered
    wait for that render rather than each rendering it again: on a loaded machine a render can
    outlast the windows, and every render more made the next one slower."""
    deadline = time.monotonic() + 2 * settings.PAGE_CACHE_RERENDER_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDERING_POLL_SECONDS)
        if _shared(cache.get, RENDERING + key) is None:  # stored, or given up
            entry = _shared(cache.get, key)
            return entry if _recent(entry, today, 1) else None
    return None


def _key(request, language, page):
    """The entry's key: the language, the path and the values of the page's `query` parameters
    (the view redirects any value it does not recognise, so no other key is ever stored); None
    for a value no variant can have (long, or not a slug or a number), which is not even
    looked up."""
    # Not "page-cache:page:", the entries of the code before the version had two parts.
    key = f"page-cache:entry:{language}:{request.path}"
    variant = [(name, request.GET[name]) for name in page.query if name in request.GET]
    if not all(VARIANT_VALUE.fullmatch(value) for _, value in variant):
        return None
    return f"{key}?{urlencode(variant)}" if variant else key


VARIANT_VALUE = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def _rendered(get_response, request, page):
    """The page rendered for the cache: with the token's placeholder, and without the visitor's
    CSRF cookie, whose renewal would make the response unstorable; `_serve` sets it."""
    if not page.csrf_token:
        return get_response(request)
    request.csrf_token_written_in_later = True
    cookie = request.COOKIES.pop(settings.CSRF_COOKIE_NAME, None)
    try:
        return get_response(request)
    finally:
        if cookie is not None:
            request.COOKIES[settings.CSRF_COOKIE_NAME] = cookie


def _shared(call, *args, **kwargs):
    """`call` on the shared cache, or None while it cannot be reached."""
    return cache_outage.shared_or(lambda: call(*args, **kwargs), lambda: None, RENDERED_INSTEAD)


# The entries this process served last, by key. A hit then asks the shared cache for the
# version alone (a few bytes) instead of the page (tens of kilobytes, unpickled every time); an
# entry is still served only while `_servable`. A few campaigns in two languages,
# each with its form's variants (its tiers, monthly or once).
_held = {}
HELD_PAGES = 256


def _hold(key, entry):
    if _held.get(key) is entry:
        return
    if len(_held) >= HELD_PAGES:
        _held.clear()
    _held[key] = entry


def _servable(entry, token, today, content_only, *, poll_due=True):
    """Rendered today and under the current version, or, however many changes have committed
    since, stored less than PAGE_CACHE_RERENDER_SECONDS ago: in a burst of gifts each page is
    rendered at most that often (see `_recent` for the one more window while it renders).
    Without `poll_due`, never when the database's number is due to be read."""
    if _recent(entry, today, 1):
        return True
    if not poll_due and _poll_due(time.monotonic()):
        return False
    return (
        entry is not None
        and entry.get("day") == today
        and entry.get("token") == token
        and entry["number"] == database_number(poll=poll_due, content=content_only)
    )


def _recent(entry, today, windows):
    """Rendered today and stored less than `windows` times PAGE_CACHE_RERENDER_SECONDS ago. A
    stale page is served for one window whatever happens, and for a second one only while another
    request renders it again: many visitors then wait for one render, not each for their own."""
    return (
        entry is not None
        and entry.get("day") == today
        and time.time() - entry.get("stored_at", 0) < windows * settings.PAGE_CACHE_RERENDER_SECONDS
    )


def _whole_page(language, path_info):
    """The `caching.WholePage` of the view the path leads to, or None."""
    try:
        with translation.override(language):
            match = resolve(path_info)
    except Resolver404:
        return None
    return getattr(match.func, "whole_page", None)


def _storable(response):
    vary = response.get("Vary", "").lower()
    return (
        response.status_code == 200
        and getattr(response, "whole_page", False)
        and not response.streaming
        and not response.cookies
        and "cookie" not in vary
    )


def _entry(response, token, number, day):
    body = response.content
    parts = page_tokens.cut(body)
    entry = {
        "token": token,
        "number": number,
        "day": day,
        # When the render ended: one render per window, counted from the one before it ended,
        # even when a loaded machine takes longer than a window to render.
        "stored_at": time.time(),
        "headers": [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED],
        "vary": response.get("Vary", ""),
        "etag": f'W/"{hashlib.sha256(body).hexdigest()[:32]}"',
    }
    if len(parts) > 1:  # a form: served from its bytes around its CSRF token's placeholder
        entry["parts"] = parts
        entry["deflated"] = page_tokens.deflated(parts)
    else:  # mtime=0: the same bytes in every process, so one ETag fits both encodings.
        entry["body"] = body
        entry["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
    return entry


# Where `_serve` leaves the key and the entry it served, in the WSGI environ (request.META):
# jii_campaign/page_cache_wsgi.py learns the final headers of such a response from it.
SERVED = "jii_campaign.page_cache.served"


def _serve(request, key, entry):
    request.META[SERVED] = (key, entry)
    compressed = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    response = HttpResponse()
    for name, value in entry["headers"]:
        response[name] = value
    parts = entry.get("parts")
    if parts:
        csrf_token = page_tokens.visitor_token(request)
        etag = page_tokens.visitor_etag(request, entry["etag"])
    else:
        etag = entry["etag"]
    response["ETag"] = etag
    if entry["vary"]:
        response["Vary"] = entry["vary"]
    patch_vary_headers(response, ("Accept-Encoding",))
    not_modified = get_conditional_response(request, etag=etag, response=response)
    if isinstance(not_modified, HttpResponseNotModified):
        response = not_modified
    elif parts and compressed:
        body = page_tokens.gzipped(parts, entry["deflated"], csrf_token)
    elif parts:
        body = page_tokens.joined(parts, csrf_token)
    else:
        body = entry["gzip"] if compressed else entry["body"]
    if response.status_code == 200:
        if compressed:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        if request.method != "HEAD":
            response.content = body
    return page_tokens.finish(request, response) if parts else response
