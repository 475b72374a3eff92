"""`helpline privacy register`: the record of processing follows the configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpline_cli.main import main
from helpline_core.privacy.declarations import ACTIVITIES

SRC = Path(__file__).resolve().parents[2] / "src"

CHANGED = """
[retention]
chat_months = 3
email_months = 4
[exports]
keep_days = 2
[relay]
behind_proxy = true
[privacy]
contact = "privacy@example.org"
[[privacy.processors]]
name = "Hoster NV"
service = "server hosting"
data = ["chats", "case files"]
location = "Belgium"
agreement = "DPA-2026-01"
"""


def _record(tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str) -> dict[str, object]:
    config = tmp_path / "helpline.toml"
    config.write_text(toml)
    assert main(["--config", str(config), "privacy", "register", "--format", "json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def _retention(record: dict[str, object], name: str) -> str:
    activities = record["activities"]
    assert isinstance(activities, list)
    return str(next(item["retention"] for item in activities if item["name"] == name))


def test_the_record_changes_when_the_configuration_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _record(tmp_path, capsys, "")
    after = _record(tmp_path, capsys, CHANGED)
    assert _retention(before, "Chat conversations").startswith("6 months")
    assert _retention(after, "Chat conversations").startswith("3 months")
    assert _retention(after, "Emails").startswith("4 months")
    assert _retention(after, "Exports (training, inspection, rights)").startswith("2 days")
    assert before["processors"] == [] and before["contact"] == "info@example.org"
    assert after["contact"] == "privacy@example.org"
    assert after["processors"] == [
        {
            "name": "Hoster NV",
            "service": "server hosting",
            "data": ["chats", "case files"],
            "location": "Belgium",
            "agreement": "DPA-2026-01",
        }
    ]
    assert any("NO TLS" in measure for measure in before["security"])  # type: ignore[attr-defined]
    assert any("reverse proxy" in measure for measure in after["security"])  # type: ignore[attr-defined]


def test_markdown_names_every_activity_period_and_processor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "helpline.toml"
    config.write_text(CHANGED)
    assert main(["--config", str(config), "privacy", "register"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Record of processing activities (GDPR article 30)")
    for activity in ACTIVITIES:
        assert f"### {activity.name}" in text
    assert "- Retention: 3 months after the chat ends (retention.chat_months)" in text
    assert (
        "- Hoster NV, server hosting, in Belgium, agreement DPA-2026-01: chats, case files" in text
    )
    assert "10 years after closing (closed on or after 2019-01-01); 5 years" in text


def test_without_processors_the_record_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["privacy", "register"]) == 0
    assert "- none configured ([[privacy.processors]]" in capsys.readouterr().out


def test_a_bad_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["privacy", "register", "--format", "xml"]) == 2


def test_every_declared_module_and_setting_exists() -> None:
    from helpline_core.config import Settings

    settings = Settings()
    for activity in ACTIVITIES:
        for path in activity.code:
            assert (SRC / path).exists(), f"{activity.name}: {path} does not exist"
        for key in activity.keys:
            section, name = key.split(".")
            assert hasattr(getattr(settings, section), name), f"{activity.name}: no {key}"


def test_every_retention_period_is_in_the_record() -> None:
    """A retention class added to the configuration but not to the declarations fails here."""
    from helpline_core.config import RetentionSettings

    declared = {key for activity in ACTIVITIES for key in activity.keys}
    periods = {f"retention.{name}" for name in RetentionSettings.model_fields}
    assert periods - {"retention.policy_override"} <= declared
