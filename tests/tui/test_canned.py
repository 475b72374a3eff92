"""Canned replies: shipped files load in every language, bad files give one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline_core.canned import CannedError, default_canned_dir, load_canned, load_file, search

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_replies_cover_every_language() -> None:
    replies = load_canned()
    assert set(replies) == {"nl", "fr", "en"}
    for language, items in replies.items():
        keys = {reply.key for reply in items}
        assert {"greeting", "emergency", "closing"} <= keys, language
        assert any(key.startswith("refer-") for key in keys), language


def test_emergency_text_gives_both_numbers() -> None:
    values = {"police_number": "101", "medical_number": "112", "name": "1712"}
    for items in load_canned().values():
        emergency = next(reply for reply in items if reply.key == "emergency")
        text = emergency.render(values)
        assert "101" in text and "112" in text and "{" not in text


def test_config_canned_links_to_the_defaults() -> None:
    link = ROOT / "config" / "canned"
    assert link.is_symlink()
    assert link.resolve() == default_canned_dir().resolve()


def test_unknown_placeholder_stays_literal() -> None:
    reply = load_canned()["en"][0]
    assert reply.render({}).count("{name}") == reply.text.count("{name}")


def test_search_matches_every_word() -> None:
    english = load_canned()["en"]
    assert [reply.key for reply in search(english, "Ambulance police")] == ["emergency"]
    assert search(english, "") == english
    assert search(english, "no-such-word") == []


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("language = 'nl'\n[[reply]]\nkey = 'a'\n", "needs non-empty"),
        ("reply = 3\n", "array of tables"),
        ("[[reply]]\nkey='a'\ntitle='t'\ntext='x'\n" * 2, "twice"),
        ("this is not toml", "canned replies"),
        ("[[reply]]\nkey='a'\ntitle='t'\ntext='x'\ntags='no'\n", "tags"),
    ],
)
def test_bad_files_are_refused_with_one_line(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "nl.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CannedError) as caught:
        load_file(path)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CannedError):
        load_canned(tmp_path / "absent")
