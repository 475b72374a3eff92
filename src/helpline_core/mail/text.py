"""Safe plain text from untrusted mail: HTML to text, format=flowed, and removal of controls.

Nothing here fetches anything: images and other remote content are dropped, never loaded, and
the sanitiser (nh3) removes scripts, styles and every attribute but a link's target before the
remaining structure is flattened to text. Quoted HTML (`<blockquote>`) keeps its quote marks
("> " a level), as a mail client's plain-text view shows it, so that words quoted from someone
else are never read as the sender's own.
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
# Removed everywhere (body, subject, names): C0 and C1 controls (ESC starts terminal sequences)
# but \t and \n; every Unicode Bidi_Control character (U+061C, U+200E-U+200F, U+202A-U+202E,
# U+2066-U+2069), which can reorder what is shown; the deprecated format characters
# U+206A-U+206F; the interlinear annotation marks U+FFF9-U+FFFB, which can hide text; and the
# byte order mark. Zero-width (non-)joiners and variation selectors stay: emoji and Persian or
# Indic spelling need them.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u206f"
    "\ufeff\ufff9-\ufffb]"
)
_SPACES = re.compile(r"[ \t\u00a0]+")
# Quote marks shown before a line at most: ten levels deep still reads as quoted, and nesting a
# blockquote thousands deep cannot make the text grow by thousands of characters a line.
QUOTE_MARKS_SHOWN = 10
# What a browser would fetch from elsewhere: an image, a background or a CSS url() whose
# address is not one of the mail's own parts (cid:) or inline data (data:), which are no
# remote content (Outlook and Apple Mail put every signature logo in as cid:).
_REMOTE = re.compile(
    r"""(?:\b(?:src|srcset|poster|background)\s*=|\burl\s*\()\s*["']?\s*(?!cid:|data:|["'\s>)])""",
    re.IGNORECASE,
)


def strip_controls(text: str) -> str:
    """Remove characters that a terminal or browser could act on; normalise line ends to \\n
    (U+2028 LINE SEPARATOR is a line end, U+2029 PARAGRAPH SEPARATOR a blank line)."""
    # U+2028 and U+2029 are line ends a display may break a line at: as "\n" they get quote
    # marks like any other line (str.replace is much faster than str.translate here).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text.replace("\u2028", "\n").replace("\u2029", "\n\n"))


def one_line(text: str, limit: int = 998) -> str:
    """A header value for display: no controls, no line breaks, at most `limit` characters."""
    return " ".join(strip_controls(text).split())[:limit]


def unflow(text: str, delsp: bool) -> str:
    """Decode a text/plain; format=flowed body (RFC 3676) into its paragraphs.

    Per line, as RFC 3676 section 4.1 orders the tests: leading ">" marks give the quote depth
    (section 4.5); then one leading space is space-stuffing and is removed (section 4.4); then a
    line whose content ends in a space is flowed and joins the next line (a soft line break),
    with that space deleted when `delsp` (DelSp=yes, sections 4.1 and 4.2). The signature
    separator "-- " (also quoted or stuffed) is neither flowed nor fixed and is never joined
    (section 4.3). A flowed line followed by a line of another quote depth, by a signature
    separator or by the end of the text ends its paragraph ("quote-depth wins", sections 4.1 and
    4.5). A quoted paragraph keeps the quote marks (and stuffing space) of its first line; an
    unquoted line loses its stuffing space; all other content is kept as it is. Line ends may
    be CR LF or LF; the result uses LF.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    final_newline = len(lines) > 1 and lines[-1] == ""
    if final_newline:
        lines.pop()  # the line end of the last line, not an empty line after it
    out: list[str] = []
    paragraph: list[str] = []  # a paragraph still flowing: its lead, then its lines' contents
    paragraph_depth = 0
    for line in lines:
        depth = len(line) - len(line.lstrip(">"))
        rest = line[depth:]
        stuffed = rest.startswith(" ")
        content = rest[1:] if stuffed else rest
        signature = content == "-- "
        if paragraph and (depth != paragraph_depth or signature):
            out.append("".join(paragraph))  # improperly flowed: the paragraph ends here
            paragraph = []
        flowed = content.endswith(" ") and not signature
        if flowed and delsp:
            content = content[:-1]
        if not paragraph:
            paragraph = [line[: depth + 1] if depth and stuffed else line[:depth]]
            paragraph_depth = depth
        paragraph.append(content)
        if not flowed:
            out.append("".join(paragraph))
            paragraph = []
    if paragraph:
        out.append("".join(paragraph))
    return "\n".join(out) + ("\n" if final_newline else "")


class _TextBuilder(HTMLParser):
    """Flattens sanitised HTML to text kept in segments, each with its quote depth and whether
    it is in a <pre>. Depth and <pre> change only right after a line end, so a line never
    straddles two segments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.segments: list[tuple[str, int, bool]] = []  # text, blockquotes around it, in <pre>
        self.parts: list[str] = []
        self.pre = 0
        self.depth = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def segment(self) -> None:
        """End the text written so far, before quote depth or <pre> changes."""
        self.segments.append(("".join(self.parts), self.depth, self.pre > 0))
        self.parts = []

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
            href = dict(attrs).get("href")
            self.href = " ".join(href.split()) if href else None
            self.link_text = []
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag in ("p", "blockquote", "pre") else "\n")
        if tag == "pre":
            self.segment()
            self.pre += 1
        elif tag == "blockquote":
            self.segment()
            self.depth += 1

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
            self.segment()
            self.pre -= 1
        elif tag == "blockquote" and self.depth:
            self.segment()
            self.depth -= 1
            self.parts.append("\n")  # what follows a quote starts on a line of its own

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = _SPACES.sub(" ", data.replace("\n", " "))
        if self.href is not None:
            self.link_text.append(data)
        self.parts.append(data)

    def text(self) -> str:
        """The lines as text: quoted ones after "> " a level (at most `QUOTE_MARKS_SHOWN`);
        white space trimmed but a <pre> line's indentation; blank lines in a row made one."""
        self.parts.append("\n")
        self.segment()
        out: list[str] = []
        blank: int | None = None  # depth of a blank line, written only if text follows
        unfinished = ""  # always empty where a segment ends, as its writer ended the line
        for segment, depth, pre in self.segments:
            prefix = "> " * min(depth, QUOTE_MARKS_SHOWN)
            lines = (unfinished + segment).split("\n")
            unfinished = lines.pop()
            for line in lines:
                line = line.rstrip() if pre else line.strip()
                if line:
                    if blank is not None:
                        out.append(("> " * min(blank, QUOTE_MARKS_SHOWN)).rstrip())
                        blank = None
                    out.append(prefix + line)
                elif out:  # one blank line is enough, at the shallower depth
                    blank = depth if blank is None else min(blank, depth)
        return "\n".join(out)


def remote_content(html: str) -> bool:
    """Whether `html` asks for anything from elsewhere (an image, a background, a CSS url());
    never fetched, only said."""
    return _REMOTE.search(html) is not None


def html_to_text(html: str) -> tuple[str, bool]:
    """Plain text of an HTML body, and whether remote content (images) was dropped.

    Blockquoted text is shown with "> " before each line ("> > " when nested); a <pre> keeps
    its spaces and indentation."""
    had_remote = remote_content(html)
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
    # After nh3 every character reference is a literal character, so this reaches all the text
    # (and a U+2028 in a <pre> becomes the line break it is, quote marks and all).
    builder.feed(strip_controls(cleaned))
    builder.close()
    return builder.text(), had_remote
