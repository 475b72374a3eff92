"""The registration's code list: forms of violence (two levels), contact types, roles, age bands,
sexes, regions, relations and referrals, loaded from TOML (DESIGN F1, G1).

Pure data, no database and no UI, so the console, the relay, the CLI and the figures all read the
same list. The default ships in `helpline_core/defaults/codes/registration.toml`; a helpline
replaces it with `[registration] codes_file`. A list carries a `version`: registrations store it,
so figures can tell which list a count was made with.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DEFAULT_CODES_FILE = Path(__file__).parent / "defaults" / "codes" / "registration.toml"
UNKNOWN = "unknown"
_CODE = re.compile(r"^[a-z0-9_+-]{1,32}$")


class CodeListError(Exception):
    """The code list cannot be used; the message is one line naming the file and the entry."""


@dataclass(frozen=True)
class Code:
    """One entry: a stable `code` and its labels (`nl`, `fr`, `en`). A label missing from the
    file is the code itself, but a missing `fr` is the English label: a French reader is better
    served by English words than by a code."""

    code: str
    nl: str
    en: str
    fr: str

    def label(self, language: str) -> str:
        """The label in `language` ("nl", "fr" or "en"), English for any other language."""
        if language == "nl":
            return self.nl
        if language == "fr":
            return self.fr
        return self.en


@dataclass(frozen=True)
class FormCategory(Code):
    """A top category of violence with its sub-forms (codes relative to the category)."""

    sub: tuple[Code, ...] = ()


@dataclass(frozen=True)
class ContactType(Code):
    """What kind of contact it was; `counselling` False for information, silent, test, abuse."""

    counselling: bool = True


@dataclass(frozen=True)
class AgeBand:
    """An age band in whole years, inclusive (`min`/`max` None for "unknown"); `intake` lists the
    visitor page's intake answers that fall in it."""

    code: str
    min: int | None
    max: int | None
    intake: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeList:
    """The whole list. Form codes are "category" or "category.sub" (see `form_codes`)."""

    version: str
    forms: tuple[FormCategory, ...]
    contact_types: tuple[ContactType, ...]
    roles: tuple[Code, ...]
    age_bands: tuple[AgeBand, ...]
    sexes: tuple[Code, ...]
    regions: tuple[Code, ...]
    relations: tuple[Code, ...]
    referrals: tuple[Code, ...]
    _form_index: dict[str, tuple[FormCategory, Code | None]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for category in self.forms:
            self._form_index[category.code] = (category, None)
            for sub in category.sub:
                self._form_index[f"{category.code}.{sub.code}"] = (category, sub)

    @property
    def form_codes(self) -> tuple[str, ...]:
        """Every valid form code, categories and "category.sub" alike, in list order."""
        return tuple(self._form_index)

    def is_form(self, code: str) -> bool:
        return code in self._form_index

    def top_level(self, form_code: str) -> str:
        """The top category of a form code ("sexual.rape" -> "sexual"); KeyError if unknown."""
        return self._form_index[form_code][0].code

    def form_label(self, form_code: str, language: str) -> str:
        """ "Category: sub-form" in `language`; KeyError if the code is not in the list."""
        category, sub = self._form_index[form_code]
        if sub is None:
            return category.label(language)
        return f"{category.label(language)}: {sub.label(language)}"

    def contact_type(self, code: str) -> ContactType:
        """The contact type with this code; KeyError if unknown."""
        for entry in self.contact_types:
            if entry.code == code:
                return entry
        raise KeyError(code)

    def age_band_for_intake(self, intake: str | None) -> str:
        """The band a visitor's intake answer falls in, or "unknown" when it fits none exactly."""
        for band in self.age_bands:
            if intake is not None and intake in band.intake:
                return band.code
        return UNKNOWN

    def codes_of(self, kind: str) -> tuple[str, ...]:
        """Valid codes of one list: roles, sexes, regions, relations, referrals, contact_types,
        age_bands. KeyError for another kind."""
        lists: dict[str, tuple[Code, ...] | tuple[AgeBand, ...]] = {
            "roles": self.roles,
            "sexes": self.sexes,
            "regions": self.regions,
            "relations": self.relations,
            "referrals": self.referrals,
            "contact_types": self.contact_types,
            "age_bands": self.age_bands,
        }
        return tuple(entry.code for entry in lists[kind])


def _code(raw: object, where: str) -> Code:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        raise CodeListError(f"{where}: every entry needs a string 'code'")
    code = raw["code"]
    if not _CODE.match(code):
        raise CodeListError(f"{where}: code '{code}' may hold only a-z, 0-9, _, + and -")
    en = str(raw.get("en", code))
    return Code(code=code, nl=str(raw.get("nl", code)), en=en, fr=str(raw.get("fr", en)))


def _entries(data: dict[str, object], key: str, path: Path) -> list[dict[str, object]]:
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        raise CodeListError(f"{path}: the list '{key}' is missing or empty")
    if not all(isinstance(entry, dict) for entry in raw):
        raise CodeListError(f"{path}: every '{key}' entry must be a table")
    codes = [entry.get("code") for entry in raw]
    if len(set(map(str, codes))) != len(codes):
        raise CodeListError(f"{path}: '{key}' holds the same code twice")
    return raw


def _simple(data: dict[str, object], key: str, path: Path) -> tuple[Code, ...]:
    entries = tuple(_code(raw, f"{path}: {key}") for raw in _entries(data, key, path))
    if not any(entry.code in (UNKNOWN, "other") for entry in entries):
        raise CodeListError(f"{path}: '{key}' needs an 'unknown' or 'other' entry")
    return entries


def parse_code_list(text: str, path: Path) -> CodeList:
    """Parse and check a code list; raises CodeListError (one line) for any fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CodeListError(f"{path}: not valid TOML ({error})") from None
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise CodeListError(f"{path}: 'version' (a string) is missing")
    forms = []
    for raw in _entries(data, "form", path):
        base = _code(raw, f"{path}: form")
        subs_raw = raw.get("sub", [])
        if not isinstance(subs_raw, list):
            raise CodeListError(f"{path}: form '{base.code}': 'sub' must be a list")
        subs = tuple(_code(sub, f"{path}: form '{base.code}'") for sub in subs_raw)
        if len({sub.code for sub in subs}) != len(subs):
            raise CodeListError(f"{path}: form '{base.code}' holds the same sub-form twice")
        forms.append(FormCategory(base.code, base.nl, base.en, base.fr, sub=subs))
    if not any(form.code == UNKNOWN for form in forms):
        raise CodeListError(f"{path}: 'form' needs an 'unknown' entry")
    contact_types = []
    for raw in _entries(data, "contact_type", path):
        base = _code(raw, f"{path}: contact_type")
        counselling = raw.get("counselling", True)
        if not isinstance(counselling, bool):
            raise CodeListError(f"{path}: contact_type '{base.code}': 'counselling' is true/false")
        contact_types.append(
            ContactType(base.code, base.nl, base.en, base.fr, counselling=counselling)
        )
    bands = []
    for raw in _entries(data, "age_band", path):
        base = _code(raw, f"{path}: age_band")
        low, high = raw.get("min"), raw.get("max")
        if (low is None) != (high is None) or not all(
            value is None or isinstance(value, int) for value in (low, high)
        ):
            raise CodeListError(f"{path}: age_band '{base.code}': give both min and max, or none")
        intake = raw.get("intake", [])
        if not isinstance(intake, list):
            raise CodeListError(f"{path}: age_band '{base.code}': 'intake' must be a list")
        bands.append(AgeBand(base.code, low, high, tuple(map(str, intake))))  # type: ignore[arg-type]
    if not any(band.code == UNKNOWN for band in bands):
        raise CodeListError(f"{path}: 'age_band' needs an 'unknown' entry")
    return CodeList(
        version=version,
        forms=tuple(forms),
        contact_types=tuple(contact_types),
        roles=_simple(data, "role", path),
        age_bands=tuple(bands),
        sexes=_simple(data, "sex", path),
        regions=_simple(data, "region", path),
        relations=_simple(data, "relation", path),
        referrals=_simple(data, "referral", path),
    )


@cache
def load_code_list(path: Path = DEFAULT_CODES_FILE) -> CodeList:
    """Load (once per path) and check a code list file; CodeListError if unreadable or wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CodeListError(f"{path}: cannot be read ({error.strerror})") from None
    return parse_code_list(text, path)
