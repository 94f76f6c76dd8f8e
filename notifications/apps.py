from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"

    def ready(self) -> None:
        # The apps below announce what happened (their signals.py); receivers decide who hears
        # of it. tasks connects beat's heartbeat to the relay's publishing, in beat's process.
        from . import receivers, tasks  # noqa: F401
