"""Every "how to get it" hint in the data layer names a command that exists, with a source
or kind that command accepts (`data update wipo_gii` once failed: the source is `gii`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from marketscout import cli
from marketscout.sources import registry, user
from marketscout.sources.held import VIEWS

SRC = Path(__file__).resolve().parents[2] / "src" / "marketscout"
HINT = re.compile(r"`marketscout ([a-z][a-z0-9 _-]*)")


def hints() -> list[tuple[str, str]]:
    """(file, words after `marketscout`) for every backquoted command anywhere in the package:
    sources, criteria, commands, the DSM, collaboration, plan, web templates."""
    found = []
    files = [*SRC.rglob("*.py"), *SRC.rglob("*.toml"), *SRC.rglob("*.html")]
    for path in files:
        text = re.sub(r'"\s*\n\s*(f?)"', "", path.read_text(encoding="utf-8"))  # join literals
        found += [(path.name, m.group(1).strip()) for m in HINT.finditer(text)]
    return found


def check(words: list[str]) -> None:
    """Walk the click tree as far as the words go, then check the arguments we know."""
    command = cli.load(words[0])
    rest = words[1:]
    while hasattr(command, "commands") and rest:  # a group (Typer's click may be its own)
        sub = command.commands.get(rest[0])
        assert sub is not None, f"no command {rest[0]!r} under {command.name!r}"
        command, rest = sub, rest[1:]
    name = command.name
    args = [w for w in rest if w.isidentifier() or w.islower()]
    if name == "update" and words[:2] == ["data", "update"] and args and args[0] not in (
            "SOURCE", "--all"):
        for source in args:
            if source.startswith("-") or source.isupper():
                break
            assert source in registry.sources(), f"data update {source}: unknown source"
    if name == "import" and args and not args[0].isupper():
        from marketscout.commands.dsm import ImportKind

        kinds = [k.value for k in ImportKind] if words[0] == "dsm" else list(user.KINDS)
        assert args[0] in kinds, f"{' '.join(words[:2])} {args[0]}: unknown kind"
    if name == "show" and args and not args[0].isupper():
        assert args[0] in VIEWS


def test_there_are_hints_to_check() -> None:
    found = {h for _, h in hints()}
    assert len(found) >= 30
    assert {w for _, h in hints() for w in h.split()[:1]} >= {"data", "dsm", "survey"}
    assert any(h.startswith("data update gii") for h in found)
    assert any(h.startswith("data import imd") for h in found)


@pytest.mark.parametrize(("where", "hint"), sorted(set(hints())))
def test_every_hint_names_a_command_that_exists(where: str, hint: str) -> None:
    words = [w for w in hint.split() if w]
    assert words[0] in cli.COMMANDS, f"{where}: `marketscout {hint}`"
    check(words)
