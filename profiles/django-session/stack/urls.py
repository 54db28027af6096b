from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.http import JsonResponse
from django.urls import include, path
from django.views.generic.edit import CreateView


@login_required
def me(request):
    """Who is logged in; Django's login_required redirects everyone else to the login."""
    return JsonResponse({"username": request.user.get_username()})


urlpatterns = [
    # login/, logout/, password_change/, … : LoginView and LogoutView among them.
    path("accounts/", include("django.contrib.auth.urls")),
    path(
        "accounts/signup/",
        CreateView.as_view(
            form_class=UserCreationForm,
            template_name="registration/signup.html",
            success_url="/accounts/login/",
        ),
    ),
    path("accounts/me/", me),
]

if settings.HOOKS:
    from djangostack import hooks

    urlpatterns += hooks.urlpatterns(hooks.expired_database_session)
