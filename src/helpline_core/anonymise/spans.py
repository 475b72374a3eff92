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


def resolve(candidates: list[Span], blocked: list[tuple[int, int]]) -> list[Span]:
    """Non-overlapping spans in text order: by priority, then the longer.

    `blocked` ranges (placeholders, organisations, clock times, prices) stop every label but the
    checksummed and structured ones (e-mail, URL, IP, IBAN, national number)."""
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
        protected = PRIORITY[span.label] > PRIORITY[Label.NATIONAL_ID]
        if protected and any(span.start < end and start < span.end for start, end in blocked):
            continue
        if any(span.overlaps(other) for other in chosen):
            continue
        chosen.append(span)
    return sorted(chosen)
