"""Password hashes: salted scrypt, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# scrypt cost n=2**14, r=8, p=1: the interactive-login parameters of Percival's scrypt paper,
# as recommended in Python's hashlib docs (about 16 MiB and a few tens of ms per check).
SCRYPT = (2**14, 8, 1)


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
    except (ValueError, UnicodeEncodeError):
        return False
    return name == "scrypt" and hmac.compare_digest(found.hex(), digest)


def hash_token(token: str) -> str:
    """sha256 of a random token, hex: what the store keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
