"""Docs cannot drift: every CLI command is documented in the user guide and has help text."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from marketscout.cli import app, load_all

DOCS = Path(__file__).resolve().parents[1] / "docs"


def all_commands() -> list[tuple[str, str | None]]:
    """(full command name, help text) for every leaf command."""
    load_all()
    group = typer.main.get_command(app)
    found: list[tuple[str, str | None]] = []

    def walk(cmd: object, prefix: str) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, f"{prefix} {name}".strip())
        else:
            found.append((prefix, getattr(cmd, "help", None)))

    walk(group, "")
    return found


def test_every_command_is_in_the_user_guide_with_help() -> None:
    guide = (DOCS / "user-guide.md").read_text(encoding="utf-8")
    commands = all_commands()
    assert {"rank", "criteria", "data status", "data import", "index build"} <= {
        c for c, _ in commands}
    for name, help_text in commands:
        assert f"marketscout {name}" in guide, f"`marketscout {name}` is not in docs/user-guide.md"
        assert help_text and help_text.strip(), f"`marketscout {name}` has no help text"


def test_readme_starts_with_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8").splitlines()
    blocks = [readme[i + 1] for i, line in enumerate(readme[:12]) if line.startswith("```bash")]
    assert blocks[0].endswith("marketscout rank --home LTU")
    assert "pytest" in blocks[1]
    ci = (DOCS.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci  # CI runs the README's test command verbatim


def test_help_summaries_are_the_commands_own() -> None:
    """`marketscout --help` lists summaries from cli.COMMANDS without loading the modules:
    each must be the command's own first docstring line (or its group's help)."""
    from marketscout.cli import COMMANDS

    for name, command in load_all().items():
        assert (command.help or "").strip().splitlines()[0] == COMMANDS[name][1], name


def python_blocks(page: Path) -> list[str]:
    """The ```python blocks of a docs page."""
    text = page.read_text(encoding="utf-8")
    return [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]


@pytest.fixture(scope="module")
def example_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder for the examples (built from the snapshot by the first one)."""
    return tmp_path_factory.mktemp("examples") / "home"


@pytest.mark.slow
@pytest.mark.parametrize("n", range(len(python_blocks(DOCS / "python-api.md"))))
def test_every_python_api_example_runs(n: int, example_home: Path) -> None:
    """docs/python-api.md: each block runs as written from the repository root, on the
    embedded snapshot, with no error."""
    import os
    import subprocess
    import sys

    code = python_blocks(DOCS / "python-api.md")[n]
    env = os.environ | {"MARKETSCOUT_HOME": str(example_home)}
    done = subprocess.run([sys.executable, "-c", code], cwd=DOCS.parent, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"block {n}:\n{code}\n{done.stderr[-3000:]}"
    assert done.stdout.strip(), f"block {n} printed nothing"
