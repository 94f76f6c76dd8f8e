from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"

    def ready(self) -> None:
        # The apps below announce what happened (their signals.py); these decide who hears of it.
        from . import receivers  # noqa: F401
