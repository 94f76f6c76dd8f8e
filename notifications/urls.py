from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_go, name="open"),
    path("read/", views.notifications_read_all, name="read_all"),
    path("badge/", views.notifications_badge, name="badge"),
    path("defaults/", views.notification_defaults, name="defaults"),
    path("defaults/times/", views.notification_times, name="times"),
    path("failed/", views.notification_failed_list, name="failed"),
    path("failed/<int:pk>/retry/", views.notification_retry_view, name="retry"),
]
