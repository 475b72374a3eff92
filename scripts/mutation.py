"""Mutation testing of one module with mutmut, in a copy of the tree (see scripts/mutation.sh).

Usage: python scripts/mutation.py MODULE [--only FUNCTION ...] [--keep DIR] [TEST ...]
MODULE is a path under src/ (helpline_core/calendar.py) or a dotted name (helpline_core.calendar).
Without TESTs, the tests listed for MODULE in scripts/mutation-targets.toml are used. `--only`
mutates only the named functions (a method as Class.method), and scores only those. `--keep DIR`
makes the copy in DIR (which must not exist) and leaves it, to look at survivors with
`mutmut show NAME` there. Prints the
surviving mutants, then killed, survived and the score; the last line is one JSON object.
The score counts timeouts as killed (the mutant made the tests hang: they noticed) and mutants no
test reaches as survived.
"""

# ruff: noqa: T201  (a command-line script: it prints)
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ROOT / "scripts" / "mutation-targets.toml"


def module_path(name: str) -> str:
    """A dotted name or a path, with or without src/, as the path under src/."""
    name = name.removeprefix("src/")
    if not name.endswith(".py"):
        name = name.replace(".", "/") + ".py"
    if not (ROOT / "src" / name).is_file():
        raise SystemExit(f"no such module: src/{name}")
    return name


def tests_for(module: str, given: list[str]) -> list[str]:
    if given:
        return given
    targets = tomllib.loads(TARGETS.read_text(encoding="utf-8"))
    if module not in targets:
        raise SystemExit(f"{module} is not in {TARGETS.name}: name its tests on the command line")
    return list(targets[module]["tests"])


def copy_tree(into: Path) -> None:
    # Only what the tests need: the package sources, the tests, the docs (a test checks the
    # rights export against docs/rights-export.schema.json) and the project file.
    shutil.copytree(
        ROOT / "src", into / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    shutil.copytree(ROOT / "tests", into / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "docs", into / "docs")
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")


def mutant_glob(module: str, function: str) -> str:
    """mutmut's names for the mutants of one function: module.x_function__mutmut_N, or
    module.xǁClassǁmethod__mutmut_N for a method."""
    dotted = module.removesuffix(".py").replace("/", ".")
    if "." in function:
        owner, method = function.split(".", 1)
        return f"{dotted}.xǁ{owner}ǁ{method}__mutmut_*"
    return f"{dotted}.x_{function}__mutmut_*"


def configure(into: Path, module: str, tests: list[str]) -> None:
    config = (
        "\n[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        'also_copy = ["docs"]\n'
        f"only_mutate = [{json.dumps('src/' + module)}]\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]\n'
    )
    with (into / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(config)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    module = module_path(argv[0])
    only: list[str] = []
    rest: list[str] = []
    keep: Path | None = None
    words = iter(argv[1:])
    for word in words:
        if word == "--only":
            only.append(next(words, ""))
        elif word == "--keep":
            keep = Path(next(words, "")).resolve()
            if keep.exists():
                raise SystemExit(f"--keep: {keep} exists; name a new directory")
        else:
            rest.append(word)
    tests = tests_for(module, rest)
    names = [mutant_glob(module, name) for name in only if name]
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
    with tempfile.TemporaryDirectory(prefix="mutation-") as work:
        where = keep or Path(work)
        copy_tree(where)
        configure(where, module, tests)
        print(f"mutating src/{module} against {' '.join(tests)}", file=sys.stderr)
        run = subprocess.run(
            [mutmut, "run", "--max-children", "2", *names],
            cwd=where,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            sys.stderr.write(run.stdout[-2000:] + run.stderr[-2000:])
            return 1
        subprocess.run([mutmut, "export-cicd-stats"], cwd=where, capture_output=True, check=True)
        stats = json.loads((where / "mutants" / "mutmut-cicd-stats.json").read_text())
        results = subprocess.run(
            [mutmut, "results"], cwd=where, capture_output=True, text=True, check=True
        ).stdout
    survivors = [
        line.strip().split(":")[0]
        for line in results.splitlines()
        if "survived" in line or "no tests" in line
    ]
    for name in survivors:
        print(f"survived: {name}")
    killed = stats["killed"] + stats["timeout"] + stats["segfault"]
    survived = stats["survived"] + stats["no_tests"]
    total = killed + survived
    score = round(killed / total, 3) if total else 0.0
    print(f"{module}: {killed} killed, {survived} survived, score {score:.1%}")
    print(
        json.dumps(
            {
                "module": module,
                "killed": killed,
                "survived": survived,
                "total": total,
                "score": score,
                "survivors": survivors,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
