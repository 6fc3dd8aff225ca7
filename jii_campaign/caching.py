"""How long shared caches may keep the public pages, and which pages are cached whole."""

import functools

from django.views.decorators.cache import cache_control

# Shared caches (a CDN) may keep public pages for a minute: they carry no cookie and nothing per
# visitor. Browsers revalidate (cheaply: an ETag), so a donor coming back from Checkout sees the
# counters move.
public_page = cache_control(public=True, max_age=0, s_maxage=60)


def whole_page(view):
    """A public page whose rendered bytes `page_cache.PageCacheMiddleware` keeps until the next
    ledger or content change. The view must read nothing from the request but its path."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.whole_page = True
        return response

    wrapped = public_page(wrapper)
    wrapped.whole_page = True
    return wrapped
