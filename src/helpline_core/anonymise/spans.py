"""A found span and the rule that picks one span where several overlap."""

from __future__ import annotations

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


def _trimmed(text: str, span: Span, chosen: list[Span]) -> Span | None:
    """The part of a word-level span before the first chosen span it overlaps ("lisa lisa" of
    "lisa lisa.peeters@gmail.com" -> "lisa"), if a whole word remains; else None."""
    cut = min(other.start for other in chosen if span.overlaps(other))
    if cut <= span.start:
        return None
    end = cut
    while end > span.start and not text[end - 1].isspace():
        end -= 1  # back to the end of the last whole word
    while end > span.start and not text[end - 1].isalnum():
        end -= 1
    if end <= span.start:
        return None
    shorter = Span(span.start, end, span.label)
    return None if any(shorter.overlaps(other) for other in chosen) else shorter


def resolve(candidates: list[Span], blocked: list[tuple[int, int]], text: str = "") -> list[Span]:
    """Non-overlapping spans in text order: by priority, then the longer.

    `blocked` ranges (placeholders, organisations, clock times, prices) stop word-level labels
    (names, places, addresses, ages); structured identifiers (numbers, addresses on the net)
    are checked by their own validators and never blocked."""
    chosen: list[Span] = []

    # Structured identifiers first, by priority; then words and phrases, the longest first
    # ("Atheneum Redingenhof" is one school, not an address in a street of that name).
    def rank(span: Span) -> tuple[int, int, int, int]:
        structured = PRIORITY[span.label] <= PRIORITY[Label.PHONE]
        tier = PRIORITY[span.label] if structured else len(PRIORITY)
        return (tier, span.start - span.end, PRIORITY[span.label], span.start)

    ordered = sorted(candidates, key=rank)
    for span in ordered:
        if span.end <= span.start:
            continue
        protected = PRIORITY[span.label] > PRIORITY[Label.PHONE]
        if protected and any(span.start < end and start < span.end for start, end in blocked):
            continue
        if any(span.overlaps(other) for other in chosen):
            shorter = _trimmed(text, span, chosen) if text and PRIORITY[span.label] > 8 else None
            if shorter is not None:
                chosen.append(shorter)
            continue
        chosen.append(span)
    return sorted(chosen)
