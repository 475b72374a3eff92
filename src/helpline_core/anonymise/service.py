"""Where the compiled lists live for an installation, and building them there."""

from __future__ import annotations

from pathlib import Path

from helpline_core.anonymise import lexicon
from helpline_core.anonymise.pipeline import Anonymiser
from helpline_core.config import Settings
from helpline_core.permissions import private_dir


def lexicon_path(settings: Settings) -> Path:
    """The compiled lists: `anonymiser.lexicon_file`, else anonymiser-lists.pickle in data_dir."""
    configured = settings.anonymiser.lexicon_file
    return (
        Path(configured).expanduser()
        if configured
        else settings.data_path / "anonymiser-lists.pickle"
    )


def build_lexicon(settings: Settings) -> tuple[Path, dict[str, int]]:
    """Compile the lists into the installation's data directory; returns the path and counts."""
    path = lexicon_path(settings)
    # On a fresh machine this is the first program run (scripts/setup.sh), so it creates the
    # data directory: 0700, as every later program leaves an existing directory as it is (S1).
    private_dir(path.parent)
    compiled = lexicon.build()
    lexicon.save(compiled, path)
    return path, compiled.sources


def load_anonymiser(settings: Settings) -> Anonymiser:
    """The anonymiser on the built lists; LexiconMissing when they were never built."""
    return Anonymiser.from_file(lexicon_path(settings))
