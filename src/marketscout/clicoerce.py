"""Fast option values: plain str, int, float, bool, Path and `--format`-style options converted the
way click converts them, without Typer's pydantic layer.

Typer 0.2x converts every option through a pydantic `TypeAdapter` built on first use; for
`rank`'s 17 options that costs about 0.1 s a run (the pydantic import and 17 schema builds),
a fifth of the main job's own work. Options with constraints this module does not know
(ranges, lists, tuples, dates, files, non-Path types) keep Typer's own conversion, so what a
user may type is never narrowed. If Typer changes the private hook, `install` does nothing
and Typer converts everything (slower, same results); the start-up guard in
tests/test_startup.py then fails on the pydantic import and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

NAMES = {int: "integer", float: "number"}
BOOLS = {"1": True, "true": True, "t": True, "yes": True, "y": True, "on": True,
         "0": False, "false": False, "f": False, "no": False, "n": False, "off": False}


def _fast(descriptor: Any) -> bool:
    """True when `descriptor` (Typer's TypeDescriptor) is a type this module converts."""
    info, annotation = descriptor.parameter_info, descriptor.annotation
    if descriptor.file_annotation is not None or getattr(info, "formats", None):
        return False
    if getattr(info, "parser", None) is not None:
        return isinstance(annotation, type) and issubclass(annotation, Enum)
    if annotation in NAMES:
        return info.min is None and info.max is None
    if annotation is Path:
        return getattr(info, "path_type", None) in (None, Path)
    return annotation in (str, bool)


def convert(annotation: Any, info: Any, value: Any) -> Any:
    """`value` as `annotation`: click's messages for numbers, the option's parser for enums,
    Typer's own checks (exists, file_okay, ...) for paths. Raises click's BadParameter."""
    from typer._click.exceptions import BadParameter

    if info.parser is not None:
        try:
            return info.parser(value)
        except (ValueError, TypeError) as exc:
            raise BadParameter(str(exc)) from exc
    if annotation in NAMES:
        if isinstance(value, annotation) and not isinstance(value, bool):
            return value
        try:
            return annotation(str(value).strip())
        except ValueError:
            raise BadParameter(f"{value!r} is not a valid {NAMES[annotation]}.") from None
    if annotation is str:
        return value if isinstance(value, str) else str(value)
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() not in BOOLS:
            raise BadParameter(f"{value!r} is not a valid boolean.")
        return BOOLS[str(value).strip().lower()]
    from typer._param_types import coerce_cli_path

    return coerce_cli_path(Path(value), info, path_type=Path)


def install() -> None:
    """Route the fast types of every Typer option through `convert`."""
    try:
        from typer import _coercion, core
    except ImportError:  # a Typer without the pydantic layer converts with click types
        return
    original = getattr(core, "build_runtime_param", None)
    runtime = getattr(_coercion, "RuntimeParam", None)
    if original is None or runtime is None:
        return

    @dataclass(frozen=True)
    class FastRuntimeParam(runtime):  # type: ignore[misc,valid-type]
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            from typer._click.exceptions import BadParameter

            try:
                return convert(self.annotation, self.parameter_info, value)
            except BadParameter as exc:
                exc.ctx, exc.param = exc.ctx or ctx, exc.param or param
                raise

    def build(descriptor: Any) -> Any:
        if _fast(descriptor):
            return FastRuntimeParam(annotation=descriptor.annotation,
                                    parameter_info=descriptor.parameter_info)
        return original(descriptor)

    core.build_runtime_param = build
