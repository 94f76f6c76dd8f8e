from django.urls import path

from .views import dashboard

app_name = "metrics"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
]
