"""The visitor page's files from src/relay/web/, with strict security headers.

Only plain files directly in web/ are served (no directories, no dot files, no traversal). The
headers forbid third-party resources, inline script and framing, and ask browsers not to cache
or send referrers: the page may be opened on a shared device.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path

from websockets.datastructures import Headers
from websockets.http11 import Response

from helpline_core.config import HelplineSettings

WEB_DIR = Path(__file__).resolve().parent / "web"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
PLACEHOLDER = (
    "<!doctype html><html lang='nl'><meta charset='utf-8'><title>Chat</title>"
    "<p>De chat is nog niet ge&iuml;nstalleerd. Bel 101 (politie) of 112 bij nood.</p></html>"
)


def security_headers(headers: Headers) -> None:
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    headers["Cache-Control"] = "no-store"


def response(status: HTTPStatus, body: bytes, content_type: str) -> Response:
    headers = Headers()
    headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    security_headers(headers)
    return Response(status.value, status.phrase, headers, body)


MARKER = re.compile(r"\{\{([a-z_]+)\}\}")


def page_facts(helpline: HelplineSettings) -> dict[str, str]:
    """The configured facts the page shows before (or without) its script: the phone and the
    emergency numbers as shown and as tel: targets (digits and + only, RFC 3966), the email
    address, where "leave quickly" goes, and after how many seconds offline the page offers
    phone and email."""
    return {
        "phone": helpline.phone,
        "phone_tel": _tel(helpline.phone),
        "email": helpline.email,
        "neutral_url": helpline.neutral_url,
        "police_number": helpline.police_number,
        "police_tel": _tel(helpline.police_number),
        "medical_number": helpline.medical_number,
        "medical_tel": _tel(helpline.medical_number),
        "offline_help_after_s": str(helpline.offline_help_after_s),
    }


def _tel(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


def fill_page(page: str, facts: Mapping[str, str]) -> str:
    """Replace each {{name}} marker with the HTML-escaped fact of that name; an unknown marker is
    left as written. Escaped, because configuration reaches the page as text, never as markup."""
    return MARKER.sub(
        lambda match: (
            html.escape(facts[match.group(1)], quote=True)
            if match.group(1) in facts
            else match.group(0)
        ),
        page,
    )


def serve_file(
    path: str, web_dir: Path = WEB_DIR, facts: Mapping[str, str] | None = None
) -> Response:
    """One file of the page, with the security headers; index.html gets `facts` filled in."""
    name = path.split("?", 1)[0].lstrip("/") or "index.html"
    if not NAME.match(name) or ".." in name:
        return response(HTTPStatus.NOT_FOUND, b"not found\n", TYPES[".txt"])
    file = web_dir / name
    suffix = file.suffix.lower()
    if suffix not in TYPES or not file.is_file():
        if name == "index.html":
            return response(HTTPStatus.OK, PLACEHOLDER.encode(), TYPES[".html"])
        return response(HTTPStatus.NOT_FOUND, b"not found\n", TYPES[".txt"])
    body = file.read_bytes()
    if suffix == ".html" and facts is not None:
        body = fill_page(body.decode("utf-8"), facts).encode("utf-8")
    return response(HTTPStatus.OK, body, TYPES[suffix])
