"""The anonymiser (issue 13; DESIGN.md G2, F5): finds names, addresses, places, numbers and
handles in helpline text (Flemish, French, English chat and email) and puts typed placeholders in
their place, consistently within one conversation or case file. Offline; lists compiled once at
install time (lexicon.py)."""

from helpline_core.anonymise.labels import Label, placeholder
from helpline_core.anonymise.lexicon import Lexicon, LexiconMissing
from helpline_core.anonymise.pipeline import Anonymiser, Result
from helpline_core.anonymise.placeholders import Pseudonyms
from helpline_core.anonymise.spans import Span

__all__ = [
    "Anonymiser",
    "Label",
    "Lexicon",
    "LexiconMissing",
    "Pseudonyms",
    "Result",
    "Span",
    "placeholder",
]
