"""What the scans share: the words for a session; leaving out what an earlier scan wrote."""

from datetime import datetime, tzinfo

from django.db.models import QuerySet
from django.utils import dateformat

from immersion.models import Session

from ..kinds import subject_key
from ..models import Notification


def session_words(session: Session) -> str:
    """ "Call listening with Team Nord", as the calendar invitation names it."""
    words = str(session.activity_type)
    if session.activity_type.is_officer_of_the_day:
        words = f"{words} shift"
    if session.host_team_id:
        words = f"{words} with {session.host_team}"
    return words


def when_words(moment: datetime, zone: tzinfo, *, time: bool = True) -> str:
    """ "Thu 27 Nov 09:00" in the reader's own time zone."""
    return dateformat.format(moment.astimezone(zone), "D j M H:i" if time else "D j M")


def written_keys(*, kind: str, subjects: QuerySet) -> set[tuple[int, int, str]]:
    """(subject id, recipient id, occasion) of the `kind` rows an earlier scan wrote about
    `subjects` (the scan's own query), in one query however many there are. The unique key
    would keep a second copy out anyway; leaving them out before making the rows keeps a scan
    that finds nothing new cheap, and its count to what it wrote."""
    return set(
        Notification.objects.filter(
            kind=kind,
            subject_type=subject_key(subjects.model),
            subject_id__in=subjects.values("pk"),
        ).values_list("subject_id", "recipient_id", "occasion")
    )
