from minikoa.content.passwords import hash_password, is_hash, verify_password


def test_hash_and_verify():
    stored = hash_password("s3cret")
    assert is_hash(stored) and stored != hash_password("s3cret")  # salted
    assert verify_password("s3cret", stored) and not verify_password("nope", stored)
    assert not verify_password("x", None) and not verify_password("x", "scrypt$1$2$3$!!$!!")
