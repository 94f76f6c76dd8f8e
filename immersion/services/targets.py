"""Cadence targets: a change keeps what it replaces, so each quarter is judged by the targets
in force then (models.programme.CadenceTarget says how the history is kept)."""

from datetime import date

from django.db import transaction

from core.calendar import org_today

from ..models import CadenceTarget, CadenceTargetVersion

CHANGE_BEFORE_CURRENT_MESSAGE = (
    "A change cannot take effect before the target's current version did: that would rewrite "
    "the quarters already judged by it."
)


@transaction.atomic
def cadence_target_save(*, target: CadenceTarget, on: date | None = None) -> CadenceTarget:
    """Save a new or changed cadence target, in force as it now is from `on` (today, in the
    organisation's calendar, unless given).

    A change of what the target asks (CadenceTerms.TERMS, including whether it is in force)
    keeps the terms it replaces as a version valid until `on`. A second change on the day a
    version took effect corrects that version instead: no version lasts less than a day. A
    save that changes nothing writes nothing. A change cannot take effect before the current
    version did (ValueError).
    """
    day = on or org_today()
    if target.pk is None:
        target.valid_from = day
        target.full_clean()
        target.save()
        return target
    before = CadenceTarget.objects.select_for_update().get(pk=target.pk)
    if all(getattr(before, term) == getattr(target, term) for term in CadenceTarget.TERMS):
        return target
    if day < before.valid_from:
        raise ValueError(CHANGE_BEFORE_CURRENT_MESSAGE)
    target.valid_from = before.valid_from
    target.full_clean()
    if before.valid_from < day:
        CadenceTargetVersion.objects.create(
            target=before,
            valid_from=before.valid_from,
            valid_until=day,
            **{term: getattr(before, term) for term in CadenceTarget.TERMS},
        )
        target.valid_from = day
    target.save()
    return target
