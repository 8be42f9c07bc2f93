"""Settings the admin changes in the web app (read access, the survey's languages, privacy
notice and link address), kept in the store's `app_setting` table.

Each setting has a default here and a check; `load_options` returns every setting, so pages
read them in one query.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from datetime import datetime

from marketscout.access.users import utcnow
from marketscout.errors import InputError
from marketscout.store import Store

READ_ACCESS = ("auto", "open", "login")
# auto: open to anyone when the server listens on this machine only (127.0.0.1), login
# required when it listens on a network address (`marketscout serve --host 0.0.0.0`)
DEFAULTS: dict[str, str] = {"read_access": "auto"}
MAX_VALUE = 8000  # characters; a privacy notice of a few paragraphs fits


def load_options(store: Store) -> dict[str, str]:
    """Every stored setting over the defaults."""
    frame = store.query("SELECT key, value FROM app_setting")
    return DEFAULTS | dict(zip(frame["key"].astype(str), frame["value"].astype(str),
                               strict=True))


def save_options(store: Store, values: Mapping[str, str], by: str | None = None,
                 checks: Mapping[str, Callable[[str], str]] | None = None,
                 now: datetime | None = None) -> None:
    """Store settings in one transaction, each through its check (if one is given)."""
    stamp = now or utcnow()
    statements: list[tuple[str, list[object]]] = []
    for key, value in values.items():
        text = checks[key](value) if checks and key in checks else value
        if len(text) > MAX_VALUE:
            raise InputError(f"The setting {key!r} is {len(text)} characters long; at most "
                             f"{MAX_VALUE} fit.", fix="Shorten it.")
        statements.append(("INSERT OR REPLACE INTO app_setting VALUES (?, ?, ?, ?)",
                           [key, text, stamp, by]))
    store.write(statements)


def check_read_access(value: str) -> str:
    value = str(value).strip().lower()
    if value not in READ_ACCESS:
        raise InputError(f"Unknown read access {value!r}.",
                         fix=f"Use one of: {', '.join(READ_ACCESS)}.")
    return value


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (127.0.0.1, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def reading_is_open(setting: str, host: str) -> bool:
    """Whether anyone may read the priority list and data pages without logging in."""
    if setting == "open":
        return True
    if setting == "login":
        return False
    return is_loopback(host)
