"""The smallest Django project that serves django-allauth's headless API to a browser
client (an SPA on the same site): session cookie and CSRF token, sign-up by e-mail and
password, no e-mail verification. Everything not written here is allauth's and Django's
default, as allauth's headless documentation sets it up.
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
    "allauth",
    "allauth.account",
    "allauth.headless",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]

# Test support (stack/hooks.py), only when start.sh asks for it.
HOOKS = os.environ.get("STACK_CONFORMANCE_HOOKS") == "1"
if HOOKS:
    MIDDLEWARE.insert(1, "stack.hooks.store_fault_middleware")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
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
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# E-mail and password, no username, no verification: signing up logs the user in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# The browser client only, and no allauth HTML pages beside it.
HEADLESS_CLIENTS = ("browser",)
HEADLESS_ONLY = True
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/account/verify-email/{key}",
    "account_reset_password_from_key": "/account/password/reset/key/{key}",
    "account_signup": "/account/signup",
}

# The suite opens about a hundred sessions from 127.0.0.1 within seconds; allauth's
# per-address rate limits (sign-up 20 a minute per IP) would refuse most of them. A
# deployment behind a proxy sees each client's own address.
ACCOUNT_RATE_LIMITS = False
