"""The settings every Django example stack starts from (`from djangostack.settings
import *`): a loopback deployment on one SQLite file, Django's own middleware in its
documented order, and the test-support middleware when start.sh asks for it. Each
stack's own settings add its apps and what its library's documentation sets up.
"""
import os

SECRET_KEY = "example-stack-only-this-is-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "stack.urls"
USE_TZ = True

# Django's own middleware, as `startproject` orders it (less what the stacks do not use).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

# Test support (djangostack.hooks), only when start.sh asks for it.
HOOKS = os.environ.get("STACK_CONFORMANCE_HOOKS") == "1"


def with_hooks(middleware: list[str]) -> list[str]:
    """`middleware` with the store-fault middleware second when the hooks are on: after
    the first (security or CORS) middleware, before the session is read."""
    if not HOOKS:
        return middleware
    return [*middleware[:1], "djangostack.hooks.store_fault_middleware", *middleware[1:]]


# One SQLite file per run (start.sh makes it in .run/PORT and sets STACK_DB); a write
# waits up to 20 s for another instead of failing at once.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("STACK_DB", os.path.join(".run", "db.sqlite3")),
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}

# Fast hashing: the suite registers about 50 users; the default PBKDF2 costs ~0.3 s each.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
