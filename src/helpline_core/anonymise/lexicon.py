"""The word lists the anonymiser matches against, compiled once at install time.

Sources (docs/privacy.md, "Anonymiser"): the first-name, surname, street, municipality and
hospital lists that belgian-deduce 5.0.0 ships (Statbel open data, CC BY 4.0, and DEDUCE's
lists, GPL-3.0), read from the installed package's data folder without importing its code;
the lower-case entries of the Debian word lists wdutch, wfrench and wamerican as "ordinary
words"; and this package's own short lists in data/ (chat words, names that beat words,
organisations that always stay). `build` writes one pickle into the data directory
(`helpline anonymise build`, run by `helpline init` and scripts/setup.sh); `load` reads it in a
fraction of a second, so no export ever builds anything.
"""

from __future__ import annotations

import importlib.util
import pickle
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

FORMAT_VERSION = 6
MAX_PHRASE = 6  # longest name, street or institution matched, in words
OWN_DATA = Path(__file__).parent / "data"
WORD_LISTS = (
    Path("/usr/share/dict/dutch"),
    Path("/usr/share/dict/french"),
    Path("/usr/share/dict/american-english"),
)
TOKEN = re.compile(r"\w+(?:['’\-]\w+)*")


class LexiconMissing(Exception):
    """The compiled lists are not there: run `helpline anonymise build` (done by `init`)."""


def fold(text: str) -> str:
    """Lower case without accents, curly quote as straight: 'Frédéric' -> 'frederic'."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def phrase_key(text: str) -> str:
    """The lookup key of a (multi-word) name: folded tokens joined by one space."""
    return " ".join(TOKEN.findall(fold(text)))


@dataclass
class Lexicon:
    """Folded lookup sets; every member is the `phrase_key` of an entry."""

    first_names: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()  # van, de, der, le, du ... inside surnames
    stop_words: frozenset[str] = frozenset()  # pronouns, articles, chat words: never a name
    common_words: frozenset[str] = frozenset()  # ordinary words in nl, fr, en (never names)
    name_words: frozenset[str] = frozenset()  # names that beat the word lists ("jan", "marie")
    word_names: frozenset[str] = frozenset()  # name_words that are also words ("roos", "pierre")
    places: frozenset[str] = frozenset()  # Belgian municipalities and postal localities
    minor_places: frozenset[str] = frozenset()  # Dutch residences: only written with a capital
    postcodes: frozenset[str] = frozenset()  # Belgian four-digit postcodes
    streets: frozenset[str] = frozenset()
    institutions: frozenset[str] = frozenset()  # hospitals and care institutions
    keep: frozenset[str] = frozenset()  # organisations and services that always stay
    sources: dict[str, int] = field(default_factory=dict)


def _lines(path: Path) -> Iterator[str]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line:
                yield line


def _keys(lines: Iterable[str]) -> set[str]:
    return {key for key in (phrase_key(line) for line in lines) if key}


def deduce_data_dir() -> Path | None:
    """belgian-deduce's lookup folder, found without importing (running) the package."""
    spec = importlib.util.find_spec("belgian_deduce")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "lookup" / "src"
    return path if path.is_dir() else None


def _list(root: Path, relative: str) -> set[str]:
    folder = root / relative
    return _keys(_lines(folder / "items.txt")) - _keys(_lines(folder / "exceptions.txt"))


def build(deduce_dir: Path | None = None, word_lists: Iterable[Path] = WORD_LISTS) -> Lexicon:
    """Compile the lists; raises LexiconMissing when belgian-deduce's lists cannot be found."""
    root = deduce_dir or deduce_data_dir()
    if root is None:
        raise LexiconMissing("belgian-deduce's lists are not installed (pip install -e .)")
    own = {
        name: _keys(_lines(OWN_DATA / f"{name}.txt"))
        for name in ("chat_words", "name_words", "surnames", "places")
    }
    keep = _keys(_lines(OWN_DATA / "keep.txt"))
    common = set(own["chat_words"]) | _list(root, "whitelist/lst_stop_word")
    common |= _list(root, "whitelist/lst_common_word")
    for word_list in word_lists:
        # Lower-case entries are ordinary words; entries only ever capitalised are proper nouns.
        common |= {fold(w) for w in _lines(word_list) if w[:1].islower() and "'" not in w}
    first = _list(root, "names/lst_first_name")
    surnames = _list(root, "names/lst_surname") | _list(root, "names/lst_interfix_surname")
    surnames |= own["surnames"]
    places = set(own["places"])
    for sub in ("lst_municipality", "lst_postal_locality"):
        places |= _list(root, f"locations/lst_placename/{sub}")
    minor_places = _list(root, "locations/lst_placename/lst_residence") - places
    postcodes = set()
    for line in _lines(root / "locations/lst_postal_code_locality/items.txt"):
        code, _, locality = line.partition("\t")
        if code.isdigit() and len(code) == 4:
            postcodes.add(code)
            places.add(phrase_key(locality))
    streets = _list(root, "locations/lst_street")
    streets |= _keys(_lines(root / "locations/lst_street/streets_bag.txt"))
    institutions = _list(root, "institutions/lst_hospital")
    institutions |= _list(root, "institutions/lst_healthcare_institution")
    # Very long official names ("... - Campus X - Sociale Dienst") are never written in a chat.
    institutions = {k for k in institutions if len(k.split()) <= MAX_PHRASE}
    streets = {k for k in streets if len(k.split()) <= MAX_PHRASE}
    stop_words = own["chat_words"] | _list(root, "whitelist/lst_stop_word")
    lexicon = Lexicon(
        first_names=frozenset(first - keep),
        surnames=frozenset(surnames - keep),
        particles=frozenset(_keys(_lines(root / "names/lst_interfix/items.txt"))),
        stop_words=frozenset(stop_words - own["name_words"]),
        common_words=frozenset(common - own["name_words"]),
        name_words=frozenset(own["name_words"]),
        word_names=frozenset(own["name_words"] & common),
        places=frozenset(places - keep),
        minor_places=frozenset(minor_places - keep - common),
        postcodes=frozenset(postcodes),
        streets=frozenset(streets - keep),
        institutions=frozenset(institutions - keep),
        keep=frozenset(keep),
    )
    lexicon.sources = {
        "first_names": len(lexicon.first_names),
        "surnames": len(lexicon.surnames),
        "common_words": len(lexicon.common_words),
        "places": len(lexicon.places),
        "streets": len(lexicon.streets),
        "institutions": len(lexicon.institutions),
    }
    return lexicon


def save(lexicon: Lexicon, path: Path) -> None:
    """Write the compiled lists atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump((FORMAT_VERSION, lexicon), handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def load(path: Path) -> Lexicon:
    """Read the compiled lists; raises LexiconMissing if absent or from another version.

    The pickle is our own file in the installation's data directory, never user input.
    """
    try:
        with path.open("rb") as handle:
            version, lexicon = pickle.load(handle)  # noqa: S301 - our own build output
    except FileNotFoundError:
        raise LexiconMissing(
            f"the anonymiser's lists are not built ({path}): run `helpline anonymise build`"
        ) from None
    if version != FORMAT_VERSION or not isinstance(lexicon, Lexicon):
        raise LexiconMissing(f"{path} is from another version: run `helpline anonymise build`")
    return lexicon
