from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Department, FrontlineTeam, User
from accounts.roles import Role
from accounts.services import user_create, user_update
from core.calendar import org_today
from core.generations import generation_bump
from core.models import Holiday
from demo.history import QUARTERS, History
from frictions.models import FrictionReport
from frictions.services import (
    anonymous_writes_release,
    friction_report_file,
    friction_report_support,
    friction_report_transition,
    friction_report_triage,
)
from frictions.services.decisions import decision_link_evidence, decision_save, decision_set_status
from frictions.services.reviews import friction_review_prepare
from immersion.call_list import call_list_apply
from immersion.models import (
    ActivityType,
    JourneyTemplate,
    OfficerDesk,
    Participant,
    Session,
)
from immersion.planner import bucket_after
from immersion.selectors.followthrough import TODOS
from immersion.selectors.programme import PROGRAMME
from immersion.services.calls import customer_call_record, customer_calls_draw, question_set_save
from immersion.services.escalations import (
    escalation_log,
    escalation_resolve,
    officer_desk_save,
)
from immersion.services.followthrough import CommitmentInput, attendance_record, reflection_save
from immersion.services.journeys import journey_exercise_start, journey_step_record
from immersion.services.rotations import RotationChoice, rotation_preview, rotation_publish
from immersion.services.sessions import session_create
from immersion.services.swaps import swap_request_create
from immersion.services.time_off import time_off_create
from metrics.quarters import Quarter
from metrics.selectors import STORED
from metrics.services import quarter_rollup_compute
from metrics.tasks import assign_friction_themes
from notifications.models import Notification
from notifications.scans import scans_run

# (what surprised them, what they would change, frictions seen, a customer quote)
REFLECTIONS = [
    (
        "Half the calls were customers asking where their refund was.",
        "Let agents refund up to 50 euros without a manager.",
        ["Refund limit forces a callback", "No refund status in the portal"],
        "I have called three times about the same refund.",
    ),
    (
        "Agents keep a spreadsheet of workarounds for the billing system.",
        "Fix the proration bug before the next price change.",
        ["Price change letter confuses customers", "Billing shows two invoices"],
        "Why did I get two bills this month?",
    ),
    (
        "Customers could not cancel online and called in angry.",
        "Put a cancel button in the portal.",
        ["Cancelling needs a phone call"],
        "",
    ),
]
JOURNEY_STEPS = [
    (3, True, "The contact page is two clicks from home."),
    (6, True, "Waited 14 minutes; the menu sent me round twice."),
    (7, False, "Had to explain the problem three times to three people."),
]
QUESTIONS = [
    "What nearly made you leave us this year?",
    "What do we do that you would miss?",
]
CALL_LIST = """customer name,account,phone,email,consent,do not contact
Maria Lopez,ACME-1042,+34 600 123 456,,yes,no
Sam Berg,NORD-77,,sam.berg@nord.example,yes,yes
Priya Nair,GLOBEX-118,+44 20 7946 0118,,yes,no
Jonas Weber,INITECH-9,,jonas@initech.example,yes,no
Aiko Tanaka,UMBRELLA-3,+81 3 0000 0003,,no,no
Lucía Romero,ACME-2210,+34 600 987 654,lucia@acme.example,yes,no
"""

# title, area, channel, customers a week, severity, policy, what happens to customers
FRICTIONS = [
    (
        "Refund limit forces a callback",
        "policy",
        "phone",
        40,
        "high",
        "Refund policy 4.2",
        "Agents cannot refund above 50 euros; customers wait two days for a manager's callback.",
    ),
    (
        "Price change letter confuses customers",
        "pricing",
        "email",
        120,
        "medium",
        "",
        "The letter shows the new price without the discount; customers think they pay double.",
    ),
    (
        "Cancelling needs a phone call",
        "policy",
        "chat",
        300,
        "high",
        "Retention policy",
        "Customers who want to leave must call; chat agents cannot cancel and hand them over.",
    ),
    (
        "Phone menu sends customers in a loop",
        "platform",
        "phone",
        200,
        "medium",
        "",
        "Option 3 returns to the main menu; customers press 0 and wait in the general queue.",
    ),
    (
        "Sales bonus rewards annual plans customers do not want",
        "incentives",
        "phone",
        25,
        "medium",
        "Sales incentive plan 2026",
        "Customers are pushed to annual plans, then call to undo them after the first bill.",
    ),
    (
        "Roadmap drops the export customers were promised",
        "product_roadmap",
        "email",
        15,
        "low",
        "",
        "Enterprise customers ask when CSV export comes; agents have no answer.",
    ),
]

DEMO_PASSWORD = "proximity-demo"  # noqa: S105 - published on purpose; DEBUG-only command
DOMAIN = "example.com"
REFUSED_MESSAGE = (
    "seed_demo creates accounts with a published password, so it runs only with DEBUG on."
)

LEADERSHIP = [
    ("helena.brandt", "Helena Brandt", "Chief Executive Officer", "Europe/London"),
    ("omar.haddad", "Omar Haddad", "Chief of Staff", "Europe/London"),
]
# (login, name, title, department, time zone, reports to: a login or "ceo")
EXECUTIVES = [
    (
        "sofia.lindqvist",
        "Sofia Lindqvist",
        "Chief Operating Officer",
        "Operations",
        "Europe/Stockholm",
        "ceo",
    ),
    (
        "daniel.okafor",
        "Daniel Okafor",
        "VP Contact Centre Operations",
        "Operations",
        "Europe/London",
        "sofia.lindqvist",
    ),
    ("maya.cohen", "Maya Cohen", "Chief Product Officer", "Product", "America/New_York", "ceo"),
    ("lucas.moreau", "Lucas Moreau", "VP Product", "Product", "Europe/Paris", "maya.cohen"),
    ("ingrid.berg", "Ingrid Berg", "Chief Financial Officer", "Finance", "Europe/Oslo", "ceo"),
    (
        "rahul.mehta",
        "Rahul Mehta",
        "VP Financial Planning",
        "Finance",
        "Asia/Kolkata",
        "ingrid.berg",
    ),
    (
        "grace.kim",
        "Grace Kim",
        "Chief Technology Officer",
        "Technology",
        "America/Los_Angeles",
        "ceo",
    ),
    ("tomas.novak", "Tomas Novak", "VP Platform", "Technology", "Europe/Prague", "grace.kim"),
    ("elena.rossi", "Elena Rossi", "Chief Revenue Officer", "Sales", "Europe/Rome", "ceo"),
    ("james.whitfield", "James Whitfield", "VP Sales", "Sales", "America/Chicago", "elena.rossi"),
    ("aisha.bello", "Aisha Bello", "Chief Marketing Officer", "Marketing", "Europe/London", "ceo"),
    (
        "kenji.sato",
        "Kenji Sato",
        "VP Pricing and Packaging",
        "Marketing",
        "Asia/Tokyo",
        "aisha.bello",
    ),
]
CX_LEAD = (
    "priya.nair",
    "Priya Nair",
    "Head of Customer Experience",
    "Customer experience",
    "Europe/London",
    "sofia.lindqvist",
)
TEAMS = [
    ("Phone support", FrontlineTeam.Channel.PHONE, 4, "Europe/London"),
    ("Chat and e-mail", FrontlineTeam.Channel.CHAT, 3, "Europe/Dublin"),
    ("Field service", FrontlineTeam.Channel.FIELD, 2, "America/New_York"),
]
AGENT_NAMES = [
    "Alex Turner",
    "Bea Santos",
    "Chris Doyle",
    "Dana Petrova",
    "Eli Brooks",
    "Fatima Zahra",
    "Gabe Ortiz",
    "Hana Yilmaz",
    "Ivan Kowalski",
    "Jade Nguyen",
    "Kofi Mensah",
    "Lena Vogel",
    "Mo Farouk",
    "Nina Castillo",
    "Oscar Lund",
    "Paula Reyes",
    "Quinn Murphy",
    "Rosa Lima",
    "Sam Patel",
    "Tara Walsh",
    "Umar Siddiqui",
    "Vera Ivanova",
    "Will Harper",
    "Xia Li",
    "Yusuf Demir",
    "Zoe Clarke",
    "Aaron Fischer",
    "Bianca Costa",
    "Caleb Wright",
    "Dina Haddad",
]


class Command(BaseCommand):
    help = (
        "Create (or bring back to shape) a demo organisation: a CX lead, two leadership viewers, "
        "12 executives in 6 departments, 3 frontline teams of 10 agents, all with managers, "
        "with eight quarters of history computed for the dashboard. "
        "Safe to run again. Refuses to run with DEBUG off."
    )

    password_hash = None

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(REFUSED_MESSAGE)
        with transaction.atomic():
            logins = self._seed()
        with transaction.atomic():
            self._programme()
        # The friction themes, as beat's nightly task finds them, before the roll-ups count
        # their reports per quarter.
        placed = assign_friction_themes()
        self.stdout.write(f"Friction themes: {placed} reports placed.")
        # The dashboard reads only stored roll-ups: compute the history's quarters now rather
        # than leave all but the current one (which beat refreshes nightly) empty.
        quarters = Quarter.current().last(QUARTERS)
        for quarter in quarters:
            quarter_rollup_compute(quarter=quarter)
        self.stdout.write(
            f"Roll-ups computed for {len(quarters)} quarters, {quarters[0]} to {quarters[-1]}: "
            "the dashboard shows their trend."
        )
        # What beat's scan would write in its first five minutes, written now: the notification
        # count shows on first sign-in, and the worker mails what is due within a minute.
        now = timezone.now()
        scans_run(now=now)
        waiting = Notification.objects.filter(status=Notification.Status.PENDING)
        soon = waiting.filter(send_after__lte=now + timedelta(minutes=10)).count()
        self.stdout.write(
            f"Notifications: {soon} e-mails go within minutes, {waiting.count() - soon} more "
            f"later (reminders, and what waits for the morning in each person's own zone); "
            f"the worker writes them to {settings.EMAIL_FILE_PATH}/."
        )
        # A new database's tables have no statistics until autovacuum gets to them: on
        # PostgreSQL the decision log took 5.5 s right after the seed, 147 ms once analysed.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # The history went in by bulk writes, which renew nothing: what the shared cache keeps
        # from a database seeded before (the same people's ids) must not show.
        generation_bump(PROGRAMME, STORED, TODOS)
        self.stdout.write(self.style.SUCCESS("Demo organisation ready. Sign in with:"))
        width = max(len(email) for _, email in logins)
        for role, email in logins:
            self.stdout.write(f"  {email.ljust(width)}  {DEMO_PASSWORD}   ({role})")

    def _seed(self) -> list[tuple[str, str]]:
        departments = {d.name: d for d in Department.objects.all()}
        for _, _, _, department, _, _ in [*EXECUTIVES, CX_LEAD]:
            if department not in departments:
                departments[department] = Department.objects.create(name=department)

        admin = self._person(
            login="admin",
            name="Demo Administrator",
            title="System administrator",
            time_zone="UTC",
            roles=[],
        )
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])

        ceo = None
        for index, (login, name, title, tz) in enumerate(LEADERSHIP):
            person = self._person(
                login=login,
                name=name,
                title=title,
                time_zone=tz,
                roles=[Role.LEADERSHIP],
                manager=ceo,
            )
            if index == 0:
                ceo = person

        executives: dict[str, User] = {}
        for login, name, title, department, tz, reports_to in EXECUTIVES:
            manager = ceo if reports_to == "ceo" else executives[reports_to]
            executives[login] = self._person(
                login=login,
                name=name,
                title=title,
                time_zone=tz,
                roles=[Role.EXECUTIVE],
                department=departments[department],
                manager=manager,
            )

        login, name, title, department, tz, reports_to = CX_LEAD
        cx_lead = self._person(
            login=login,
            name=name,
            title=title,
            time_zone=tz,
            roles=[Role.CX_LEAD],
            department=departments[department],
            manager=executives[reports_to],
        )

        agents = iter(AGENT_NAMES)
        first_agent = None
        for team_name, channel, capacity, tz in TEAMS:
            team, _ = FrontlineTeam.objects.update_or_create(
                name=team_name,
                defaults={
                    "channel": channel,
                    "weekly_listener_capacity": capacity,
                    "time_zone": tz,
                },
            )
            lead = None
            for position in range(10):
                name = next(agents)
                person = self._person(
                    login=name.lower().replace(" ", "."),
                    name=name,
                    title="Team lead" if position == 0 else "Customer service agent",
                    time_zone=tz,
                    roles=[Role.FRONTLINE],
                    frontline_team=team,
                    manager=cx_lead if position == 0 else lead,
                )
                if position == 0:
                    lead = person
                elif first_agent is None:
                    first_agent = person

        self._desks()
        return [
            ("CX lead", cx_lead.email),
            ("executive", executives["sofia.lindqvist"].email),
            ("leadership", ceo.email),
            ("frontline agent", first_agent.email),
            ("administrator", admin.email),
        ]

    def _desks(self) -> None:
        """Two Officer of the Day desks, so two officers are on shift each working day: Europe
        (the desk the migration made for everyone, renamed) for the teams in Europe, and the
        Americas for field service."""
        europe = OfficerDesk.objects.order_by("pk").first() or OfficerDesk()
        europe.name, europe.kind = "Europe", OfficerDesk.Kind.REGION
        americas = OfficerDesk.objects.filter(name="Americas").first() or OfficerDesk(
            name="Americas", kind=OfficerDesk.Kind.REGION
        )
        for desk in (europe, americas):
            officer_desk_save(
                desk=desk,
                teams=FrontlineTeam.objects.filter(
                    time_zone__startswith="America" if desk is americas else "Europe"
                ),
            )

    def _programme(self) -> None:
        """A programme in motion: past sessions attended, rotations published, time off, a
        swap request and escalations. Only into an empty programme, so reruns change nothing."""
        if Session.objects.exists():
            self.stdout.write("The programme already has sessions; left as it is.")
            return
        cx_lead = User.objects.get(email=f"{CX_LEAD[0]}@{DOMAIN}")
        executives = [User.objects.get(email=f"{login}@{DOMAIN}") for login, *_ in EXECUTIVES]
        chiefs = [e for e in executives if e.title.startswith("Chief")]
        teams = list(FrontlineTeam.objects.all())
        today = org_today()
        end = bucket_after("month", today).last  # to the end of next month
        for day, name in ((12, 25), (12, 26), (1, 1)):
            year = today.year if (day, name) >= (today.month, today.day) else today.year + 1
            Holiday.objects.get_or_create(
                date=today.replace(year=year, month=day, day=name),
                defaults={
                    "name": {(12, 25): "Christmas Day", (12, 26): "Boxing Day"}.get(
                        (day, name), "New Year's Day"
                    )
                },
            )

        # Earlier this month: some listening done, some not, so progress and risk show.
        listening = ActivityType.objects.get(slug="call-listening")
        for n, person in enumerate(executives[:8]):
            day = today - timedelta(days=2 + n)
            if day.weekday() >= 5 or day.month != today.month:
                continue
            start = timezone.make_aware(
                timezone.datetime.combine(day, timezone.datetime.min.time()).replace(hour=10)
            )
            session = session_create(
                activity_type=listening,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                participants=[person],
                host_team=teams[n % len(teams)],
                created_by=cx_lead,
                allow_past=True,
            )
            if n:  # the demo executive still has to confirm hers: a to-do on her home
                self._followed_through(session.participants.get(), n)

        self._exercises(executives[0], cx_lead, today)
        time_off_create(
            person=executives[3],
            start_date=today + timedelta(days=14),
            end_date=today + timedelta(days=20),
            note="Family holiday",
            by=executives[3],
        )
        for slug, people, host_teams, cover in (
            ("officer-of-the-day", executives, [], True),
            ("call-listening", executives[:10], teams, False),
            ("friction-review", chiefs, [], False),
        ):
            choice = RotationChoice(
                ActivityType.objects.get(slug=slug), today, end, people, host_teams, cover
            )
            plan = rotation_preview(choice=choice)
            if plan.changes:
                rotation_publish(
                    choice=choice,
                    include={p.key for p in plan.changes},
                    fingerprint=plan.fingerprint(),
                    by=cx_lead,
                )

        upcoming = Participant.objects.filter(
            person=executives[2], session__activity_type=listening, starts_at__gt=timezone.now()
        ).first()
        if upcoming is not None:
            # Offer it to the first colleague who is free then (the service refuses the busy).
            for colleague in executives[3:] + executives[:2]:
                try:
                    swap_request_create(
                        session=upcoming.session,
                        requested_by=executives[2],
                        offered_to=colleague,
                        message="Board meeting moved onto this slot; could you take it?",
                    )
                except ValidationError:
                    continue
                break
        agent = User.objects.filter(groups__name=Role.FRONTLINE).order_by("pk").first()
        escalation_log(
            logged_by=agent,
            customer_reference="ACME-20931",
            urgency="high",
            channel="phone",
            what_happened="Enterprise customer billed twice after the price change; the "
            "refund limit means I cannot fix it on the call.",
        )
        solved = escalation_log(
            logged_by=agent,
            customer_reference="GLOBEX-118",
            urgency="normal",
            channel="chat",
            what_happened="Chatbot sends customers in a loop when they ask to cancel.",
        )
        escalation_resolve(
            escalation=solved,
            by=solved.routed_to,
            note="Called the customer, cancelled by hand; raised the loop with the bot team.",
        )
        self._frictions(executives, cx_lead, today)
        self._starting_soon(executives[0], teams[0], cx_lead)
        # Last, so the story above is told exactly as before, and the history fits around it.
        agents = list(User.objects.filter(groups__name=Role.FRONTLINE).order_by("pk"))
        written = History(cx_lead=cx_lead, executives=executives, agents=agents).write()
        self.stdout.write(
            f"History: {written['sessions']} past sessions, {written['reports']} friction reports "
            f"answered and {written['decisions']} decisions over the last {QUARTERS} quarters."
        )

    def _starting_soon(self, person: User, team: FrontlineTeam, cx_lead: User) -> None:
        """A listening session for the demo executive starting just over an hour from now, so
        its one-hour reminder (with its calendar invite) goes out a few minutes after the start."""
        start = (timezone.now() + timedelta(minutes=66)).replace(second=0, microsecond=0)
        # If she is busy then (a published rotation), her other reminders show it instead.
        with suppress(ValidationError):
            session_create(
                activity_type=ActivityType.objects.get(slug="call-listening"),
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                participants=[person],
                host_team=team,
                created_by=cx_lead,
            )

    def _followed_through(self, place: Participant, n: int) -> None:
        """Attendance confirmed, and most of the time a reflection with what was seen."""
        attendance_record(
            participant=place, attended=True, minutes=50 + n, interactions=3 + n, by=place.person
        )
        if n % 3 == 2:
            return
        surprised, would_change, frictions, quote = REFLECTIONS[n % len(REFLECTIONS)]
        reflection_save(
            participant=place,
            by=place.person,
            surprised=surprised,
            would_change=would_change,
            frictions=frictions,
            customer_quote=quote,
            visibility="leadership" if n % 2 else "private",
            commitments=[
                CommitmentInput(
                    f"Take “{frictions[0]}” to the next friction review",
                    org_today() + timedelta(days=n),
                )
            ],
        )

    def _exercises(self, person: User, cx_lead: User, today) -> None:
        """The demo executive's journey half walked and customers drawn for her calls, on the
        call list the CX lead loaded."""
        call_list_apply(data=CALL_LIST)
        questions = question_set_save(name="Why customers stay or leave", questions=QUESTIONS)
        day = today - timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        for slug, hour in (("customer-journey", 13), ("customer-calls", 16)):
            start = timezone.make_aware(
                timezone.datetime.combine(day, timezone.datetime.min.time()).replace(hour=hour)
            )
            session = session_create(
                activity_type=ActivityType.objects.get(slug=slug),
                starts_at=start,
                ends_at=start + timedelta(hours=2 if slug == "customer-journey" else 1),
                participants=[person],
                created_by=cx_lead,
                allow_past=True,
            )
            place = session.participants.get()
            if slug == "customer-journey":
                template = JourneyTemplate.objects.get(kind="support")
                exercise = journey_exercise_start(participant=place, template=template, by=person)
                for step, (effort, worked, note) in zip(
                    template.steps.all(), JOURNEY_STEPS, strict=False
                ):
                    journey_step_record(
                        exercise=exercise,
                        step=step,
                        effort=effort,
                        worked=worked,
                        note=note,
                        by=person,
                    )
            else:
                calls = customer_calls_draw(
                    participant=place, question_set=questions, count=3, by=person
                )
                customer_call_record(
                    call=calls[0],
                    reached=True,
                    answers=["The second price rise this year.", "Support answers fast."],
                    notes="Would stay if the refund came without a callback.",
                    by=person,
                )

    def _frictions(self, executives: list[User], cx_lead: User, today) -> None:
        """The board in motion: reports named and anonymous, support, triage, one resolved by a
        decision changed after customer exposure, one overdue, and this week's review agenda."""
        agents = list(User.objects.filter(groups__name=Role.FRONTLINE).order_by("pk")[:12])
        reports = []
        for n, (title, area, channel, per_week, severity, policy, description) in enumerate(
            FRICTIONS
        ):
            report, code = friction_report_file(
                reporter=agents[n % len(agents)],
                anonymous=n % 3 == 1,
                title=title,
                description=description,
                area=area,
                channel=channel,
                customers_per_week=per_week,
                severity=severity,
                policy_reference=policy,
            )
            if code is not None:  # anonymous reports wait for their hour; the demo shows them now
                anonymous_writes_release(now=timezone.now() + timedelta(hours=1))
                report = FrictionReport.objects.get(receipt_hash=report.receipt_hash)
            for supporter in agents[n + 1 : n + 1 + (len(FRICTIONS) - n)]:
                friction_report_support(report=report, supporter=supporter)
            reports.append(report)
        refund, billing, cancel, menu = reports[:4]
        friction_report_triage(
            report=refund,
            by=cx_lead,
            owner=executives[0],
            acknowledge_by=today,
            decide_by=today + timedelta(days=20),
            response="Sofia owns this; finance joins the next review.",
        )
        friction_report_transition(
            report=refund,
            by=executives[0],
            status="in_progress",
            response="Finance is costing a higher refund limit.",
        )
        friction_report_triage(
            report=billing,
            by=cx_lead,
            owner=executives[1],
            acknowledge_by=today,
            decide_by=today + timedelta(days=25),
        )
        # Overdue: filed weeks ago, never acknowledged.
        FrictionReport.objects.filter(pk=menu.pk).update(
            acknowledge_by=today - timedelta(days=9), decide_by=today + timedelta(days=5)
        )
        friction_report_triage(
            report=FrictionReport.objects.get(pk=menu.pk),
            by=cx_lead,
            owner=executives[2],
            acknowledge_by=today - timedelta(days=9),
            decide_by=today + timedelta(days=5),
        )
        listening = Session.objects.filter(
            activity_type__slug="call-listening", starts_at__lt=timezone.now()
        ).first()
        decision = decision_save(
            by=executives[0],
            title="Customers cancel online, without a call",
            area="policy",
            context="Cancelling needs a phone call; agents spend hours on retention scripts.",
            options_considered="Keep the call; a cancel button; a button with a retention offer.",
            decision="A cancel button in the portal, with one optional offer.",
            owner=executives[0],
            deciders=executives[:3],
            review_by=today - timedelta(days=1),
            impact_who="Every customer who wants to leave: about 300 a week.",
            impact_effect="No forced call; fewer angry contacts; some lost retention.",
            impact_evidence="Friction reports from phone and chat, and call listening.",
            friction_reports=[cancel],
        )
        if listening is not None:
            decision_link_evidence(
                decision=decision, by=executives[0], kind="session", target=listening
            )
        decision_set_status(decision=decision, by=executives[0], status="approved")
        decision_set_status(
            decision=decision,
            by=executives[0],
            status="reversed",
            note="After listening to calls: the offer itself annoyed customers; dropped.",
        )
        friction_report_transition(
            report=cancel,
            by=cx_lead,
            status="resolved",
            resolution="policy_modified",
            decision=decision,
            response="Cancelling is a button in the portal now, with no forced call.",
        )
        review = Session.objects.filter(
            activity_type__slug="friction-review", starts_at__gte=timezone.now()
        ).first()
        if review is not None:
            friction_review_prepare(session=review, by=cx_lead)

    def _person(self, *, login, name, title, time_zone, roles, **organisation) -> User:
        email = f"{login}@{DOMAIN}"
        fields = {"display_name": name, "title": title, "time_zone": time_zone}
        fields.update({"department": None, "frontline_team": None, "manager": None})
        fields.update(organisation)
        existing = User.objects.filter(email=email).first()
        if existing is None:
            user = user_create(email=email, roles=roles, **fields)
            # One hash for everyone: hashing 46 passwords one by one takes ten seconds.
            if self.password_hash is None:
                self.password_hash = make_password(DEMO_PASSWORD)
            User.objects.filter(pk=user.pk).update(password=self.password_hash)
            return user
        if not existing.is_active:
            existing.is_active = True
            existing.save(update_fields=["is_active"])
        return user_update(user=existing, roles=roles, **fields)
