"""Content every uncached page reads, kept in this process's memory while the content's version
(jii_campaign/page_cache.py) holds: the organisation, the footer's pages, the campaigns open for
gifts. A donor's confirmation, payment and thank-you page read them on every request, and the
rows are wide (a column per language): compiling and reading them was a third of the
confirmation's work in a giving burst.

A change shows as a cached page's does: the version is replaced when the change commits, and
every process reads it at most every PAGE_CACHE_TOKEN_READ_SECONDS (with Redis) or
PAGE_CACHE_VERSION_POLL_SECONDS (without). The version is read before the rows, so rows read
during a commit are kept under the version before it and read again on the next request. While
the shared cache cannot be reached nothing is kept. What is kept is shared by the process's
threads: callers only read it."""

from jii_campaign import page_cache
from jii_campaign.models import InfoPage, Organisation

# name -> (the content's version when it was read, what was read)
_kept = {}


def kept(name, read):
    """`read()`'s answer, read again only once the content's version has changed."""
    version = page_cache.content_version()
    if version is None:
        return read()
    held = _kept.get(name)
    if held is not None and held[0] == version:
        return held[1]
    value = read()
    _kept[name] = (version, value)
    return value


def forget():
    """As a fresh process (tests: each starts with its own rows)."""
    _kept.clear()


def organisation() -> Organisation:
    return kept("organisation", Organisation.current)


def footer_pages() -> list[InfoPage]:
    return kept("footer-pages", lambda: list(InfoPage.objects.filter(show_in_footer=True)))
