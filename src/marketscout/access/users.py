"""The web app's users: admins and analysts, created by an admin; passwords stored as hashes.

Roles (issue 17): an **admin** manages users, survey rounds and settings; an **analyst** reads
and changes the agency's data (imports, weights, plans, activities). An admin is an analyst
too. Respondents have no account: their invitation link is their key (marketscout.survey).
The bootstrap admin is the user `admin`, whose password is MARKETSCOUT_ADMIN_PASSWORD (or
`admin_password` in config.toml): it is kept in step with that setting, never edited here.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from marketscout.access.passwords import hash_password, verify_password
from marketscout.errors import InputError
from marketscout.store import Store

ADMIN, ANALYST = "admin", "analyst"
ROLES = (ADMIN, ANALYST)
BOOTSTRAP = "admin"  # the user name of the bootstrap admin
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD = 12  # NIST SP 800-63B asks for at least 8; a passphrase of 12+ is our floor
MAX_PASSWORD = 200


def utcnow() -> datetime:
    """Now in UTC, naive (as stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class User:
    """Someone who may log in: a name and a role."""

    username: str
    role: str

    def has(self, role: str) -> bool:
        """True when this user may act as `role` (an admin may act as an analyst)."""
        return self.role == ADMIN or self.role == role

    @property
    def is_bootstrap(self) -> bool:
        return self.username == BOOTSTRAP


class UnknownUserError(InputError):
    """No user of that name."""


def check_username(name: str) -> str:
    """A user name in lower case: 2-40 letters, digits, '.', '_' or '-'."""
    clean = str(name).strip().lower()
    if not USERNAME.fullmatch(clean):
        raise InputError(f"{name!r} is not a valid user name.",
                         fix="Use 2-40 letters, digits, '.', '_' or '-', starting with a letter "
                             "or digit, e.g. 'ana.k'.")
    return clean


def check_password(password: str) -> str:
    """A new password: 12 to 200 characters of valid text."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(f"The password has {len(password)} characters; it needs "
                         f"{MIN_PASSWORD} to {MAX_PASSWORD}.",
                         fix="Use a passphrase of several words.")
    try:
        password.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError("The password contains a character that is not valid text.",
                         fix="Type the password again.") from exc
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"Unknown role {role!r}.", fix=f"Use one of: {', '.join(ROLES)}.")
    return role


def _user(row: Mapping[Hashable, Any]) -> User:
    return User(str(row["username"]), str(row["role"]))


def list_users(store: Store) -> list[User]:
    """Every user, the bootstrap admin included if it has logged in, by name."""
    frame = store.query("SELECT username, role FROM app_user ORDER BY username")
    return [_user(r) for r in frame.to_dict("records")]


def find_user(store: Store, username: str) -> User | None:
    frame = store.query("SELECT username, role FROM app_user WHERE username = ?",
                        [str(username).strip().lower()])
    return None if frame.empty else _user(frame.to_dict("records")[0])


def get_user(store: Store, username: str) -> User:
    found = find_user(store, username)
    if found is None:
        known = ", ".join(u.username for u in list_users(store)) or "none yet"
        raise UnknownUserError(f"No user {username!r}.", fix=f"Known users: {known}.")
    return found


def _refuse_bootstrap(name: str) -> None:
    if name == BOOTSTRAP:
        raise InputError(f"The user {BOOTSTRAP!r} is the bootstrap admin: its password is "
                         "MARKETSCOUT_ADMIN_PASSWORD (or admin_password in config.toml).",
                         fix="Change that setting and restart, or choose another name.")


def add_user(store: Store, username: str, role: str, password: str,
             now: datetime | None = None) -> User:
    """Create a user with a role and a password (only its salted scrypt hash is kept)."""
    name, role = check_username(username), check_role(role)
    _refuse_bootstrap(name)
    check_password(password)
    if find_user(store, name) is not None:
        raise InputError(f"The user {name!r} exists already.",
                         fix="Choose another name, or change that user's password or role.")
    stamp = now or utcnow()
    store.write([("INSERT INTO app_user VALUES (?, ?, ?, ?, ?)",
                  [name, role, hash_password(password), stamp, stamp])])
    return User(name, role)


def set_password(store: Store, username: str, password: str,
                 now: datetime | None = None) -> None:
    """Give a user a new password; their open sessions end."""
    found = get_user(store, username)
    _refuse_bootstrap(found.username)
    check_password(password)
    store.write([("UPDATE app_user SET password_hash = ?, updated_at = ? WHERE username = ?",
                  [hash_password(password), now or utcnow(), found.username]),
                 ("DELETE FROM app_session WHERE username = ?", [found.username])])


def set_role(store: Store, username: str, role: str, now: datetime | None = None) -> User:
    """Change a user's role (it applies to their next request)."""
    found = get_user(store, username)
    _refuse_bootstrap(found.username)
    store.write([("UPDATE app_user SET role = ?, updated_at = ? WHERE username = ?",
                  [check_role(role), now or utcnow(), found.username])])
    return User(found.username, role)


def remove_user(store: Store, username: str) -> None:
    """Delete a user and end their sessions at once."""
    found = get_user(store, username)
    _refuse_bootstrap(found.username)
    store.write([("DELETE FROM app_session WHERE username = ?", [found.username]),
                 ("DELETE FROM app_user WHERE username = ?", [found.username])])


def password_hash(store: Store, username: str) -> str | None:
    frame = store.query("SELECT password_hash FROM app_user WHERE username = ?", [username])
    return None if frame.empty else str(frame["password_hash"].iloc[0])


def sync_bootstrap(store: Store, configured: str | None, now: datetime | None = None) -> None:
    """Keep the bootstrap admin in step with the configured password: re-hashed when it
    changes; removed (with its sessions) when no password is configured."""
    stored = password_hash(store, BOOTSTRAP)
    if not configured:
        if stored is not None:
            store.write([("DELETE FROM app_session WHERE username = ?", [BOOTSTRAP]),
                         ("DELETE FROM app_user WHERE username = ?", [BOOTSTRAP])])
        return
    if stored is not None and verify_password(configured, stored):
        return
    stamp = now or utcnow()
    statement = ("UPDATE app_user SET password_hash = ?, role = ?, updated_at = ? "
                 "WHERE username = ?", [hash_password(configured), ADMIN, stamp, BOOTSTRAP])
    if stored is None:
        statement = ("INSERT INTO app_user VALUES (?, ?, ?, ?, ?)",
                     [BOOTSTRAP, ADMIN, hash_password(configured), stamp, stamp])
    store.write([statement, ("DELETE FROM app_session WHERE username = ?", [BOOTSTRAP])])


def users_frame(store: Store) -> pd.DataFrame:
    """Users with role and dates, for listings (no hashes)."""
    return store.query("SELECT username, role, created_at, updated_at FROM app_user "
                       "ORDER BY username")
