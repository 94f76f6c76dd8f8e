"""Cadence targets keep their history: a change closes the version it replaces, so a quarter is
judged by the targets in force then, while every page that plans or shows progress uses the
target as it is now."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from core.calendar import org_today
from immersion.models import TARGETS_HISTORY_BEGINS, CadenceTarget, CadenceTargetVersion
from immersion.selectors import cadence_targets_in_force, progress_for
from immersion.services.targets import CHANGE_BEFORE_CURRENT_MESSAGE, cadence_target_save
from immersion.tests.factories import activity

pytestmark = pytest.mark.django_db


def listening() -> CadenceTarget:
    """The migration's 2 hours of call listening a month, for each executive."""
    return CadenceTarget.objects.get(activity_type__slug="call-listening")


def change(target: CadenceTarget, on: date | None = None, **terms) -> CadenceTarget:
    for name, value in terms.items():
        setattr(target, name, value)
    return cadence_target_save(target=target, on=on)


def edit_form(target: CadenceTarget, **changes) -> dict:
    data = {
        "activity_type": target.activity_type_id,
        "amount": str(target.amount),
        "unit": target.unit,
        "period": target.period,
        "applies_to": target.applies_to,
        "department": target.department_id or "",
    }
    if target.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_targets_that_existed_before_history_apply_from_its_beginning():
    assert listening().valid_from == TARGETS_HISTORY_BEGINS
    assert not CadenceTargetVersion.objects.exists()


def test_editing_a_target_on_the_setup_page_keeps_the_version_it_replaces(client, cx_lead):
    target = listening()
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:target_edit", args=[target.pk]), edit_form(target, amount="3")
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.amount, target.valid_from) == (3, org_today())
    (old,) = target.versions.all()
    assert (old.amount, old.valid_from, old.valid_until) == (2, TARGETS_HISTORY_BEGINS, org_today())
    assert (old.activity_type, old.unit, old.period) == (target.activity_type, "hours", "month")
    assert str(old) == "2 hours of Call listening a month, each executive"


def test_saving_a_target_unchanged_writes_no_version(client, cx_lead):
    target = listening()
    client.force_login(cx_lead)
    client.post(reverse("immersion:target_edit", args=[target.pk]), edit_form(target))
    target.refresh_from_db()
    assert target.valid_from == TARGETS_HISTORY_BEGINS
    assert not target.versions.exists()


def test_a_second_change_the_same_day_corrects_the_first_rather_than_adding_a_version():
    target = change(listening(), amount=Decimal(3))
    change(target, amount=Decimal(4))
    target.refresh_from_db()
    assert target.amount == 4
    assert list(target.versions.values_list("amount", flat=True)) == [2]


def test_ending_a_target_is_a_change_kept_like_any_other(client, cx_lead):
    """There is no deleting a target: it is made not in force, and its history stays."""
    target = listening()
    client.force_login(cx_lead)
    client.post(
        reverse("immersion:target_edit", args=[target.pk]), edit_form(target, is_active=None)
    )
    target.refresh_from_db()
    assert not target.is_active
    assert target.versions.get().is_active
    with pytest.raises(ProtectedError):
        target.delete()


def test_a_new_target_applies_from_the_day_it_is_made(client, cx_lead):
    client.force_login(cx_lead)
    client.post(
        reverse("immersion:target_create"),
        {
            "activity_type": activity("qa-review").pk,
            "amount": "1",
            "unit": "sessions",
            "period": "month",
            "applies_to": "each_executive",
            "is_active": "on",
        },
    )
    target = CadenceTarget.objects.get(activity_type__slug="qa-review")
    assert target.valid_from == org_today()
    assert not target.versions.exists()


def test_a_change_cannot_take_effect_before_the_current_version_did():
    target = change(listening(), on=date(2026, 5, 15), amount=Decimal(3))
    target.amount = Decimal(5)
    with pytest.raises(ValueError, match=CHANGE_BEFORE_CURRENT_MESSAGE):
        cadence_target_save(target=target, on=date(2026, 5, 1))


def test_each_span_is_judged_by_the_version_in_force_at_its_end():
    target = change(listening(), on=date(2026, 5, 15), amount=Decimal(3))

    def amount(first: date, last: date):
        found = cadence_targets_in_force(first_day=first, last_day=last)
        return {t.target_key: t.amount for t in found}.get(target.pk)

    assert amount(date(2026, 1, 1), date(2026, 3, 31)) == 2
    assert amount(date(2026, 4, 1), date(2026, 5, 14)) == 2
    assert amount(date(2026, 4, 1), date(2026, 6, 30)) == 3  # changed within: the new one
    assert amount(date(2026, 7, 1), date(2026, 9, 30)) == 3


def test_a_target_ended_within_a_span_still_judges_it_by_its_last_version():
    target = change(listening(), on=date(2026, 5, 15), is_active=False)
    in_force = {
        t.target_key: t.amount
        for t in cadence_targets_in_force(first_day=date(2026, 4, 1), last_day=date(2026, 6, 30))
    }
    assert in_force[target.pk] == 2
    later = cadence_targets_in_force(first_day=date(2026, 7, 1), last_day=date(2026, 9, 30))
    assert target.pk not in {t.target_key for t in later}


def test_a_target_made_after_a_span_does_not_judge_it():
    target = cadence_target_save(
        target=CadenceTarget(
            activity_type=activity("qa-review"), amount=1, unit="sessions", period="month"
        ),
        on=date(2026, 7, 1),
    )
    spans = [(date(2026, 4, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2026, 9, 30))]
    found = [
        target.pk in {t.target_key for t in cadence_targets_in_force(first_day=a, last_day=b)}
        for a, b in spans
    ]
    assert found == [False, True]


def test_progress_uses_the_target_as_it_is_now(executive):
    change(listening(), on=org_today() - timedelta(days=400), amount=Decimal(3))
    change(listening(), amount=Decimal(4))
    (row,) = [
        p
        for p in progress_for(people=[executive])[executive.pk]
        if p.target.activity_type.slug == "call-listening"
    ]
    assert row.needed == 4
