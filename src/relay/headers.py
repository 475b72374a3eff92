"""Reading a handshake's request headers without ever failing on a client's input.

A header sent twice is either combined, where HTTP allows it (RFC 9110 section 5.3: a list-valued
field such as X-Forwarded-For is the comma-joined lines), or refused with 400 where two values
would be ambiguous (Host, Origin, Cookie): a client can then never cause a 500. Forwarding headers
are read only behind a proxy (`relay.behind_proxy`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from websockets.datastructures import Headers

# Headers of which one request may carry one value only (RFC 9110 section 7.2 for Host,
# RFC 6454 section 7.3 for Origin, RFC 6265 section 5.4 for Cookie).
SINGLE = ("Host", "Origin", "Cookie")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class AmbiguousHeader(Exception):
    """A header that must appear at most once appeared more often; answer 400."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def single(headers: Headers, name: str) -> str | None:
    """The one value of `name`, None when absent; AmbiguousHeader when sent more than once."""
    values = headers.get_all(name)
    if len(values) > 1:
        raise AmbiguousHeader(name)
    return values[0] if values else None


def check_single(headers: Headers) -> None:
    """Raise AmbiguousHeader for the first of SINGLE that was sent more than once."""
    for name in SINGLE:
        single(headers, name)


def combined(headers: Headers, name: str) -> list[str]:
    """Every comma-separated item of every line of a list-valued header, in order."""
    return [item.strip() for line in headers.get_all(name) for item in line.split(",")]


def forwarded_for(headers: Headers) -> str | None:
    """The address the nearest proxy saw: the right-most X-Forwarded-For item (a proxy appends
    its peer's address; everything to the left of it came from the client and may be forged)."""
    items = [item for item in combined(headers, "X-Forwarded-For") if item]
    return items[-1][:64] if items else None


def forwarded_https(headers: Headers) -> bool:
    """Whether the nearest proxy says it was reached over https (the right-most item)."""
    items = [item for item in combined(headers, "X-Forwarded-Proto") if item]
    return bool(items) and items[-1].lower() == "https"


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, as a browser sends it in Origin (RFC 6454 section 6.1)."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        raise ValueError(f"not an absolute URL: {url!r}")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{host}{port}"


def default_origins(host: str, port: int, secure: bool) -> set[str]:
    """The relay's own origins when no public_url is configured: only a concrete listening address
    (an any-address bind has no name a browser would use; public_url must then be set)."""
    if host in ("", "0.0.0.0", "::"):
        return set()
    scheme = "https" if secure else "http"
    names = {host}
    if host in LOOPBACK:
        names |= {"127.0.0.1", "localhost"}
    bracketed = (f"[{name}]" if ":" in name else name for name in names)
    return {origin_of(f"{scheme}://{name}:{port}") for name in bracketed}
