from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("immersion/", include("immersion.urls")),
    path("frictions/", include("frictions.urls")),
    path("notifications/", include("notifications.urls")),
    path("metrics/", include("metrics.urls")),
    path("api/", include("frictions.api_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
