"""Text from mail bytes, read as a careful mail client reads it (E4: nothing lost or garbled).

- A declared charset is read with its usual superset, as the WHATWG Encoding Standard's labels
  say (`webencodings`): gb2312 as GBK/GB18030, iso-8859-1 and us-ascii as windows-1252,
  ks_c_5601-1987 as windows-949, and so on; a label the table lacks or refuses (utf-7, cp850,
  iso-2022-kr) with Python's charset of that name. What still cannot be decoded is replaced
  (U+FFFD) on its own; the rest of the text stays as written.
- A byte order mark wins over the label, as in the WHATWG "decode" algorithm. Without one, a
  UTF-16 label that states no byte order ("utf-16", "ucs-2", "unicode"; WHATWG reads them all
  as little-endian) is read in the order the bytes show, big-endian when they do not tell
  (RFC 2781 section 4.3): `utf16_byte_order`. "utf-16le" and "utf-16be" are trusted.
- The charset is detected only when the label is missing, unknown or clearly wrong: "utf-8" on
  bytes with no more valid UTF-8 sequences than bad bytes, a name of ASCII or of a 7-bit
  charset (ISO-2022, HZ, UTF-7: `seven_bit`) on bytes beyond ASCII, a single-byte label on
  bytes that are valid UTF-8, or a windows-1252 label (iso-8859-1, us-ascii's superset) on
  text that read so is plainly another script and that the detector names a Cyrillic, Greek,
  Arabic, Hebrew or Thai charset (`_other_script`). Text in the helpline's Western European
  languages is read as windows-1252; the rest goes to `detect_charset` (chardetng, Firefox's
  detector, with charset-normalizer as a second opinion; see docs/email.md for why and what
  was measured).
- Header values: raw 8-bit bytes are read as UTF-8, then windows-1252; RFC 2047 encoded words
  are decoded with adjacent words joined first (RFC 2047 section 6.2: the white space between
  them is not part of the text, and a character may be split across two words).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email.quoprimime
import functools
import re
import unicodedata
from dataclasses import dataclass

import webencodings

# Bytes given to the detector: enough to tell a charset, bounded in time.
DETECT_BYTES = 64 * 1024
_FALLBACK = "cp1252"  # WHATWG's default for legacy text
# WHATWG decodes "gbk" (and so gb2312) with the gb18030 decoder, a superset of Python's gbk.
_SUPERSET_CODECS = {"gbk": "gb18030"}
# Multibyte charsets whose text is often valid UTF-8 by chance: their label is trusted. Not the
# 7-bit ones (iso-2022-jp, utf-7): bytes beyond ASCII cannot be them (`seven_bit`).
_MULTIBYTE = {"utf-8", "utf-16-le", "utf-16-be", "gb18030", "big5hkscs", "euc_jp", "cp932",
              "cp949"}  # fmt: skip
# A valid UTF-8 sequence beyond ASCII (RFC 3629 section 4).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# An RFC 2047 encoded word; clients also decode words not set off by white space, so do we.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")


@dataclass(frozen=True)
class Decoded:
    """Decoded text and, when something was guessed or replaced, a note for `problems`."""

    text: str
    note: str | None = None


@functools.lru_cache(maxsize=256)
def codec_for(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when there is none (the text is detected).

    The WHATWG table first (what a browser or Thunderbird does). A label it lacks or maps to its
    "replacement" decoder (iso-2022-kr, hz-gb-2312: refused by browsers for script injection,
    which plain text shown in the console does not have) is looked up among Python's charsets:
    utf-7, iso646-us, cp850 and the like are real mail charsets. ASCII and Latin-1 become
    windows-1252, the superset WHATWG reads them as."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'")
    return _web_codec(cleaned) or _python_charset(cleaned)


@functools.lru_cache(maxsize=256)
def _web_codec(label: str) -> str | None:
    """The Python codec for `label` by the WHATWG table alone; None when the table lacks it or
    maps it to "replacement". The detector's answers are read this way: it may name a rare
    charset (mac-latin2 for short Dutch text), and the table's windows-1252 is the better bet."""
    found = webencodings.lookup(label)
    if found is None or found.name == "replacement":
        return None
    name = str(found.codec_info.name)
    try:
        codecs.lookup(name)  # x-user-defined exists only inside webencodings
    except LookupError:
        return None
    return _SUPERSET_CODECS.get(name, name)


# Python text codecs that are not charsets: a label naming one is as good as no label.
_NOT_CHARSETS = {"idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined"}
_READ_AS_1252 = {"ascii", "iso8859-1"}


def _python_charset(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
        b"\xff\x80a".decode(name, "replace")  # a text codec that takes "replace"
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None
    if name in _NOT_CHARSETS:
        return None
    return _FALLBACK if name in _READ_AS_1252 else name


def _names_ascii(label: str) -> bool:
    """Does `label` name ASCII (us-ascii, ANSI_X3.4-1968, iso646-us, csascii, ...)? Python's
    lookup reads quotes, blanks and case away itself ("US-ASCII" quoted is us_ascii)."""
    try:
        return codecs.lookup(label).name == "ascii"
    except LookupError:
        return False


def detect_charset(data: bytes, tld: str | None = None) -> str:
    """The legacy charset `data` (its first DETECT_BYTES) is most likely in, as a Python codec
    name ("cp1255", "euc_jp"); never UTF-8. The one place the detectors are called.

    `chardetng` (Firefox's detector) decides; `tld` is the sender's country-code top-level domain
    ("be", "jp"), which it weighs as Firefox weighs a page's (anything but two ASCII letters is
    ignored). Its known weakness is short single-byte text taken for a CJK charset (any two high
    bytes make a valid GB18030 pair): when it names one, `charset-normalizer` is asked too, and a
    single-byte charset it names wins."""
    from chardetng_py import detect

    hint = tld.lower().encode("ascii") if tld and _COUNTRY_CODE.fullmatch(tld) else None
    sample = data[:DETECT_BYTES]
    codec = _detected_codec(str(detect(sample, allow_utf8=False, tld=hint)))
    if codec in _CJK:
        from charset_normalizer import from_bytes

        second = from_bytes(sample).best()
        # Only a charset of the WHATWG table: it may name rare ones (cp1006, hp-roman8).
        other = _web_detected(str(second.encoding)) if second is not None else None
        if other is not None and other not in _CJK and other != "utf-8":
            return other
    return codec


# The double-byte CJK codecs a detected charset can be read with (see `_detected_codec`).
_CJK = frozenset({"gb18030", "big5hkscs", "cp932", "euc_jp", "cp949"})
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")
# Byte order marks, longest first (the WHATWG "BOM sniff"): they win over any label.
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))  # fmt: skip


def _bom(data: bytes, label: str | None) -> Decoded | None:
    """Text that starts with a byte order mark, read as the mark says and without it; a note
    when a label said otherwise ("utf-16" without a byte order agrees with either mark). None
    without a mark."""
    for mark, codec in _BOMS:
        if data.startswith(mark):
            text, bad = _replaced(data[len(mark) :], codec)
            notes = []
            declared = codec_for(label) or ""
            if label and declared[:6] != codec[:6]:  # "utf-8" or "utf-16"
                wrong = f"declared charset {_shown(label)!r} is wrong"
                notes.append(f"{wrong}; read as {codec} (byte order mark)")
            if bad:
                notes.append(f"{bad} undecodable byte(s) in {codec} text replaced")
            return Decoded(text, "; ".join(notes) or None)
    return None


def _shown(label: str | None) -> str:
    """A label as a note shows it: on one line, at most 40 characters."""
    return " ".join(str(label or "").split())[:40]


def _replaced(data: bytes, codec: str) -> tuple[str, int]:
    """`data` decoded with replacement; the number of replacements made."""
    text = data.decode(codec, "replace")
    return text, text.count("\ufffd") - data.decode(codec, "ignore").count("\ufffd")


def _utf8_sequences(data: bytes) -> int:
    return len(_UTF8_MULTIBYTE.findall(data))


def decode_body(data: bytes, label: str | None, tld: str | None = None) -> Decoded:
    """Decode a text part's bytes declared as `label` (None: no charset parameter). `tld`: the
    sender's top-level domain, a hint for the detector (`detect_charset`)."""
    if not data:
        return Decoded("")
    marked = _bom(data, label)
    if marked is not None:
        return marked
    shown = _shown(label)
    codec = codec_for(label)
    if label and codec is None:
        return _guess(data, f"unknown charset {shown!r}", tld)
    if codec is None:
        return _guess(data, None, tld)
    if _states_no_byte_order(label, codec):
        codec = utf16_byte_order(data)
    if codec == "utf-8":
        try:
            return Decoded(data.decode("utf-8"))
        except UnicodeDecodeError:
            mostly = _mostly_utf8(data)
            if mostly is not None:
                return Decoded(mostly[0], f"{mostly[1]} undecodable byte(s) in UTF-8 text replaced")
            return _guess(data, "declared charset 'utf-8' is wrong", tld)
    if label and (_names_ascii(label) or seven_bit(codec)) and not data.isascii():
        return _guess(
            data, f"declared charset {shown!r} is wrong", _SEVEN_BIT_HINTS.get(codec, tld)
        )
    if codec not in _MULTIBYTE and not data.isascii() and _is_utf8(data):
        return Decoded(data.decode("utf-8"), f"declared charset {shown!r} is wrong; read as utf-8")
    if codec == _FALLBACK and not data.isascii():
        other = _other_script(data, tld)
        if other is not None:
            text, bad = _replaced(data, other)
            note = f"declared charset {shown!r} is wrong; read as {other}"
            return Decoded(text, note + (f" ({bad} byte(s) replaced)" if bad else ""))
    try:
        return Decoded(data.decode(codec))
    except UnicodeDecodeError:
        text, bad = _replaced(data, codec)
        return Decoded(text, f"{bad} undecodable byte(s) in {shown} text replaced")


# Characters a 7-bit charset is tried on: ASCII, and letters of the scripts the ISO-2022
# family, HZ and UTF-7 write with ASCII bytes.
_SEVEN_BIT_PROBE = "aZ09 +-~\\" + "éßĳΩЖשع€你あア한"


@functools.lru_cache(maxsize=64)
def seven_bit(codec: str) -> bool:
    """Is `codec` a 7-bit charset: one that writes text beyond ASCII with ASCII bytes only,
    switching with escape or shift sequences? The ISO-2022 family (RFC 1468 iso-2022-jp,
    RFC 1554 iso-2022-jp-2, RFC 1557 iso-2022-kr), HZ (RFC 1843 hz-gb-2312) and UTF-7
    (RFC 2152): the charsets whose text is all ASCII bytes, so a label naming one on bytes
    beyond ASCII is wrong. Told by what the codec makes of `_SEVEN_BIT_PROBE`, so every such
    codec Python has counts, not only those named here; plain ASCII does not (it encodes no
    character beyond ASCII; `_names_ascii` covers it)."""
    encoded = []
    for char in _SEVEN_BIT_PROBE:
        try:
            encoded.append((char, char.encode(codec)))
        except (UnicodeError, LookupError):
            continue
    beyond = any(not char.isascii() for char, _ in encoded)
    return beyond and all(data.isascii() for _, data in encoded)


# The country a 7-bit charset's label points to: a better hint to the detector than the
# sender's domain (the Shift_JIS or EUC-JP under a wrong iso-2022-jp label is Japanese).
_SEVEN_BIT_HINTS = {"iso2022_jp": "jp", "iso2022_jp_1": "jp", "iso2022_jp_2": "jp",
                    "iso2022_jp_2004": "jp", "iso2022_jp_3": "jp", "iso2022_jp_ext": "jp",
                    "iso2022_kr": "kr", "hz": "cn"}  # fmt: skip


# WHATWG labels of its UTF-16LE decoder (and Python's "utf-16" codec, which reads text without
# a byte order mark in the machine's order) that do not say which byte order the text is in.
_UNORDERED_UTF16 = frozenset({"utf-16", "ucs-2", "unicode", "csunicode", "iso-10646-ucs-2"})


def _states_no_byte_order(label: str | None, codec: str) -> bool:
    """Is `label` (read as `codec`) UTF-16 without a byte order: "utf-16", "ucs-2", "unicode",
    "csunicode", "iso-10646-ucs-2" or Python's "utf16", "u16"? "utf-16le", "utf-16be" and
    Microsoft's "unicodefeff" / "unicodefffe" name one."""
    if codec == "utf-16":
        return True
    cleaned = str(label or "").strip().strip("\"'").lower()
    return codec == "utf-16-le" and cleaned in _UNORDERED_UTF16


# Bytes looked at to tell UTF-16's byte order: a few thousand characters are plenty.
_ORDER_BYTES = 8 * 1024
_CONTROLS_IN_TEXT = frozenset("\t\n\r\f\v")


def utf16_byte_order(data: bytes) -> str:
    """The byte order UTF-16 text without a byte order mark is in: "utf-16-be" or
    "utf-16-le".

    RFC 2781 section 4.3: text labelled "UTF-16" without a mark SHOULD be read as big-endian;
    the WHATWG table reads "utf-16" (and "ucs-2", "unicode") as little-endian, Windows' order.
    Mail comes in both, so the bytes decide, in this order: the reading with fewer characters
    no text has (unassigned, private use, unpaired surrogates, control characters but tab and
    line breaks); then the one with more zero high bytes (ASCII spaces, line breaks, digits,
    punctuation and Latin letters: U+00xx; read the wrong way round they are U+xx00); then the
    one whose high bytes take fewer values (the high byte is the script's block, the low byte
    the letter in it). When all three tie: big-endian, as RFC 2781 says."""
    sample = data[: min(len(data), _ORDER_BYTES) & ~1]

    def cost(codec: str, high: int) -> tuple[int, int, int]:
        text = sample.decode(codec, "replace")
        highs = sample[high::2]
        return _implausible(text), -highs.count(0), len(set(highs))

    return "utf-16-le" if cost("utf-16-le", 1) < cost("utf-16-be", 0) else "utf-16-be"


def _implausible(text: str) -> int:
    """Characters no text holds: unassigned, private use, U+FFFD (what the decoder makes of an
    unpaired surrogate: decoded text holds no surrogates), controls other than tab and line
    breaks."""
    return sum(
        char == "\ufffd"
        or (category := unicodedata.category(char)) in ("Cn", "Co")
        or (category == "Cc" and char not in _CONTROLS_IN_TEXT)
        for char in text
    )


# The single-byte charsets of other scripts the detector names (as the WHATWG table reads
# them): Cyrillic, Greek, Arabic, Hebrew, Thai. Text in them read as windows-1252 is all
# "accented" Latin letters.
_OTHER_SCRIPTS = frozenset(
    {"cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "mac-cyrillic", "cp1253", "iso8859-7",
     "cp1256", "iso8859-6", "cp1255", "iso8859-8", "cp874"}
)  # fmt: skip


def _other_script(data: bytes, tld: str | None) -> str | None:
    """The charset of text labelled windows-1252 (iso-8859-1, latin1, us-ascii's superset) that
    is plainly in another script's single-byte charset, such as windows-1251 Cyrillic or
    windows-1256 Arabic; None when the label may be right, as it is for Western text.

    Read as windows-1252 such text is nearly all "accented" letters, in runs no Western
    European word has. The label is taken as wrong only when all three hold: more than half
    its letters are beyond ASCII (`_western` keeps text with at most 30% as windows-1252); it
    has a word of four or more such letters in a row, three of them different (Western words
    have at most three in a row, as Icelandic "þýðing"; "nééééé" or "Ööööh" is one letter
    drawn out); and the detector names a charset of another script (`_OTHER_SCRIPTS`: Polish
    or Czech windows-1250 under a Latin-1 label is left as labelled). The detector is not run
    on text that fails the first two."""
    text = data.decode(_FALLBACK, "replace")
    # The runs of letters beyond ASCII: all of them, so their lengths add up to their number.
    words = "".join(char if char.isalpha() and not char.isascii() else " " for char in text).split()
    if sum(len(word) for word in words) * 2 <= sum(char.isalpha() for char in text):
        return None
    if not any(len(word) >= 4 and len(set(word.lower())) >= 3 for word in words):
        return None
    codec = detect_charset(data, tld)
    return codec if codec in _OTHER_SCRIPTS else None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 with a few faults (a truncated or damaged character): the text with the bad bytes
    replaced, and their number; None unless valid multibyte sequences outnumber the bad bytes.
    Legacy text (GBK, Shift-JIS, KOI8-R, windows-125x) has far fewer valid sequences than bad
    bytes, so it is never taken for UTF-8 by this rule."""
    text, bad = _replaced(data, "utf-8")
    return (text, bad) if _utf8_sequences(data) > bad else None


def _guess(data: bytes, why: str | None, tld: str | None = None) -> Decoded:
    """Text whose label is missing (`why` None) or wrong: UTF-8 if it is (or mostly is), else
    windows-1252 if it reads as the helpline's languages there, else detected; the detector's
    answer read by the WHATWG table, else windows-1252."""
    reason = why or "no charset declared"
    if data.isascii():
        return _escaped(data, reason) or Decoded(data.decode("ascii"))
    if _is_utf8(data):
        return Decoded(data.decode("utf-8"), f"{why}; read as utf-8" if why else None)
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return Decoded(mostly[0], f"{reason}; read as utf-8 ({mostly[1]} byte(s) replaced)")
    if _western(data):
        return Decoded(data.decode(_FALLBACK), f"{reason}; read as {_FALLBACK}")
    codec = detect_charset(data, tld)  # never utf-8: test_the_detector_never_names_utf8
    text, bad = _replaced(data, codec)
    note = f"{reason}; read as {codec}"
    return Decoded(text, note + (f" ({bad} byte(s) replaced)" if bad else ""))


# Typographic marks Western text in windows-1252 carries beside its accented letters.
_WESTERN_MARKS = frozenset(
    "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2026\u2022\u20ac\u2122"  # –—‘’‚“”„…•€™
    "\u00ab\u00bb\u00b0\u00b7\u00a0\u00a7\u00b2\u00b3\u00b4\u00a9\u00ae"  # « » ° · nbsp § ² ³ ´ © ®
)


# The letters beyond ASCII of the helpline's languages (nl, fr, de, en) and their neighbours
# (es, pt, it) in windows-1252. Not ý, ø, å, æ, š, ž, ð, þ: Czech, Polish, Turkish or Baltic
# bytes read as windows-1252 give those, and the detector reads such text right.
_WESTERN_LETTERS = frozenset("àáâãäçèéêëìíîïñòóôõöùúûüÿœßÀÁÂÃÄÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜŸŒ")


def _western(data: bytes) -> bool:
    """Is `data` (not UTF-8) plausibly windows-1252 text in a Western European language? Every
    byte beyond ASCII is then one of the letters of those languages or a typographic mark, and
    accented letters are at most 30% of the letters (Cyrillic, Greek or Hebrew bytes read as
    windows-1252 are nearly all "accented"; CJK bytes give marks like ‹ or undefined bytes).

    Why ask before the detector: on a few words of Dutch it can name a Baltic charset
    ("naïef" as windows-1257), and windows-1252 is the WHATWG default for legacy text in the
    helpline's languages."""
    try:
        text = data.decode(_FALLBACK)
    except UnicodeDecodeError:
        return False
    beyond = [char for char in text if not char.isascii()]
    if not all(char in _WESTERN_LETTERS or char in _WESTERN_MARKS for char in beyond):
        return False
    accented = sum(char.isalpha() for char in beyond)
    return accented * 10 <= sum(char.isalpha() for char in text) * 3


def _escaped(data: bytes, reason: str) -> Decoded | None:
    """ASCII bytes that are ISO-2022 text (an unlabelled Japanese or Korean mail), decoded;
    None when they are plain ASCII or do not decode as the escapes say."""
    for escape, codec in _ESCAPED:
        if escape in data:
            try:
                return Decoded(data.decode(codec), f"{reason}; read as {codec}")
            except UnicodeDecodeError:
                return None
    return None


# The detector names charsets as Python does (euc_jp, cp949): the WHATWG spelling of those.
_DETECTED_LABELS = {"cp874": "windows-874", "cp949": "windows-949", "cp950": "big5",
                    "cp932": "shift_jis", "euc-jis-2004": "euc-jp", "euc-jisx0213": "euc-jp",
                    "shift-jis-2004": "shift_jis", "shift-jisx0213": "shift_jis"}  # fmt: skip
# 7-bit charsets that switch character sets with escape sequences (RFC 1468, RFC 1557): text
# in them is all ASCII bytes, so only these sequences tell it from ASCII.
_ESCAPED = ((b"\x1b$)C", "iso2022_kr"), (b"\x1b$", "iso2022_jp_2"))


def _detected_codec(name: str) -> str:
    """The codec to read text with that a detector found to be in charset `name`: the WHATWG
    table's codec (`_web_detected`), else windows-1252."""
    return _web_detected(name) or _FALLBACK


def _web_detected(name: str) -> str | None:
    """The WHATWG table's codec for charset `name` as either detector spells it ("Shift_JIS",
    "cp874", "euc_jis_2004", "iso8859_5"); None when the table lacks it."""
    label = name.lower().replace("_", "-")
    return _web_codec(_DETECTED_LABELS.get(label, label))


def header_bytes_text(data: bytes) -> str:
    """Raw 8-bit bytes in a header (no encoded word): UTF-8 if valid, else windows-1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(_FALLBACK, "replace")


def unescape_8bit(value: str) -> str:
    """A header value as the standard parser left it (raw 8-bit bytes as surrogate escapes),
    with those bytes read by `header_bytes_text`."""
    if value.isascii() or not any("\udc80" <= char <= "\udcff" for char in value):
        return value
    return header_bytes_text(value.encode("utf-8", "surrogateescape"))


def _word_bytes(encoding: str, text: str) -> bytes | None:
    if encoding in "bB":
        try:
            return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError):
            return None
    return email.quoprimime.header_decode(text).encode("latin-1", "replace")


def decode_words(value: str) -> str:
    """An unstructured header value (or a display name) with its RFC 2047 encoded words decoded.

    The value is unfolded first (RFC 5322 section 2.2.3). White space between two encoded words
    is dropped, and adjacent words of one charset are decoded together, so a character split
    between them comes out whole (RFC 2047 sections 5 and 6.2). A word that cannot be decoded is
    kept as written; a charset label is read by the WHATWG table, unknown ones as UTF-8."""
    if "=?" not in value:
        return value
    value = _FOLD.sub("", value)
    pieces: list[str] = []
    run: list[bytes] = []
    run_charset: str | None = None
    position = 0

    def flush() -> None:  # run_charset is read only while run holds words
        if run:
            data = b"".join(run)
            codec = codec_for(run_charset) or "utf-8"
            text = data.decode(codec, "replace")
            if codec == "utf-8" and "\ufffd" in text and not _is_utf8(data):
                text = header_bytes_text(data)
            pieces.append(text)
            run.clear()

    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        charset = match.group(1).partition("*")[0].lower()  # RFC 2231 language suffix
        data = _word_bytes(match.group(2), match.group(3))
        position = match.end()
        if data is None:
            flush()
            pieces.append(between + match.group(0))
            continue
        if between and not (between.isspace() and run):
            flush()
            pieces.append(between)
        elif run and charset != run_charset:
            flush()
        run.append(data)
        run_charset = charset
    flush()
    pieces.append(value[position:])
    return "".join(pieces)
