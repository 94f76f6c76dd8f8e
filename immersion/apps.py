from django.apps import AppConfig


class ImmersionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "immersion"
    verbose_name = "Immersion scheduling"

    def ready(self) -> None:
        from .selectors.at_risk import at_risk_receivers_connect
        from .selectors.followthrough import todos_receivers_connect

        at_risk_receivers_connect()
        todos_receivers_connect()
