"""dj-rest-auth's own URL sets, mounted where its documentation mounts them."""
from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("auth/", include("dj_rest_auth.urls")),
    path("auth/registration/", include("dj_rest_auth.registration.urls")),
]

if settings.HOOKS:
    from stack import hooks

    urlpatterns += [
        path("__conformance/store/fail", hooks.store_fail),
        path("__conformance/store/recover", hooks.store_recover),
        path("__conformance/expired-session", hooks.expired_session),
    ]
