"""dj-rest-auth's own URL sets, mounted where its documentation mounts them."""
from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("auth/", include("dj_rest_auth.urls")),
    path("auth/registration/", include("dj_rest_auth.registration.urls")),
]

if settings.HOOKS:
    from djangostack import hooks

    from stack.hooks import expired_session

    urlpatterns += hooks.urlpatterns(expired_session)
