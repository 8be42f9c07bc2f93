"""Who may see and change what: users and roles, logins and sessions, the admin's settings.

Library only (no web framework): `marketscout users ...` and the web app (`web/auth.py`,
/login, /admin/users, /admin/settings) are thin layers over these functions. See docs/web.md.
"""

from __future__ import annotations

from marketscout.access.options import load_options, reading_is_open, save_options
from marketscout.access.passwords import hash_password, hash_token, verify_password
from marketscout.access.sessions import (
    GLOBAL_FAILURES,
    PER_CLIENT_FAILURES,
    SESSION_LIFETIME,
    WINDOW,
    LoginLockedError,
    create_session,
    end_session,
    login,
    session_user,
)
from marketscout.access.users import (
    ADMIN,
    ANALYST,
    BOOTSTRAP,
    ROLES,
    User,
    add_user,
    find_user,
    get_user,
    list_users,
    remove_user,
    set_password,
    set_role,
    sync_bootstrap,
)

__all__ = [
    "ADMIN", "ANALYST", "BOOTSTRAP", "GLOBAL_FAILURES", "PER_CLIENT_FAILURES", "ROLES",
    "SESSION_LIFETIME", "WINDOW", "LoginLockedError", "User", "add_user", "create_session",
    "end_session", "find_user", "get_user", "hash_password", "hash_token", "list_users",
    "load_options", "login", "reading_is_open", "remove_user", "save_options", "session_user",
    "set_password", "set_role", "sync_bootstrap", "verify_password",
]
