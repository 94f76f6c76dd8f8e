from django.apps import AppConfig


class MetricsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        # Registers the quarterly pack's notification kind, in web and worker processes alike.
        from . import notices  # noqa: F401
        from .selectors import stored_receivers_connect

        stored_receivers_connect()
