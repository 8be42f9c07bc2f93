"""Run a slow, memory-hungry function (parsing an uploaded file) in a worker process with its
own time and memory bounds, so the server's other requests are answered meanwhile.

A 16 MB XLSX parsed on the server's event loop froze every request for 121 s and used 1 GB
(issue 17). Here the parse runs in a child of a fork server (started once, with the parsers
imported), under an address-space limit of its own; past its time it is killed. Errors of
the project's hierarchy come back as themselves; anything else becomes a plain message.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from marketscout import errors
from marketscout.errors import InputError, MarketscoutError

MIB = 1024 * 1024
PRELOAD = ["marketscout.sources.user"]  # imported once by the fork server, not per upload


@dataclass(frozen=True)
class Bounds:
    """Limits of one run: wall-clock seconds, and memory beyond the worker's own start."""

    seconds: float = 300.0
    memory_mib: int = 2048


class BoundExceededError(InputError):
    """The work took longer, or more memory, than its bounds allow."""


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:  # Windows: a fresh interpreter per run
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _virtual_memory() -> int | None:
    """This process's address space in bytes (Linux), or None where it cannot be read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _limit_memory(extra_mib: int) -> None:
    """Cap this process's address space at its current size plus `extra_mib`."""
    now = _virtual_memory()
    if now is not None:
        limit = now + extra_mib * MIB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(conn: Connection, target: Callable[..., Any], args: tuple[Any, ...],
           extra_mib: int) -> None:
    try:
        _limit_memory(extra_mib)
        conn.send(("ok", target(*args)))
    except MemoryError:
        conn.send(("memory", None))
    except MarketscoutError as exc:
        conn.send(("error", (type(exc).__name__, exc.what, exc.where, exc.fix)))
    except Exception as exc:  # reported to the parent, which raises it
        conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _error(name: str, what: str, where: str | None, fix: str | None) -> MarketscoutError:
    cls = getattr(errors, name, InputError)
    if not (isinstance(cls, type) and issubclass(cls, MarketscoutError)):
        cls = InputError
    return cls(what, where=where, fix=fix)


def run_bounded(target: Callable[..., Any], args: tuple[Any, ...], bounds: Bounds,
                what: str = "Reading the file") -> Any:
    """`target(*args)` computed in a worker process within `bounds`; its errors re-raised."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, target, args, bounds.memory_mib),
                              daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(bounds.seconds):
            raise BoundExceededError(
                f"{what} took longer than {bounds.seconds:g} s, so it was stopped.",
                fix="Split the file into smaller ones, or import it on the server with "
                    "`marketscout data import`, which has no time limit.")
        kind, payload = receiver.recv()
    except EOFError:
        kind, payload = "crash", f"the worker process ended (exit code {process.exitcode})"
    finally:
        if process.is_alive():
            process.kill()
        process.join(10)
        receiver.close()
    return _outcome(kind, payload, bounds, what)


def _outcome(kind: str, payload: Any, bounds: Bounds, what: str) -> Any:
    if kind == "ok":
        return payload
    if kind == "memory":
        raise BoundExceededError(
            f"{what} needed more than {bounds.memory_mib} MiB of memory, so it was stopped.",
            fix="Split the file into smaller ones, or import it on the server with "
                "`marketscout data import`.")
    if kind == "error":
        raise _error(*payload)
    raise InputError(f"{what} failed: {payload}.",
                     fix="Check that the file opens in a spreadsheet program; if it does, "
                         "report this with the file.")
