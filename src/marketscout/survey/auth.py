"""The survey admin's login: a salted scrypt hash, server-side sessions, attempt limits.

No web framework here: the web layer turns these answers into cookies and HTTP statuses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from marketscout.errors import InputError
from marketscout.store import Store
from marketscout.survey.rounds import hash_token, utcnow

ADMIN = "admin"
# scrypt cost n=2**14, r=8, p=1: the interactive-login parameters of Percival's scrypt paper,
# as recommended in Python's hashlib docs (about 16 MiB and a few tens of ms per check).
SCRYPT = (2**14, 8, 1)
SESSION_LIFETIME = timedelta(hours=8)
WINDOW = timedelta(minutes=15)  # failures count for 15 minutes; a lockout lasts that long
PER_CLIENT_FAILURES = 5  # from one IP address (a success resets its count)
GLOBAL_FAILURES = 100  # from all addresses together: slows guessing spread over many IPs


class LoginLockedError(InputError):
    """Too many failed logins: wait `retry_after` seconds."""

    def __init__(self, retry_after: int, scope: str) -> None:
        self.retry_after = retry_after
        super().__init__(f"Too many failed logins {scope}; try again in "
                         f"{max(1, retry_after // 60)} minute(s).",
                         fix="Wait, then log in with the password from "
                         "MARKETSCOUT_ADMIN_PASSWORD or config.toml.")


class AdminDisabledError(InputError):
    """No admin password is configured."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    """'scrypt$n$r$p$salt$hash' of a password with a random 16-byte salt."""
    n, r, p = SCRYPT
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches a stored scrypt hash (compared in constant time)."""
    try:
        name, n, r, p, salt, digest = stored.split("$")
        found = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n),
                               r=int(r), p=int(p), dklen=len(digest) // 2)
    except ValueError:
        return False
    return name == "scrypt" and hmac.compare_digest(found.hex(), digest)


def _stored_hash(store: Store) -> str | None:
    frame = store.query("SELECT password_hash FROM survey_admin WHERE username = ?", [ADMIN])
    return None if frame.empty else str(frame["password_hash"].iloc[0])


def sync_admin_password(store: Store, configured: str | None,
                        now: datetime | None = None) -> None:
    """Keep the stored hash in step with the configured password (re-hashed when it changes)."""
    if not configured:
        raise AdminDisabledError(
            "Admin login is off: no admin password is configured.",
            fix="Set MARKETSCOUT_ADMIN_PASSWORD, or admin_password in config.toml, and restart.")
    stored = _stored_hash(store)
    if stored is None or not verify_password(configured, stored):
        store.write([("DELETE FROM survey_admin WHERE username = ?", [ADMIN]),
                     ("INSERT INTO survey_admin VALUES (?, ?, ?)",
                      [ADMIN, hash_password(configured), now or utcnow()])])


def _failures(store: Store, since: datetime, client: str | None) -> list[datetime]:
    """Failed attempts since `since` (one client's since its last success), newest first."""
    sql = "SELECT attempted_at FROM survey_login_attempt WHERE NOT ok AND attempted_at > ?"
    params: list[object] = [since]
    if client is not None:
        sql += (" AND client = ? AND attempted_at > coalesce((SELECT max(attempted_at) FROM "
                "survey_login_attempt WHERE client = ? AND ok), TIMESTAMP '1970-01-01')")
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


def record_attempt(store: Store, client: str, ok: bool, now: datetime | None = None) -> None:
    """Log one login attempt; attempts older than a day are dropped."""
    now = now or utcnow()
    store.write([("DELETE FROM survey_login_attempt WHERE attempted_at < ?",
                  [now - timedelta(days=1)]),
                 ("INSERT INTO survey_login_attempt VALUES (?, ?, ?)", [client, now, ok])])


def login(store: Store, configured: str | None, given: str, client: str,
          now: datetime | None = None) -> str | None:
    """A new session id when `given` is the admin password, else None (attempts limited)."""
    now = now or utcnow()
    if configured:  # a locked-out client costs no scrypt work
        check_lockout(store, client, now)
    sync_admin_password(store, configured, now)
    stored = _stored_hash(store) or ""
    ok = verify_password(given, stored)
    record_attempt(store, client, ok, now)
    return create_session(store, now) if ok else None


def create_session(store: Store, now: datetime | None = None) -> str:
    """A random session id (256 bits); only its hash is stored, with an expiry."""
    now = now or utcnow()
    session = secrets.token_urlsafe(32)
    store.write([("DELETE FROM survey_session WHERE expires_at < ?", [now]),
                 ("INSERT INTO survey_session VALUES (?, ?, ?, ?)",
                  [hash_token(session), ADMIN, now, now + SESSION_LIFETIME])])
    return session


def session_valid(store: Store, session: str | None, now: datetime | None = None) -> bool:
    """True for a live admin session id."""
    if not session or len(session) > 100:
        return False
    wanted = hash_token(session)
    frame = store.query("SELECT session_hash FROM survey_session WHERE session_hash = ? "
                        "AND expires_at > ?", [wanted, now or utcnow()])
    return any(hmac.compare_digest(str(h), wanted) for h in frame["session_hash"])


def end_session(store: Store, session: str | None) -> None:
    """Log out: the session id stops working at once."""
    if session:
        store.write([("DELETE FROM survey_session WHERE session_hash = ?",
                      [hash_token(session)])])

