from django.urls import path

from .views import dashboard, exports, scorecard
from .views import themes as theme_views

app_name = "metrics"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("export/metrics.csv", exports.metrics_csv, name="export_metrics"),
    path("export/executives.csv", exports.executives_csv, name="export_executives"),
    path("pack/", exports.pack, name="pack"),
    path("executives/", scorecard.executives, name="executives"),
    path("executives/<int:pk>/", scorecard.scorecard, name="scorecard"),
    path("evidence/", scorecard.evidence, name="evidence"),
    path("themes/", theme_views.theme_index, name="themes"),
    path("themes/refit/", theme_views.themes_refit, name="themes_refit"),
    path("themes/<int:pk>/", theme_views.theme_detail, name="theme"),
    path("themes/<int:pk>/rename/", theme_views.theme_rename, name="theme_rename"),
]
