"""The anonymiser: every detector over a message, one span where they overlap, placeholders in.

`Anonymiser.anonymise(text, pseudonyms)` returns the new text and the spans with offsets into the
input. Nothing but the found spans changes; organisations, emergency numbers, clock times and
prices are protected before any detector runs (issue 13, DESIGN.md G2 and F5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from helpline_core.anonymise import language, patterns
from helpline_core.anonymise.labels import PLACEHOLDER_PATTERN, Label
from helpline_core.anonymise.lexicon import Lexicon, fold, load
from helpline_core.anonymise.placeholders import Pseudonyms
from helpline_core.anonymise.spans import Span, resolve
from helpline_core.anonymise.words import WordDetector

PROTECTED = re.compile(
    PLACEHOLDER_PATTERN
    + r"|(?<![\w.:])\d{1,2}\s?[:hu.]\s?\d{2}(?![\d.:/-]*\d)(?:\s?(?:u|uur|h))?"  # 14:30, 9u30, 9h30
    + r"|(?<![\w.:])\d{1,2}\s?(?:u|uur|h|am|pm)(?!\w)"  # 15u, 8h, 3pm
    # prices: "€ 20", "12,50 euro"; never a run of digit groups (a phone number after "euro")
    + r"|(?:€|eur\b|euro\b)\s?(?!0\d)\d[\d.,]*(?!\s?\d)"
    + r"|(?<![\d\s]\s)(?<![\w.,])\d[\d.,]*\s?(?:€|euro|eur|euros)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Result:
    """The anonymised text, what was replaced (offsets into the input) and the language used."""

    text: str
    spans: list[Span]
    language: str


class Anonymiser:
    """Finds identifying spans; one instance serves any number of messages (thread-safe reads)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.words = WordDetector(lexicon)
        # Numbers in the keep list (101, 112, 1712) stay where they stand alone; inside a longer
        # span ("Kerkstraat 8 bus 101") they do not protect it.
        keep = sorted((k for k in lexicon.keep if not k.isdigit()), key=len, reverse=True)
        self._keep_numbers = frozenset(k for k in lexicon.keep if k.isdigit())
        self._keep = re.compile(
            r"(?<![\w@./])(?:" + "|".join(re.escape(k) for k in keep) + r")(?![\w@]|\.\w)",
            re.IGNORECASE,
        )

    @classmethod
    def from_file(cls, path: Path) -> Anonymiser:
        """Load the compiled lists (LexiconMissing if `helpline anonymise build` never ran)."""
        return cls(load(path))

    def find(self, text: str) -> list[Span]:
        """Identifying spans in text order, without replacements."""
        blocked = [m.span() for m in PROTECTED.finditer(text)]
        blocked += [m.span() for m in self._keep.finditer(fold_keep(text))]
        candidates: list[Span] = []
        candidates += patterns.emails(text)
        web, kept_sites = patterns.urls(text, self.lexicon.keep)
        candidates += web
        blocked += kept_sites
        candidates += patterns.ips(text)
        candidates += patterns.ibans(text)
        candidates += patterns.national_numbers(text)
        candidates += patterns.plates(text)
        candidates += patterns.dates(text)
        candidates += patterns.phones(text, self._keep_numbers)
        candidates += patterns.ages(text)
        candidates += self.words.find(text)
        placeholders = [m.span() for m in re.finditer(PLACEHOLDER_PATTERN, text)]
        candidates = [
            s
            for s in candidates
            if not any(s.start < e and b < s.end for b, e in placeholders)
            and text[s.start : s.end] not in self._keep_numbers
        ]
        chosen = resolve(candidates, blocked, text)
        return resolve(chosen + _ages_after_names(text, chosen), blocked, text)

    def anonymise(
        self, text: str, pseudonyms: Pseudonyms | None = None, lang: str | None = None
    ) -> Result:
        """Replace every found span by its placeholder; `pseudonyms` keeps numbers consistent
        across the messages of one conversation (a new one per call when None)."""
        names = pseudonyms if pseudonyms is not None else Pseudonyms()
        chosen = lang if lang in ("nl", "fr", "en") else language.guess(text)
        out: list[str] = []
        spans: list[Span] = []
        last = 0
        for span in self.find(text):
            value = text[span.start : span.end]
            replacement = names.replacement(span.label, value, chosen)
            out.append(text[last : span.start])
            out.append(replacement)
            spans.append(Span(span.start, span.end, span.label, replacement))
            last = span.end
        out.append(text[last:])
        return Result("".join(out), spans, chosen)


# A bare age between commas after a name: "Ik ben Wendy, 41, en", "I'm Grace, 27, my ex",
# "mijn naam is Jarne, 16." (the number ends the phrase: a comma, a full stop, "en"/"et"/"and").
NAME_COMMA_AGE = re.compile(
    r"\s*,\s*(\d{1,2})(?=\s*(?:[,.;!?)]|$|\n|(?:en|et|and|jaar|ans|years?|uit|de|from|van)\b))",
    re.IGNORECASE,
)


def _ages_after_names(text: str, chosen: list[Span]) -> list[Span]:
    """Ages written bare right after a found name ("Wendy, 41,")."""
    found: list[Span] = []
    for span in chosen:
        if span.label is not Label.PERSON:
            continue
        m = NAME_COMMA_AGE.match(text, span.end)
        if m and 1 <= int(m.group(1)) <= 99:
            found.append(Span(m.start(1), m.end(1), Label.AGE))
    return found


def fold_keep(text: str) -> str:
    """Text with the same length as the input, folded for the keep list (offsets stay valid)."""
    folded = fold(text)
    return folded if len(folded) == len(text) else text.lower()
