"""Who may read /healthz's details.

Anyone gets the status a load balancer needs: the HTTP code (200, or 503 while the database is
down) and one word, `ok` or `degraded`. The details (a line per team mailbox, Redis, the
database, the relay id) name the teams and say when each mailbox was read, which a stranger has
no business knowing. They go to a request from loopback on a relay that is not behind a proxy
(behind one, every request comes from the proxy's loopback address), or to one carrying
`Authorization: Bearer TOKEN` where TOKEN is the value of the environment variable named by
`relay.health_token_env`.
"""

from __future__ import annotations

import hmac
import ipaddress


def is_loopback(address: str) -> bool:
    """Whether `address` (an IP address as the socket reports it) is a loopback address."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def details_allowed(
    peer: str | None, *, behind_proxy: bool, authorization: str | None, token: str
) -> bool:
    """Whether a /healthz request may read the details.

    `peer` is the socket's remote address (never a forwarded one), `authorization` the request's
    Authorization header (None when absent), `token` the configured token ("" when none: then
    only loopback counts). The token is compared in constant time."""
    if token and authorization is not None:
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return True
    return not behind_proxy and peer is not None and is_loopback(peer)
