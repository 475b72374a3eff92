"""Registration codes in words for the HTML copy of a rights export: the labels of the code list
(`helpline_core.codes`) in the subject's language. The list has Dutch, French and English labels
(a list without French ones reads English there); any other language gets the English one
(`Code.label`). A code the list does not know (an older list, a changed file) is shown as it is
stored. The JSON export keeps the codes."""

from __future__ import annotations

from helpline_core.codes import UNKNOWN, Code, CodeList


class CodeWords:
    """`words(kind, code)`: the label of `code` in one of the list's kinds ("forms", "roles",
    "sexes", "regions", "relations", "referrals", "contact_types", "intake_age")."""

    def __init__(self, codes: CodeList, language: str) -> None:
        self.codes, self.language = codes, language
        lists: dict[str, tuple[Code, ...]] = {
            "roles": codes.roles,
            "sexes": codes.sexes,
            "regions": codes.regions,
            "relations": codes.relations,
            "referrals": codes.referrals,
            "contact_types": codes.contact_types,
        }
        self.labels = {
            kind: {entry.code: entry.label(language) for entry in entries}
            for kind, entries in lists.items()
        }

    def __call__(self, kind: str, code: str | None) -> str:
        if code is None:
            return ""
        if kind == "forms":
            try:
                return self.codes.form_label(code, self.language)
            except KeyError:
                return code
        if kind == "intake_age":
            # The visitor page's answer ("12_17") as the band it falls in ("12-17").
            band = self.codes.age_band_for_intake(code)
            return code if band == UNKNOWN else band
        return self.labels.get(kind, {}).get(code, code)
