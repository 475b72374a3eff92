"""The resume cookie (C4): name, parsing and the Set-Cookie value.

`__Host-` and `Secure` under TLS; always HttpOnly and SameSite=Strict; no Max-Age: the relay
decides validity server-side (5 minutes after the visitor's last activity).
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

PLAIN_NAME = "helpline_chat"
SECURE_NAME = "__Host-helpline_chat"


def cookie_name(secure: bool) -> str:
    return SECURE_NAME if secure else PLAIN_NAME


def read_token(cookie_header: str | None, secure: bool) -> str | None:
    if not cookie_header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(cookie_name(secure))
    if morsel is None:
        return None
    value = morsel.value
    # Tokens are URL-safe base64 of 32 bytes; anything else is not ours.
    if not 20 <= len(value) <= 64 or not all(c.isalnum() or c in "-_" for c in value):
        return None
    return value


def set_cookie_value(token: str, secure: bool) -> str:
    parts = [f"{cookie_name(secure)}={token}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
