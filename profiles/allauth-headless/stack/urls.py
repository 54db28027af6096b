from django.conf import settings
from django.urls import include, path

urlpatterns = [
    # /_allauth/browser/v1/auth/session, …/auth/login, …/auth/signup, …
    path("_allauth/", include("allauth.headless.urls")),
]

if settings.HOOKS:
    from djangostack import hooks

    urlpatterns += hooks.urlpatterns(hooks.expired_database_session)
