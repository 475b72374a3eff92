"""Configuration: defaults without a file, the file, env overrides, and one-line errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from helpline_core.config import ConfigError, Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "helpline.example.toml"


def test_no_file_runs_on_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(None, environ={"HELPLINE_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'helpline.sqlite3'}"
    assert [team.code for team in settings.teams] == [
        "antwerpen",
        "limburg",
        "oost-vlaanderen",
        "vlaams-brabant",
        "west-vlaanderen",
    ]


def test_the_example_file_is_valid_and_equals_the_defaults() -> None:
    from_file = load_settings(EXAMPLE, environ={})
    defaults = load_settings(None, environ={})
    assert from_file.model_dump() == defaults.model_dump()


def test_config_file_found_through_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "h.toml"
    path.write_text("[relay]\nport = 9000\n")
    assert load_settings(None, environ={"HELPLINE_CONFIG": str(path)}).relay.port == 9000


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.toml"
    path.write_text('[relay]\nport = 9000\nallowed_origins = ["https://a.example"]\n')
    settings = load_settings(
        path,
        environ={
            "HELPLINE_RELAY__PORT": "9100",
            "HELPLINE_RELAY__ALLOWED_ORIGINS": '["https://b.example"]',
            "HELPLINE_CHAT_HOURS__ALWAYS_OPEN": "true",
        },
    )
    assert settings.relay.port == 9100
    assert settings.relay.allowed_origins == ["https://b.example"]
    assert settings.chat_hours.always_open is True


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[relay]\nprot = 1\n", "relay.prot: unknown key"),
        ("[relay]\nport = 'eighty'\n", "relay.port: Input should be a valid integer"),
        ("[relay]\nport = 70000\n", "relay.port: Input should be less than or equal to 65535"),
        (
            "[chat_hours]\nmonday = ['21:00-09:00']\n",
            "chat_hours.monday: Value error, '21:00-09:00' ends before it starts",
        ),
        ("[calendar]\nextra_holidays = ['11 July']\n", "calendar.extra_holidays"),
        (
            "[[teams]]\ncode='a'\nname='A'\n[[teams]]\ncode='a'\nname='B'\n",
            "team codes must be unique",
        ),
        ("[relay\nport = 1\n", "configuration error in"),
    ],
)
def test_a_wrong_file_gives_one_line_naming_key_and_file(
    tmp_path: Path, toml: str, expected: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert expected in message


def test_a_wrong_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"HELPLINE_RELAY__PORT: relay\.port"):
        load_settings(None, environ={"HELPLINE_RELAY__PORT": "x"})
    with pytest.raises(ConfigError, match=r"HELPLINE_RELAY__NOPE: relay\.nope: unknown key"):
        load_settings(None, environ={"HELPLINE_RELAY__NOPE": "1"})


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", environ={})


def _fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        found.append((prefix + name, field.description))
        annotation = field.annotation
        inner = getattr(annotation, "__args__", (annotation,))
        for candidate in inner:
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found.extend(_fields(candidate, f"{prefix}{name}."))
    return found


def test_every_key_has_help_and_stands_in_the_example_file() -> None:
    example = tomllib.loads(EXAMPLE.read_text())
    text = EXAMPLE.read_text()
    for dotted, description in _fields(Settings):
        assert description, f"{dotted} has no description"
        leaf = dotted.split(".")[-1]
        assert (
            f"{leaf} =" in text
            or f"[{dotted}]" in text
            or f"[[{dotted}]]" in text
            or leaf in example
        ), f"{dotted} is not documented in {EXAMPLE.name}"
