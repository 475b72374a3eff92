"""Typed placeholders, consistent within one conversation or case file: the same person is the
same placeholder throughout ("lisa", "Lisa Peeters" and "LISA" are all [NAAM-1])."""

from __future__ import annotations

import re
from collections import defaultdict

from helpline_core.anonymise.labels import Label, placeholder
from helpline_core.anonymise.lexicon import fold

# Labels whose values are one thing written in several ways: compare digits only.
_DIGIT_LABELS = {Label.PHONE, Label.NATIONAL_ID, Label.IBAN}


def value_key(label: Label, text: str) -> str:
    """The identity of a found value: folded words, or its digits for numbers."""
    if label in _DIGIT_LABELS:
        digits = "".join(c for c in text if c.isalnum())
        return digits[-9:] if label is Label.PHONE else digits.lower()
    return " ".join(re.findall(r"\w+", fold(text)))


class Pseudonyms:
    """Numbers values per label in order of appearance; one instance per conversation/file."""

    def __init__(self) -> None:
        self._numbers: dict[Label, dict[str, int]] = defaultdict(dict)

    def number(self, label: Label, text: str) -> int:
        """The number of this value; a person's full name shares it with each of its words."""
        numbers = self._numbers[label]
        key = value_key(label, text)
        if key in numbers:
            return numbers[key]
        parts = key.split() if label is Label.PERSON else []
        known = next((numbers[part] for part in parts if part in numbers), None)
        number = known if known is not None else len(set(numbers.values())) + 1
        numbers[key] = number
        for part in parts:
            numbers.setdefault(part, number)
        return number

    def replacement(self, label: Label, text: str, language: str) -> str:
        return placeholder(label, self.number(label, text), language)
