"""Reverse accountability over five years: the decision log (planned first, since reports point
at the decision that answered them), friction reports filed at a rising rate with their
support and timelines, triaged, answered ever faster, declined or merged, a backlog left open;
the evidence decisions rest on; the weekly reviews' agendas.

Reports are written in chunks, each with its "me too" supports and timeline events, so memory
stays bounded whatever the volume.
"""

import hashlib
from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from datetime import timedelta
from math import sqrt

from frictions.models import (
    Decision,
    DecisionEvent,
    FrictionEvent,
    FrictionReport,
    FrictionReview,
    FrictionSupport,
    ReviewItem,
)
from frictions.services.anonymous import ANONYMOUS_SUPPORT_LABEL
from frictions.services.reports import ANONYMOUS_LABEL

from .base import Step, business_days_after, hour, latest_before
from .texts import (
    ACKNOWLEDGED,
    ANSWERS,
    DECISION_OPENERS,
    DECLINE_REASONS,
    NOISE,
    PLACES,
    PRODUCTS,
    SUBJECT_NAMES,
    SUBJECTS,
)

CHUNK = 50_000
HOT_REPORTS = 5  # reports with thousands of supporters (issue 14's "a report with 5,000")
HOT_SUPPORT = 5_000
RESOLUTIONS = [
    ("policy_modified", 20),
    ("policy_eliminated", 8),
    ("product_change", 20),
    ("platform_change", 17),
    ("process_change", 25),
    ("no_change", 10),
]
SEVERITIES = (["low", "medium", "high", "critical"], [30, 45, 20, 5])
REPORT_FIELDS = [
    "id",
    "title",
    "description",
    "area",
    "channel",
    "customers_per_week",
    "severity",
    "policy_reference",
    "team_id",
    "reporter_id",
    "is_anonymous",
    "receipt_hash",
    "source_reflection_friction_id",
    "source_escalation_id",
    "status",
    "owner_id",
    "acknowledge_by",
    "decide_by",
    "resolution",
    "decline_reason",
    "duplicate_of_id",
    "decision_id",
    "escalation_level",
    "created_at",
    "closed_at",
]
EVENT_FIELDS = [
    "id",
    "report_id",
    "kind",
    "public",
    "actor_id",
    "actor_label",
    "text",
    "changes",
    "created_at",
]


class Frictions(Step):
    def run(self) -> None:
        self.links: dict[str, list[tuple[int, int]]] = {
            k: []
            for k in ("sessions", "reflections", "journeys", "escalations", "friction_reports")
        }
        self._plan_decisions()
        self._write_decisions()
        self._reports()
        self._write_evidence()
        self._reviews()

    # The decision log

    def _plan_decisions(self) -> None:
        """Decisions spread over the history; a rising share taken with a customer-impact
        assessment (approved) and, of those changed later, a rising share changed after the
        owner's own exposure: a session attended, their reflection, a journey walked, and the
        friction report the change answers, all dated before the change."""
        rng = self.rng
        written = self.written
        self.decisions: list[dict] = []
        ids = self.tables.ids(Decision, self.volume.decisions)
        moments = sorted(self.first + timedelta(seconds=rng.random() * self.span) for _ in ids)
        for pk, moment in zip(ids, moments, strict=True):
            progress = self.progress(moment)
            subject = rng.choice(SUBJECTS)
            owner = rng.choice(written.senior)
            plan = {
                "id": pk,
                "subject": subject,
                "owner": owner,
                "deciders": rng.sample(written.senior, min(len(written.senior), rng.randint(1, 3))),
                "created_at": moment - timedelta(days=3),
                "decided_on": moment.date(),
                "assessed": rng.random() < 0.35 + 0.55 * progress,
                "changed_at": None,
                "exposure": False,
                "reversed": False,
                "report": None,
            }
            if not plan["assessed"] and rng.random() < 0.3:
                plan["decided_on"] = None  # still a proposal
            if plan["assessed"] and rng.random() < 0.45:
                changed_at = self.at(moment.date() + timedelta(days=rng.randint(20, 150)), 11)
                if changed_at < self.now - timedelta(days=1):
                    plan["changed_at"] = changed_at
                    plan["reversed"] = rng.random() < 0.2
                    if rng.random() < 0.3 + 0.6 * self.progress(changed_at):
                        self._exposure_of(plan)
            self.decisions.append(plan)
        # Reports each changed-after-exposure decision answers, merged into the report stream.
        self.forced = sorted(
            (p["report"], n) for n, p in enumerate(self.decisions) if p["report"] is not None
        )

    def _exposure_of(self, plan: dict) -> None:
        written = self.written
        owner, changed_at = plan["owner"], plan["changed_at"]
        session = latest_before(written.exposure.get(owner, []), changed_at)
        if session is None:
            return
        plan["exposure"] = True
        self.links["sessions"].append((plan["id"], session))
        if (
            reflection := latest_before(written.reflections.get(owner, []), changed_at)
        ) is not None:
            self.links["reflections"].append((plan["id"], reflection))
        journey = latest_before(written.journeys.get(owner, []), changed_at)
        if journey is not None and self.rng.random() < 0.5:
            self.links["journeys"].append((plan["id"], journey))
        index = bisect_left(written.escalations, (changed_at, -1, -1))
        if index and self.rng.random() < 0.3:
            self.links["escalations"].append((plan["id"], written.escalations[index - 1][1]))
        filed = hour(changed_at - timedelta(days=self.lognormal(25, 0.5)))
        plan["report"] = max(filed, self.first)

    def _write_decisions(self) -> None:
        rows, events, deciders = [], [], []
        for plan in self.decisions:
            subject = plan["subject"]
            name = SUBJECT_NAMES[subject[0]]
            assessed = plan["assessed"]
            decided = plan["decided_on"] is not None
            if assessed:
                status = "reversed" if plan["reversed"] else "approved"
            else:
                status = "rejected" if decided else "proposed"
            partial = not assessed and self.rng.random() < 0.5
            rows.append(
                (
                    plan["id"],
                    self.rng.choice(DECISION_OPENERS).format(subject=name),
                    subject[1],
                    f"Frontline teams report trouble with the {name}.",
                    "Keep it; change it; drop it.",
                    f"We change how the {name} works for customers.",
                    plan["owner"],
                    plan["decided_on"],
                    status,
                    plan["decided_on"] + timedelta(days=90) if decided else None,
                    f"Customers affected by the {name}." if assessed or partial else "",
                    f"Fewer contacts about the {name}." if assessed else "",
                    "Friction reports and the weekly friction review." if assessed else "",
                    plan["changed_at"],
                    plan["owner"],
                    plan["created_at"],
                )
            )
            deciders += [(plan["id"], person) for person in plan["deciders"]]
            events.append((plan["id"], plan["owner"], "Recorded.", plan["created_at"]))
            if decided:
                at = self.at(plan["decided_on"], 11)
                events.append((plan["id"], plan["owner"], f"Status: {status}.", at))
            if plan["changed_at"]:
                text = "Reversed." if plan["reversed"] else "Changed after what we saw."
                events.append((plan["id"], plan["owner"], text, plan["changed_at"]))
        self.tables.write(
            Decision,
            [
                "id",
                "title",
                "area",
                "context",
                "options_considered",
                "decision",
                "owner_id",
                "decided_on",
                "status",
                "review_by",
                "impact_who",
                "impact_effect",
                "impact_evidence",
                "changed_at",
                "created_by_id",
                "created_at",
            ],
            rows,
        )
        through = Decision.deciders.through
        self.tables.write(
            through,
            ["id", "decision_id", "user_id"],
            (
                (pk, *row)
                for pk, row in zip(self.tables.ids(through, len(deciders)), deciders, strict=True)
            ),
        )
        self.tables.write(
            DecisionEvent,
            ["id", "decision_id", "actor_id", "text", "created_at"],
            (
                (pk, *row)
                for pk, row in zip(self.tables.ids(DecisionEvent, len(events)), events, strict=True)
            ),
        )

    def _write_evidence(self) -> None:
        columns = {
            "sessions": "session_id",
            "reflections": "reflection_id",
            "journeys": "journeyexercise_id",
            "escalations": "escalation_id",
            "friction_reports": "frictionreport_id",
        }
        for name, pairs in self.links.items():
            through = getattr(Decision, name).through
            unique = sorted(set(pairs))
            self.tables.write(
                through,
                ["id", "decision_id", columns[name]],
                (
                    (pk, *pair)
                    for pk, pair in zip(self.tables.ids(through, len(unique)), unique, strict=True)
                ),
            )

    # Reports

    def _moments(self) -> list:
        """When the reports are filed: a rate that doubles over the history."""
        rng = self.rng
        moments = [
            hour(self.first + timedelta(seconds=self.span * (sqrt(1 + 3 * rng.random()) - 1)))
            for _ in range(self.volume.reports)
        ]
        moments.sort()
        return moments

    def _subject_weights(self) -> list[list[float]]:
        """Each subject's share in each of 100 stretches of the history, by its trend."""
        rng = self.rng
        table = []
        peaks = {s[0]: rng.uniform(0.2, 0.9) for s in SUBJECTS}
        for step in range(100):
            x = step / 99
            weights = []
            for subject in SUBJECTS:
                trend = subject[7]
                w = {"rising": 0.4 + 1.6 * x, "falling": 2.0 - 1.6 * x, "steady": 1.0}.get(trend)
                if w is None:  # a spike
                    w = 0.6 + 4 * 2.718 ** (-(((x - peaks[subject[0]]) / 0.06) ** 2))
                weights.append(w)
            cumulative, total = [], 0.0
            for w in weights:
                total += w
                cumulative.append(total)
            table.append(cumulative)
        return table

    def _reports(self) -> None:
        moments = self._moments()
        forced = self.forced
        total = len(moments) + len(forced)
        ids = iter(self.tables.ids(FrictionReport, total))
        mean = self.volume.supports / max(1, total)
        # --supports 0 writes none at all (the heaviest table, with its timeline events).
        hot = set()
        if self.volume.supports:
            recent = range(max(0, total - total // 10), total)
            hot = set(self.rng.sample(recent, min(HOT_REPORTS, len(recent))))
        self.report_times = array("d")
        self.report_ids = array("q")
        self.report_closed = array("d")
        self.recent: dict[str, deque] = {}
        self.last_of_subject: dict[str, int] = {}
        hooks = sorted((p["created_at"], n) for n, p in enumerate(self.decisions))
        hook = 0
        weights = self._subject_weights()
        reports, events, supports = [], [], []
        position = 0
        f = 0
        count = 0
        while position < len(moments) or f < len(forced):
            if f < len(forced) and (position >= len(moments) or forced[f][0] <= moments[position]):
                moment, decision = forced[f][0], self.decisions[forced[f][1]]
                f += 1
            else:
                moment, decision = moments[position], None
                position += 1
            while hook < len(hooks) and hooks[hook][0] <= moment:
                self._evidence(self.decisions[hooks[hook][1]])
                hook += 1
            pk = next(ids)
            k = HOT_SUPPORT if count in hot else round(mean * self.rng.lognormvariate(-0.5, 1.0))
            count += 1
            self._report(pk, moment, decision, weights, k, reports, events, supports)
            if len(reports) >= CHUNK:
                self._flush(reports, events, supports)
        self._flush(reports, events, supports)
        while hook < len(hooks):
            self._evidence(self.decisions[hooks[hook][1]])
            hook += 1

    def _evidence(self, plan: dict) -> None:
        """Reports of the decision's area filed before it, linked as its evidence."""
        recent = self.recent.get(plan["subject"][1])
        if recent:
            for report in self.rng.sample(list(recent), min(len(recent), self.rng.randint(0, 2))):
                self.links["friction_reports"].append((plan["id"], report))

    def _report(self, pk, moment, decision, weights, supporters, reports, events, supports):
        rng = self.rng
        written = self.written
        progress = self.progress(moment)
        if decision is not None:
            subject = decision["subject"]
        else:
            subject = rng.choices(SUBJECTS, cum_weights=weights[int(progress * 99)])[0]
        key, area, channel, policy, titles, happens, details, _ = subject
        fill = {
            "n": rng.randint(2, 60),
            "product": rng.choice(PRODUCTS),
            "place": rng.choice(PLACES),
        }
        title = rng.choice(titles).format(**fill)
        description = " ".join(
            part for part in (rng.choice(happens), rng.choice(details), rng.choice(NOISE)) if part
        ).format(**fill)
        if rng.random() > 0.65:
            channel = rng.choice(["phone", "chat", "email", "field", "social"])
        team, _ = rng.choice(written.teams)
        reporter = None
        anonymous = rng.random() < 0.15
        source_friction = source_escalation = None
        if not anonymous:
            reporter = rng.choice(written.team_agents[team])
            draw = rng.random()
            if draw < 0.03 and written.reflection_frictions:
                index = bisect_right(written.reflection_frictions, (moment, 10**12))
                if index:
                    _, source_friction, reporter, _ = written.reflection_frictions[
                        rng.randrange(max(0, index - 500), index)
                    ]
                    team = None
            elif draw < 0.04 and written.escalations:
                index = bisect_right(written.escalations, (moment, 10**12, 0))
                if index:
                    _, source_escalation, reporter = written.escalations[
                        rng.randrange(max(0, index - 100), index)
                    ]
        owners = written.senior
        owner = rng.choice(owners)
        triage = moment + timedelta(days=self.lognormal(2.5 - 1.5 * progress, 0.7))
        span = timedelta(days=self.lognormal(40 - 30 * progress, 0.9))
        status, resolution, decline, duplicate_of, closed_at = "new", "", "", None, None
        decision_id = None
        level = 0
        if decision is not None:
            status, resolution = "resolved", "policy_modified"
            closed_at = decision["changed_at"] + timedelta(hours=2)
            owner = decision["owner"]
            decision_id = decision["id"]
            self.links["friction_reports"].append((decision_id, pk))
        elif rng.random() > 0.025 and moment + span <= self.now:
            closed_at = moment + span
            draw = rng.random()
            if draw < 0.10 and key in self.last_of_subject:
                status, duplicate_of, closed_at = "duplicate", self.last_of_subject[key], triage
            elif draw < 0.28:
                status, decline = "declined", rng.choice(DECLINE_REASONS)
            else:
                status = "resolved"
                resolution = rng.choices(*zip(*RESOLUTIONS, strict=True))[0]
        elif triage <= self.now:
            status = rng.choice(["acknowledged", "in_progress"])
        else:
            owner = None
        acknowledge_by = business_days_after(moment.date(), 5)
        decide_by = moment.date() + timedelta(days=30)
        if closed_at is None:
            due = acknowledge_by if status == "new" else decide_by
            if due < self.today:
                level = rng.randint(0, 2)
        if closed_at is not None and closed_at > self.now:
            closed_at = self.now
        receipt = hashlib.sha256(f"scale-{pk}".encode()).hexdigest() if anonymous else None
        reports.append(
            (
                pk,
                title[:200],
                description,
                area,
                channel,
                int(self.lognormal(40, 1.0)) + 1,
                rng.choices(*SEVERITIES)[0],
                policy if policy and rng.random() < 0.6 else "",
                team,
                reporter,
                anonymous,
                receipt,
                source_friction,
                source_escalation,
                status,
                owner,
                acknowledge_by,
                decide_by,
                resolution,
                decline,
                duplicate_of,
                decision_id,
                level,
                moment,
                closed_at,
            )
        )
        self.last_of_subject[key] = pk
        self.recent.setdefault(area, deque(maxlen=50)).append(pk)
        self.report_times.append(moment.timestamp())
        self.report_ids.append(pk)
        self.report_closed.append(closed_at.timestamp() if closed_at else float("inf"))
        who = {"actor_id": reporter, "actor_label": "" if reporter else ANONYMOUS_LABEL}
        events.append((pk, "filed", True, who["actor_id"], who["actor_label"], "", {}, moment))
        if owner is not None and status != "new":
            at = min(triage, closed_at or triage)
            changes = {"owner": ["", f"#{owner}"]}
            events.append((pk, "triaged", True, written.cx_lead, "", "", changes, at))
            changes = {"status": ["New", "Acknowledged"]}
            events.append((pk, "status", True, owner, "", ACKNOWLEDGED, changes, at))
        if closed_at is not None:
            answer = decline or ANSWERS.get(resolution, "Merged into an earlier report.")
            changes = {"status": ["Acknowledged", status.capitalize()]}
            events.append((pk, "status", True, owner, "", answer, changes, closed_at))
        if supporters:
            end = closed_at or self.now
            others = written.agents
            chosen = rng.sample(others, min(supporters, len(others)))
            for supporter in chosen:
                if supporter == reporter:
                    continue
                at = hour(moment + (end - moment) * rng.random())
                if rng.random() < 0.15:
                    supports.append((pk, None, at))
                    events.append(
                        (pk, "supported", True, None, ANONYMOUS_SUPPORT_LABEL, "", {}, at)
                    )
                else:
                    supports.append((pk, supporter, at))
                    events.append((pk, "supported", True, supporter, "", "", {}, at))

    def _flush(self, reports: list, events: list, supports: list) -> None:
        self.tables.write(FrictionReport, REPORT_FIELDS, reports)
        self.tables.write(
            FrictionSupport,
            ["id", "report_id", "supporter_id", "created_at"],
            (
                (pk, *row)
                for pk, row in zip(
                    self.tables.ids(FrictionSupport, len(supports)), supports, strict=True
                )
            ),
        )
        self.tables.write(
            FrictionEvent,
            EVENT_FIELDS,
            (
                (pk, *row)
                for pk, row in zip(self.tables.ids(FrictionEvent, len(events)), events, strict=True)
            ),
        )
        reports.clear()
        events.clear()
        supports.clear()

    # Weekly reviews

    def _reviews(self) -> None:
        """Each review held, its agenda: up to a dozen reports filed in the week before and
        still open when it met, with what was decided about each."""
        reviews, items = [], []
        ids = self.tables.ids(FrictionReview, len(self.written.reviews))
        for pk, (session, starts_at, ends_at) in zip(ids, self.written.reviews, strict=True):
            reviews.append((pk, session, starts_at - timedelta(days=1), self.written.cx_lead))
            t = starts_at.timestamp()
            low = bisect_left(self.report_times, t - 7 * 86400)
            high = bisect_left(self.report_times, t)
            still_open = [i for i in range(low, high) if self.report_closed[i] > t]
            chosen = self.rng.sample(still_open, min(12, len(still_open)))
            for position, index in enumerate(sorted(chosen)):
                items.append(
                    (
                        pk,
                        self.report_ids[index],
                        "new",
                        position,
                        "Owner to answer by the date.",
                        None,
                        (starts_at + timedelta(days=14)).date(),
                        ends_at,
                    )
                )
        self.tables.write(
            FrictionReview, ["id", "session_id", "prepared_at", "prepared_by_id"], reviews
        )
        self.tables.write(
            ReviewItem,
            [
                "id",
                "review_id",
                "report_id",
                "reason",
                "position",
                "decision",
                "owner_id",
                "committed_date",
                "recorded_at",
            ],
            (
                (pk, *row)
                for pk, row in zip(self.tables.ids(ReviewItem, len(items)), items, strict=True)
            ),
        )
