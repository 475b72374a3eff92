"""The core imports no front end and no UI or server library; the console has no database."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import helpline_core

FORBIDDEN_IN_CORE = {
    "relay",
    "helpline_tui",
    "helpline_cli",
    "textual",
    "typer",
    "rich",
    "websockets",
}
CORE_MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(helpline_core.__path__, "helpline_core.")
    if ".migrations" not in module.name
)


def _loaded_after_import(module: str) -> set[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    return {name.split(".")[0] for name in json.loads(output.stdout)}


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_front_end(module: str) -> None:
    assert not (_loaded_after_import(module) & FORBIDDEN_IN_CORE)
