"""Reads of the outbox for the pages: a person's own list, their e-mail choices, what failed."""

from django.db.models import Q, QuerySet

from accounts.models import User

from .kinds import KINDS
from .models import Notification, Preference


def _hidden_kinds() -> list[str]:
    # Read when asked, not at import: a kind registered after this module loads still counts.
    return [key for key, kind in KINDS.items() if not kind.in_app]


def notifications_for(*, person: User) -> QuerySet[Notification]:
    """What was sent (or is to be sent) to `person`, newest first: their in-app list."""
    return Notification.objects.filter(recipient=person).exclude(kind__in=_hidden_kinds())


def notifications_unread_count(*, person: User) -> int:
    return notifications_for(person=person).filter(read_at__isnull=True).count()


def email_choices(*, person: User | None) -> dict[str, bool]:
    """Whether each kind reaches `person` by e-mail (None: the CX lead's defaults for everyone),
    in one query however many kinds there are (the worker asks it too, through
    services.email_wanted): the person's own choice, else the CX lead's default, else the kind's
    own default; a kind nobody may turn off is always e-mailed."""
    own: dict[str, bool] = {}
    defaults: dict[str, bool] = {}
    wanted = Q(person__isnull=True) | Q(person=person) if person else Q(person__isnull=True)
    for preference in Preference.objects.filter(wanted):
        (own if preference.person_id else defaults)[preference.kind] = preference.email
    return {
        key: own.get(key, defaults.get(key, kind.default_email)) if kind.optional else True
        for key, kind in KINDS.items()
    }


def notifications_failed() -> QuerySet[Notification]:
    """Messages the mail server kept refusing, for the CX lead: oldest problem first."""
    return (
        Notification.objects.filter(status=Notification.Status.FAILED)
        .select_related("recipient")
        .order_by("send_after", "pk")
    )
