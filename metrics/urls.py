from django.urls import path

from .views import dashboard
from .views import themes as theme_views

app_name = "metrics"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("themes/", theme_views.theme_index, name="themes"),
    path("themes/refit/", theme_views.themes_refit, name="themes_refit"),
    path("themes/<int:pk>/", theme_views.theme_detail, name="theme"),
    path("themes/<int:pk>/rename/", theme_views.theme_rename, name="theme_rename"),
]
