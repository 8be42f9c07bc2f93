"""Logging in: attempt limits (checked and counted atomically), sessions stored as hashes.

No web framework here: the web layer turns these answers into cookies and HTTP statuses.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from datetime import datetime, timedelta
from functools import cache

from marketscout.access import passwords
from marketscout.access.users import BOOTSTRAP, User, find_user, password_hash, utcnow
from marketscout.errors import InputError
from marketscout.store import Store

SESSION_LIFETIME = timedelta(hours=8)
WINDOW = timedelta(minutes=15)  # failures count for 15 minutes; a lockout lasts that long
PER_CLIENT_FAILURES = 5  # from one IP address (a success resets its count)
GLOBAL_FAILURES = 100  # from all addresses together: slows guessing spread over many IPs
# Checking the limits and counting the attempt is one step under this lock, so concurrent
# guesses cannot all pass the check before any is counted (issue 17: 40 at once from one
# address checked 6+ passwords). One server process serves the app (see docs/web.md).
_ATTEMPTS = threading.Lock()


class LoginLockedError(InputError):
    """Too many failed logins: wait `retry_after` seconds."""

    def __init__(self, retry_after: int, scope: str) -> None:
        self.retry_after = retry_after
        super().__init__(f"Too many failed logins {scope}; try again in "
                         f"{max(1, retry_after // 60)} minute(s).",
                         fix="Wait, then log in again; an admin can reset a forgotten "
                             "password (`marketscout users set-password NAME`).")


@cache
def _dummy_hash() -> str:
    """A hash no password matches: a name of no user still costs one scrypt check, so the
    time of an answer does not tell which names exist."""
    return passwords.hash_password(secrets.token_urlsafe(16))


def _failures(store: Store, since: datetime, client: str | None) -> list[datetime]:
    """Failed attempts since `since` (one client's since its last success), newest first."""
    sql = "SELECT attempted_at FROM app_login_attempt WHERE NOT ok AND attempted_at > ?"
    params: list[object] = [since]
    if client is not None:
        sql += (" AND client = ? AND attempted_at > coalesce((SELECT max(attempted_at) FROM "
                "app_login_attempt WHERE client = ? AND ok), TIMESTAMP '1970-01-01')")
        params += [client, client]
    frame = store.query(sql + " ORDER BY attempted_at DESC", params)
    return [t.to_pydatetime() for t in frame["attempted_at"]]


def check_lockout(store: Store, client: str, now: datetime | None = None) -> None:
    """Raise LoginLockedError while this client, or everyone, has too many recent failures."""
    now = now or utcnow()
    for scope, who, limit in (("from your address", client, PER_CLIENT_FAILURES),
                              ("on this server", None, GLOBAL_FAILURES)):
        recent = _failures(store, now - WINDOW, who)
        if len(recent) >= limit:
            # locked until the limit-th most recent failure leaves the window
            retry = (recent[limit - 1] + WINDOW - now).total_seconds()
            raise LoginLockedError(int(retry) + 1, scope)


def reserve_attempt(store: Store, client: str, now: datetime | None = None) -> str:
    """Check the limits and count one attempt as failed, atomically; return its id.

    The attempt is turned into a success by `_succeeded` once the password is right.
    """
    now = now or utcnow()
    attempt = secrets.token_hex(16)
    with _ATTEMPTS:
        check_lockout(store, client, now)
        store.write([("DELETE FROM app_login_attempt WHERE attempted_at < ?",
                      [now - timedelta(days=1)]),
                     ("INSERT INTO app_login_attempt VALUES (?, ?, ?, FALSE)",
                      [attempt, client, now])])
    return attempt


def _succeeded(store: Store, attempt: str) -> None:
    store.write([("UPDATE app_login_attempt SET ok = TRUE WHERE attempt_id = ?", [attempt])])


def login(store: Store, username: str, password: str, client: str,
          now: datetime | None = None) -> str | None:
    """A new session id when `password` is `username`'s, else None (attempts limited)."""
    now = now or utcnow()
    attempt = reserve_attempt(store, client, now)  # a locked-out client costs no scrypt
    name = str(username).strip().lower() or BOOTSTRAP
    stored = password_hash(store, name) if len(name) <= 40 else None
    ok = passwords.verify_password(password, stored or _dummy_hash()) and stored is not None
    if not ok:
        return None
    _succeeded(store, attempt)
    return create_session(store, name, now)


def create_session(store: Store, username: str, now: datetime | None = None) -> str:
    """A random session id (256 bits) for `username`; only its hash is stored, with expiry."""
    now = now or utcnow()
    session = secrets.token_urlsafe(32)
    store.write([("DELETE FROM app_session WHERE expires_at < ?", [now]),
                 ("INSERT INTO app_session VALUES (?, ?, ?, ?)",
                  [passwords.hash_token(session), username, now, now + SESSION_LIFETIME])])
    return session


def session_user(store: Store, session: str | None, now: datetime | None = None
                 ) -> User | None:
    """The user of a live session id, with their current role; None otherwise."""
    if not session or len(session) > 100:
        return None
    wanted = passwords.hash_token(session)
    frame = store.query("SELECT session_hash, username FROM app_session WHERE "
                        "session_hash = ? AND expires_at > ?", [wanted, now or utcnow()])
    for found, username in zip(frame["session_hash"], frame["username"], strict=True):
        if hmac.compare_digest(str(found), wanted):
            return find_user(store, str(username))
    return None


def end_session(store: Store, session: str | None) -> None:
    """Log out: the session id stops working at once."""
    if session:
        store.write([("DELETE FROM app_session WHERE session_hash = ?",
                      [passwords.hash_token(session)])])
