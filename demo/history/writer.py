"""Writing the planned history: in bulk, but the decision log through its services."""

from datetime import timedelta

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, Subquery
from django.utils import timezone

from frictions.models import (
    Decision,
    DecisionEvent,
    FrictionEvent,
    FrictionReport,
    FrictionReview,
    FrictionSupport,
    Resolution,
    ReviewItem,
    Status,
)
from frictions.services.anonymous import ANONYMOUS_LABEL
from frictions.services.decisions import decision_link_evidence, decision_save, decision_set_status
from frictions.services.supports import friction_support_counts_refresh
from immersion.models import (
    JourneyExercise,
    JourneyStepResult,
    Participant,
    Reflection,
    ReflectionFriction,
    Session,
    SessionChange,
)

from .planner import Planner, org_time
from .story import ANSWERS, DECLINE_REASON, MEDIAN_DAYS, REFLECTIONS, REPORTS, REVIEW_MINUTES


class History(Planner):
    """Builds the eight quarters; `write()` says what it wrote."""

    def write(self) -> dict[str, int]:
        """Plan every quarter, then write it: sessions and places, follow-through, reviews,
        reports with their timelines, and the decision log."""
        planned_reports: list[dict] = []
        for index, quarter in enumerate(self.quarters):
            days = self._days(quarter)
            if not days:
                continue
            self._exposure(index, days)
            self._reviews(index, days)
            planned_reports += self._reports(index, quarter, days)
        self._write_sessions()
        changes = self._plan_decisions()
        for index, change in changes:
            if change["exposure"]:
                # The friction report behind the change, answered by it.
                closed_at = change["changed_at"] + timedelta(hours=2)
                text = self.rng.choice([r for r in REPORTS if r[1] == change["area"]])
                span = MEDIAN_DAYS[index] * self.rng.lognormvariate(0, 0.45)
                planned = self._report(closed_at, span, text)
                planned["declined"] = False
                planned["decision"] = change
                change["report"] = planned["report"]
                planned_reports.append(planned)
        self._write_reports(planned_reports)
        decisions = self._write_decisions(changes)
        return {
            "sessions": len(self.sessions),
            "reports": len(planned_reports),
            "decisions": decisions,
        }

    def _write_sessions(self) -> None:
        Session.objects.bulk_create([session for session, _ in self.sessions], batch_size=500)
        places = []
        for session, planned in self.sessions:
            for place in planned:
                places.append(
                    Participant(
                        session=session,
                        person=place.person,
                        starts_at=session.starts_at,
                        ends_at=session.ends_at,
                        attendance=(
                            Participant.Attendance.ATTENDED
                            if place.attended
                            else Participant.Attendance.MISSED
                        ),
                        actual_minutes=place.minutes if place.attended else None,
                        interactions_observed=place.interactions if place.attended else None,
                        confirmed_at=session.ends_at + timedelta(hours=1),
                        confirmed_by=place.person,
                    )
                )
        Participant.objects.bulk_create(places, batch_size=500)
        ids = [session.pk for session, _ in self.sessions]
        Session.objects.filter(pk__in=ids).update(
            created_at=F("starts_at") - timedelta(days=21), updated_at=F("ends_at")
        )
        history = []
        for session, _ in self.sessions:
            history.append(
                SessionChange(
                    session=session,
                    kind=SessionChange.Kind.CREATED,
                    changed_by=self.cx_lead,
                    to_value=f"{timezone.localtime(session.starts_at):%a %d %b %H:%M}–"
                    f"{timezone.localtime(session.ends_at):%H:%M}",
                )
            )
        for place in places:
            summary = f"{place.person}: {place.get_attendance_display().lower()}"
            if place.actual_minutes is not None:
                summary += f", {place.actual_minutes} min"
            history.append(
                SessionChange(
                    session=place.session,
                    kind=SessionChange.Kind.ATTENDANCE,
                    changed_by=place.person,
                    to_value=summary,
                )
            )
        SessionChange.objects.bulk_create(history, batch_size=500)
        when = Session.objects.filter(pk=OuterRef("session_id"))
        changes = SessionChange.objects.filter(session_id__in=ids)
        changes.filter(kind=SessionChange.Kind.CREATED).update(
            changed_at=Subquery(when.values("created_at")[:1])
        )
        changes.filter(kind=SessionChange.Kind.ATTENDANCE).update(
            changed_at=Subquery(when.values("updated_at")[:1])
        )
        self._follow_through(places)

    def _follow_through(self, places: list[Participant]) -> None:
        """Reflections on a rising share of the exposure attended (on all of it still open
        for reflections, so nobody's home shows an old one due), and the journeys walked."""
        recent = timezone.now() - timedelta(days=settings.REFLECTION_EDIT_DAYS)
        first = self.quarters[0].starts_at
        span = (self.quarters[-1].ends_at - first).total_seconds()
        reflections, frictions, journeys = [], [], []
        for place in places:
            activity = place.session.activity_type
            if place.attendance != Participant.Attendance.ATTENDED or not activity.is_exposure:
                continue
            if (template := self.walked.get(id(place.session))) is not None:
                journeys.append(
                    JourneyExercise(
                        participant=place,
                        template=template,
                        completed_at=place.ends_at - timedelta(minutes=10),
                    )
                )
            progress = (place.starts_at - first).total_seconds() / span
            if place.ends_at < recent and self.rng.random() >= 0.3 + 0.5 * progress:
                continue
            surprised, would_change, friction = self.rng.choice(REFLECTIONS)
            reflections.append(
                Reflection(
                    participant=place,
                    surprised=surprised,
                    would_change=would_change,
                    visibility=self.rng.choice(list(Reflection.Visibility)),
                )
            )
            frictions.append(friction)
        Reflection.objects.bulk_create(reflections, batch_size=500)
        ReflectionFriction.objects.bulk_create(
            [
                ReflectionFriction(reflection=r, text=text)
                for r, text in zip(reflections, frictions, strict=True)
            ],
            batch_size=500,
        )
        self.reflection_of = {r.participant.session_id: r for r in reflections}
        later = ExpressionWrapper(F("ends_at") + timedelta(hours=3), output_field=DateTimeField())
        ended = Participant.objects.filter(pk=OuterRef("participant_id")).annotate(t=later)
        Reflection.objects.filter(pk__in=[r.pk for r in reflections]).update(
            created_at=Subquery(ended.values("t")[:1]),
            updated_at=Subquery(ended.values("t")[:1]),
        )
        JourneyExercise.objects.bulk_create(journeys, batch_size=500)
        results = []
        for exercise in journeys:
            for step in exercise.template.steps.all():
                if step.is_active:
                    effort = self.rng.randint(1, 7)
                    results.append(
                        JourneyStepResult(
                            exercise=exercise,
                            step=step,
                            effort=effort,
                            worked=effort < 6,
                            note="Took far too long." if effort >= 5 else "",
                        )
                    )
        JourneyStepResult.objects.bulk_create(results, batch_size=500)
        started = Participant.objects.filter(pk=OuterRef("participant_id"))
        JourneyExercise.objects.filter(pk__in=[j.pk for j in journeys]).update(
            started_at=Subquery(started.values("starts_at")[:1])
        )
        JourneyStepResult.objects.filter(exercise__in=[j.pk for j in journeys]).update(
            recorded_at=Subquery(
                JourneyExercise.objects.filter(pk=OuterRef("exercise_id")).values("completed_at")[
                    :1
                ]
            )
        )

    def _write_reports(self, planned: list[dict]) -> None:
        """The reports, their "me too"s and timelines, and the reviews that discussed them."""
        for item in planned:
            report = item["report"]
            if "decision" in item:
                report.status = Status.RESOLVED
                report.resolution = Resolution.POLICY_MODIFIED
            elif item["declined"]:
                report.status = Status.DECLINED
                report.decline_reason = DECLINE_REASON
            else:
                report.status = Status.RESOLVED
                report.resolution = self.rng.choice(list(ANSWERS))
        reports = sorted((item["report"] for item in planned), key=lambda r: r.created_at)
        FrictionReport.objects.bulk_create(reports, batch_size=500)
        supports, events = [], []
        for report in reports:
            span = report.closed_at - report.created_at
            reporter = (
                {"actor": report.reporter} if report.reporter else {"actor_label": ANONYMOUS_LABEL}
            )
            events.append(
                FrictionEvent(
                    report=report,
                    kind=FrictionEvent.Kind.FILED,
                    created_at=report.created_at,
                    **reporter,
                )
            )
            others = [a for a in self.agents if a != report.reporter]
            for n, supporter in enumerate(self.rng.sample(others, self.rng.randint(0, 3))):
                at = report.created_at + span * (n + 1) / 8
                supports.append(FrictionSupport(report=report, supporter=supporter, created_at=at))
                events.append(
                    FrictionEvent(
                        report=report,
                        kind=FrictionEvent.Kind.SUPPORTED,
                        actor=supporter,
                        created_at=at,
                    )
                )
            events.append(
                FrictionEvent(
                    report=report,
                    kind=FrictionEvent.Kind.TRIAGED,
                    actor=self.cx_lead,
                    changes={"owner": ["", str(report.owner)]},
                    created_at=report.created_at + span / 5,
                )
            )
            events.append(
                FrictionEvent(
                    report=report,
                    kind=FrictionEvent.Kind.STATUS,
                    actor=report.owner,
                    text="Thank you; I own this and will answer by the date shown.",
                    changes={"status": ["New", "Acknowledged"]},
                    created_at=report.created_at + span / 4,
                )
            )
            answer = (
                report.decline_reason
                if report.status == Status.DECLINED
                else ANSWERS.get(
                    report.resolution, "The policy behind it is changed; see the decision."
                )
            )
            events.append(
                FrictionEvent(
                    report=report,
                    kind=FrictionEvent.Kind.STATUS,
                    actor=report.owner,
                    text=answer,
                    changes={"status": ["Acknowledged", report.get_status_display()]},
                    created_at=report.closed_at,
                )
            )
        FrictionSupport.objects.bulk_create(supports, batch_size=500)
        # bulk_create sends no signals: the counts the board sorts by, counted here.
        friction_support_counts_refresh(report_ids=[report.pk for report in reports])
        FrictionEvent.objects.bulk_create(events, batch_size=500)
        self._write_reviews(reports)

    def _write_reviews(self, reports: list[FrictionReport]) -> None:
        """Each review held, with an agenda of the reports filed since the one before."""
        held = sorted(
            (s for s, _ in self.sessions if s.activity_type.slug == "friction-review"),
            key=lambda s: s.starts_at,
        )
        reviews = [FrictionReview(session=session, prepared_by=self.cx_lead) for session in held]
        FrictionReview.objects.bulk_create(reviews, batch_size=500)
        items = []
        previous = None
        for review in reviews:
            starts_at = review.session.starts_at
            new = [
                r
                for r in reports
                if (previous is None or r.created_at >= previous)
                and r.created_at < starts_at
                and r.closed_at > starts_at
            ]
            for position, report in enumerate(new):
                items.append(
                    ReviewItem(
                        review=review,
                        report=report,
                        reason=ReviewItem.Reason.NEW,
                        position=position,
                        decision=REVIEW_MINUTES,
                        owner=report.owner,
                        committed_date=report.decide_by,
                        recorded_at=review.session.ends_at,
                    )
                )
            previous = starts_at
        ReviewItem.objects.bulk_create(items, batch_size=500)
        before = ExpressionWrapper(F("starts_at") - timedelta(days=1), output_field=DateTimeField())
        sessions = Session.objects.filter(pk=OuterRef("session_id")).annotate(t=before)
        FrictionReview.objects.filter(pk__in=[r.pk for r in reviews]).update(
            prepared_at=Subquery(sessions.values("t")[:1])
        )

    def _write_decisions(self, changes: list[tuple[int, dict]]) -> int:
        """Through the decision log's services, then dated: recorded a few days before the
        decision, decided, and (some) changed with their evidence linked at the change."""
        for _, plan in self.decided:
            owner = plan["owner"]
            decided_on = plan["decided_on"]
            times = [org_time(decided_on, 11) - timedelta(days=3)]
            fields = {
                "title": plan["title"],
                "area": plan["area"],
                "context": plan["context"],
                "decision": plan["text"],
                "owner": owner,
                "decided_on": decided_on,
                "review_by": decided_on + timedelta(days=90),
            }
            if plan["assessed"]:
                fields.update(
                    impact_who=plan["who"],
                    impact_effect=plan["effect"],
                    impact_evidence="Friction reports, and the weekly friction review.",
                )
            decision = decision_save(by=owner, deciders=[owner], **fields)
            status = Decision.Status.APPROVED if plan["assessed"] else Decision.Status.REJECTED
            decision_set_status(decision=decision, by=owner, status=status)
            times.append(org_time(decided_on, 11))
            plan["decision"] = decision
            plan["times"] = times
        for _, plan in changes:
            decision = plan["decision"]
            owner = plan["owner"]
            changed_at = plan["changed_at"]
            if plan["exposure"]:
                seen = [(at, s) for at, s in self.exposures.get(owner.pk, []) if at < changed_at]
                if seen:
                    at, session = max(seen, key=lambda pair: pair[0])
                    decision_link_evidence(
                        decision=decision, by=owner, kind="session", target=session
                    )
                    plan["times"].append(changed_at - timedelta(hours=2))
                    if (reflection := self.reflection_of.get(session.pk)) is not None:
                        decision_link_evidence(
                            decision=decision, by=owner, kind="reflection", target=reflection
                        )
                        plan["times"].append(changed_at - timedelta(hours=2))
                decision_link_evidence(
                    decision=decision, by=owner, kind="friction_report", target=plan["report"]
                )
                plan["times"].append(changed_at - timedelta(hours=1))
            if plan["reversed"]:
                note = "Reversed after the budget review."
                decision_set_status(decision=decision, by=owner, status="reversed", note=note)
            else:
                decision_save(
                    existing=decision, by=owner, deciders=[owner], decision=plan["changed"]
                )
            plan["times"].append(changed_at)
        for _, plan in self.decided:
            decision = plan["decision"]
            Decision.objects.filter(pk=decision.pk).update(
                created_at=plan["times"][0], changed_at=plan.get("changed_at")
            )
            events = list(decision.events.order_by("pk"))
            for event, at in zip(events, plan["times"], strict=True):
                event.created_at = at
            DecisionEvent.objects.bulk_update(events, ["created_at"])
        for _, plan in changes:
            if "report" in plan:
                FrictionReport.objects.filter(pk=plan["report"].pk).update(
                    decision=plan["decision"]
                )
        return len(self.decided)
