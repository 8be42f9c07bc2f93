"""Users, roles, logins and their limits (marketscout.access), and `marketscout users`.

The lockout tests run guesses in threads at once: checking the limit and counting the attempt
must be one step (issue 17: 40 concurrent guesses from one address checked 6+ passwords;
160 from 160 addresses checked more than 100).
"""

from __future__ import annotations

import contextlib
import io
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from marketscout import access
from marketscout.access import passwords, sessions
from marketscout.errors import InputError
from marketscout.settings import load_settings
from marketscout.store import Store

NOW = datetime(2030, 3, 1, 12, 0)
GOOD = "a passphrase of words"


def test_password_hash_is_salted_scrypt() -> None:
    first, second = access.hash_password("s3cret"), access.hash_password("s3cret")
    assert first != second and first.startswith("scrypt$16384$8$1$") and "s3cret" not in first
    assert access.verify_password("s3cret", first) and not access.verify_password("S3cret", first)
    assert not access.verify_password("s3cret", "not a hash")
    assert not access.verify_password("\ud800", first)  # not valid text: no match, no crash


def test_users_are_checked(store: Store) -> None:
    made = access.add_user(store, " Ana.K ", "analyst", GOOD, now=NOW)
    assert made == access.User("ana.k", "analyst") and not made.has("admin")
    assert made.has("analyst") and access.User("x", "admin").has("analyst")
    stored = store.query("SELECT password_hash FROM app_user")["password_hash"].iloc[0]
    assert GOOD not in stored and access.verify_password(GOOD, stored)
    for name, role, password, words in [
            ("ana.k", "analyst", GOOD, "exists already"),
            ("a", "analyst", GOOD, "not a valid user name"),
            ("ana k", "analyst", GOOD, "not a valid user name"),
            ("admin", "admin", GOOD, "bootstrap admin"),
            ("bo", "root", GOOD, "Unknown role"),
            ("bo", "analyst", "short", "it needs 12 to 200"),
            ("bo", "analyst", "x" * 11 + "\ud800", "not valid text")]:
        with pytest.raises(InputError, match=words):
            access.add_user(store, name, role, password)
    assert [u.username for u in access.list_users(store)] == ["ana.k"]


def test_login_sessions_and_their_end(store: Store) -> None:
    access.add_user(store, "ana", "analyst", GOOD, now=NOW)
    session = access.login(store, "ana", GOOD, "10.0.0.1", now=NOW)
    assert session and access.session_user(store, session, NOW) == access.User("ana", "analyst")
    assert access.session_user(store, session, NOW + access.SESSION_LIFETIME) is None
    assert access.login(store, "ana", "wrong password", "10.0.0.1", now=NOW) is None
    assert access.login(store, "nobody", GOOD, "10.0.0.1", now=NOW) is None
    access.set_role(store, "ana", "admin")  # applies to the live session at once
    assert access.session_user(store, session, NOW) == access.User("ana", "admin")
    access.set_password(store, "ana", "another passphrase")  # ends every session
    assert access.session_user(store, session, NOW) is None
    again = access.login(store, "ANA", "another passphrase", "10.0.0.1", now=NOW)
    access.end_session(store, again)
    assert access.session_user(store, again, NOW) is None
    last = access.login(store, "ana", "another passphrase", "10.0.0.1", now=NOW)
    access.remove_user(store, "ana")
    assert access.session_user(store, last, NOW) is None


def test_the_bootstrap_admin_follows_the_configured_password(store: Store) -> None:
    access.sync_bootstrap(store, "first password", now=NOW)
    session = access.login(store, "", "first password", "10.0.0.1", now=NOW)  # name: admin
    assert access.session_user(store, session, NOW) == access.User("admin", "admin")
    access.sync_bootstrap(store, "first password", now=NOW)  # unchanged: the session lives
    assert access.session_user(store, session, NOW) is not None
    access.sync_bootstrap(store, "second password", now=NOW)
    assert access.session_user(store, session, NOW) is None  # a new password ends sessions
    assert access.login(store, "admin", "first password", "10.0.0.2", now=NOW) is None
    assert access.login(store, "admin", "second password", "10.0.0.2", now=NOW)
    access.sync_bootstrap(store, None)  # no password configured: no bootstrap admin
    assert access.find_user(store, "admin") is None
    with pytest.raises(InputError, match="bootstrap admin"):  # never made by hand
        access.add_user(store, "admin", "admin", GOOD)


def test_login_attempts_are_limited_per_address(store: Store) -> None:
    access.sync_bootstrap(store, "s3cret s3cret", now=NOW)
    for i in range(access.PER_CLIENT_FAILURES):
        assert access.login(store, "admin", f"guess{i}", "10.0.0.1",
                            now=NOW + timedelta(minutes=i)) is None
    later = NOW + timedelta(minutes=5)
    with pytest.raises(access.LoginLockedError) as locked:
        access.login(store, "admin", "s3cret s3cret", "10.0.0.1", now=later)  # even the right one
    # the first failure (at NOW) leaves the 15-minute window at NOW + 15 min: 600 s from now
    assert locked.value.retry_after == 601
    assert access.login(store, "admin", "s3cret s3cret", "10.0.0.2", now=later)
    assert access.login(store, "admin", "s3cret s3cret", "10.0.0.1",
                        now=NOW + timedelta(minutes=16))


def test_login_attempts_are_limited_overall(store: Store, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    monkeypatch.setattr(sessions, "GLOBAL_FAILURES", 3)
    access.sync_bootstrap(store, "s3cret s3cret", now=NOW)
    for i in range(3):
        access.login(store, "admin", "guess", f"10.0.1.{i}", now=NOW)
    with pytest.raises(access.LoginLockedError, match="on this server"):
        access.login(store, "admin", "s3cret s3cret", "10.0.2.1", now=NOW)


def _guess_at_once(db: Path, clients: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """Wrong guesses from `clients`, all sent together (one thread each); the number of
    passwords actually checked."""
    checked: list[str] = []
    real = passwords.verify_password

    def counted(password: str, stored: str) -> bool:
        checked.append(password)
        time.sleep(0.02)  # a check takes time (scrypt): the window a race needs
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify_password", counted)
    barrier = threading.Barrier(len(clients))

    def guess(client: str) -> None:
        with Store(db) as own:
            barrier.wait(timeout=60)
            with contextlib.suppress(access.LoginLockedError):
                access.login(own, "admin", "wrong guess", client)

    threads = [threading.Thread(target=guess, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return len(checked)


@pytest.fixture
def bootstrapped(tmp_path: Path) -> Path:
    db = tmp_path / "m.duckdb"
    with Store(db) as store:
        access.sync_bootstrap(store, "the right password")
    return db


def test_concurrent_guesses_from_one_address_check_five_passwords(
        bootstrapped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _guess_at_once(bootstrapped, ["10.0.0.9"] * 40, monkeypatch) == 5


def test_concurrent_guesses_from_many_addresses_check_at_most_the_global_limit(
        bootstrapped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "GLOBAL_FAILURES", 20)  # 100 in production: same logic
    clients = [f"10.1.{i // 250}.{i % 250}" for i in range(32)]
    assert _guess_at_once(bootstrapped, clients, monkeypatch) == 20


def test_read_access_setting(store: Store) -> None:
    assert access.load_options(store)["read_access"] == "auto"
    assert access.reading_is_open("auto", "127.0.0.1") and access.reading_is_open("auto", "::1")
    assert access.reading_is_open("auto", "localhost")
    assert not access.reading_is_open("auto", "0.0.0.0")
    assert not access.reading_is_open("auto", "192.168.1.5")
    assert access.reading_is_open("open", "0.0.0.0")
    assert not access.reading_is_open("login", "127.0.0.1")
    with pytest.raises(InputError, match="Unknown read access"):
        access.options.check_read_access("everyone")


def test_users_commands(run: Callable[..., tuple[int, str, str]],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    def with_password(*args: str, password: str = GOOD) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
        return run("users", *args, "--password-stdin")

    code, out, err = with_password("add", "ana", "--role", "analyst")
    assert code == 0 and "Created ana (analyst)" in out, err
    code, _, err = with_password("add", "bo", password="short")
    assert code == 2 and "it needs 12 to 200" in err
    code, out, _ = run("users", "list")
    assert code == 0 and "ana" in out and "analyst" in out and "scrypt" not in out
    assert run("users", "set-role", "ana", "admin")[0] == 0
    assert with_password("set-password", "ana", password="a new passphrase")[0] == 0
    with Store(load_settings().db_path) as store:
        assert access.login(store, "ana", "a new passphrase", "127.0.0.1")
        assert access.get_user(store, "ana").role == "admin"
    assert run("users", "remove", "ana")[0] == 0
    code, _, err = run("users", "remove", "ana")
    assert code == 2 and "No user 'ana'" in err


def test_a_success_resets_the_addresss_failure_count(store: Store) -> None:
    access.sync_bootstrap(store, "s3cret s3cret", now=NOW)
    at = [NOW + timedelta(seconds=s) for s in range(20)]
    for i in range(access.PER_CLIENT_FAILURES - 1):  # 4 failures: not yet locked
        assert access.login(store, "admin", f"guess{i}", "10.0.0.1", now=at[i]) is None
    assert access.login(store, "admin", "s3cret s3cret", "10.0.0.1", now=at[5])  # resets
    for i in range(access.PER_CLIENT_FAILURES - 1):  # 4 more: 4 since the success
        assert access.login(store, "admin", f"again{i}", "10.0.0.1", now=at[6 + i]) is None
    assert access.login(store, "admin", "s3cret s3cret", "10.0.0.1", now=at[11])
    for i in range(access.PER_CLIENT_FAILURES):  # 5 since the last success: locked
        assert access.login(store, "admin", f"more{i}", "10.0.0.1", now=at[12 + i]) is None
    with pytest.raises(access.LoginLockedError):
        access.login(store, "admin", "s3cret s3cret", "10.0.0.1", now=at[18])


def test_password_and_user_name_lengths_are_inclusive(store: Store) -> None:
    for ok in ("x" * 12, "x" * 200):
        assert access.users.check_password(ok) == ok
    for bad in ("x" * 11, "x" * 201):
        with pytest.raises(InputError, match="it needs 12 to 200"):
            access.users.check_password(bad)
    longest = "a" * 40  # user names take 2 to 40 characters, and each can log in
    access.add_user(store, longest, "analyst", GOOD, now=NOW)
    assert access.login(store, longest, GOOD, "10.0.0.1", now=NOW)
    assert access.add_user(store, "ab", "analyst", GOOD, now=NOW).username == "ab"
    with pytest.raises(InputError, match="not a valid user name"):
        access.add_user(store, "a" * 41, "analyst", GOOD, now=NOW)
