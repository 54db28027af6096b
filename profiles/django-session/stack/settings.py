"""The smallest Django project whose login and logout are Django's own views.

Sessions in the database (django.contrib.sessions' default backend), CSRF protection on
every POST (the middleware's default), LoginView and LogoutView from
django.contrib.auth.urls, a sign-up form that is Django's own UserCreationForm. What a
team gets from Django's documentation, with nothing tuned to the kit. The loopback
deployment (SQLite, fast hashing, test hooks) is djangostack.settings, which the Django
stacks share.
"""
from pathlib import Path

from djangostack.settings import *  # noqa: F403
from djangostack.settings import MIDDLEWARE, with_hooks

HERE = Path(__file__).resolve().parent

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "stack",
]

MIDDLEWARE = with_hooks(MIDDLEWARE)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/me/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
