"""The registration form (F1, G1): contact type, forms of violence, the contact person's role,
age group, region and sex, the (possible) victims, and referrals, all chosen from the relay's
code list. Keyboard only: tab moves between fields, space toggles a form or a referral."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label, Select, SelectionList

from helpline_core.protocol import RegistrationValues, SCodes, Victim
from helpline_tui.case_requests import form_options, options
from helpline_tui.i18n import t

# (field, list in the code list), in the order of the form
SIMPLE: tuple[tuple[str, str], ...] = (
    ("contact_type", "contact_types"),
    ("role", "roles"),
    ("age_group", "age_bands"),
    ("region", "regions"),
    ("sex", "sexes"),
)


class RegistrationForm(Vertical):
    """The fields; `values` reads them, the constructor fills them in."""

    DEFAULT_CSS = """
    RegistrationForm { height: auto; }
    RegistrationForm .row { height: auto; }
    RegistrationForm .row > Label { width: 30; padding: 1 1 0 0; }
    RegistrationForm .row > Select { width: 1fr; }
    RegistrationForm SelectionList { height: 9; }
    RegistrationForm #referrals { height: 6; }
    RegistrationForm #victims, RegistrationForm .victim { height: auto; }
    RegistrationForm .victim > Label { width: 15; padding: 1 1 0 0; }
    RegistrationForm .victim > Select { width: 1fr; }
    RegistrationForm .section { text-style: bold; padding: 1 0 0 0; }
    """

    class Changed(Message):
        """Some value changed (the screen keeps a draft)."""

    def __init__(self, codes: SCodes, values: RegistrationValues) -> None:
        super().__init__(id="registration-form")
        self.codes = codes
        self.initial = values
        self.victim_count = 0

    def compose(self) -> ComposeResult:
        values = self.initial
        for field, kind in SIMPLE[:1]:
            yield from self._select_row(field, kind, getattr(values, field))
        yield Label(t("reg.forms"), classes="section")
        yield SelectionList[str](
            *[(text, code, code in values.forms) for text, code in form_options(self.codes)],
            id="forms",
        )
        for field, kind in SIMPLE[1:]:
            yield from self._select_row(field, kind, getattr(values, field))
        yield Label(t("reg.victims"), classes="section")
        with Vertical(id="victims"):
            yield Label(t("reg.no_victims"), id="no-victims")
        yield Label(t("reg.referrals"), classes="section")
        yield SelectionList[str](
            *[
                (text, code, code in values.referrals)
                for text, code in options(self.codes.referrals)
            ],
            id="referrals",
        )

    def on_mount(self) -> None:
        for victim in self.initial.victims:
            self.add_victim(victim)

    def _select_row(self, field: str, kind: str, value: str) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(t(f"reg.{field}"))
            yield Select(options(getattr(self.codes, kind)), value=value, allow_blank=False,
                         id=field)  # fmt: skip

    def add_victim(self, victim: Victim | None = None) -> None:
        victim = victim or Victim()
        self.victim_count += 1
        n = self.victim_count
        row = Horizontal(
            Label(t("reg.victim", n=n)),
            Select(options(self.codes.age_bands), value=victim.age_group, allow_blank=False,
                   id=f"victim-{n}-age_group", tooltip=t("reg.age_group")),
            Select(options(self.codes.sexes), value=victim.sex, allow_blank=False,
                   id=f"victim-{n}-sex", tooltip=t("reg.sex")),
            Select(options(self.codes.relations), value=victim.relation, allow_blank=False,
                   id=f"victim-{n}-relation", tooltip=t("reg.relation")),
            classes="victim",
            id=f"victim-{n}",
        )  # fmt: skip
        self.query_one("#victims").mount(row)
        self.query_one("#no-victims").display = False
        self.post_message(self.Changed())

    def remove_victim(self) -> None:
        if self.victim_count == 0:
            return
        self.query_one(f"#victim-{self.victim_count}").remove()
        self.victim_count -= 1
        self.query_one("#no-victims").display = self.victim_count == 0
        self.post_message(self.Changed())

    def _value(self, widget_id: str) -> str:
        return str(self.query_one(f"#{widget_id}", Select).value)

    def values(self) -> RegistrationValues:
        """The form as the protocol's values."""
        return RegistrationValues(
            contact_type=self._value("contact_type"),
            forms=tuple(self.query_one("#forms", SelectionList).selected),
            role=self._value("role"),
            age_group=self._value("age_group"),
            region=self._value("region"),
            sex=self._value("sex"),
            victims=tuple(
                Victim(
                    age_group=self._value(f"victim-{n}-age_group"),
                    sex=self._value(f"victim-{n}-sex"),
                    relation=self._value(f"victim-{n}-relation"),
                )
                for n in range(1, self.victim_count + 1)
            ),
            referrals=tuple(self.query_one("#referrals", SelectionList).selected),
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        self.post_message(self.Changed())

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self.post_message(self.Changed())
