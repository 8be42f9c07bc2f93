"""Values the server signs for its own cookies (`web.csrf.sign_value` / `unsign_value`): only
an unaltered text signed by this app's key gives its value back."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from marketscout.web.csrf import sign_value, unsign_value


def request(key: bytes) -> Any:
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(csrf_secret=key)))


def test_a_signed_value_comes_back_and_any_change_is_refused() -> None:
    ours = request(b"k" * 32)
    signed = sign_value(ours, "round-7")
    assert signed.startswith("round-7.") and unsign_value(ours, signed) == "round-7"
    value, _, mark = signed.rpartition(".")
    flipped = mark[:-1] + ("A" if mark[-1] != "A" else "B")
    for forged in (f"{value}.{flipped}", f"round-8.{mark}", value, f"{value}.", "null", "42",
                   "", None):
        assert unsign_value(ours, forged) is None, forged
    assert unsign_value(request(b"x" * 32), signed) is None  # another server's key
