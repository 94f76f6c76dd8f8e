"""The decision log: assessments before approval, history, evidence, and decisions changed
after customer exposure, counted from the links."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from frictions.forms import (
    DECISION_NOT_FOUND_MESSAGE,
    DECISION_NUMBER_MESSAGE,
    DECISION_REJECTED_MESSAGE,
    EVIDENCE_NUMBER_MESSAGE,
    REPORT_NUMBERS_MAX,
    REPORT_NUMBERS_MESSAGE,
    REPORTS_NOT_FOUND_MESSAGE,
    SUPERSEDES_ITSELF_MESSAGE,
    TOO_MANY_REPORTS_MESSAGE,
)
from frictions.models import Decision, DecisionEvent, FrictionReport
from frictions.selectors import NUMBER_MAX, decision_lookup, decisions_changed_after_exposure
from frictions.services import DECISION_REQUIRED_MESSAGE, friction_report_transition
from frictions.services.decisions import (
    NEEDS_ASSESSMENT_MESSAGE,
    NOT_YOURS_MESSAGE,
    SUPERSEDED_BY_MESSAGE,
    VERDICT_REQUIRED_MESSAGE,
    decision_link_evidence,
    decision_record_outcome,
    decision_save,
    decision_set_status,
)
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


@pytest.mark.parametrize(
    "change",
    [
        lambda d, by: decision_save(existing=d, by=by, title="Someone else's words"),
        lambda d, by: decision_set_status(decision=d, by=by, status="rejected"),
        lambda d, by: decision_record_outcome(decision=d, by=by, text="It worked.", verdict="held"),
        lambda d, by: decision_link_evidence(
            decision=d, by=by, kind="friction_report", target=file(by)[0]
        ),
    ],
    ids=["edit", "status", "outcome", "evidence"],
)
def test_decision_changes_refuse_an_executive_who_neither_owns_nor_decided_it(
    executive, make_user, change
):
    other = make_user(roles=[Role.EXECUTIVE])
    decision = record(executive)
    events = DecisionEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        change(decision, other)
    assert caught.value.messages == [NOT_YOURS_MESSAGE]
    decision.refresh_from_db()
    assert (decision.title, decision.status, decision.outcome_check) == (
        "Raise the refund limit",
        "proposed",
        "",
    )
    assert not decision.friction_reports.exists()
    assert DecisionEvent.objects.count() == events


def test_decision_changes_are_open_to_its_owner_deciders_and_the_cx_lead(
    executive, make_user, cx_lead
):
    decider = make_user(roles=[Role.EXECUTIVE])
    decision = record(executive, deciders=[decider])
    decision_save(existing=decision, by=decider, title="A decider's words")
    decision_record_outcome(decision=decision, by=cx_lead, text="It worked.", verdict="held")
    decision_set_status(decision=decision, by=executive, status="rejected")
    decision.refresh_from_db()
    assert (decision.title, decision.outcome_check, decision.status) == (
        "A decider's words",
        "It worked.",
        "rejected",
    )


def test_another_executive_reads_a_decision_without_its_forms_and_may_post_none(
    client, executive, make_user
):
    decision = record(executive, review_by=timezone.localdate(), **ASSESSMENT)
    other = make_user(roles=[Role.EXECUTIVE])
    client.force_login(other)
    page = client.get(decision.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for action in ("decision_edit", "decision_status", "decision_outcome", "decision_evidence"):
        assert reverse(f"frictions:{action}", args=[decision.pk]) not in html, action
    assert not {"status_form", "outcome_form", "evidence_form"} & set(page.context.keys())
    assert client.get(reverse("frictions:decision_edit", args=[decision.pk])).status_code == 403
    posts = {
        "decision_edit": {**FORM, "owner": other.pk},
        "decision_status": {"status-status": "approved"},
        "decision_outcome": {"outcome-text": "It worked.", "outcome-verdict": "held"},
        "decision_evidence": {"evidence-kind": "session", "evidence-number": "1"},
    }
    for action, data in posts.items():
        response = client.post(reverse(f"frictions:{action}", args=[decision.pk]), data)
        assert response.status_code == 403, action
    decision.refresh_from_db()
    assert (decision.title, decision.status, decision.outcome_check) == (
        "Raise the refund limit",
        "proposed",
        "",
    )
    client.force_login(executive)
    html = client.get(decision.get_absolute_url()).content.decode()
    for action in ("decision_edit", "decision_status", "decision_outcome", "decision_evidence"):
        assert reverse(f"frictions:{action}", args=[decision.pk]) in html, action


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


def test_the_decision_log_shows_one_page_in_the_same_queries_however_long(
    client, executive, leadership, settings, queries_at_two_sizes
):
    settings.PAGE_SIZE = 5
    client.force_login(leadership)

    def build(size):
        Decision.objects.all().delete()
        for n in range(size):
            record(executive, title=f"Decision {n}", **ASSESSMENT)
        return reverse("frictions:decisions")

    def shown(page):
        return (len(page.context["page"]), page.context["page"].paginator.num_pages)

    queries_at_two_sizes(build, shown, ceiling=10, sizes=(2, 12))


def test_the_decision_log_shows_each_new_decision_and_evidence_on_the_next_view(
    client, executive, leadership, frontline
):
    """The log's annotated rows are built once per process (selectors._decision_log_rows);
    each view must still read the rows as they are now."""
    client.force_login(leadership)
    url = reverse("frictions:decisions")
    assert list(client.get(url).context["page"]) == []
    first = record(executive, title="Raise the refund limit", **ASSESSMENT)
    assert [(d.title, d.evidence_count) for d in client.get(url).context["page"]] == [
        ("Raise the refund limit", 0)
    ]
    report, _ = file(frontline, title="Refunds need a callback")
    first.friction_reports.add(report)
    record(executive, title="Cancel online", area="pricing")
    shown = [(d.title, d.evidence_count) for d in client.get(url).context["page"]]
    assert shown == [("Cancel online", 0), ("Raise the refund limit", 1)]
    filtered = client.get(url, {"area": "pricing"}).context["page"]
    assert [d.title for d in filtered] == ["Cancel online"]
    assert [d.title for d in client.get(url).context["page"]] == [t for t, _ in shown]


FORM = {
    "title": "Customers cancel online",
    "area": "policy",
    "context": "Cancelling needs a call.",
    "decision": "A cancel button in the portal.",
}


def test_a_decision_names_the_reports_it_answers_by_number(client, executive, frontline):
    first, _ = file(frontline, title="First")
    second, _ = file(frontline, title="Second")
    client.force_login(executive)
    response = client.post(
        reverse("frictions:decision_create"),
        {**FORM, "owner": executive.pk, "friction_reports": f"#{first.pk}, {second.pk} {first.pk}"},
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert set(decision.friction_reports.all()) == {first, second}
    edit = reverse("frictions:decision_edit", args=[decision.pk])
    page = client.get(edit)
    assert page.context["form"]["friction_reports"].value() == "", "linking only adds"
    third, _ = file(frontline, title="Third")
    client.post(edit, {**FORM, "owner": executive.pk, "friction_reports": str(third.pk)})
    assert set(decision.friction_reports.all()) == {first, second, third}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("missing", REPORTS_NOT_FOUND_MESSAGE),
        ("12 and 13", REPORT_NUMBERS_MESSAGE),
        ("0", REPORT_NUMBERS_MESSAGE),
        (str(NUMBER_MAX + 1), REPORT_NUMBERS_MESSAGE),
        ("9" * 1500, REPORT_NUMBERS_MESSAGE),
        (" ".join(str(n) for n in range(1, REPORT_NUMBERS_MAX + 2)), TOO_MANY_REPORTS_MESSAGE),
    ],
)
def test_the_decision_form_refuses_bad_report_numbers_and_keeps_them(
    client, executive, frontline, typed, message
):
    report, _ = file(frontline)
    missing = f"{report.pk + 1000}, {report.pk + 1001}"
    typed = {"missing": f"{report.pk}, {missing}"}.get(typed, typed)
    client.force_login(executive)
    response = client.post(
        reverse("frictions:decision_create"),
        {**FORM, "owner": executive.pk, "friction_reports": typed},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "friction_reports": [message.format(numbers=missing)]
    }
    assert f'value="{typed}"' in response.content.decode()
    assert "Cancelling needs a call." in response.content.decode()
    assert not Decision.objects.exists()


def resolve(client, report, decision):
    return client.post(
        reverse("frictions:transition", args=[report.pk]),
        {
            "respond-status": "resolved",
            "respond-resolution": "policy_modified",
            "respond-response": "There is a cancel button now.",
            "respond-decision": str(decision),
        },
    )


def test_a_policy_resolution_names_its_decision_by_number(client, frontline, cx_lead, executive):
    report, _ = file(frontline)
    decision = record(executive, **ASSESSMENT)
    client.force_login(cx_lead)
    assert resolve(client, report, decision.pk).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.decision) == ("resolved", decision)
    assert report in decision.friction_reports.all()


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("rejected", DECISION_REJECTED_MESSAGE),
        ("missing", DECISION_NOT_FOUND_MESSAGE),
        ("-1", DECISION_NUMBER_MESSAGE),
        (str(NUMBER_MAX + 1), DECISION_NUMBER_MESSAGE),
        ("", DECISION_REQUIRED_MESSAGE),
    ],
)
def test_a_policy_resolution_refuses_a_bad_decision_number(
    client, frontline, cx_lead, executive, which, message
):
    report, _ = file(frontline)
    rejected = record(executive)
    decision_set_status(decision=rejected, by=executive, status="rejected")
    number = {"rejected": str(rejected.pk), "missing": str(rejected.pk + 1000)}.get(which, which)
    client.force_login(cx_lead)
    response = resolve(client, report, number)
    assert response.status_code == 200
    assert response.context["transition_form"].errors == {
        "decision": [message.format(number=number)]
    }
    assert "There is a cancel button now." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "new"


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("itself", SUPERSEDES_ITSELF_MESSAGE),
        ("missing", DECISION_NOT_FOUND_MESSAGE),
        ("", SUPERSEDED_BY_MESSAGE),
        ("1e3", DECISION_NUMBER_MESSAGE),
    ],
)
def test_superseding_names_the_newer_decision_by_number(client, executive, which, message):
    older = record(executive, **ASSESSMENT)
    decision_set_status(decision=older, by=executive, status="approved")
    newer = record(executive, title="Raise it again", **ASSESSMENT)
    url = reverse("frictions:decision_status", args=[older.pk])
    client.force_login(executive)
    number = {"itself": str(older.pk), "missing": str(newer.pk + 1000)}.get(which, which)
    response = client.post(
        url, {"status-status": "superseded", "status-note": "Newer", "status-superseded_by": number}
    )
    assert response.status_code == 200
    assert response.context["status_form"].errors == {
        "superseded_by": [message.format(number=number)]
    }
    assert f'value="{number}"' in response.content.decode() or not number
    client.post(url, {"status-status": "superseded", "status-superseded_by": str(newer.pk)})
    older.refresh_from_db()
    assert (older.status, older.superseded_by) == ("superseded", newer)


def test_the_decision_pages_offer_as_many_options_for_many_reports_as_for_few(
    client, executive, frontline
):
    client.force_login(executive)
    shown = record(executive, **ASSESSMENT)
    decision_set_status(decision=shown, by=executive, status="approved")
    options, sizes = [], []
    for size in (3, 40):
        while FrictionReport.objects.count() < size:
            file(frontline, title=f"Report {FrictionReport.objects.count()}")
            record(executive, title=f"Decision {Decision.objects.count()}")
        sizes.append((FrictionReport.objects.count(), Decision.objects.count()))
        pages = [
            client.get(reverse("frictions:decision_create")),
            client.get(reverse("frictions:decision_edit", args=[shown.pk])),
            client.get(shown.get_absolute_url()),
        ]
        options.append([page.content.decode().count("<option") for page in pages])
    assert sizes == [(3, 4), (40, 41)], "the data grew"
    assert options[0] == options[1]


def test_the_decision_lookup_leaves_out_rejected_ones_and_the_decision_itself(
    client, executive, make_user
):
    taken = record(executive, title="Cancel online", **ASSESSMENT)
    rejected = record(executive, title="Cancel by letter")
    decision_set_status(decision=rejected, by=executive, status="rejected")
    other = record(executive, title="Cancel online for business customers")
    assert decision_lookup(user=executive, text="cancel online", exclude=other.pk) == [taken]
    assert decision_lookup(user=executive, text=str(rejected.pk)) == []
    assert decision_lookup(user=make_user(), text="cancel") == [], "not without the log"
    client.force_login(executive)
    fragment = client.get(
        reverse("frictions:decision_lookup"),
        {"q": "cancel", "for": "respond-decision"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f"#{other.pk} Cancel online for business customers" in fragment
    assert f"#{taken.pk} Cancel online" in fragment
    assert "by letter" not in fragment


@pytest.mark.parametrize("typed", ["9" * 30, "0", "/immersion/sessions/", "9" * 450])
def test_evidence_with_an_impossible_number_is_refused_on_the_form(client, executive, typed):
    decision = record(executive)
    client.force_login(executive)
    response = client.post(
        reverse("frictions:decision_evidence", args=[decision.pk]),
        {"evidence-kind": "session", "evidence-number": typed},
    )
    assert response.status_code == 200
    assert response.context["evidence_form"].errors == {"number": [EVIDENCE_NUMBER_MESSAGE]}


def test_an_outcome_check_says_whether_the_change_held_and_keeps_what_was_typed(client, executive):
    decision = record(executive, review_by=timezone.localdate())
    client.force_login(executive)
    url = reverse("frictions:decision_outcome", kwargs={"pk": decision.pk})

    refused = client.post(url, {"outcome-text": "Callbacks crept back in March."})

    assert refused.status_code == 200
    assert VERDICT_REQUIRED_MESSAGE in refused.content.decode()
    assert "Callbacks crept back in March." in refused.content.decode()
    decision.refresh_from_db()
    assert decision.outcome_checked_at is None
    done = client.post(
        url, {"outcome-text": "Callbacks crept back in March.", "outcome-verdict": "reverted"}
    )
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.outcome_verdict == Decision.Verdict.REVERTED
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "The change was undone" in page
    assert '<option value="reverted" selected>' in page, "checked again, it starts from this one"
    assert decision.events.filter(changes__verdict__1__startswith="The change was undone").exists()
