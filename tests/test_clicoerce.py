"""Option values converted without pydantic (marketscout.clicoerce): same values, click's
messages, and the main job's options all on the fast path (issue 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer._click.exceptions import BadParameter
from typer.models import OptionInfo
from typer.testing import CliRunner

from marketscout import clicoerce
from marketscout.cli import app, load
from marketscout.commands._common import Format, format_option


def _info(**kw: Any) -> OptionInfo:
    return OptionInfo(**kw)


@pytest.mark.parametrize(("annotation", "text", "expected"), [
    (int, "12", 12), (int, " -3 ", -3), (float, "0.25", 0.25), (float, "1e-3", 0.001),
    (str, "LTU", "LTU"), (bool, "yes", True), (bool, "Off", False), (bool, True, True),
    (Path, "a/b.csv", Path("a/b.csv")),
])
def test_values_convert_as_click_does(annotation: type, text: Any, expected: Any) -> None:
    got = clicoerce.convert(annotation, _info(), text)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(("annotation", "text", "message"), [
    (int, "abc", "'abc' is not a valid integer."),
    (int, "1.5", "'1.5' is not a valid integer."),
    (float, "x", "'x' is not a valid number."),
    (bool, "maybe", "'maybe' is not a valid boolean."),
])
def test_bad_values_say_what_was_typed(annotation: type, text: str, message: str) -> None:
    with pytest.raises(BadParameter, match=message.replace(".", r"\.")):
        clicoerce.convert(annotation, _info(), text)


def test_path_checks_of_typer_still_apply(tmp_path: Path) -> None:
    with pytest.raises(BadParameter, match="does not exist"):
        clicoerce.convert(Path, _info(exists=True), str(tmp_path / "missing.csv"))
    assert clicoerce.convert(Path, _info(exists=True), str(tmp_path)) == tmp_path


def test_enum_options_use_their_parser() -> None:
    info = format_option(Format.table, Format.csv)
    assert clicoerce.convert(Format, info, "CSV") is Format.csv
    with pytest.raises(BadParameter, match="writes table, csv"):
        clicoerce.convert(Format, info, "xlsx")


def test_constrained_options_keep_typers_conversion() -> None:
    """A range, a list or an enum without a parser is not narrowed by the fast path."""
    run = load("dsm").commands["run"]
    slow = {p.name for p in run.params if not clicoerce._fast(p.type_descriptor)}
    assert {"top", "trade", "engine"} <= slow


@pytest.mark.parametrize("command", ["rank", "report", "criteria"])
def test_the_main_jobs_options_are_all_fast(command: str) -> None:
    params = load(command).params
    assert params and all(clicoerce._fast(p.type_descriptor) for p in params), [
        p.name for p in params if not clicoerce._fast(p.type_descriptor)]


def test_the_cli_reports_a_bad_number_with_the_option_name() -> None:
    result = CliRunner().invoke(app, ["rank", "--runs", "many"])
    assert result.exit_code == 2
    assert "Invalid value for '--runs': 'many' is not a valid integer." in result.output
