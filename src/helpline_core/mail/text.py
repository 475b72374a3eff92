"""Safe plain text from untrusted mail: HTML to text, and removal of control characters.

Nothing here fetches anything: images and other remote content are dropped, never loaded, and
the sanitiser (nh3) removes scripts, styles and every attribute but a link's target before the
remaining structure is flattened to text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

# Structure worth keeping as line breaks; everything else is unwrapped to its text.
_KEPT_TAGS = {
    "a", "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "td", "th", "hr",
}  # fmt: skip
_BLOCK_TAGS = _KEPT_TAGS - {"a", "br", "td", "th"}
_DROPPED_CONTENT = {"script", "style", "head", "title", "template", "noscript", "iframe", "object"}
# C0 and C1 controls (ESC starts terminal sequences), bidi overrides and isolates; not \t or \n.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_REMOTE = re.compile(r"<img\b|background\s*=|url\s*\(", re.IGNORECASE)


def strip_controls(text: str) -> str:
    """Remove characters that a terminal or browser could act on; normalise line ends."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str, limit: int = 998) -> str:
    """A header value for display: no controls, no line breaks, at most `limit` characters."""
    return " ".join(strip_controls(text).split())[:limit]


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pre = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "hr":
            self.parts.append("\n----\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag in ("p", "blockquote", "pre") else "\n")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            text = "".join(self.link_text).strip()
            # Show where a link goes, so a counsellor is never misled by its text.
            if self.href and self.href not in text:
                self.parts.append(f" ({self.href})")
            self.href = None
        elif tag in _BLOCK_TAGS and tag != "li":
            self.parts.append("\n")
        if tag == "pre" and self.pre:
            self.pre -= 1

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = _SPACES.sub(" ", data.replace("\n", " "))
        if self.href is not None:
            self.link_text.append(data)
        self.parts.append(data)


def html_to_text(html: str) -> tuple[str, bool]:
    """Plain text of an HTML body, and whether remote content (images) was dropped."""
    had_remote = bool(_REMOTE.search(html))
    cleaned = nh3.clean(
        html,
        tags=_KEPT_TAGS,
        clean_content_tags=_DROPPED_CONTENT,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    builder = _TextBuilder()
    builder.feed(cleaned)
    builder.close()
    text = strip_controls("".join(builder.parts))
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip(), had_remote
