"""The README is the manual: every command the CLI has is documented there, with its help."""

from __future__ import annotations

import argparse
from pathlib import Path

from docnook.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> dict[str, str | None]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    return {name: helps.get(name) for name in sub.choices}


def test_every_command_has_help() -> None:
    missing = [name for name, text in _commands().items() if not text]
    assert not missing, f"commands without help: {missing}"


def test_every_command_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in _commands() if f"`docnook {name}" not in text]
    assert not missing, f"commands the README does not document: {missing}"


def test_the_readme_names_the_two_commands_ci_runs() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
