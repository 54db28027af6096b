"""The smallest Django project that serves dj-rest-auth in cookie JWT mode.

Everything not written here is the libraries' default: what a team gets when it follows
dj-rest-auth's documentation for JWT in HttpOnly cookies with a refresh-token blacklist.
"""
import os
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

SECRET_KEY = "example-stack-only-this-is-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "stack.urls"
USE_TZ = True
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "rest_framework",
    "rest_framework.authtoken",
    # Logout puts the refresh token on this blacklist: the server-side revocation.
    "rest_framework_simplejwt.token_blacklist",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",  # dj_rest_auth.registration imports its models
    "dj_rest_auth",
    "dj_rest_auth.registration",
    "corsheaders",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# Test support (stack/hooks.py), only when start.sh asks for it.
HOOKS = os.environ.get("STACK_CONFORMANCE_HOOKS") == "1"
if HOOKS:
    MIDDLEWARE.insert(1, "stack.hooks.store_fault_middleware")

# A browser app on another origin sends its cookies (django-cors-headers).
CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]
CORS_ALLOW_CREDENTIALS = True

# One SQLite file per run (start.sh removes it first); a write waits up to 20 s for
# another instead of failing at once.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("STACK_DB", str(HERE / ".run" / "db.sqlite3")),
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}

# Fast hashing: the suite registers about 50 users; the default PBKDF2 costs ~0.3 s each.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dj_rest_auth.jwt_auth.JWTCookieAuthentication",
    ],
}

REST_AUTH = {
    "USE_JWT": True,
    "JWT_AUTH_COOKIE": "access",
    "JWT_AUTH_REFRESH_COOKIE": "refresh",
    "JWT_AUTH_HTTPONLY": True,
    # The session lives in the JWT cookies only, not in a Django session as well.
    "SESSION_LOGIN": False,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
}

# allauth's default sign-up (username, e-mail, password twice) and log-in by username; no
# e-mail verification, so an account can log in at once.
ACCOUNT_EMAIL_VERIFICATION = "none"

LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
