"""Whole public pages cached as rendered bytes, served before the view runs.

A page marked with `caching.whole_page` carries nothing per visitor, so its bytes (plain and
gzipped), its headers and its ETag are stored once per path (a path names one campaign in one
language) in the default cache: Redis when REDIS_URL is set, so every process shares them.

Every stored page carries the public version it was rendered under. The version is a random
token replaced *after commit* by any transaction that changes what public pages show: the ledger
(`donations.CampaignProgress.add`) or the content (a saved or deleted row of the apps below). A
page is served only while its version is current, so it changes as soon as the change commits,
in every process, and never waits for a timeout. The version is read before rendering, so a
render that races a commit is stored under the old version and never served after the bump.
"""

import functools
import gzip
import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers

VERSION_KEY = "page-cache:version"
# Rows of these apps and models are shown on public pages: saving one invalidates them.
CONTENT_APPS = {"campaigns", "programs", "testimonials", "jii_campaign"}
CONTENT_MODELS = {"donations.campaignprogress"}
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers the outer middleware (security, locale, session) set again on every response.
NOT_STORED = {"content-length", "content-encoding", "etag", "vary"}


def bump():
    """A new public version: every cached page is stale from now on."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def changed(using=None):
    """Call inside the transaction that changes what a public page shows: the cached pages
    go stale once it commits (at once outside a transaction), and not if it rolls back."""
    transaction.on_commit(bump, using=using)


def is_public_content(model):
    meta = model._meta
    return meta.app_label in CONTENT_APPS or meta.label_lower in CONTENT_MODELS


def on_content_saved(sender, using=None, **kwargs):
    """post_save / post_delete receiver of the public content models (see apps.py)."""
    changed(using=using)


def current_version():
    version = cache.get(VERSION_KEY)
    if version is None:  # a fresh or flushed cache: start a version every process agrees on
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


class PageCacheMiddleware:
    """Answers GET/HEAD for pages marked `whole_page` from the cache; stores them on a miss.
    Sits right after SecurityMiddleware: a hit skips the rest of the stack. The language comes
    from the path alone, as UrlLanguageMiddleware sets it for the render."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        if request.method not in ("GET", "HEAD") or not _is_whole_page(language, request.path_info):
            return self.get_response(request)
        key = f"page-cache:page:{language}:{request.path}"
        today = timezone.localdate().isoformat()  # "days left" changes at midnight in Japan
        version = cache.get(VERSION_KEY) or current_version()
        entry = _held.get(key)
        if not _current(entry, version, today):
            entry = cache.get(key)
            if not _current(entry, version, today):
                response = self.get_response(request)
                if not _storable(response):
                    return response
                entry = _entry(response, version, today)
                cache.set(key, entry, timeout=None)
            if len(_held) >= HELD_PAGES:
                _held.clear()
            _held[key] = entry
        return _serve(request, entry)


# The entries this process served last, by key. A hit then asks the shared cache for the
# version alone (a few bytes) instead of the page (tens of kilobytes, unpickled every time); an
# entry is still served only while its version is current. A few campaigns in two languages.
_held = {}
HELD_PAGES = 64


def _current(entry, version, today):
    return entry is not None and entry["version"] == version and entry["day"] == today


@functools.lru_cache(maxsize=4096)
def _is_whole_page(language, path_info):
    """Whether the path leads to a `whole_page` view; the same answer in every process, kept
    because resolving i18n URL patterns costs as much as serving the cached page."""
    try:
        with translation.override(language):
            match = resolve(path_info)
    except Resolver404:
        return False
    return getattr(match.func, "whole_page", False)


def _storable(response):
    vary = response.get("Vary", "").lower()
    return (
        response.status_code == 200
        and getattr(response, "whole_page", False)
        and not response.streaming
        and not response.cookies
        and "cookie" not in vary
    )


def _entry(response, version, day):
    body = response.content
    return {
        "version": version,
        "day": day,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED],
        "vary": response.get("Vary", ""),
        "body": body,
        # mtime=0: the same bytes in every process, so one ETag fits both encodings.
        "gzip": gzip.compress(body, compresslevel=6, mtime=0),
        "etag": f'W/"{hashlib.sha256(body).hexdigest()[:32]}"',
    }


def _serve(request, entry):
    compressed = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
    response = HttpResponse()
    for name, value in entry["headers"]:
        response[name] = value
    response["ETag"] = entry["etag"]
    if entry["vary"]:
        response["Vary"] = entry["vary"]
    patch_vary_headers(response, ("Accept-Encoding",))
    not_modified = get_conditional_response(request, etag=entry["etag"], response=response)
    if isinstance(not_modified, HttpResponseNotModified):
        return not_modified
    body = entry["gzip"] if compressed else entry["body"]
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(body))
    if request.method != "HEAD":
        response.content = body
    return response
