"""Journey templates, walking a journey step by step, and comparing results."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from immersion.models import (
    JourneyExercise,
    JourneyStep,
    JourneyStepResult,
    JourneyTemplate,
    Session,
)
from immersion.selectors import (
    journey_comparison,
    journey_steps_with_results,
    journey_worst_first,
    todos_for,
)
from immersion.services.journeys import (
    ALREADY_WALKING_MESSAGE,
    EFFORT_RANGE_MESSAGE,
    NO_STEPS_MESSAGE,
    NOT_A_JOURNEY_SESSION_MESSAGE,
    NOT_YOURS_MESSAGE,
    journey_exercise_start,
    journey_step_record,
    journey_template_save,
)
from immersion.tests.factories import past_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def template():
    return journey_template_save(
        name="Cancel a plan", kind="renewal", steps=["Find the cancel page", "Cancel", "Refund"]
    )


def walk(person, template, *, hours_ago=26, scores=()):
    place = past_place(person, "customer-journey", hours_ago=hours_ago)
    exercise = journey_exercise_start(participant=place, template=template, by=person)
    for step, (effort, worked) in zip(template.steps.all(), scores, strict=False):
        journey_step_record(exercise=exercise, step=step, effort=effort, worked=worked, by=person)
    return exercise


def test_the_migration_installs_the_nine_journeys_of_the_seeds():
    kinds = set(JourneyTemplate.objects.values_list("kind", flat=True))
    assert kinds == set(JourneyTemplate.Kind.values)
    assert all(t.steps.exists() for t in JourneyTemplate.objects.all())


def test_journey_template_save_refuses_a_journey_without_steps():
    with pytest.raises(ValidationError) as caught:
        journey_template_save(name="Empty", kind="purchase", steps=["", "   "])
    assert caught.value.message_dict == {"steps": [NO_STEPS_MESSAGE]}
    assert not JourneyTemplate.objects.filter(name="Empty").exists()


def test_a_step_too_long_and_a_missing_name_are_refused_together():
    with pytest.raises(ValidationError) as caught:
        journey_template_save(name="  ", kind="purchase", steps=["Pay", "x" * 201])
    errors = caught.value.message_dict
    assert errors["steps"] == [f"Keep each line under 200 characters: “{'x' * 40}…” is longer."]
    assert "name" in errors
    assert JourneyTemplate.objects.filter(steps__title="Pay").count() == 0


def test_editing_a_template_keeps_steps_with_results_and_drops_the_others(executive, template):
    exercise = walk(executive, template, scores=[(2, True)])
    _, cancel, refund = template.steps.all()
    journey_template_save(
        template=template, name=template.name, kind="renewal", steps=["Cancel", "Say why"]
    )
    steps = list(JourneyStep.objects.filter(template=template))
    assert [(s.title, s.is_active) for s in steps] == [
        ("Cancel", True),
        ("Say why", True),
        ("Find the cancel page", False),
    ]
    assert cancel.pk in {s.pk for s in steps}
    assert not JourneyStep.objects.filter(pk=refund.pk).exists()
    shown = journey_steps_with_results(exercise)
    assert [s.title for s in shown] == ["Cancel", "Say why", "Find the cancel page"]


def test_walking_a_journey_records_each_step_and_completes_at_the_last(executive, template):
    exercise = walk(executive, template, scores=[(2, True), (6, True)])
    assert exercise.completed_at is None
    assert [j.pk for j in todos_for(person=executive).journeys] == [exercise.pk]
    refund = template.steps.get(title="Refund")
    journey_step_record(exercise=exercise, step=refund, effort=7, worked=False, by=executive)
    exercise.refresh_from_db()
    assert exercise.completed_at is not None
    assert todos_for(person=executive).journeys == []


def test_journey_summary_puts_failed_then_hardest_steps_first(executive, template):
    exercise = walk(executive, template, scores=[(2, True), (6, True), (3, False)])
    worst = journey_worst_first(journey_steps_with_results(exercise))
    assert [r.step.title for r in worst] == ["Refund", "Cancel", "Find the cancel page"]
    assert [r.is_friction for r in worst] == [True, True, False]


def test_journey_step_record_refuses_another_executive_and_scores_outside_1_to_7(
    executive, make_user, template
):
    exercise = walk(executive, template)
    step = template.steps.first()
    colleague = make_user(roles=[Role.EXECUTIVE])
    with pytest.raises(ValidationError, match=NOT_YOURS_MESSAGE):
        journey_step_record(exercise=exercise, step=step, effort=3, worked=True, by=colleague)
    with pytest.raises(ValidationError) as caught:
        journey_step_record(exercise=exercise, step=step, effort=8, worked=True, by=executive)
    assert caught.value.message_dict == {"effort": [EFFORT_RANGE_MESSAGE]}
    assert not JourneyStepResult.objects.exists()


def test_a_journey_is_walked_once_per_session_and_only_in_journey_sessions(executive, template):
    exercise = walk(executive, template)
    with pytest.raises(ValidationError, match=ALREADY_WALKING_MESSAGE):
        journey_exercise_start(participant=exercise.participant, template=template, by=executive)
    listening = past_place(executive, hours_ago=50)
    with pytest.raises(ValidationError) as caught:
        journey_exercise_start(participant=listening, template=template, by=executive)
    assert caught.value.messages == [
        NOT_A_JOURNEY_SESSION_MESSAGE.format(activity=listening.session.activity_type)
    ]


def test_journey_comparison_sets_quarters_and_executives_side_by_side(
    executive, make_user, template
):
    colleague = make_user(roles=[Role.EXECUTIVE], display_name="Zed Colleague")
    walk(executive, template, scores=[(2, True), (6, False)])
    walk(colleague, template, hours_ago=30, scores=[(4, True), (4, True)])
    walk(executive, template, hours_ago=24 * 120, scores=[(7, False)])
    comparison = journey_comparison(template=template)
    assert len(comparison.quarters) == 2
    latest = comparison.quarters[-1]
    find, cancel, _ = template.steps.all()
    assert (latest.cells[find.pk].effort, latest.cells[find.pk].worked_percent) == (3, 100)
    assert (latest.cells[cancel.pk].effort, latest.cells[cancel.pk].worked_percent) == (5, 50)
    assert latest.cells[cancel.pk].is_friction
    assert [c.label for c in comparison.exercises][:2] == [
        executive.display_name,
        "Zed Colleague",
    ]
    only_one = journey_comparison(template=template, quarter=comparison.quarter_choices[0])
    assert len(only_one.exercises) == 1


def test_journey_step_over_htmx_returns_the_step_and_the_summary(client, executive, template):
    exercise = walk(executive, template)
    step = template.steps.first()
    client.force_login(executive)
    url = reverse("immersion:journey_step", args=[exercise.pk, step.pk])
    prefix = f"step-{step.pk}"
    response = client.post(
        url,
        {f"{prefix}-effort": "6", f"{prefix}-worked": "no", f"{prefix}-note": "Link broken"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="step-{step.pk}"' in page
    assert 'hx-swap-oob="true"' in page
    assert "Link broken" in page
    result = JourneyStepResult.objects.get()
    assert (result.effort, result.worked) == (6, False)


def test_journey_step_page_keeps_the_note_when_the_score_is_missing(client, executive, template):
    exercise = walk(executive, template)
    step = template.steps.first()
    client.force_login(executive)
    prefix = f"step-{step.pk}"
    response = client.post(
        reverse("immersion:journey_step", args=[exercise.pk, step.pk]),
        {f"{prefix}-worked": "no", f"{prefix}-note": "Could not find it"},
    )
    assert response.status_code == 400
    assert "Could not find it" in response.content.decode()
    assert not JourneyStepResult.objects.exists()


def test_starting_a_journey_from_the_session_page(client, executive, template):
    place = past_place(executive, "customer-journey")
    client.force_login(executive)
    page = client.get(place.session.get_absolute_url()).content.decode()
    assert "Walk a journey" in page
    response = client.post(
        reverse("immersion:journey_start", args=[place.pk]), {"template": template.pk}
    )
    exercise = JourneyExercise.objects.get()
    assert response.url == exercise.get_absolute_url()


def test_template_form_keeps_typed_text_when_steps_are_missing(client, cx_lead):
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:journey_template_create"),
        {"name": "Return an item", "kind": "support", "description": "Send it back", "steps": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["form"].errors["steps"] == [NO_STEPS_MESSAGE]
    assert "Return an item" in page
    assert "Send it back" in page


def test_compare_page_has_no_query_per_exercise(
    client, executive, cx_lead, template, queries_at_two_sizes
):
    client.force_login(cx_lead)

    def build(walks):
        Session.objects.all().delete()
        for n in range(walks):
            walk(executive, template, hours_ago=26 + 48 * n, scores=[(3, True), (5, False)])
        return template.get_absolute_url()

    queries_at_two_sizes(
        build, lambda page: len(page.context["comparison"].exercises), ceiling=12, sizes=(2, 12)
    )


def test_journey_list_takes_the_same_queries_at_any_size(
    client, executive, template, queries_at_two_sizes
):
    client.force_login(executive)

    def build(size):
        Session.objects.all().delete()
        for n in range(size):
            journey_template_save(name=f"Extra {size}-{n}", kind="purchase", steps=["a", "b"])
            walk(executive, template, hours_ago=26 + 48 * n, scores=[(3, True)])
        return reverse("immersion:journeys")

    queries_at_two_sizes(
        build, lambda page: len(page.context["templates"]), ceiling=12, sizes=(2, 10)
    )


def test_journey_exercise_takes_the_same_queries_for_few_and_many_steps(
    client, executive, queries_at_two_sizes
):
    client.force_login(executive)

    def build(size):
        steps = [f"Step {n}" for n in range(size)]
        journey = journey_template_save(name=f"Walk {size}", kind="purchase", steps=steps)
        return walk(
            executive, journey, hours_ago=26 + size, scores=[(3, True)] * size
        ).get_absolute_url()

    queries_at_two_sizes(build, lambda page: page.context["recorded"], ceiling=14, sizes=(2, 10))


def test_journey_results_compared_over_quarters_stay_with_the_right_quarter(executive, template):
    exercise = walk(executive, template, scores=[(1, True)])
    earlier = walk(executive, template, hours_ago=24 * 200, scores=[(7, False)])
    assert exercise.participant.starts_at - earlier.participant.starts_at > timedelta(days=150)
    comparison = journey_comparison(template=template)
    first_step = template.steps.first().pk
    efforts = [column.cells[first_step].effort for column in comparison.quarters]
    assert efforts == [7, 1]


def test_journey_list_counts_the_steps_offered_and_every_walk(
    client, executive, make_user, template
):
    other = make_user(roles=[Role.EXECUTIVE])
    # "Find the cancel page" has results, so taking it out keeps it, inactive: two offered.
    walk(executive, template, scores=[(2, True), (3, True), (4, False)])
    walk(other, template, hours_ago=80, scores=[(3, True)])
    journey_template_save(
        template=template, name=template.name, kind=template.kind, steps=["Cancel", "Refund"]
    )
    client.force_login(executive)

    page = client.get(reverse("immersion:journeys"))

    listed = {t.name: (t.step_count, t.exercise_count) for t in page.context["templates"]}
    assert listed["Cancel a plan"] == (2, 2)
    others = [counts for name, counts in listed.items() if name != "Cancel a plan"]
    assert others, "the migration's journeys are listed too"
    assert all(steps > 0 and walks == 0 for steps, walks in others)
