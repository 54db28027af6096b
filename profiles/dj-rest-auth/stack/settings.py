"""The smallest Django project that serves dj-rest-auth in cookie JWT mode.

Everything not written here is the libraries' default: what a team gets when it follows
dj-rest-auth's documentation for JWT in HttpOnly cookies with a refresh-token blacklist.
The loopback deployment (SQLite, fast hashing, test hooks) is djangostack.settings, which
the Django stacks share.
"""
from datetime import timedelta

from djangostack.settings import *  # noqa: F403
from djangostack.settings import MIDDLEWARE, with_hooks

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

MIDDLEWARE = with_hooks(
    [
        "corsheaders.middleware.CorsMiddleware",
        *MIDDLEWARE,
        "allauth.account.middleware.AccountMiddleware",
    ]
)

# A browser app on another origin sends its cookies (django-cors-headers).
CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]
CORS_ALLOW_CREDENTIALS = True

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
