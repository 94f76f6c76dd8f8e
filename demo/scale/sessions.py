"""Five years of the programme: each executive's sessions (one individual session a day at
most, Tuesday to Friday), an Officer of the Day shift every working day, the weekly friction
review and a monthly customer council on Mondays; attendance; and what sessions leave behind
(reflections, frictions seen, commitments, journeys walked step by step, customer calls,
escalations to the officer on shift).

Nobody is in two sessions at once: an executive's individual sessions fall on different days,
the officer of a day has no other session that day, and the Monday meetings do not overlap
each other. PostgreSQL's exclusion constraint checks it as the rows go in.
"""

import uuid
from datetime import timedelta

from django.conf import settings

from core.models import Holiday
from immersion.models import (
    ActivityType,
    Commitment,
    CustomerCall,
    Escalation,
    JourneyExercise,
    JourneyStepResult,
    JourneyTemplate,
    Participant,
    Reflection,
    ReflectionFriction,
    Session,
    SessionChange,
)

from .base import Step
from .texts import (
    PLACES,
    PRODUCTS,
    QUOTES,
    REFLECTION_CHANGES,
    REFLECTION_OPENERS,
    SUBJECT_NAMES,
    SUBJECTS,
)

# Individual sessions per executive per 13 weeks at full engagement: about 290,000 sessions for
# 1,000 executives over five years, once joining dates and engagement are applied.
RATES = {
    "call-listening": 8.0,
    "chat-observation": 3.5,
    "customer-journey": 1.5,
    "mystery-shop": 1.2,
    "customer-calls": 2.0,
    "qa-review": 1.5,
    "sales-ride-along": 1.2,
}
OBSERVED = {"call-listening", "chat-observation", "qa-review", "sales-ride-along"}
START_HOURS = [9, 10, 11, 13, 14, 15]
MYSTERY_KINDS = {"phone_menu", "chatbot", "web_portal"}
BLOCK_DAYS = 91
AHEAD_DAYS = 28  # what is planned but not yet held
REVIEWERS = 40  # chiefs and VPs invited to the weekly review
COUNCIL = 15

SESSION_FIELDS = [
    "id",
    "uid",
    "activity_type_id",
    "starts_at",
    "ends_at",
    "status",
    "host_team_id",
    "host_agent_id",
    "notes",
    "sequence",
    "created_by_id",
    "created_at",
    "updated_at",
]
PARTICIPANT_FIELDS = [
    "id",
    "session_id",
    "person_id",
    "attendance",
    "starts_at",
    "ends_at",
    "is_active",
    "actual_minutes",
    "interactions_observed",
    "confirmed_at",
    "confirmed_by_id",
]
Attendance = Participant.Attendance


class Sessions(Step):
    def run(self) -> None:
        self.duration = {}
        for slug, minutes in _durations().items():
            self.duration[slug] = timedelta(minutes=minutes)
        self.holidays = set(_holidays())
        self.specs: list[tuple] = []  # (starts_at, ends_at, slug, team, agent, people, cancelled)
        self._plan()
        self._write()

    # Planning

    def _plan(self) -> None:
        written = self.written
        rng = self.rng
        joins = {
            pk: 0.0 if rng.random() < 0.4 else rng.uniform(0, 0.6) for pk in written.executives
        }
        engagement = {pk: 0.3 + 1.2 * rng.betavariate(2, 2) for pk in written.executives}
        fading = set(rng.sample(written.executives, max(1, len(written.executives) // 30)))
        occupied: dict[int, set] = {pk: set() for pk in written.executives}
        last = self.today + timedelta(days=AHEAD_DAYS)
        block_start = self.first_day
        while block_start <= last:
            block = self.days(block_start, min(last, block_start + timedelta(days=BLOCK_DAYS - 1)))
            block_start += timedelta(days=BLOCK_DAYS)
            working = [d for d in block if d.weekday() < 5 and d not in self.holidays]
            individual = [d for d in working if d.weekday() > 0]
            if not individual:
                continue
            progress = self.progress(self.at(block[0], 12))
            for pk in written.executives:
                if progress < joins[pk]:
                    continue
                factor = engagement[pk] * (0.7 + 0.5 * progress)
                if pk in fading and progress > 0.9:
                    factor *= 0.25
                for slug, rate in RATES.items():
                    expected = rate * factor
                    count = int(expected) + (rng.random() < expected - int(expected))
                    for _ in range(count):
                        self._individual(pk, slug, rng.choice(individual), occupied[pk])
            for day in working:
                self._officer(day, occupied)
                if day.weekday() == 0:
                    self._meetings(day, occupied, progress)

    def _individual(self, person: int, slug: str, day, occupied: set) -> None:
        tries = 0
        while day in occupied:
            tries += 1
            if tries > 8:
                return
            day += timedelta(days=1)
            if day.weekday() in (0, 5, 6) or day in self.holidays:
                day -= timedelta(days=3)
        occupied.add(day)
        starts_at = self.at(day, self.rng.choice(START_HOURS))
        team = agent = None
        if slug in OBSERVED:
            team, _ = self.rng.choice(self.written.teams)
            agent = self.rng.choice(self.written.team_agents.get(team) or [None])
        self.specs.append(
            (
                starts_at,
                starts_at + self.duration[slug],
                slug,
                team,
                agent,
                [person],
                self.rng.random() < 0.03,
            )
        )

    def _officer(self, day, occupied: dict[int, set]) -> None:
        for _ in range(20):
            person = self.rng.choice(self.written.executives)
            if day not in occupied[person]:
                occupied[person].add(day)
                starts_at = self.at(day, 9)
                ends = starts_at + self.duration["officer-of-the-day"]
                self.specs.append(
                    (starts_at, ends, "officer-of-the-day", None, None, [person], False)
                )
                return

    def _meetings(self, day, occupied: dict[int, set], progress: float) -> None:
        """The weekly friction review (held in a share of weeks that rises), and the customer
        council on the first Monday of a month; the day's officer is on shift, not in them."""
        free = [pk for pk in self.written.senior if day not in occupied[pk]]
        if self.rng.random() < 0.7 + 0.3 * progress:
            starts_at = self.at(day, 10)
            people = self.rng.sample(free, min(REVIEWERS, len(free)))
            ends = starts_at + self.duration["friction-review"]
            self.specs.append((starts_at, ends, "friction-review", None, None, people, False))
        if day.day <= 7:
            starts_at = self.at(day, 14)
            people = self.rng.sample(free, min(COUNCIL, len(free)))
            ends = starts_at + self.duration["customer-council"]
            self.specs.append((starts_at, ends, "customer-council", None, None, people, False))

    # Writing

    def _write(self) -> None:
        self.specs.sort(key=lambda spec: spec[0])
        written = self.written
        activity = written.activity
        now = self.now
        rng = self.rng
        recent = now - timedelta(days=3)
        sessions, places, changes = [], [], []
        session_ids = self.tables.ids(Session, len(self.specs))
        place_ids = iter(self.tables.ids(Participant, sum(len(spec[5]) for spec in self.specs)))
        self.attended: list[tuple] = []  # (participant id, person, session id, slug, start, end)
        self.shifts: list[tuple] = []  # (session id, officer, starts_at, ends_at)
        for pk, (starts_at, ends_at, slug, team, agent, people, cancelled) in zip(
            session_ids, self.specs, strict=True
        ):
            past = ends_at <= now
            status = "cancelled" if cancelled else ("confirmed" if past else "scheduled")
            created_at = min(starts_at - timedelta(days=21), now)
            uid = uuid.UUID(int=rng.getrandbits(128), version=4)
            sessions.append(
                (
                    pk,
                    uid,
                    activity[slug],
                    starts_at,
                    ends_at,
                    status,
                    team,
                    agent,
                    "",
                    0,
                    written.cx_lead,
                    created_at,
                    ends_at if past else created_at,
                )
            )
            changes.append(
                (pk, "created", written.cx_lead, created_at, "", f"{starts_at:%Y-%m-%d %H:%M} UTC")
            )
            if slug == "friction-review" and past and not cancelled:
                written.reviews.append((pk, starts_at, ends_at))
            if slug == "officer-of-the-day" and starts_at <= now:
                self.shifts.append((pk, people[0], starts_at, ends_at))
            progress = self.progress(starts_at)
            group = len(people) > 1
            minutes = int((ends_at - starts_at).total_seconds() // 60)
            for person in people:
                place = [next(place_ids), pk, person, Attendance.INVITED, starts_at, ends_at]
                place.append(not cancelled)
                place += [None, None, None, None]
                if past and not cancelled and (ends_at < recent or rng.random() < 0.5):
                    chance = (0.5 + 0.4 * progress) if group else (0.78 + 0.15 * progress)
                    if rng.random() < chance:
                        place[3] = Attendance.ATTENDED
                        if rng.random() < 0.7:
                            place[7] = max(5, minutes + rng.randint(-15, 10))
                        if slug in OBSERVED:
                            place[8] = rng.randint(2, 12)
                        elif slug == "customer-calls":
                            place[8] = rng.randint(2, 5)
                    else:
                        place[3] = Attendance.MISSED if rng.random() < 0.5 else Attendance.EXCUSED
                    place[9] = min(ends_at + timedelta(hours=1), now)
                    place[10] = person
                    if place[3] == Attendance.ATTENDED:
                        self.attended.append((place[0], person, pk, slug, starts_at, ends_at))
                places.append(place)
        self.tables.write(Session, SESSION_FIELDS, sessions)
        self.tables.write(Participant, PARTICIPANT_FIELDS, (tuple(p) for p in places))
        self.tables.write(
            SessionChange,
            ["id", "session_id", "kind", "changed_by_id", "changed_at", "from_value", "to_value"],
            (
                (pk, *change)
                for pk, change in zip(
                    self.tables.ids(SessionChange, len(changes)), changes, strict=True
                )
            ),
        )
        del sessions, places, changes
        self._follow_through()
        self._escalations()

    def _follow_through(self) -> None:
        """Reflections on a rising share of the exposure attended, with the friction seen and
        some commitments; journeys walked step by step; customer calls made."""
        written = self.written
        rng = self.rng
        now = self.now
        templates = list(JourneyTemplate.objects.filter(is_active=True).prefetch_related("steps"))
        mystery = [t for t in templates if t.kind in MYSTERY_KINDS]
        journeys_of = [t for t in templates if t.kind not in MYSTERY_KINDS]
        steps = {t.pk: [s.pk for s in t.steps.all() if s.is_active] for t in templates}
        reflections, frictions, commitments, exercises, results, calls = [], [], [], [], [], []
        reflection_ids = iter(self.tables.ids(Reflection, len(self.attended)))
        exercise_ids = iter(self.tables.ids(JourneyExercise, len(self.attended)))
        edit_days = timedelta(days=settings.REFLECTION_EDIT_DAYS)
        for participant, person, session, slug, starts_at, ends_at in self.attended:
            if slug in ("friction-review", "customer-council"):
                continue
            written.exposure.setdefault(person, []).append((starts_at, session))
            progress = self.progress(starts_at)
            template = None
            if slug == "mystery-shop" and mystery:
                template = rng.choice(mystery)
            elif slug == "customer-journey" and journeys_of:
                template = rng.choice(journeys_of)
            if template is not None:
                exercise = next(exercise_ids)
                done = rng.random() < 0.9
                exercises.append(
                    (
                        exercise,
                        participant,
                        template.pk,
                        starts_at,
                        ends_at - timedelta(minutes=10) if done else None,
                    )
                )
                written.journeys.setdefault(person, []).append((starts_at, exercise))
                for step in steps[template.pk]:
                    effort = rng.randint(1, 7)
                    note = "Took far too long." if effort >= 5 else ""
                    results.append((exercise, step, effort, effort < 6, note, ends_at))
            if slug == "customer-calls" and written.customers:
                for _ in range(3):
                    question_set, questions = rng.choice(written.question_sets)
                    reached = rng.random() < 0.7
                    answers = (
                        [{"question": q, "answer": "Mostly happy."} for q in questions]
                        if reached
                        else []
                    )
                    calls.append(
                        (
                            participant,
                            rng.choice(written.customers),
                            question_set,
                            "reached" if reached else "not_reached",
                            answers,
                            "",
                            starts_at,
                            starts_at + timedelta(minutes=15),
                        )
                    )
            if ends_at > now - edit_days or rng.random() < 0.4 + 0.35 * progress:
                if ends_at + timedelta(hours=3) > now:
                    continue
                subject = rng.choice(SUBJECTS)
                pk = next(reflection_ids)
                created_at = ends_at + timedelta(hours=3)
                what = (
                    subject[5][rng.randrange(len(subject[5]))]
                    .format(
                        n=rng.randint(2, 60), product=rng.choice(PRODUCTS), place=rng.choice(PLACES)
                    )
                    .rstrip(".")
                )
                reflections.append(
                    (
                        pk,
                        participant,
                        rng.choice(REFLECTION_OPENERS).format(what=what[0].lower() + what[1:]),
                        f"{rng.choice(REFLECTION_CHANGES)} ({SUBJECT_NAMES[subject[0]]})",
                        rng.choice(QUOTES),
                        rng.choice(["private", "leadership"]),
                        created_at,
                        created_at,
                    )
                )
                written.reflections.setdefault(person, []).append((created_at, pk))
                if rng.random() < 0.6:
                    frictions.append((pk, subject[4][0].format(n=50), created_at, person))
                if rng.random() < 0.25:
                    due = (ends_at + timedelta(days=30)).date()
                    done_at = None
                    if due < self.today and rng.random() < 0.8:
                        done_at = created_at + timedelta(days=rng.randint(1, 30))
                    commitments.append(
                        (pk, person, f"Follow up on the {SUBJECT_NAMES[subject[0]]}", due, done_at)
                    )
        self.tables.write(
            Reflection,
            [
                "id",
                "participant_id",
                "surprised",
                "would_change",
                "customer_quote",
                "visibility",
                "created_at",
                "updated_at",
            ],
            reflections,
        )
        friction_ids = self.tables.ids(ReflectionFriction, len(frictions))
        self.tables.write(
            ReflectionFriction,
            ["id", "reflection_id", "position", "text"],
            (
                (pk, reflection, 0, text)
                for pk, (reflection, text, _, _) in zip(friction_ids, frictions, strict=True)
            ),
        )
        written.reflection_frictions = sorted(
            (created_at, pk, person, text)
            for pk, (_, text, created_at, person) in zip(friction_ids, frictions, strict=True)
        )
        self.tables.write(
            Commitment,
            ["id", "reflection_id", "person_id", "text", "due_date", "done_at"],
            (
                (pk, *row)
                for pk, row in zip(
                    self.tables.ids(Commitment, len(commitments)), commitments, strict=True
                )
            ),
        )
        self.tables.write(
            JourneyExercise,
            ["id", "participant_id", "template_id", "started_at", "completed_at"],
            exercises,
        )
        self.tables.write(
            JourneyStepResult,
            ["id", "exercise_id", "step_id", "effort", "worked", "note", "recorded_at"],
            (
                (pk, *row)
                for pk, row in zip(
                    self.tables.ids(JourneyStepResult, len(results)), results, strict=True
                )
            ),
        )
        self.tables.write(
            CustomerCall,
            [
                "id",
                "participant_id",
                "customer_id",
                "question_set_id",
                "status",
                "answers",
                "notes",
                "drawn_at",
                "called_at",
            ],
            (
                (pk, *row)
                for pk, row in zip(self.tables.ids(CustomerCall, len(calls)), calls, strict=True)
            ),
        )

    def _escalations(self) -> None:
        """Zero to four customer issues escalated to each shift's officer by frontline agents;
        the last week's partly still open."""
        rng = self.rng
        rows = []
        channel_of = dict(self.written.teams)
        team_of = {a: t for t, agents in self.written.team_agents.items() for a in agents}
        for session, officer, starts_at, ends_at in self.shifts:
            for _ in range(rng.randint(0, 4)):
                agent = rng.choice(self.written.agents)
                logged_at = starts_at + (ends_at - starts_at) * rng.random()
                if logged_at > self.now:
                    continue
                subject = rng.choice(SUBJECTS)
                text = subject[5][0].format(
                    n=rng.randint(2, 60), product=rng.choice(PRODUCTS), place=rng.choice(PLACES)
                )
                resolved_at = logged_at + timedelta(hours=rng.uniform(0.5, 6))
                open_ = resolved_at > self.now or (
                    self.now - logged_at < timedelta(days=7) and rng.random() < 0.3
                )
                rows.append(
                    [
                        None,
                        f"ACCT-{rng.randrange(10**6):06d}",
                        text,
                        rng.choice(["low", "normal", "normal", "high", "critical"]),
                        channel_of[team_of[agent]],
                        agent,
                        logged_at,
                        officer,
                        session,
                        "open" if open_ else "resolved",
                        "" if open_ else "Called the customer back and put it right.",
                        None if open_ else officer,
                        None if open_ else resolved_at,
                    ]
                )
        rows.sort(key=lambda row: row[6])
        for row, pk in zip(rows, self.tables.ids(Escalation, len(rows)), strict=True):
            row[0] = pk
            self.written.escalations.append((row[6], pk, row[5]))
        self.tables.write(
            Escalation,
            [
                "id",
                "customer_reference",
                "what_happened",
                "urgency",
                "channel",
                "logged_by_id",
                "logged_at",
                "routed_to_id",
                "shift_id",
                "status",
                "resolution_note",
                "resolved_by_id",
                "resolved_at",
            ],
            (tuple(r) for r in rows),
        )


def _durations() -> dict[str, int]:
    return dict(ActivityType.objects.values_list("slug", "default_duration_minutes"))


def _holidays() -> list:
    return list(Holiday.objects.values_list("date", flat=True))
