"""The email list's time left, in Dutch (default) and English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpline_tui.email_text import size, time_left
from helpline_tui.i18n import current_language, set_language


@pytest.fixture
def language() -> Iterator[None]:
    before = current_language()
    yield
    set_language(before)


def test_time_left_in_dutch_and_english(language: None) -> None:
    set_language("nl")
    assert time_left(-3 * 3600) == "3u over"
    assert time_left(28 * 3600) == "nog 1d 4u"
    assert time_left(2 * 86400) == "nog 2d"
    assert time_left(600) == "nog 10m"
    assert time_left(None) == "beantwoord"
    set_language("en")
    assert time_left(-3 * 3600) == "3h overdue"
    assert time_left(28 * 3600) == "1d 4h left"
    assert time_left(10) == "1m left"


def test_sizes() -> None:
    assert (size(12), size(2048), size(3 * 1024 * 1024)) == ("12 B", "2 kB", "3.0 MB")
