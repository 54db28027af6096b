"""Test-support endpoints of the Django example stacks, served only with
STACK_CONFORMANCE_HOOKS=1 (start.sh sets it): the capabilities the reference server's
conformance hooks offer, so that the suite can judge LO-09, LO-30 and LO-05's expired
case there too. Nothing of Django or the stacks' libraries changes.

- POST /__conformance/store/fail, /recover: every database query fails (as when the
  database is down) until recovered. A flag file, since gunicorn's workers are processes.
- POST /__conformance/expired-session: a session that has expired, minted by the view the
  stack passes to `urlpatterns` — for database sessions `expired_database_session`.
"""
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

FLAG = Path(settings.DATABASES["default"]["NAME"]).with_name("store-fault")


def _refuse(execute, sql, params, many, context):
    raise OperationalError("the database is unavailable (conformance store fault)")


def store_fault_middleware(get_response):
    """Runs each request with every query refused while the fault is on."""

    def middleware(request):
        if FLAG.exists() and not request.path.startswith("/__conformance/"):
            with connection.execute_wrapper(_refuse):
                return get_response(request)
        return get_response(request)

    return middleware


@csrf_exempt
@require_POST
def store_fail(_request):
    FLAG.touch()
    return JsonResponse({"storeFailing": True})


@csrf_exempt
@require_POST
def store_recover(_request):
    FLAG.unlink(missing_ok=True)
    return JsonResponse({"storeFailing": False})


def throwaway_user():
    """A new user who never logs in, named by a fresh e-mail address."""
    name = f"expired-{uuid.uuid4().hex}@example.com"
    return get_user_model().objects.create_user(username=name, email=name)


@csrf_exempt
@require_POST
def expired_database_session(_request):
    """A throwaway user's database session whose expire_date has passed, as login (with
    the first authentication backend) would have stored it a fortnight ago."""
    user = throwaway_user()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    return JsonResponse({"sessionid": session.session_key})


def urlpatterns(expired_session) -> list:
    """The hooks' routes, with the stack's own view for an expired session."""
    return [
        path("__conformance/store/fail", store_fail),
        path("__conformance/store/recover", store_recover),
        path("__conformance/expired-session", expired_session),
    ]
