"""A found span and the rule that picks one span where several overlap."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from helpline_core.anonymise.labels import Label

# Where candidates overlap, the more specific detector wins: a checksummed number over a phone
# number, an e-mail address over the @handle inside it, an address over the name of its street.
PRIORITY: dict[Label, int] = {
    Label.EMAIL: 0,
    Label.URL: 1,
    Label.IP: 2,
    Label.IBAN: 3,
    Label.NATIONAL_ID: 4,
    Label.LICENSE_PLATE: 5,
    Label.DATE_OF_BIRTH: 6,
    Label.DATE: 7,
    Label.PHONE: 8,
    Label.ADDRESS: 9,
    Label.POSTCODE_CITY: 10,
    Label.USERNAME: 11,
    Label.AGE: 12,
    Label.PLACE: 13,
    Label.PERSON: 14,
}


@dataclass(frozen=True, order=True)
class Span:
    """[start, end) in characters of the input text, its label, and (once replaced) the text
    written instead."""

    start: int
    end: int
    label: Label
    replacement: str = ""

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class _Taken:
    """Non-overlapping [start, end) ranges kept sorted: overlap tests in O(log n), so that a
    long email with thousands of candidates is resolved in time linear-ish in its size."""

    def __init__(self, ranges: list[tuple[int, int]] | None = None) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(ranges or []):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.starts = [r[0] for r in merged]
        self.ends = [r[1] for r in merged]

    def first_overlap(self, start: int, end: int) -> int | None:
        """The start of the leftmost kept range overlapping [start, end), or None."""
        i = bisect.bisect_right(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return self.starts[i - 1]
        if i < len(self.starts) and self.starts[i] < end:
            return self.starts[i]
        return None

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _trimmed(text: str, span: Span, cut: int, taken: _Taken) -> Span | None:
    """The part of a word-level span before the first chosen span it overlaps ("lisa lisa" of
    "lisa lisa.peeters@gmail.com" -> "lisa"), if a whole word remains; else None."""
    if cut <= span.start:
        return None
    end = cut
    while end > span.start and not text[end - 1].isspace():
        end -= 1  # back to the end of the last whole word
    while end > span.start and not text[end - 1].isalnum():
        end -= 1
    if end <= span.start or taken.first_overlap(span.start, end) is not None:
        return None
    return Span(span.start, end, span.label)


def resolve(candidates: list[Span], blocked: list[tuple[int, int]], text: str = "") -> list[Span]:
    """Non-overlapping spans in text order: by priority, then the longer.

    `blocked` ranges (placeholders, organisations, clock times, prices) stop word-level labels
    (names, places, addresses, ages); structured identifiers (numbers, addresses on the net)
    are checked by their own validators and never blocked."""

    # Structured identifiers first, by priority; then words and phrases, the longest first
    # ("Atheneum Redingenhof" is one school, not an address in a street of that name).
    def rank(span: Span) -> tuple[int, int, int, int]:
        structured = PRIORITY[span.label] <= PRIORITY[Label.PHONE]
        tier = PRIORITY[span.label] if structured else len(PRIORITY)
        return (tier, span.start - span.end, PRIORITY[span.label], span.start)

    fences = _Taken(blocked)
    taken = _Taken()
    chosen: list[Span] = []
    for span in sorted(set(candidates), key=rank):
        if span.end <= span.start:
            continue
        protected = PRIORITY[span.label] > PRIORITY[Label.PHONE]
        if protected and fences.first_overlap(span.start, span.end) is not None:
            continue
        cut = taken.first_overlap(span.start, span.end)
        if cut is not None:
            word_level = PRIORITY[span.label] > PRIORITY[Label.PHONE]
            shorter = _trimmed(text, span, cut, taken) if text and word_level else None
            if shorter is None:
                continue
            span = shorter
        taken.add(span.start, span.end)
        chosen.append(span)
    return sorted(chosen)
