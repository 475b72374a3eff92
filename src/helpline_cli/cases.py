"""`helpline case`: case files (F1-F5)."""

from __future__ import annotations

import typer

from helpline_cli import inspection

case_app = typer.Typer(help="Case files: inspection exports.", no_args_is_help=True)
inspection.register(case_app)
