"""The decision log: assessments before approval, history, evidence, and decisions changed
after customer exposure, counted from the links."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from frictions.decisions import (
    NEEDS_ASSESSMENT_MESSAGE,
    decision_link_evidence,
    decision_save,
    decision_set_status,
    decisions_changed_after_exposure,
)
from frictions.models import Decision, DecisionEvent, FrictionReport
from frictions.services import DECISION_REQUIRED_MESSAGE, friction_report_transition
from frictions.tests.factories import file
from immersion.tests.factories import past_place

pytestmark = pytest.mark.django_db

ASSESSMENT = {
    "impact_who": "Customers asking for refunds over 50 euros, about 40 a week.",
    "impact_effect": "Refunds the same day instead of after a callback.",
    "impact_evidence": "Friction report and two listening sessions.",
}


def record(by, **overrides):
    values = {
        "by": by,
        "title": "Raise the refund limit",
        "area": "policy",
        "context": "Agents cannot refund above 50 euros.",
        "decision": "Agents may refund up to 200 euros.",
        "owner": by,
    }
    values.update(overrides)
    return decision_save(**values)


def test_a_decision_is_not_approved_without_its_customer_impact_assessment(executive):
    decision = record(executive)
    with pytest.raises(ValidationError) as caught:
        decision_set_status(decision=decision, by=executive, status="approved")
    assert caught.value.messages == [NEEDS_ASSESSMENT_MESSAGE]
    decision.refresh_from_db()
    assert decision.status == "proposed"
    decision_save(existing=decision, by=executive, **ASSESSMENT)
    decision_set_status(decision=decision, by=executive, status="approved")
    decision.refresh_from_db()
    assert (decision.status, decision.decided_on) == ("approved", timezone.localdate())


def test_every_change_to_a_decision_is_kept_with_who_and_what(executive, cx_lead):
    decision = record(executive)
    decision_save(existing=decision, by=cx_lead, title="Raise the refund limit to 200 euros")
    change = DecisionEvent.objects.filter(decision=decision).last()
    assert change.actor == cx_lead
    assert change.changes == {
        "title": ["Raise the refund limit", "Raise the refund limit to 200 euros"]
    }


def test_changed_after_customer_exposure_is_counted_from_the_links(executive, frontline):
    exposed = record(executive, **ASSESSMENT)
    decision_set_status(decision=exposed, by=executive, status="approved")
    session = past_place(executive, hours_ago=48).session
    decision_link_evidence(decision=exposed, by=executive, kind="session", target=session)
    untouched = record(executive, title="Keep the fee", **ASSESSMENT)
    decision_set_status(decision=untouched, by=executive, status="approved")
    decision_link_evidence(decision=untouched, by=executive, kind="session", target=session)
    unexposed = record(executive, title="Unexposed", **ASSESSMENT)
    decision_set_status(decision=unexposed, by=executive, status="approved")

    assert list(decisions_changed_after_exposure()) == []
    for decision in (exposed, unexposed):
        decision_set_status(decision=decision, by=executive, status="reversed", note="Wrong")
    assert list(decisions_changed_after_exposure()) == [exposed]

    # Exposure dated after the change does not count.
    Decision.objects.filter(pk=unexposed.pk).update(changed_at=timezone.now() - timedelta(hours=2))
    later, _ = file(frontline)
    decision_link_evidence(decision=unexposed, by=executive, kind="friction_report", target=later)
    assert list(decisions_changed_after_exposure()) == [exposed]


def test_editing_what_an_approved_decision_says_counts_as_a_change(executive, frontline):
    report, _ = file(frontline)
    FrictionReport.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    decision = record(executive, friction_reports=[report], **ASSESSMENT)
    decision_set_status(decision=decision, by=executive, status="approved")
    decision_save(existing=decision, by=executive, decision="Agents may refund up to 300 euros.")
    assert list(decisions_changed_after_exposure()) == [decision]


def test_a_policy_resolution_links_the_report_to_its_decision(frontline, cx_lead, executive):
    report, _ = file(frontline)
    with pytest.raises(ValidationError) as caught:
        friction_report_transition(
            report=report,
            by=cx_lead,
            status="resolved",
            resolution="policy_modified",
            response="The limit is now 200 euros.",
        )
    assert caught.value.message_dict == {"decision": [DECISION_REQUIRED_MESSAGE]}
    decision = record(executive, **ASSESSMENT)
    friction_report_transition(
        report=report,
        by=cx_lead,
        status="resolved",
        resolution="policy_modified",
        response="The limit is now 200 euros.",
        decision=decision,
    )
    report.refresh_from_db()
    assert report.decision == decision
    assert report in decision.friction_reports.all()


def test_approving_on_the_page_without_assessment_says_why(client, executive):
    decision = record(executive)
    client.force_login(executive)
    response = client.post(
        reverse("frictions:decision_status", args=[decision.pk]),
        {"status-status": "approved", "status-note": "Go"},
    )
    assert response.status_code == 200
    assert NEEDS_ASSESSMENT_MESSAGE in response.content.decode()
    assert Decision.objects.get().status == "proposed"


def test_evidence_the_person_may_not_see_is_not_linked(client, executive, make_user):
    decision = record(executive)
    other = make_user(roles=[Role.EXECUTIVE])
    hidden = past_place(other).session
    client.force_login(executive)
    response = client.post(
        reverse("frictions:decision_evidence", args=[decision.pk]),
        {"evidence-kind": "session", "evidence-number": f"/immersion/sessions/{hidden.pk}/"},
    )
    assert response.status_code == 200
    assert "No session with that number that you may see." in response.content.decode()
    assert not decision.sessions.exists()
    own = past_place(executive, hours_ago=80).session
    client.post(
        reverse("frictions:decision_evidence", args=[decision.pk]),
        {"evidence-kind": "session", "evidence-number": str(own.pk)},
    )
    assert list(decision.sessions.all()) == [own]


def test_the_log_takes_the_same_queries_for_few_and_many_decisions(
    client, executive, leadership, django_assert_max_num_queries
):
    client.force_login(leadership)
    counts = []
    for size in (2, 20):
        Decision.objects.all().delete()
        for n in range(size):
            record(executive, title=f"Decision {n}", **ASSESSMENT)
        with django_assert_max_num_queries(10) as queries:
            assert client.get(reverse("frictions:decisions")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
