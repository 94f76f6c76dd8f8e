"""Reads of the outbox for the pages: a person's own list, and what failed."""

from django.db.models import QuerySet

from accounts.models import User

from .kinds import KINDS
from .models import Notification

IN_APP_KINDS_HIDDEN = [key for key, kind in KINDS.items() if not kind.in_app]


def notifications_for(*, person: User) -> QuerySet[Notification]:
    """What was sent (or is to be sent) to `person`, newest first: their in-app list."""
    return Notification.objects.filter(recipient=person).exclude(kind__in=IN_APP_KINDS_HIDDEN)


def notifications_unread_count(*, person: User) -> int:
    return notifications_for(person=person).filter(read_at__isnull=True).count()


def notifications_failed() -> QuerySet[Notification]:
    """Messages the mail server kept refusing, for the CX lead: oldest problem first."""
    return (
        Notification.objects.filter(status=Notification.Status.FAILED)
        .select_related("recipient")
        .order_by("send_after", "pk")
    )
