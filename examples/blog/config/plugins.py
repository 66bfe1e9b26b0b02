config = {
    # Users and permissions arrive with the next change to the blog (registering, logging in,
    # writing with a JWT); until then its routes keep their own token policy.
    "users-permissions": {"enabled": False},
}
