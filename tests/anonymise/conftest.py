"""The anonymiser's lists, built once per test session into a temporary data directory (the
way `helpline anonymise build` does at install time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline_core.anonymise import Anonymiser, lexicon


@pytest.fixture(scope="session")
def lexicon_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("anonymiser") / "anonymiser-lists.pickle"
    lexicon.save(lexicon.build(), path)
    return path


@pytest.fixture(scope="session")
def anonymiser(lexicon_file: Path) -> Anonymiser:
    return Anonymiser.from_file(lexicon_file)
