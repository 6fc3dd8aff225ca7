"""How long shared caches may keep the public pages, and which pages are cached whole."""

import dataclasses
import functools

from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control

# Shared caches (a CDN) may keep public pages for a minute: they carry no cookie and nothing per
# visitor. Browsers revalidate (cheaply: an ETag), so a donor coming back from Checkout sees the
# counters move.
PUBLIC_PAGE = {"public": True, "max_age": 0, "s_maxage": 60}
public_page = cache_control(**PUBLIC_PAGE)

# Stands in the cached bytes of a form for the visitor's CSRF token, which
# page_cache.PageCacheMiddleware writes in per response. Letters and hyphens only: HTML escaping
# leaves it as it is.
CSRF_TOKEN_PLACEHOLDER = "page-cache-csrf-token-placeholder"  # nosec B105: a marker, no secret


@dataclasses.dataclass(frozen=True)
class WholePage:
    """What the page cache needs to know of a `whole_page` view before it runs.

    `query`: the GET parameters that choose a variant of the page; each variant is cached under
    its own key, so the view answers 200 only for values it recognises (a campaign's tier, a
    published slug) and redirects anything else to a page it does recognise: the keys stay as
    few as the variants. Other parameters are ignored, by the key and by the view.
    `csrf_token`: the page holds a form with the visitor's CSRF token; the cached bytes hold
    CSRF_TOKEN_PLACEHOLDER instead, and browsers alone may keep the page (never a shared cache).
    `figures`: the page shows the ledger's figures (counters, totals); a page that does not (a
    form) stays cached through the gifts and is rendered again only when the content changes.
    """

    query: tuple[str, ...] = ()
    csrf_token: bool = False
    figures: bool = True


def whole_page(view=None, *, query=(), csrf_token=False, figures=True):
    """A public page whose rendered bytes `page_cache.PageCacheMiddleware` keeps until the next
    ledger or content change. On GET and HEAD the view must read nothing from the request but its
    path and the parameters named in `query`, and, with `csrf_token`, render its token with
    `csrf_token_context(request)`. Any other method's answer (a form re-rendered with what the
    visitor typed) is personal: `Cache-Control: private, no-store`."""
    if view is None:
        return functools.partial(
            whole_page, query=tuple(query), csrf_token=csrf_token, figures=figures
        )

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            patch_cache_control(response, private=True, no_store=True)
            return response
        response.whole_page = True
        if csrf_token:  # revalidated with an ETag that only its own visitor's cookie matches
            patch_cache_control(response, private=True, max_age=0)
        else:
            patch_cache_control(response, **PUBLIC_PAGE)
        return response

    wrapper.whole_page = WholePage(query=tuple(query), csrf_token=csrf_token, figures=figures)
    return wrapper


def csrf_token_context(request) -> dict:
    """The template context for a `whole_page(csrf_token=True)` view's form: the placeholder
    when the page cache writes each visitor's token in (see page_cache), otherwise nothing, and
    `{% csrf_token %}` renders the visitor's own as usual (Redis down: rendered every time)."""
    if getattr(request, "csrf_token_written_in_later", False):
        return {"csrf_token": CSRF_TOKEN_PLACEHOLDER}
    return {}
