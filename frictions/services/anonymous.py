"""Releasing the anonymous channel's holding table into the real tables.

Threat: rows written one after another can be ordered (by id, by their place in the table), so
an anonymous report written when it is sent would sit next to what its reporter wrote just
before. Held until the hour they were sent in has ended, then inserted together with every other
anonymous write of that hour in random order, the real rows say no more than that hour.
"""

import logging
import random
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import FrontlineTeam

from ..models import AnonymousWrite, FrictionEvent, FrictionReport, FrictionSupport
from .reports import ANONYMOUS_LABEL

ANONYMOUS_SUPPORT_LABEL = "Someone, anonymously"
RELEASE_EVERY_MINUTES = 5  # the beat schedule's "release-anonymous-writes"

logger = logging.getLogger(__name__)


def _hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def anonymous_release_by(*, now: datetime | None = None) -> datetime:
    """When what is sent anonymously now is on the board at the latest: after its hour has
    ended, at the next run of the release task (beat, every RELEASE_EVERY_MINUTES)."""
    now = now or timezone.now()
    if not settings.FRICTION_ANONYMOUS_HOLD_HOUR:
        return now + timedelta(minutes=RELEASE_EVERY_MINUTES)
    return _hour_of(now) + timedelta(hours=1, minutes=RELEASE_EVERY_MINUTES)


def anonymous_write_pending(*, code_hash: str) -> bool:
    """Whether an anonymous report with this receipt code's hash waits to be released."""
    return AnonymousWrite.objects.filter(
        kind=AnonymousWrite.Kind.REPORT, receipt_hash=code_hash
    ).exists()


def anonymous_information_pending(*, report: FrictionReport) -> int:
    """How many additions to `report` from its anonymous reporter wait to be released."""
    return AnonymousWrite.objects.filter(
        kind=AnonymousWrite.Kind.INFORMATION, report=report
    ).count()


def _release(write: AnonymousWrite) -> None:
    if write.kind == AnonymousWrite.Kind.REPORT:
        data = dict(write.data)
        if data.get("team_id") and not FrontlineTeam.objects.filter(pk=data["team_id"]).exists():
            data["team_id"] = None  # the team was removed while the report waited
        report = FrictionReport(
            **{k: v for k, v in data.items() if k not in ("acknowledge_by", "decide_by")},
            acknowledge_by=date.fromisoformat(data["acknowledge_by"]),
            decide_by=date.fromisoformat(data["decide_by"]),
            is_anonymous=True,
            receipt_hash=write.receipt_hash,
            created_at=write.created_at,
        )
        report.save()
        FrictionEvent.objects.create(
            report=report,
            kind=FrictionEvent.Kind.FILED,
            actor_label=ANONYMOUS_LABEL,
            created_at=write.created_at,
        )
    elif write.kind == AnonymousWrite.Kind.SUPPORT:
        # Merged as a duplicate while it waited: the support goes where the others went.
        report = write.report.duplicate_of or write.report
        FrictionSupport.objects.create(report=report, created_at=write.created_at)
        FrictionEvent.objects.create(
            report=report,
            kind=FrictionEvent.Kind.SUPPORTED,
            actor_label=ANONYMOUS_SUPPORT_LABEL,
            created_at=write.created_at,
        )
    else:
        FrictionEvent.objects.create(
            report=write.report,
            kind=FrictionEvent.Kind.INFORMATION,
            actor_label=ANONYMOUS_LABEL,
            text=write.data["text"],
            created_at=write.created_at,
        )


@transaction.atomic
def anonymous_writes_release(*, now: datetime | None = None) -> int:
    """Insert the anonymous writes of every hour that has ended into the real tables, in random
    order and dated to their hour, and delete them from the holding table; the count released.

    With FRICTION_ANONYMOUS_HOLD_HOUR off (tests, a demo) the current hour is released too."""
    writes = AnonymousWrite.objects.select_for_update(skip_locked=True)
    if settings.FRICTION_ANONYMOUS_HOLD_HOUR:
        writes = writes.filter(created_at__lt=_hour_of(now or timezone.now()))
    batch = list(writes)
    random.SystemRandom().shuffle(batch)
    released = []
    for write in batch:
        # One write that cannot go in (its report deleted meanwhile, say) must not hold back the
        # rest of the hour forever: it stays held, and the log says so, without its content.
        try:
            with transaction.atomic():
                _release(write)
        except (DatabaseError, ValidationError, KeyError, ValueError):
            logger.exception("An anonymous %s could not be released; it stays held.", write.kind)
        else:
            released.append(write.pk)
    AnonymousWrite.objects.filter(pk__in=released).delete()
    return len(released)
