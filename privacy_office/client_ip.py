"""The address a request came from, behind as many trusted proxies as the site has.

Behind a proxy every request arrives from the proxy's address: rate limits, the sign-in
lockout and consent proofs would then count every visitor as one. Each trusted proxy
appends the address it saw to ``X-Forwarded-For``; the client is the entry the outermost
trusted proxy appended. Entries further left came from the client and are not trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """Return the client's address, trusting ``settings.TRUSTED_PROXY_COUNT`` proxies."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    chain = [*forwarded, remote] if remote else forwarded
    if len(chain) <= count:  # fewer proxies than configured: every entry is the client's own
        return remote
    # chain[-1] is the nearest proxy; each trusted proxy before it added one entry.
    candidate = chain[-(count + 1)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
