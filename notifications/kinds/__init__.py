"""Every kind of message: what it is called in the preferences, whether it is urgent, how its
e-mail is made at send time. A kind is registered once, in the module of its family:

    people.py      invitations and password resets (made with a fresh link by the worker)
    sessions.py    sessions and shifts: reminders with an invite, moves, cancellations, places,
                   swaps, escalations routed to the officer of the day
    followthrough.py  after a session: attendance, reflections, commitments
    frictions.py   friction reports: status for named reporters, due dates for owners, the
                   overdue chain, the weekly review's agenda

Each kind's e-mail is `notifications/email/<key>.txt` (plain text), with `<key>.html` if it has
one or else the shared HTML layout around the plain text; its subject is the row's `title`.
The template sees `notification`, `recipient`, `subject` (the object the row is about, or None
if it is gone), `data`, `site_url`, `action_url`, and whatever the kind's `context` adds.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # in the preferences: "A session or shift of yours is coming"
    # Urgent kinds go out at once, quiet hours or not; the others wait for the morning.
    urgent: bool = False
    # Reminders due for one person at the same moment go out as one message listing them.
    batchable: bool = False
    # Kinds a person cannot turn off (a link they asked for); not in the preferences.
    optional: bool = True
    # Shown in the in-app list: not for messages to someone who cannot sign in yet.
    in_app: bool = True
    default_email: bool = True
    # (notification, subject) -> extra template context; made at send time (fresh secrets).
    context: Callable | None = None
    # (notification, subject) -> [(file name, bytes, mimetype)]
    attachments: Callable | None = None
    # (notification, subject) -> the reason not to send it any more, or None
    obsolete: Callable | None = None
    # A permission ("app_label.codename") a person needs to be sent this kind at all: its
    # box is shown only to them in the preferences (the quarterly pack, to dashboard readers).
    audience: str | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.key in KINDS:
        raise ValueError(f"Notification kind {kind.key!r} is registered twice.")
    KINDS[kind.key] = kind
    return kind


def subject_key(obj: models.Model) -> str:
    return obj._meta.label_lower


def subject_load(notification) -> models.Model | None:
    """The object a notification is about, or None once it has been deleted."""
    try:
        model = apps.get_model(notification.subject_type)
    except LookupError:
        return None
    return model._default_manager.filter(pk=notification.subject_id).first()


from . import followthrough, frictions, people, sessions  # noqa: E402, F401 - they register
