"""The visitor's IP address, for rate limits and the admin lockout.

Behind a reverse proxy every request comes from the proxy's address. Each proxy appends the
address it received the request from to X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies in
front of the site the client is the entry that many places from the right; entries further left
were written by the client itself and cannot be trusted.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    # A request with no usable address (over a Unix socket) is counted under one placeholder.
    remote = _valid(request.META.get("REMOTE_ADDR") or "") or str(ipaddress.IPv4Address(0))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if not forwarded:
        return remote
    return _valid(forwarded[-min(proxies, len(forwarded))]) or remote
