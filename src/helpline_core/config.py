"""Settings: one TOML file plus HELPLINE_* environment overrides, validated strictly.

A wrong key, type or value raises `ConfigError` with one line naming the key and its source, so
every front end can stop with a clear message instead of a traceback.
"""

from __future__ import annotations

import json
import os
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

ENV_PREFIX = "HELPLINE_"
# Variables with our prefix that are not configuration keys.
RESERVED_ENV = {"HELPLINE_CONFIG"}
RESERVED_ENV_PREFIXES = ("HELPLINE_TEST_",)


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line meant for a person."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(Section):
    url: str = Field(
        "",
        description="SQLAlchemy URL. Empty means SQLite in the data directory. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/dbname",
    )
    echo: bool = Field(
        False,
        description="Log every SQL statement with its values: refused (it logs content) unless "
        "retention.policy_override is set.",
    )


class HelplineSettings(Section):
    name: str = Field("1712", description="Name of the helpline shown to visitors.")
    email: str = Field("info@example.org", description="Address visitors can write to instead.")
    phone: str = Field("1712", description="Phone number visitors can call instead.")
    police_number: str = Field("101", description="Emergency number of the police.")
    medical_number: str = Field("112", description="Emergency number for ambulance and fire.")
    neutral_url: str = Field(
        "https://www.google.com/search?q=weather",
        description="Where the visitor page's 'leave quickly' control navigates to.",
    )
    timezone: str = Field("Europe/Brussels", description="Local time zone of the helpline.")
    offline_help_after_s: int = Field(
        20,
        ge=1,
        le=600,
        description="Seconds the visitor page stays without a connection before its banner "
        "also offers the phone number and email address (issue 19 point 5).",
    )


DayName = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[DayName, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


def parse_span(span: str) -> tuple[time, time]:
    """Parse "HH:MM-HH:MM" into two times; raises ValueError with a readable message."""
    try:
        start_text, end_text = span.split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError as error:
        raise ValueError(f"'{span}' is not a time span like '09:00-17:00'") from error
    if end <= start:
        raise ValueError(f"'{span}' ends before it starts")
    return start, end


class ChatHoursSettings(Section):
    monday: list[str] = Field(["09:00-21:00"], description="Opening spans on Mondays.")
    tuesday: list[str] = Field(["09:00-21:00"], description="Opening spans on Tuesdays.")
    wednesday: list[str] = Field(["09:00-21:00"], description="Opening spans on Wednesdays.")
    thursday: list[str] = Field(["09:00-21:00"], description="Opening spans on Thursdays.")
    friday: list[str] = Field(["09:00-21:00"], description="Opening spans on Fridays.")
    saturday: list[str] = Field([], description="Opening spans on Saturdays.")
    sunday: list[str] = Field([], description="Opening spans on Sundays.")
    open_on_holidays: bool = Field(False, description="Open chat on public holidays too.")
    always_open: bool = Field(
        False, description="Ignore the spans and holidays (demo and test installs)."
    )

    @field_validator(*WEEKDAYS)
    @classmethod
    def _spans_parse(cls, spans: list[str]) -> list[str]:
        for span in spans:
            parse_span(span)
        return spans


class CalendarSettings(Section):
    country: str = Field(
        "BE", description="Country whose public holidays the holidays package gives."
    )
    extra_holidays: list[str] = Field(
        ["07-11"],
        description="Extra yearly holidays as MM-DD (11 July: Flemish community holiday).",
    )
    working_days_to_answer: int = Field(2, ge=1, le=30, description="Email answer deadline.")

    @field_validator("extra_holidays")
    @classmethod
    def _month_days(cls, values: list[str]) -> list[str]:
        for value in values:
            month, _, day = value.partition("-")
            if not (
                month.isdigit() and day.isdigit() and 1 <= int(month) <= 12 and 1 <= int(day) <= 31
            ):
                raise ValueError(f"'{value}' is not a MM-DD date")
        return values


TlsMode = Literal["implicit", "starttls", "none"]


class MailboxSettings(Section):
    imap_host: str = Field("", description="IMAP server; empty disables email for this team.")
    imap_port: int = Field(993, ge=1, le=65535, description="IMAP port.")
    imap_tls: TlsMode = Field("implicit", description="implicit (993), starttls (143) or none.")
    imap_user: str = Field("", description="IMAP login.")
    imap_password_file: str = Field("", description="File holding the IMAP password.")
    imap_password_env: str = Field("", description="Environment variable holding the password.")
    imap_folder: str = Field("INBOX", description="Folder to read.")
    first_sync: Literal["new", "unseen", "all"] = Field(
        "new",
        description="The first read of a mailbox: 'new' reads only mail arriving from then on, "
        "'unseen' also the unread mail already there, 'all' imports every mail. Mail already "
        "there gets its answer time counted from the first read, not from its arrival.",
    )
    sent_folder: str = Field("", description="Folder for copies of replies; empty: no copy.")
    smtp_host: str = Field("", description="SMTP server for replies.")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port.")
    smtp_tls: TlsMode = Field("starttls", description="implicit (465), starttls (587) or none.")
    smtp_user: str = Field("", description="SMTP login; empty: no AUTH.")
    smtp_password_file: str = Field("", description="File holding the SMTP password.")
    smtp_password_env: str = Field("", description="Environment variable holding the password.")
    from_address: str = Field("", description="From address of replies, e.g. team@example.org.")
    from_name: str = Field("", description="Display name of replies.")


class TeamSettings(Section):
    code: str = Field(description="Short stable identifier, e.g. 'antwerpen'.")
    name: str = Field(description="Name shown to counsellors.")
    regions: list[str] = Field([], description="Visitor regions this team serves first.")
    mail: MailboxSettings = Field(
        default_factory=lambda: MailboxSettings(), description="Email channel of this team."
    )


def default_teams() -> list[TeamSettings]:
    names = {
        "antwerpen": "Antwerpen",
        "limburg": "Limburg",
        "oost-vlaanderen": "Oost-Vlaanderen",
        "vlaams-brabant": "Vlaams-Brabant",
        "west-vlaanderen": "West-Vlaanderen",
    }
    teams = [TeamSettings(code=code, name=name, regions=[code]) for code, name in names.items()]
    # Brussels visitors go to the Vlaams-Brabant team first, as the regional services do.
    teams[3] = TeamSettings(
        code="vlaams-brabant", name="Vlaams-Brabant", regions=["vlaams-brabant", "brussel"]
    )
    return teams


def _absolute_url(value: str) -> None:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{value}' is not an address like https://chat.example.org")
    parts.port  # noqa: B018 - raises ValueError on a port that is not a number


class RelaySettings(Section):
    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8080, ge=0, le=65535, description="Port to listen on (0: any free port).")
    allowed_origins: list[str] = Field(
        [],
        description="Origins allowed to open /chat and /console, e.g. https://chat.example.org. "
        "Empty: public_url only.",
    )
    tls_cert: str = Field("", description="PEM certificate chain; with tls_key serves https/wss.")
    tls_key: str = Field("", description="PEM private key for tls_cert.")
    behind_proxy: bool = Field(
        False, description="Trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy."
    )
    health_token_env: str = Field(
        "",
        description="Environment variable holding a token: /healthz with `Authorization: Bearer "
        "TOKEN` gets the details (mailboxes, Redis, database). Without it only loopback (and not "
        "behind_proxy) gets them; everyone else reads ok or degraded.",
    )
    max_frame_bytes: int = Field(16384, ge=1024, description="Largest websocket frame accepted.")
    max_message_chars: int = Field(4000, ge=100, description="Longest chat message accepted.")
    resume_minutes: int = Field(
        5, ge=1, le=60, description="How long a dropped chat is held (policy: five minutes)."
    )
    route_any_team_after_seconds: int = Field(
        120, ge=0, description="After this wait a chat is offered to every team."
    )
    connections_per_minute: int = Field(30, ge=1, description="New connections per address.")
    messages_per_minute: int = Field(60, ge=1, description="Visitor messages per connection.")
    login_attempts_per_15_minutes: int = Field(
        10,
        ge=1,
        description="Console login attempts per address, and per account from one address "
        "(a successful login gives its attempt back). Past the limit: rate_limited.",
    )
    login_slowdown_seconds: float = Field(
        2.0,
        ge=0,
        le=60,
        description="Once an account had login_attempts_per_15_minutes failed attempts from all "
        "addresses together, each further attempt on it waits this long (slowed, never refused: "
        "nobody can lock a counsellor out), and the attack is audited.",
    )
    console_session_hours: float = Field(
        12.0, gt=0, le=24, description="A console reconnects without its password this long."
    )
    public_url: str = Field(
        "",
        description="The address visitors open, e.g. https://chat.example.org: a browser's "
        "Origin must be it (or one of allowed_origins). Empty: http(s)://host:port of the relay.",
    )
    max_chats_per_address: int = Field(
        3,
        ge=1,
        description="Chats queued or open at once from one address (a shared network counts "
        "as one); the visitor past it is asked to wait until one ends.",
    )
    max_chats_per_counsellor: int = Field(
        3, ge=1, description="Concurrent chats a counsellor takes."
    )
    block_default_hours: int = Field(
        24,
        ge=1,
        description="Length of a block of a visitor's chat session (browser) unless chosen.",
    )
    block_address_default_hours: int = Field(
        2,
        ge=1,
        description=(
            "Length of a block of an address unless chosen. Shorter: everyone behind that "
            "address (a home, school or shelter network) is refused while it lasts."
        ),
    )

    @field_validator("allowed_origins")
    @classmethod
    def _origins_are_urls(cls, values: list[str]) -> list[str]:
        for value in values:
            _absolute_url(value)
        return values

    @field_validator("public_url")
    @classmethod
    def _public_url_is_url(cls, value: str) -> str:
        if value:
            _absolute_url(value)
        return value

    redis_url: str = Field(
        "", description="Redis URL for fan-out across relays; empty: one process."
    )


class ConsoleSettings(Section):
    server: str = Field("ws://127.0.0.1:8080/console", description="Relay console endpoint.")
    language: Literal["nl", "en"] = Field("nl", description="Language of the console.")
    ca_file: str = Field("", description="CA bundle to trust for wss (self-signed relays).")
    canned_dir: str = Field(
        "", description="Folder of canned replies (one TOML file per language); empty: built-in."
    )


class RetentionSettings(Section):
    """Retention periods (DESIGN C5, E3, F4, C7, S1), in calendar months and years of the
    helpline's time zone. A value past the policy is refused unless `policy_override` is set."""

    chat_months: int = Field(
        6, ge=0, description="Chat transcripts, nickname, IP hash and intake: months kept (max 6)."
    )
    email_months: int = Field(
        6, ge=0, description="Emails (database and mailbox): months kept after receipt (max 6)."
    )
    case_years: int = Field(
        10, ge=0, description="Case files closed on/after the cutoff: years kept (min 10)."
    )
    case_years_before_cutoff: int = Field(
        5, ge=0, description="Case files closed before the cutoff: years kept (min 5)."
    )
    case_cutoff: str = Field(
        "2019-01-01", description="Closing date (local) that separates the two periods."
    )
    block_days_after_expiry: int = Field(
        30, ge=0, description="Expired or lifted blocks are removed this many days later."
    )
    audit_years: int = Field(
        10, ge=0, description="Audit events older than this are purged (an anchor keeps verify)."
    )
    request_years: int = Field(
        10,
        ge=0,
        description="Data-subject requests (with their history): years kept after done or "
        "refused (DESIGN: as the case file; GDPR 5(2) accountability).",
    )
    complaint_years: int = Field(
        10,
        ge=0,
        description="Complaints: years kept after resolved (DESIGN: as the case file).",
    )
    policy_override: bool = Field(
        False,
        description="Accept settings that break the privacy policy (chat or email above 6 "
        "months, case files below 10/5 years, any period at 0, resume above 5 minutes, SQL "
        "echo). For tests and migrations only.",
    )

    @field_validator("case_cutoff")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        try:
            date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"'{value}' is not a date like 2019-01-01") from error
        return value

    @model_validator(mode="after")
    def _within_policy(self) -> RetentionSettings:
        if self.policy_override:
            return self
        problems = [
            f"{name} = 0 deletes at once" for name in _POLICY_PERIODS if getattr(self, name) == 0
        ]
        if self.chat_months > 6:
            problems.append(f"chat_months = {self.chat_months} is above the policy's 6 (P12)")
        if self.email_months > 6:
            problems.append(f"email_months = {self.email_months} is above the policy's 6 (P6)")
        if 0 < self.case_years < 10:
            problems.append(f"case_years = {self.case_years} is below the policy's 10 (P34)")
        if 0 < self.case_years_before_cutoff < 5:
            problems.append(
                f"case_years_before_cutoff = {self.case_years_before_cutoff} "
                "is below the policy's 5 (P35)"
            )
        if problems:
            raise ValueError(
                "; ".join(problems) + " (set retention.policy_override = true to accept)"
            )
        return self


_POLICY_PERIODS = (
    "chat_months",
    "email_months",
    "case_years",
    "case_years_before_cutoff",
    "audit_years",
    "request_years",
    "complaint_years",
)


class RegistrationSettings(Section):
    codes_file: str = Field(
        "",
        description="TOML code list of the contact registration (forms of violence, roles, "
        "age bands, ...). Empty: the list that ships with the software.",
    )


class ReportSettings(Section):
    min_cell: int = Field(
        10,
        ge=2,
        description="Smallest number the figures publish: a cell below it is hidden (primary "
        "suppression), and enough other cells with it that it cannot be worked out.",
    )
    protection_percent: int = Field(
        30,
        ge=1,
        le=100,
        description="How far a hidden cell must stay uncertain: from the published figures "
        "it can at best be placed in a range reaching this percentage of its value (and at "
        "least 1) above and below it.",
    )
    method: Literal["mod", "opt"] = Field(
        "mod",
        description="tau-argus secondary suppression: mod (modular, HiTaS; the usual choice) "
        "or opt (optimal over the whole table; slower).",
    )
    freeze_after_days: int = Field(
        7,
        ge=0,
        le=60,
        description="Days after a month ends before its figures are frozen, so late "
        "registrations still count. Keep it well below the retention of chats and emails.",
    )


class MailSettings(Section):
    poll_seconds: int = Field(60, ge=5, description="Poll interval where IMAP IDLE is unavailable.")
    max_message_bytes: int = Field(
        50 * 1024 * 1024, ge=1024, description="Larger emails are quarantined, not parsed."
    )
    max_attachment_bytes: int = Field(25 * 1024 * 1024, ge=1024, description="Per attachment.")
    max_attachments: int = Field(20, ge=0, description="Attachments kept per email.")
    send_attempts: int = Field(8, ge=1, description="Tries before a temporary failure is final.")


class AnonymiserSettings(Section):
    lexicon_file: str = Field(
        "",
        description="The anonymiser's compiled word lists, built by `helpline anonymise build`. "
        "Empty: anonymiser-lists.pickle in data_dir.",
    )


class ExportSettings(Section):
    directory: str = Field(
        "",
        description="Where exports (rights, training, inspection) are written, as owner-only "
        "files. Empty: exports/ in data_dir.",
    )
    keep_days: int = Field(
        7, ge=1, le=90, description="Exports older than this are deleted by the purge."
    )


class ProcessorSettings(Section):
    """A processor (GDPR article 28): someone who processes personal data for the helpline."""

    name: str = Field(description="Name of the organisation, e.g. the hosting company.")
    service: str = Field(description="What it does for the helpline, e.g. 'server hosting'.")
    data: list[str] = Field(
        [], description="Categories of data it can reach, e.g. ['chats', 'emails', 'case files']."
    )
    location: str = Field("", description="Where it processes the data (country or region).")
    agreement: str = Field("", description="Reference of the processing agreement (article 28).")


class PrivacySettings(Section):
    controller: str = Field(
        "The Centre for General Welfare (CAW) and the Trust centre for Child Abuse of each "
        "provincial team",
        description="Who is responsible for the personal data (the policy: each province's team).",
    )
    contact: str = Field("", description="Address for privacy questions. Empty: helpline.email.")
    processors: list[ProcessorSettings] = Field(
        [], description="Processors (hosting, mailbox provider, ...) named in the record."
    )


class AuthoritySettings(Section):
    name: str = Field(description="Name of the supervisory authority, as answers print it.")
    address: str = Field(description="Postal address.")
    phone: str = Field(description="Phone number.")
    email: str = Field(description="Email address.")


class RightsSettings(Section):
    answer_days: int = Field(
        14,
        ge=1,
        le=90,
        description="Calendar days from receipt to answer a data-subject request (the policy: "
        "14; GDPR art. 12(3) allows at most one month).",
    )
    names_counsellors: bool = Field(
        False,
        description="Name counsellors in a rights export; by default they appear by role "
        "and team only.",
    )
    authorities: list[AuthoritySettings] = Field(
        default_factory=lambda: [
            AuthoritySettings(
                name="Flemish Supervisory Commission (Vlaamse Toezichtcommissie)",
                address="Koning Albert II-laan 15, 1210 Brussel",
                phone="+32 (0)2 553 50 47",
                email="contact@toezichtcommissie.be",
            ),
            AuthoritySettings(
                name="Belgian Data Protection Authority (Gegevensbeschermingsautoriteit)",
                address="Drukpersstraat 35, 1000 Brussel",
                phone="+32 (0)2 274 48 00",
                email="contact@apd-gba.be",
            ),
        ],
        description="The supervisory authorities every prepared answer names (refusals, "
        "export cover letters): the policy names these two.",
    )


class Settings(Section):
    data_dir: str = Field(
        "",
        description="Directory for the SQLite database, secret key and attachments. "
        "Empty: the per-user data directory.",
    )
    secret_key_file: str = Field(
        "",
        description="32-byte key for keyed hashes (IP, audit chain). "
        "Empty: secret.key in data_dir, created on first use.",
    )
    database: DatabaseSettings = Field(
        default_factory=lambda: DatabaseSettings(), description="Database."
    )
    helpline: HelplineSettings = Field(
        default_factory=lambda: HelplineSettings(), description="Public facts."
    )
    chat_hours: ChatHoursSettings = Field(
        default_factory=lambda: ChatHoursSettings(), description="Chat opening hours."
    )
    calendar: CalendarSettings = Field(
        default_factory=lambda: CalendarSettings(), description="Working days."
    )
    teams: list[TeamSettings] = Field(
        default_factory=default_teams, description="Provincial teams."
    )
    relay: RelaySettings = Field(default_factory=lambda: RelaySettings(), description="The server.")
    console: ConsoleSettings = Field(
        default_factory=lambda: ConsoleSettings(), description="Counsellor console."
    )
    retention: RetentionSettings = Field(
        default_factory=lambda: RetentionSettings(), description="Retention periods."
    )
    mail: MailSettings = Field(default_factory=lambda: MailSettings(), description="Mail worker.")
    registration: RegistrationSettings = Field(
        default_factory=lambda: RegistrationSettings(), description="Contact registration."
    )
    anonymiser: AnonymiserSettings = Field(
        default_factory=lambda: AnonymiserSettings(), description="The anonymiser."
    )
    rights: RightsSettings = Field(
        default_factory=lambda: RightsSettings(), description="Data-subject rights (R1-R7)."
    )
    exports: ExportSettings = Field(
        default_factory=lambda: ExportSettings(), description="Training and inspection exports."
    )
    report: ReportSettings = Field(
        default_factory=lambda: ReportSettings(), description="Figures for the government."
    )
    privacy: PrivacySettings = Field(
        default_factory=lambda: PrivacySettings(), description="The record of processing."
    )

    source: Annotated[str, Field(exclude=True, description="Where the settings came from.")] = (
        "defaults"
    )

    @property
    def data_path(self) -> Path:
        if self.data_dir:
            return Path(self.data_dir).expanduser()
        return Path(platformdirs.user_data_dir("helpline", appauthor=False))

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.data_path / 'helpline.sqlite3'}"

    @property
    def secret_key_path(self) -> Path:
        if self.secret_key_file:
            return Path(self.secret_key_file).expanduser()
        return self.data_path / "secret.key"

    @property
    def codes_path(self) -> Path | None:
        """The registration code list file configured, or None for the shipped default."""
        return (
            Path(self.registration.codes_file).expanduser()
            if self.registration.codes_file
            else None
        )

    @property
    def exports_path(self) -> Path:
        """Where exports (rights, training, inspection) are written; the purge removes them."""
        if self.exports.directory:
            return Path(self.exports.directory).expanduser()
        return self.data_path / "exports"

    def team(self, code: str) -> TeamSettings | None:
        return next((team for team in self.teams if team.code == code), None)


def _env_overrides(environ: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Nested dict of HELPLINE_SECTION__KEY values, and a map from dotted key to variable name."""
    overrides: dict[str, Any] = {}
    names: dict[str, str] = {}
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX) or name in RESERVED_ENV:
            continue
        if name.startswith(RESERVED_ENV_PREFIXES):
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX) :].split("__")]
        value: Any = raw
        if raw[:1] in "[{":
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as error:
                raise ConfigError(f"{name}: not valid JSON ({error.msg})") from error
        target = overrides
        for part in path[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise ConfigError(f"{name}: conflicts with another HELPLINE_ variable")
        target[path[-1]] = value
        names[".".join(path)] = name
    return overrides, names


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError, source: str, env_names: dict[str, str]) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    # The variable that set this key, one that set a table around it, or one that reached
    # below it (HELPLINE_RELAY__PORT__X makes relay.port a table).
    origin = env_names.get(key) or next(
        (
            name
            for dotted, name in env_names.items()
            if key.startswith(dotted + ".") or dotted.startswith(key + ".")
        ),
        None,
    )
    where = f"environment variable {origin}" if origin else source
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"configuration error in {where}: {key}: {message}{more}"


def config_path_from(
    explicit: str | os.PathLike[str] | None, environ: dict[str, str]
) -> Path | None:
    if explicit:
        return Path(explicit)
    if environ.get("HELPLINE_CONFIG"):
        return Path(environ["HELPLINE_CONFIG"])
    return None


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Read the TOML file (if any), apply HELPLINE_* overrides, and validate."""
    env = dict(os.environ if environ is None else environ)
    file_path = config_path_from(path, env)
    data: dict[str, Any] = {}
    source = "built-in defaults"
    if file_path is not None:
        source = str(file_path)
        try:
            with file_path.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError as error:
            raise ConfigError(f"configuration file {file_path} does not exist") from error
        except IsADirectoryError as error:
            raise ConfigError(f"configuration file {file_path} is a directory") from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"configuration error in {file_path}: {error}") from error
    overrides, env_names = _env_overrides(env)
    merged = _merge(data, overrides)
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as error:
        raise ConfigError(_describe(error, source, env_names)) from error
    from helpline_core.privacy.promises import breaches  # the guards read Settings

    broken = breaches(settings)
    if broken:
        more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
        raise ConfigError(f"configuration error in {source}: {broken[0]}{more}")
    codes = [team.code for team in settings.teams]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"configuration error in {source}: teams: team codes must be unique")
    return settings.model_copy(update={"source": source})
