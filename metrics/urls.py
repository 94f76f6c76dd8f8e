from django.urls import path

from .views import dashboard, scorecard

app_name = "metrics"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("executives/", scorecard.executives, name="executives"),
    path("executives/<int:pk>/", scorecard.scorecard, name="scorecard"),
    path("evidence/", scorecard.evidence, name="evidence"),
]
