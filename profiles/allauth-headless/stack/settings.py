"""The smallest Django project that serves django-allauth's headless API to a browser
client (an SPA on the same site): session cookie and CSRF token, sign-up by e-mail and
password, no e-mail verification. Everything not written here is allauth's and Django's
default, as allauth's headless documentation sets it up; the loopback deployment (SQLite,
fast hashing, test hooks) is djangostack.settings, which the Django stacks share.
"""
from djangostack.settings import *  # noqa: F403
from djangostack.settings import MIDDLEWARE, with_hooks

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "allauth",
    "allauth.account",
    "allauth.headless",
]

MIDDLEWARE = with_hooks([*MIDDLEWARE, "allauth.account.middleware.AccountMiddleware"])

AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

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
