"""Password hashes: argon2id at a settable cost, scrypt hashes of earlier versions still verify, bounds."""

from __future__ import annotations

import base64
import hashlib
import secrets

import pytest

from minikoa.content import passwords
from minikoa.content.passwords import LIMITS, configure, hash_password, is_hash, needs_rehash, verify_password


def scrypt_hash(password: str, n: int = 2**14, r: int = 8, p: int = 1) -> str:
    """A hash as earlier versions of minikoa stored them."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


@pytest.fixture
def cost():
    """Restores the cost the suite runs at after a test changes it."""
    before = configure()
    yield
    configure(before.time_cost, before.memory_cost, before.parallelism)


def test_hash_and_verify():
    stored = hash_password("s3cret")
    assert stored.startswith("$argon2id$v=19$") and is_hash(stored)
    assert stored != hash_password("s3cret")  # salted
    assert verify_password("s3cret", stored) and not verify_password("nope", stored)
    assert not verify_password("x", None) and not verify_password("x", "scrypt$1$2$3$!!$!!")
    assert not verify_password("x", "$argon2id$v=19$garbage") and not verify_password("x", "plain text")


def test_hashes_of_earlier_versions_still_verify_and_want_a_rehash():
    old = scrypt_hash("s3cret")
    assert is_hash(old) and verify_password("s3cret", old) and not verify_password("nope", old)
    assert needs_rehash(old) and not needs_rehash(hash_password("s3cret"))


def test_the_cost_is_settable_and_a_hash_of_another_cost_wants_a_rehash(cost):
    cheap = hash_password("s3cret")
    configure(time_cost=2, memory_cost=16)
    dearer = hash_password("s3cret")
    assert "m=16,t=2" in dearer and needs_rehash(cheap) and not needs_rehash(dearer)
    assert verify_password("s3cret", cheap) and verify_password("s3cret", dearer)  # every cost verifies
    for bad in ({"time_cost": 0}, {"memory_cost": LIMITS.memory_cost + 1}, {"parallelism": 4, "memory_cost": 8},
                {"time_cost": True}):
        with pytest.raises(ValueError, match="argon2"):
            configure(**bad)


def test_a_hash_asking_for_too_much_is_neither_a_hash_nor_run():
    # Written by hand: running it would take 4 GiB of memory, which is the point.
    encoded = (f"$argon2id$v=19$m={LIMITS.memory_cost * 4},t=1,p=1$c29tZXNhbHRzYWx0"
               "$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
    assert not is_hash(encoded) and not verify_password("x", encoded)
    assert not is_hash(f"scrypt${2**30}$8$1$c2FsdA==$" + base64.b64encode(b"d" * 32).decode())
    assert needs_rehash(encoded)


def test_no_stored_hash_costs_as_much_as_a_wrong_password(monkeypatch):
    checked = []
    real = passwords._argon2_verify
    monkeypatch.setattr(passwords, "_argon2_verify", lambda *a: checked.append(a[1]) or real(*a))
    assert not verify_password("x", None)
    assert checked and checked[0].startswith("$argon2id$")  # a dummy hash was checked
