"""httpbin has no accounts: the probe runs anonymously (no users to create)."""

ROLES = []


def create_users(client, users, setup):
    pass


def login(client, user):
    return None
