from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app uses: view helpers, permissions, CSV reading, e-mail hand-off and the
    organisation's calendar. It imports no other app of the project."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Shared core"
