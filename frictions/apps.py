from django.apps import AppConfig


class FrictionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frictions"
    verbose_name = "Friction reports and decisions"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the support count's receivers
