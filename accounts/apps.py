from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    from .roles import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        # Sent once per app after migrate; permissions of later apps exist by the last one.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.roles_sync")
