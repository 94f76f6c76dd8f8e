import pytest
from django.apps import apps


@pytest.fixture
def notifications_written(db):
    """notifications_written(**filters) -> the outbox rows written, oldest first, as
    (kind, recipient's address, title, url). Read through the app registry: accounts sits
    below notifications and never imports it, not even in tests."""
    notification = apps.get_model("notifications", "Notification")

    def rows(**filters):
        return list(
            notification.objects.filter(**filters)
            .order_by("pk")
            .values_list("kind", "recipient__email", "title", "url")
        )

    return rows
