"""Password hashing for ``password`` attributes: argon2id (argon2-cffi); older scrypt hashes still verify.

New hashes are argon2id in the standard encoded form
(``$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>``), which carries its own
cost, so the cost can change and every stored hash still verifies.
Hashes made by earlier versions (``scrypt$<n>$<r>$<p>$<salt>$<hash>``)
verify too; ``needs_rehash`` says a stored hash is not what
``hash_password`` makes today (scrypt, or argon2id at another cost), so a
login can store a fresh one.

* ``verify_password`` compares in constant time (argon2's own comparison,
  ``hmac.compare_digest`` for scrypt). Given no stored hash at all (an
  unknown user) it checks against a dummy hash of the same cost and says
  False, so that answer takes as long as a wrong password does.
* ``configure(time_cost=..., memory_cost=..., parallelism=...)`` sets the
  cost of new hashes for this process (a test lowers it; the defaults are
  argon2-cffi's, RFC 9106's low-memory profile).
* ``is_hash``: a value that already is a hash is stored as is, so copying a
  row (publishing a draft) does not hash twice. Only hashes whose cost is
  within ``LIMITS`` count: a stored "hash" asking for gigabytes of memory is
  never run, and a value claiming such a cost is hashed like any password.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import threading
from dataclasses import dataclass

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "verify_password", "needs_rehash", "is_hash", "configure", "Cost", "LIMITS"]


@dataclass(frozen=True)
class Cost:
    """An argon2id cost: passes (``time_cost``), KiB of memory (``memory_cost``), lanes (``parallelism``)."""

    time_cost: int = 3
    memory_cost: int = 65536
    parallelism: int = 4


#: The most a stored hash may ask for (argon2id and scrypt alike): anything beyond is not a hash of ours.
LIMITS = Cost(time_cost=16, memory_cost=1024 * 1024, parallelism=16)
_SCRYPT_MAX_N, _SCRYPT_MAX_R, _SCRYPT_MAX_P = 2**20, 32, 16
_SCRYPT_MAX_MEMORY = 256 * 1024 * 1024  # bytes: 128 * n * r, as hashlib.scrypt's maxmem counts it


class _State:
    """The hasher for the current cost and a dummy hash made with it (on first need)."""

    def __init__(self, cost: Cost) -> None:
        self.cost = cost
        self.hasher = PasswordHasher(time_cost=cost.time_cost, memory_cost=cost.memory_cost,
                                     parallelism=cost.parallelism, type=Type.ID)
        self._dummy: str | None = None
        self._lock = threading.Lock()

    @property
    def dummy(self) -> str:
        if self._dummy is None:
            with self._lock:
                if self._dummy is None:
                    self._dummy = self.hasher.hash("minikoa: no such password")
        return self._dummy


_state = _State(Cost())


def configure(time_cost: int | None = None, memory_cost: int | None = None,
              parallelism: int | None = None) -> Cost:
    """Set the argon2id cost of new hashes (what is not given stays); returns the cost before.

    A ValueError for a cost outside argon2's rules or above ``LIMITS``.
    """
    before = _state.cost
    cost = Cost(time_cost=before.time_cost if time_cost is None else time_cost,
                memory_cost=before.memory_cost if memory_cost is None else memory_cost,
                parallelism=before.parallelism if parallelism is None else parallelism)
    for name in ("time_cost", "memory_cost", "parallelism"):
        value = getattr(cost, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= getattr(LIMITS, name):
            raise ValueError(f"argon2 {name} must be a whole number from 1 to {getattr(LIMITS, name)}, not {value!r}")
    if cost.memory_cost < 8 * cost.parallelism:
        raise ValueError(f"argon2 memory_cost must be at least 8 KiB per lane ({8 * cost.parallelism})")
    _swap(cost)
    return before


def _swap(cost: Cost) -> None:
    global _state
    _state = _State(cost)


def hash_password(password: str) -> str:
    """A salted argon2id hash of ``password`` at the current cost."""
    return _state.hasher.hash(password)


def is_hash(value: str) -> bool:
    """Whether ``value`` is a hash this module made (today or before), within ``LIMITS``."""
    if value.startswith("$argon2id$"):
        return _argon2_cost(value) is not None
    return _scrypt_parts(value) is not None


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches the ``stored`` hash, in constant time; False for anything malformed.

    With no ``stored`` hash, a dummy one is checked (and False returned), so the caller's answer
    takes as long as for a wrong password.
    """
    state = _state
    if stored is None:
        _argon2_verify(state.hasher, state.dummy, password)
        return False
    if stored.startswith("$argon2id$"):
        return _argon2_cost(stored) is not None and _argon2_verify(state.hasher, stored, password)
    parts = _scrypt_parts(stored)
    if parts is None:
        return False
    n, r, p, salt, expected = parts
    got = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected),
                         maxmem=_SCRYPT_MAX_MEMORY + 1024 * 1024)
    return hmac.compare_digest(got, expected)


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` is not what ``hash_password`` makes today (scrypt, or another argon2 cost)."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return _state.hasher.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


def _argon2_verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError, ValueError):  # a mismatch is a VerificationError
        return False


def _argon2_cost(value: str) -> Cost | None:
    """The cost an argon2id hash asks for, if it is well formed and within ``LIMITS``."""
    try:
        params = extract_parameters(value)
    except (InvalidHashError, ValueError, TypeError):
        return None
    cost = Cost(time_cost=params.time_cost, memory_cost=params.memory_cost, parallelism=params.parallelism)
    if params.type is not Type.ID or params.version != 19 or params.hash_len < 16 or params.salt_len < 8:
        return None
    if not (1 <= cost.time_cost <= LIMITS.time_cost and 8 <= cost.memory_cost <= LIMITS.memory_cost
            and 1 <= cost.parallelism <= LIMITS.parallelism):
        return None
    return cost


def _scrypt_parts(value: str) -> tuple[int, int, int, bytes, bytes] | None:
    """``(n, r, p, salt, digest)`` of an scrypt hash within bounds, else None."""
    parts = value.split("$")
    if len(parts) != 6 or parts[0] != "scrypt" or not all(p.isdigit() and len(p) < 9 for p in parts[1:4]):
        return None
    n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
    if not (1 < n <= _SCRYPT_MAX_N and n & (n - 1) == 0 and 1 <= r <= _SCRYPT_MAX_R and 1 <= p <= _SCRYPT_MAX_P
            and 128 * n * r <= _SCRYPT_MAX_MEMORY):
        return None
    try:
        salt, digest = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except (binascii.Error, ValueError):
        return None
    if not salt or not 16 <= len(digest) <= 64:
        return None
    return n, r, p, salt, digest
