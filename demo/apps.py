from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation (manage.py seed_demo). Sits above every other app, so it may use
    all their services; nothing imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo data"
