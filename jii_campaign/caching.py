"""How long shared caches may keep the public pages."""

from django.views.decorators.cache import cache_control

# Shared caches (a CDN) may keep public pages for a minute: they carry no cookie and nothing per
# visitor. Browsers revalidate, so a donor coming back from Checkout sees the counters move.
public_page = cache_control(public=True, max_age=0, s_maxage=60)
