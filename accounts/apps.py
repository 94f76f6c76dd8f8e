from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils import timezone


def update_last_login_to_the_hour(sender, user, **kwargs) -> None:
    """Django's update_last_login, to the hour: a sign-in kept to the microsecond would date
    whatever the person did next, an anonymous friction report among it (README, "The
    anonymous channel")."""
    from .models import User

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    if user.last_login != now:
        user.last_login = now
        User.objects.filter(pk=user.pk).update(last_login=now)


def _sync_roles(sender, **kwargs) -> None:
    from .roles import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from .backends import access_receivers_connect

        access_receivers_connect()
        # Sent once per app after migrate; permissions of later apps exist by the last one.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.roles_sync")
        # django.contrib.auth connects its own under this uid; ours replaces it.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_to_the_hour, dispatch_uid="update_last_login")
