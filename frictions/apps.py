from django.apps import AppConfig


class FrictionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frictions"
    verbose_name = "Friction reports and decisions"
