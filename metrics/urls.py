from django.urls import path

from .views import dashboard, exports, scorecard

app_name = "metrics"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export/metrics.csv", exports.metrics_csv, name="export_metrics"),
    path("export/executives.csv", exports.executives_csv, name="export_executives"),
    path("pack/", exports.pack, name="pack"),
    path("executives/", scorecard.executives, name="executives"),
    path("executives/<int:pk>/", scorecard.scorecard, name="scorecard"),
    path("evidence/", scorecard.evidence, name="evidence"),
]
