"""Password hashing for ``password`` attributes (scrypt, from the standard library).

Stored as ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (base64), so the cost can be
raised later and old hashes still verify. ``verify`` compares in constant
time. A value that already looks like a hash is stored as is, so copying a
row (publishing a draft) does not hash twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["hash_password", "verify_password", "is_hash"]

_N, _R, _P = 2**14, 8, 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def is_hash(value: str) -> bool:
    parts = value.split("$")
    return len(parts) == 6 and parts[0] == "scrypt" and all(p.isdigit() for p in parts[1:4])


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches the ``stored`` hash (False for anything malformed)."""
    if not stored or not is_hash(stored):
        return False
    _, n, r, p, salt, digest = stored.split("$")
    try:
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(expected))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got, expected)
