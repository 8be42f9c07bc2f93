"""Mutation testing of the core packages with mutmut, on a reproducible sample of mutants.

mutmut makes one mutant per small change (an operator, a constant, a condition) in the files
listed under [tool.mutmut] in pyproject.toml and runs the tests that reach the mutated
function. The core has about 19,000 mutants, too many to run in a working session, so this
script draws every k-th mutant by a salted hash of its name: the same salt gives the same
sample, a new salt gives fresh mutants. See docs/testing.md ("Mutation testing").

    python tools/mutation.py run --packages index calls --every 20 --salt 0
    python tools/mutation.py report --packages index calls --every 20 --salt 0

Not run in CI: it takes tens of minutes even on a sample.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTANTS = Path("mutants")
MUTMUT = str(Path(sys.executable).with_name("mutmut"))  # the venv's, beside its python
CORE = ("index", "calls", "priority", "dsm", "survey", "criteria", "store", "store_keep",
        "store_recovery", "web.security", "web.csrf", "access")
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout",
          152: "timeout", 255: "timeout", 37: "killed"}
OUTCOMES = ("killed", "timeout", "survived", "no tests", "not run")


def package_of(name: str) -> str:
    """'marketscout.index.build.x_f__mutmut_3' -> 'index'; store.py -> 'store'."""
    parts = name.split(".")
    return f"web.{parts[2]}" if parts[1] == "web" else parts[1]


def outcome(code: int | None) -> str:
    if code is None:
        return "not run"
    if code in (5, 33):
        return "no tests"
    return KILLED.get(code, "survived" if code == 0 else "killed")


def all_mutants() -> dict[str, int | None]:
    """Every mutant mutmut generated, with its last exit code (None: not run yet)."""
    found: dict[str, int | None] = {}
    for meta in sorted(MUTANTS.glob("src/**/*.py.meta")):
        found.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return found


def sample(names: dict[str, int | None], packages: list[str], every: int,
           salt: str) -> list[str]:
    """Every `every`-th mutant of `packages` by salted hash: stable, and fresh per salt."""
    def chosen(name: str) -> bool:
        digest = hashlib.sha256(f"{salt}:{name}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % every == 0
    return sorted(n for n in names if package_of(n) in packages and chosen(n))


def generate() -> None:
    """Let mutmut copy the tree, generate every mutant and record which tests reach which
    function: `mutmut run` does all three before it looks at the names it was given, so it
    is given a name that matches no mutant (it then stops with an assertion)."""
    subprocess.run([MUTMUT, "run", "marketscout.generate-only"], check=False,
                   stdout=subprocess.DEVNULL)
    if not any(MUTANTS.glob("src/**/*.py.meta")):
        sys.exit("mutmut generated no mutants: run it once by hand to see why (mutmut run).")


def report(picked: list[str], codes: dict[str, int | None]) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {}
    for name in picked:
        table.setdefault(package_of(name), Counter())[outcome(codes[name])] += 1
    print(f"{'package':<14}" + "".join(f"{o:>10}" for o in OUTCOMES) + f"{'kill rate':>11}")
    for package, counts in sorted(table.items()):
        ran = sum(counts[o] for o in OUTCOMES[:4])
        rate = (counts["killed"] + counts["timeout"]) / ran if ran else float("nan")
        print(f"{package:<14}" + "".join(f"{counts[o]:>10}" for o in OUTCOMES)
              + f"{rate:>10.1%}")
    survivors = [n for n in picked if outcome(codes[n]) in ("survived", "no tests")]
    print(f"\n{len(survivors)} survivors (see each with: mutmut show NAME)")
    for name in survivors:
        print(f"  {outcome(codes[name]):<9} {name}")
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "report", "names"])
    parser.add_argument("--packages", nargs="+", default=list(CORE), choices=CORE)
    parser.add_argument("--every", type=int, default=20, help="sample 1 mutant in N")
    parser.add_argument("--salt", default="0", help="another salt gives fresh mutants")
    parser.add_argument("--max-children", default="2")
    args = parser.parse_args(argv)
    if args.command == "run" or not MUTANTS.exists():
        generate()
    picked = sample(all_mutants(), args.packages, args.every, args.salt)
    if args.command == "names":
        print("\n".join(picked))
        return
    if args.command == "run":
        subprocess.run([MUTMUT, "run", "--max-children", args.max_children, *picked],
                       check=False)
    report(picked, all_mutants())


if __name__ == "__main__":
    main()
