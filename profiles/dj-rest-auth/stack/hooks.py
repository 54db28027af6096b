"""dj-rest-auth's expired session for the test-support endpoints (djangostack.hooks
serves them, only with STACK_CONFORMANCE_HOOKS=1): its session is a refresh token, so
the expired one is a throwaway user's refresh token (outstanding, as a login records it)
whose expiry has passed.
"""
from datetime import timedelta

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from djangostack.hooks import throwaway_user
from rest_framework_simplejwt.tokens import RefreshToken


@csrf_exempt
@require_POST
def expired_session(_request):
    token = RefreshToken.for_user(throwaway_user())
    token.set_exp(from_time=timezone.now() - timedelta(days=2), lifetime=timedelta(days=1))
    return JsonResponse({"refresh": str(token)})
