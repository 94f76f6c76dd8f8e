"""/api/: the REST API. Its views authenticate their own way (tokens), so the site's sign-in
requirement does not apply to them."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import api

app_name = "api"

urlpatterns = [
    path("frictions/", login_not_required(api.FrictionListCreate.as_view()), name="frictions"),
    path(
        "frictions/<int:pk>/",
        login_not_required(api.FrictionStatus.as_view()),
        name="friction",
    ),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
]
