"""Commands that work as written: every `marketscout ...` line in the code blocks of the
README and docs/user-guide.md runs, in order, on a fresh home (the embedded snapshot),
offline, from a folder where `examples/` and `../shared` are where the docs say.

The model is sqlite-utils' docs test (tests/test_docs.py there): the documentation is the
test's input, so a command that stops working, or a file the docs name and the repository
does not ship, fails here. Commands that need the network, a server, a password prompt or
a file only the user can have run with `--help` instead: see HELP_ONLY for each reason.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., tuple[int, str, str]]
REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = ("README.md", "docs/user-guide.md")
BLOCK = re.compile(r"```(?:bash|sh|shell|console)?\n(.*?)```", re.S)

# command prefix -> why it runs with --help only (its options are still checked)
HELP_ONLY = {
    "data update": "downloads from the publishers (no test touches the internet)",
    "serve": "starts a web server (tests/web covers the app)",
    "users add": "asks for a password twice on the terminal",
    "users set-password": "asks for a password twice on the terminal",
    "snapshot build": "rebuilds the snapshot from ../shared/data: minutes of work "
                      "(tests/sources/test_snapshot_build.py covers it)",
    "dsm run --home LTU --engine spark": "needs a Spark session (tests/dsm/test_spark.py)",
    "dsm synth": "writes 48 million synthetic rows (tests/dsm covers a small world)",
    "dsm import trade": "needs the user's BACI file from CEPII (proprietary size, 1-2 GB)",
    "dsm run": "needs a complete BACI year (`data update baci`); the snapshot holds a "
               "two-exporter sample only (tests/dsm/test_dsm_cli.py runs it on a hand world)",
    "dsm explain": "needs a complete BACI year (as dsm run)",
    "dsm funnel": "needs a complete BACI year (as dsm run)",
    "dsm robustness": "needs a complete BACI year (as dsm run)",
    "dsm sectors": "needs a complete BACI year (as dsm run)",
    "dsm import risk": "needs the user's Credendo export (licensed)",
    "survey import 1 paper_answers.xlsx": "a file of the user's paper answers",
    "collab index": "embeds every project text (the model is an optional download)",
    "plan instruments import": "a file of the user's own instruments",
    "plan register edit": "needs the version of a row added earlier (documented example)",
    "plan register delete": "needs the version of a row added earlier (documented example)",
    "users set-role": "needs the user added by `users add` (a password prompt)",
    "users remove": "needs the user added by `users add` (a password prompt)",
}


def documented(document: str) -> list[str]:
    """Every `marketscout ...` command in the document's code blocks, continuation lines
    joined, a leading `$ ` dropped."""
    text = (REPO / document).read_text(encoding="utf-8")
    found = []
    for block in BLOCK.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip().removeprefix("$ ")
            if line.startswith("marketscout "):
                found.append(line)
    return found


def argv(line: str) -> list[str]:
    """The command's arguments (shell comments dropped, quotes honoured)."""
    return shlex.split(line, comments=True)[1:]


def help_only(args: list[str]) -> str | None:
    joined = " ".join(args)
    return next((why for prefix, why in HELP_ONLY.items() if joined.startswith(prefix)), None)


def test_the_documents_have_commands() -> None:
    assert len(documented("README.md")) >= 15
    assert len(documented("docs/user-guide.md")) >= 60


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_documented_command_runs(document: str, run: Run, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "examples").symlink_to(REPO / "examples")
    (tmp_path / "shared").symlink_to(REPO.parent / "shared")
    monkeypatch.chdir(work)
    failures = []
    for line in documented(document):
        args = argv(line)
        if help_only(args):
            words = [a for a in args if not a.startswith("-")][:2]
            command = words[:1] if words[0] == "serve" else words
            args = [*command, "--help"]
        args = [a for a in args if not (a.startswith("[") and a.endswith("]"))]
        code, _, err = run(*args)
        if code != 0:
            failures.append(f"{line}\n  exit {code}: {' '.join(err.split())[:300]}")
    assert not failures, "\n".join(failures)
