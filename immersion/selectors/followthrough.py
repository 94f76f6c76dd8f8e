"""Reads about what sessions left behind: an executive's to-dos, reflections each person may
read, journey results side by side, the calls an executive is to make."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from statistics import mean
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import people_with_role
from core.calendar import org_zone
from core.generations import generation_bump, remembered
from core.queries import counted

from .. import planner
from ..filters import ReflectionFilter, person_options_html
from ..models import (
    HARD_EFFORT,
    ActivityType,
    Commitment,
    Customer,
    CustomerCall,
    JourneyExercise,
    JourneyStep,
    JourneyStepResult,
    JourneyTemplate,
    Participant,
    Pillar,
    Reflection,
    ReflectionFriction,
    Session,
)
from .programme import PROGRAMME

MANAGE = "immersion.manage_programme"
# How long the executive filter's rendered options are kept at most (a change of people or
# roles renews the programme's generation sooner).
EXECUTIVE_OPTIONS_SECONDS = 3600


@dataclass
class ReflectionDue:
    participant: Participant
    due_at: datetime
    overdue: bool


@dataclass
class Todos:
    """What an executive still has to do after their sessions, most pressing first."""

    attendance: list[Participant] = field(default_factory=list)
    reflections: list[ReflectionDue] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    journeys: list[JourneyExercise] = field(default_factory=list)
    calls: list[CustomerCall] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.attendance)
            + len(self.reflections)
            + len(self.commitments)
            + len(self.journeys)
            + len(self.calls)
        )


def _ended_places(person: User, now: datetime) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(person=person, is_active=True, starts_at__lte=now)
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("session__activity_type")
        .order_by("starts_at")
    )


def todos_for(*, person: User, now: datetime | None = None) -> Todos:
    """Everything `person` has to do after their sessions, in four queries:

    - attendance to confirm: every session that has ended with no confirmation;
    - reflections: every exposure (customer or frontline time) they did not miss, with no
      reflection yet, until reflections on it close; overdue after REFLECTION_DUE_DAYS;
    - commitments not done, by due date (overdue from the day after);
    - journey exercises with steps left;
    - customer calls drawn for them and not yet made.
    """
    now = now or timezone.now()
    today = now.astimezone(org_zone()).date()
    todos = Todos()
    # Attendance to confirm and reflections due, from one read of the ended places (one
    # query fewer on every executive's home), told apart here by the same rules.
    edit_from = now - timedelta(days=settings.REFLECTION_EDIT_DAYS)
    exposures = [Pillar.DIRECT, Pillar.OBSERVATION]
    may_reflect = [Participant.Attendance.INVITED, Participant.Attendance.ATTENDED]
    wants_reflection = Q(
        ends_at__gt=edit_from,
        session__activity_type__pillar__in=exposures,
        reflection__isnull=True,
        attendance__in=may_reflect,
    )
    # The first filter adds nothing to the second (no session lasts more than a day, so one
    # ended after edit_from started after edit_from less a day) but is one PostgreSQL can read
    # from two indexes, the places to confirm and the last two weeks', without the joins.
    places = (
        _ended_places(person, now)
        .filter(
            Q(attendance=Participant.Attendance.INVITED)
            | Q(starts_at__gt=edit_from - timedelta(days=1))
        )
        .filter(Q(attendance=Participant.Attendance.INVITED) | wants_reflection, ends_at__lte=now)
    )
    due = timedelta(days=settings.REFLECTION_DUE_DAYS)
    for place in places.annotate(
        wants_reflection=ExpressionWrapper(wants_reflection, BooleanField())
    ):
        if place.attendance == Participant.Attendance.INVITED:
            todos.attendance.append(place)
        if place.wants_reflection:
            due_at = place.ends_at + due
            todos.reflections.append(ReflectionDue(place, due_at, overdue=due_at < now))
    # Home shows a commitment's words and date only: its reflection, place, session and
    # activity were four joined tables for nothing.
    todos.commitments = list(
        Commitment.objects.filter(person=person, done_at__isnull=True).only(
            "pk", "text", "due_date"
        )
    )
    for commitment in todos.commitments:
        commitment.overdue = commitment.due_date < today
    # Steps counted in subqueries, not by grouping the five joined tables: grouped, PostgreSQL
    # read every unfinished exercise of the organisation (3 ms at issue 14's volume).
    recorded = counted(JourneyStepResult.objects.filter(exercise=OuterRef("pk")), "exercise")
    steps = counted(
        JourneyStep.objects.filter(template=OuterRef("template_id"), is_active=True), "template"
    )
    todos.journeys = list(
        JourneyExercise.objects.filter(
            participant__person=person, participant__is_active=True, completed_at__isnull=True
        )
        .exclude(participant__session__status=Session.Status.CANCELLED)
        .select_related("template")
        .annotate(
            recorded=recorded,
            total=steps,
        )
        .order_by("started_at")
    )
    todos.calls = list(
        CustomerCall.objects.filter(
            participant__person=person,
            participant__is_active=True,
            participant__starts_at__lte=now,
            status=CustomerCall.Status.TO_CALL,
        )
        .select_related("customer", "participant__session__activity_type")
        .order_by("drawn_at", "pk")
    )
    return todos


# The generation every executive's remembered to-do list is kept under, beside their own: what
# all lists show of things nobody owns (activities, journey templates and steps, customers).
TODOS = "todos"
# How long an executive's to-do list is remembered at most, when nothing falls due sooner.
TODOS_SECONDS = 3600


def todos_generation(person_id: int) -> str:
    """The generation `person_id`'s remembered to-do list is kept under: every write of their
    places, reflections, commitments, journeys, step results and calls renews it."""
    return f"todos:{person_id}"


@dataclass
class _TodosUntil:
    todos: Todos
    until: datetime  # the first moment the list may read otherwise with no write


def _todos_until(person: User, now: datetime) -> _TodosUntil:
    """`todos_for(person)` now, and when it next changes by the clock alone: a place of theirs
    starting (calls) or ending (attendance, reflections), a reflection falling overdue or
    closing, midnight (commitments)."""
    todos = todos_for(person=person, now=now)
    today = now.astimezone(org_zone()).date()
    moments = [datetime.combine(today + timedelta(days=1), time.min, org_zone())]
    # No session lasts more than a day, so the (person, starts_at) index is read from
    # yesterday on.
    next_place = Participant.objects.filter(
        person=person, is_active=True, starts_at__gt=now - timedelta(days=1), ends_at__gt=now
    ).aggregate(starts=Min("starts_at", filter=Q(starts_at__gt=now)), ends=Min("ends_at"))
    moments += [moment for moment in next_place.values() if moment is not None]
    closes = timedelta(days=settings.REFLECTION_EDIT_DAYS)
    for item in todos.reflections:
        moments += [item.due_at, item.participant.ends_at + closes]
    # A moment equal to now (a reflection falls overdue just after its due time) ends the
    # entry at once: it is not kept.
    return _TodosUntil(todos, min(moment for moment in moments if moment >= now))


def todos_of(*, person: User) -> Todos:
    """`todos_for(person)` for their home, remembered under their own generation (and the one
    all lists share) until the clock alone would change it, an hour at most: its four queries
    were ~15 ms of each view of an executive's home at issue 14's volume."""
    now = timezone.now()

    def seconds_left(entry: _TodosUntil) -> int:
        # Whole seconds, rounded down: an entry may end a little early, never late.
        return min(TODOS_SECONDS, int((entry.until - now).total_seconds()))

    entry = remembered(
        (TODOS, todos_generation(person.pk)),
        f"todos:v1:{person.pk}",
        lambda: _todos_until(person, now),
        timeout=seconds_left,
    )
    if entry.until <= timezone.now():  # kept since, and the clock has moved it on
        return todos_for(person=person)
    return entry.todos


def todos_changed_for(person_ids) -> None:
    """Renew the to-do generations of these people, for writes that send no signal
    (`QuerySet.update`, `bulk_create`) of their places or calls."""
    generation_bump(*{todos_generation(person_id) for person_id in person_ids})


def _person_of_place(participant_id: int) -> list[int]:
    return list(Participant.objects.filter(pk=participant_id).values_list("person_id", flat=True))


# What renews whose list: each model, and the people whose to-do lists one row's save or
# delete changes (None: every list).
_TODO_SOURCES = {
    Participant: lambda row: [row.person_id],
    Commitment: lambda row: [row.person_id],
    Reflection: lambda row: _person_of_place(row.participant_id),
    JourneyExercise: lambda row: _person_of_place(row.participant_id),
    CustomerCall: lambda row: _person_of_place(row.participant_id),
    JourneyStepResult: lambda row: list(
        JourneyExercise.objects.filter(pk=row.exercise_id).values_list(
            "participant__person_id", flat=True
        )
    ),
    Session: lambda row: list(row.participants.values_list("person_id", flat=True)),
    ActivityType: None,
    JourneyTemplate: None,
    JourneyStep: None,
    Customer: None,
}


def _todos_changed(sender, instance, **kwargs) -> None:
    people = _TODO_SOURCES[sender]
    if people is None:
        generation_bump(TODOS)
    else:
        todos_changed_for(people(instance))


def todos_receivers_connect() -> None:
    """Keep every remembered to-do list true: each save or delete of what it is computed from
    renews the generation of the people it concerns. Called once from ImmersionConfig.ready;
    writes that send no signal call `todos_changed_for` by hand."""
    for model in _TODO_SOURCES:
        for signal in (post_save, post_delete):
            signal.connect(_todos_changed, sender=model, dispatch_uid=f"todos:{model}:{signal}")


# A reflection card's friction lines and commitments (immersion/templatetags/reflections.py),
# prefetched as plain lists: as related managers, Django made two querysets a card to hold
# them and a third each time the card read one (~4 ms of a page of 25).
REFLECTION_CARD_LINES = (
    Prefetch("frictions", to_attr="friction_lines"),
    Prefetch("commitments", to_attr="commitment_lines"),
)


def reflections_visible_to(*, user: User) -> QuerySet[Reflection]:
    """Reflections `user` may read: their own; all for the CX lead; those shared with
    leadership for people who read shared reflections. Newest written first: the order of an
    index on the reflection's own row (by the session's time instead, every page joined and
    sorted all 140,000 reflections' places, issue 14)."""
    reflections = Reflection.objects.select_related(
        "participant__person", "participant__session__activity_type"
    ).order_by("-created_at", "-pk")
    if user.has_perm(MANAGE):
        return reflections
    # Their own places as a subquery, not a join: OR across a join read and joined every
    # reflection to count leadership's (125 ms at 140,000).
    visible = Q(participant__in=Participant.objects.filter(person=user).values("pk"))
    if user.has_perm("immersion.view_shared_reflections"):
        visible |= Q(visibility=Reflection.Visibility.LEADERSHIP)
    return reflections.filter(visible)


def reflection_search(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[Reflection]:
    """The reflections `user` may read (`reflections_visible_to`) matching the reflections-page
    filters (`filters.ReflectionFilter`: picking an executive only for the CX lead and
    leadership), newest written first (a search too, not by rank: a CX lead reads what is new
    about a subject), with their friction lines and commitments. A filter value that
    is not valid, or not allowed for `user`, is left out."""
    # The page's keys and its count are read from the reflection's own row and the newest-first
    # index (core.paging: values and counts leave the joins out). Its 25 rows are then read by
    # key with their place, person, session and activity type joined, and only the columns a
    # card shows of those (~60 others cost ~4 ms a page to make into fields).
    reflections = (
        reflections_visible_to(user=user)
        .only(
            *(field.attname for field in Reflection._meta.concrete_fields),
            "participant__session_id",
            "participant__person_id",
            "participant__starts_at",
            "participant__person__display_name",
            "participant__person__email",
            "participant__session__activity_type__name",
        )
        .prefetch_related(*REFLECTION_CARD_LINES)
    )
    return ReflectionFilter(filters or {}, queryset=reflections, user=user).qs


def executive_options_html() -> str:
    """Every active executive as the calendar's and the reflections page's filter options
    (`filters.person_options_html`), remembered in the shared cache under the programme's
    generation, which every save of a person and every change of roles renews: 1,000 of them
    were a query and ~10 ms of rendering on every view of the page."""
    return remembered(
        PROGRAMME,
        "executive-options:v1",
        lambda: person_options_html(people_with_role(role=Role.EXECUTIVE)),
        timeout=EXECUTIVE_OPTIONS_SECONDS,
    )


def participant_for(*, user: User, pk: int) -> Participant | None:
    """A place in a session that `user` may record for: their own, or anyone's for the CX lead.
    None otherwise, so the page answers 404."""
    places = Participant.objects.select_related("session__activity_type", "person", "reflection")
    if not user.has_perm(MANAGE):
        places = places.filter(person=user)
    return places.filter(pk=pk).first()


def journey_exercise_for(*, user: User, pk: int) -> JourneyExercise | None:
    """A journey exercise its walker may open, or the CX lead and leadership; None otherwise."""
    exercises = JourneyExercise.objects.select_related(
        "template", "participant__person", "participant__session__activity_type"
    )
    if not (user.has_perm(MANAGE) or user.has_perm("immersion.view_programme")):
        exercises = exercises.filter(participant__person=user)
    return exercises.filter(pk=pk).first()


def journey_steps_with_results(exercise: JourneyExercise) -> list[JourneyStep]:
    """The exercise's steps in order, each with `.result` (or None); inactive steps only where
    they have a result here."""
    results = {r.step_id: r for r in exercise.results.all()}
    steps = []
    for step in exercise.template.steps.all():
        step.result = results.get(step.pk)
        if step.result is not None:
            step.result.step = step  # the worst-first sort reads it: no query per result
        if step.is_active or step.result is not None:
            steps.append(step)
    return steps


def journey_worst_first(steps: list[JourneyStep]) -> list[JourneyStepResult]:
    """Recorded results, the worst first: failed before worked, then hardest first."""
    results = [step.result for step in steps if step.result is not None]
    return sorted(results, key=lambda r: (r.worked, -r.effort, r.step.position))


@dataclass
class JourneyColumn:
    label: str
    sublabel: str
    cells: dict[int, object]  # step id -> JourneyStepResult, or an average for a quarter


@dataclass
class StepAverage:
    effort: float
    worked_percent: int
    count: int

    @property
    def is_friction(self) -> bool:
        return self.effort >= HARD_EFFORT or self.worked_percent < 50


@dataclass
class JourneyComparison:
    steps: list[JourneyStep]
    quarters: list[JourneyColumn]
    exercises: list[JourneyColumn]
    quarter_choices: list[str]

    @property
    def rows(self) -> list[tuple[JourneyStep, list, list]]:
        """Each step with its cells under the quarter columns, then the exercise columns."""
        return [
            (
                step,
                [column.cells.get(step.pk) for column in self.quarters],
                [column.cells.get(step.pk) for column in self.exercises],
            )
            for step in self.steps
        ]


def journey_comparison(
    *, template: JourneyTemplate, quarter: str = "", limit: int = 12
) -> JourneyComparison:
    """The same journey across executives and quarters, side by side: one column per quarter
    (averages over everyone who walked it), then one per exercise (the latest `limit`, or those
    of one quarter). Three queries, whatever the number of exercises."""
    zone = org_zone()
    results = list(
        JourneyStepResult.objects.filter(exercise__template=template).select_related(
            "exercise__participant__person"
        )
    )
    steps = [
        step
        for step in template.steps.all()
        if step.is_active or any(r.step_id == step.pk for r in results)
    ]
    by_exercise: dict[int, dict[int, JourneyStepResult]] = defaultdict(dict)
    by_quarter: dict[str, dict[int, list[JourneyStepResult]]] = defaultdict(
        lambda: defaultdict(list)
    )
    exercises: dict[int, tuple] = {}
    for result in results:
        exercise = result.exercise
        day = exercise.participant.starts_at.astimezone(zone).date()
        bucket = planner.bucket_of("quarter", day)
        by_exercise[exercise.pk][result.step_id] = result
        by_quarter[bucket.label][result.step_id].append(result)
        exercises[exercise.pk] = (exercise.participant.starts_at, exercise, bucket.label)
    walkers = {
        label: len({r.exercise_id for rs in per_step.values() for r in rs})
        for label, per_step in by_quarter.items()
    }
    quarter_choices = sorted(by_quarter, key=lambda label: (label[-4:], label[:2]))
    quarters = [
        JourneyColumn(
            label=label,
            sublabel=f"{walkers[label]} walked",
            cells={
                step_id: StepAverage(
                    effort=round(mean(r.effort for r in rs), 1),
                    worked_percent=round(100 * sum(r.worked for r in rs) / len(rs)),
                    count=len(rs),
                )
                for step_id, rs in by_quarter[label].items()
            },
        )
        for label in quarter_choices
        if not quarter or label == quarter
    ]
    chosen = sorted(
        (item for item in exercises.values() if not quarter or item[2] == quarter),
        key=lambda item: item[0],
        reverse=True,
    )[:limit]
    columns = [
        JourneyColumn(
            label=exercise.participant.person.display_name,
            sublabel=f"{started.astimezone(zone):%d %b %Y}",
            cells=by_exercise[exercise.pk],
        )
        for started, exercise, _ in chosen
    ]
    return JourneyComparison(steps, quarters, columns, quarter_choices)


def journey_templates_with_counts(*, active_only: bool = False) -> QuerySet[JourneyTemplate]:
    """Journey templates (only those in use when `active_only`) with how many active steps
    each has and how many times it was walked."""
    templates = JourneyTemplate.objects.all()
    if active_only:
        templates = templates.filter(is_active=True)
    # Each count in its own subquery: joined together, every step met every walk (DISTINCT
    # over steps x exercises: 105-137 ms at 32,000 exercises; two index counts instead).
    return templates.annotate(
        step_count=_count_per_template(JourneyStep.objects.filter(is_active=True)),
        exercise_count=_count_per_template(JourneyExercise.objects.all()),
    )


def _count_per_template(rows: QuerySet) -> Coalesce:
    return counted(rows.filter(template=OuterRef("pk")), "template")


def customer_call_for(*, user: User, pk: int) -> CustomerCall | None:
    """A call with the customer's details: only for the executive it is assigned to and the CX
    lead. None for anyone else, so the page answers 404."""
    calls = CustomerCall.objects.select_related(
        "customer", "question_set", "participant__person", "participant__session__activity_type"
    )
    if not user.has_perm(MANAGE):
        calls = calls.filter(participant__person=user)
    return calls.filter(pk=pk).first()


def customers_callable(*, now=None) -> QuerySet[Customer]:
    """Customers who may be drawn now, those rested longest first (never called first)."""
    now = now or timezone.now()
    rested_since = now - timedelta(days=settings.CUSTOMER_CALL_REST_DAYS)
    last_called = (
        CustomerCall.objects.filter(customer=OuterRef("pk"), called_at__isnull=False)
        .values("customer")
        .annotate(last=Max("called_at"))
        .values("last")
    )
    return (
        Customer.objects.filter(consent=True, do_not_contact=False)
        .exclude(calls__status=CustomerCall.Status.TO_CALL)
        .exclude(calls__called_at__gte=rested_since)
        .annotate(last_called=Subquery(last_called))
        .order_by(F("last_called").asc(nulls_first=True), "pk")
    )


def reflection_friction_for(*, user: User, pk: int) -> ReflectionFriction | None:
    """A friction line of `user`'s own reflection, with its session; None for anyone else's."""
    return (
        ReflectionFriction.objects.select_related("reflection__participant__session__activity_type")
        .filter(pk=pk, reflection__participant__person=user)
        .first()
    )


def journey_step_result_for(*, user: User, pk: int) -> JourneyStepResult | None:
    """A step result of a journey `user` walked, with its step and journey; None otherwise."""
    return (
        JourneyStepResult.objects.select_related("step", "exercise__template")
        .filter(pk=pk, exercise__participant__person=user)
        .first()
    )
