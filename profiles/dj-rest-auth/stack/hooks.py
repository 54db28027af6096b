"""Test-support endpoints, served only with STACK_CONFORMANCE_HOOKS=1 (start.sh sets it):
the same capabilities the reference server's conformance hooks offer, so that the suite
can judge LO-09, LO-30 and LO-05's expired case here too. Nothing of dj-rest-auth changes.

- POST /__conformance/store/fail, /recover: every database query fails (as when the
  database is down) until recovered. A flag file, since gunicorn's workers are processes.
- POST /__conformance/expired-session: a throwaway user and a refresh token (outstanding,
  as a login records it) whose expiry has passed.
"""
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework_simplejwt.tokens import RefreshToken

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


@csrf_exempt
@require_POST
def expired_session(_request):
    name = f"expired-{uuid.uuid4().hex}@example.com"
    user = get_user_model().objects.create_user(username=name, email=name)
    token = RefreshToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(days=2), lifetime=timedelta(days=1))
    return JsonResponse({"refresh": str(token)})
