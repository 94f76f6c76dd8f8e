"""Beat keeps the quarterly figures fresh: the current quarter nightly, and the quarter just
ended once more, after which it is closed and left alone."""

from datetime import timedelta

from celery import shared_task
from django.db import transaction

from accounts.models import User
from core.calendar import org_today

from .models import FrictionThemeFit, QuarterRollup
from .notices import quarterly_pack_notify
from .quarters import Quarter
from .services import quarter_close, quarter_rollup_compute
from .themes.services import (
    friction_themes_assign,
    friction_themes_fit,
    friction_themes_refit,
    friction_themes_refit_done,
)

# A quarter closed by hand (`manage.py rollup`) before beat reached it still has its pack sent,
# by beat, within the new quarter's first week; after that, a late reader is not mailed an old
# pack (and `rollup --all` over past years mails nothing).
PACK_GRACE = timedelta(days=7)


@shared_task(name="metrics.tasks.rollup_current_quarter")
def rollup_current_quarter() -> list[str]:
    """Nightly: close the previous quarter if it is not closed yet (its last days' attendance
    may have been confirmed since) and mail its quarterly pack, then refresh the current one.
    Safe to run twice."""
    done = []
    # The reports filed since the theme task last ran, placed first, so the theme counts never
    # depend on which of the two beat entries finished first (the first fit stays with the
    # theme task: at scale it takes minutes). Placing a day's reports takes well under a second.
    if FrictionThemeFit.objects.exists():
        friction_themes_assign()
    current = Quarter.current()
    previous = current.previous
    closed = QuarterRollup.objects.filter(quarter=str(previous), closed=True).first()
    if closed is None:
        quarter_close(quarter=previous)
        done.append(str(previous))
    elif org_today() < current.first_day + PACK_GRACE:
        with transaction.atomic():
            quarterly_pack_notify(rollup=closed)
    quarter_rollup_compute(quarter=current)
    done.append(str(current))
    return done


@shared_task(name="metrics.tasks.assign_friction_themes")
def assign_friction_themes() -> int:
    """Nightly, before the roll-up: place the reports filed since the last run in the nearest
    existing theme; with no themes yet, learn them first. Returns how many reports it looked at.
    Safe to run twice (a report is placed once)."""
    if not FrictionThemeFit.objects.exists() and friction_themes_fit() is None:
        return 0
    return friction_themes_assign()


@shared_task(name="metrics.tasks.refit_friction_themes")
def refit_friction_themes(requested_by_id: int | None = None) -> int | None:
    """The CX lead's refit: learn the themes again, place every report, recompute the stored
    theme counts. Returns the new fit's id (None: too few reports, nothing changed)."""
    by = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    try:
        fit = friction_themes_refit(requested_by=by)
    finally:
        friction_themes_refit_done()
    return fit and fit.pk
