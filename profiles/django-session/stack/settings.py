"""The smallest Django project whose login and logout are Django's own views.

Sessions in the database (django.contrib.sessions' default backend), CSRF protection on
every POST (the middleware's default), LoginView and LogoutView from
django.contrib.auth.urls, a sign-up form that is Django's own UserCreationForm. What a
team gets from Django's documentation, with nothing tuned to the kit.
"""
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "example-stack-only-this-is-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "stack.urls"
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "stack",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

# Test support (stack/hooks.py), only when start.sh asks for it.
HOOKS = os.environ.get("STACK_CONFORMANCE_HOOKS") == "1"
if HOOKS:
    MIDDLEWARE.insert(1, "stack.hooks.store_fault_middleware")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# One SQLite file per run (start.sh removes it first); a write waits up to 20 s for
# another instead of failing at once.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("STACK_DB", str(HERE.parent / ".run" / "db.sqlite3")),
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}

# Fast hashing: the suite registers about 50 users; the default PBKDF2 costs ~0.3 s each.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/me/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
