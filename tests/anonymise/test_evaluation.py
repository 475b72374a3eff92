"""The evaluation set meets the issue's goals (bench/anonymise.py, short speed run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_evaluation_set_meets_the_goals(lexicon_file: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "anonymise.py"),
            "--lexicon",
            str(lexicon_file),
            "--seconds",
            "0.5",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["messages"] >= 250
    assert figures["direct_recall"] >= 0.98
    assert figures["quasi_recall"] >= 0.90
    assert figures["overall_recall"] >= 0.95
    assert figures["precision"] >= 0.90
    assert figures["must_stay_changed"] == 0
    assert figures["load_seconds"] < 5
