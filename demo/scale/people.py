"""The organisation: departments, frontline teams, people with their roles and managers; and the
programme around them: holidays, cadence targets with their history, customers to call."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group

from accounts.models import Department, FrontlineTeam, User
from accounts.roles import Role
from core.models import Holiday
from immersion.models import (
    ActivityType,
    CadenceTarget,
    CadenceTargetVersion,
    Customer,
    Question,
    QuestionSet,
)

from .base import Step
from .texts import FIRST_NAMES, LAST_NAMES

# Everyone generated signs in with this password (issue 14's load test signs people in).
PASSWORD = "proximity-bench"  # noqa: S105 - bench data, published on purpose
DOMAIN = "scale.example.com"
EXTRA_DEPARTMENTS = ["Legal", "Logistics", "Risk", "Customer success"]
CHANNELS = [
    (FrontlineTeam.Channel.PHONE, 40),
    (FrontlineTeam.Channel.CHAT, 25),
    (FrontlineTeam.Channel.EMAIL, 15),
    (FrontlineTeam.Channel.FIELD, 12),
    (FrontlineTeam.Channel.SOCIAL, 8),
]
TEAM_ZONES = ["Europe/London", "Europe/Dublin", "Europe/Berlin", "America/New_York", "Asia/Manila"]
EXEC_ZONES = ["Europe/London", "Europe/Stockholm", "Europe/Paris", "America/New_York", "UTC"]
AGENTS_PER_TEAM = 50
YEARLY_HOLIDAYS = [(1, 1, "New Year's Day"), (12, 25, "Christmas Day"), (12, 26, "Boxing Day")]

USER_FIELDS = [
    "id",
    "password",
    "is_superuser",
    "is_staff",
    "is_active",
    "date_joined",
    "email",
    "display_name",
    "title",
    "time_zone",
    "department_id",
    "frontline_team_id",
    "manager_id",
]


class People(Step):
    def run(self) -> None:
        self._organisation()
        self._people()
        self._programme()

    def _organisation(self) -> None:
        existing = {d.name.lower() for d in Department.objects.all()}
        Department.objects.bulk_create(
            [Department(name=n) for n in EXTRA_DEPARTMENTS if n.lower() not in existing]
        )
        self.cx_department = Department.objects.get(name__iexact="Customer experience").pk
        self.written.departments = list(
            Department.objects.exclude(pk=self.cx_department).values_list("pk", flat=True)
        )
        count = max(2, self.volume.agents // AGENTS_PER_TEAM)
        channels = [c for c, _ in CHANNELS]
        weights = [w for _, w in CHANNELS]
        teams = [
            FrontlineTeam(
                name=f"{channel.label} team {n + 1:03d}",
                channel=channel,
                weekly_listener_capacity=self.rng.randint(3, 8),
                time_zone=self.rng.choice(TEAM_ZONES),
            )
            for n, channel in enumerate(self.rng.choices(channels, weights, k=count))
        ]
        FrontlineTeam.objects.bulk_create(teams)
        self.written.teams = [(t.pk, t.channel) for t in FrontlineTeam.objects.order_by("pk")]

    def _name(self, n: int) -> tuple[str, str]:
        first = FIRST_NAMES[n % len(FIRST_NAMES)]
        last = LAST_NAMES[(n // len(FIRST_NAMES) + n) % len(LAST_NAMES)]
        return f"{first} {last}", f"{first}.{last}.{n}".lower()

    def _people(self) -> None:
        """Leadership (the CEO first), CX leads, executives in a tree of chiefs, VPs and
        directors by department, then the agents, their teams' first agent leading each."""
        password = PBKDF2PasswordHasher().encode(PASSWORD, "scalebench", iterations=100_000)
        joined = self.first - timedelta(days=30)
        rows: list[tuple] = []
        roles: list[tuple[int, str]] = []
        written = self.written
        leadership, cx_leads = 5, 3
        count = 1 + leadership + cx_leads + self.volume.executives + self.volume.agents
        ids = iter(self.tables.ids(User, count))

        def person(*, title, department=None, team=None, manager=None, zone="UTC", role=None):
            pk = next(ids)
            name, login = self._name(pk)
            rows.append(
                (
                    pk,
                    password,
                    role == "admin",
                    role == "admin",
                    True,
                    joined,
                    f"{login}@{DOMAIN}",
                    name,
                    title,
                    zone,
                    department,
                    team,
                    manager,
                )
            )
            if role and role != "admin":
                roles.append((pk, role))
            return pk

        person(title="System administrator", role="admin")
        ceo = person(title="Chief Executive Officer", role=Role.LEADERSHIP)
        for n in range(leadership - 1):
            person(title=f"Board member {n + 1}", manager=ceo, role=Role.LEADERSHIP)
        for n in range(cx_leads):
            lead = person(
                title="Head of Customer Experience" if n == 0 else "CX programme manager",
                department=self.cx_department,
                manager=ceo,
                role=Role.CX_LEAD,
            )
            written.cx_lead = written.cx_lead or lead
        departments = written.departments
        chiefs: dict[int, int] = {}
        vps: dict[int, list[int]] = {d: [] for d in departments}
        for n in range(self.volume.executives):
            department = departments[n % len(departments)]
            zone = self.rng.choice(EXEC_ZONES)
            if department not in chiefs:
                title, manager = "Chief Officer", ceo
            elif n < len(departments) * 9:
                title, manager = "Vice President", chiefs[department]
            else:
                title = "Director"
                manager = self.rng.choice(vps[department] or [chiefs[department]])
            pk = person(
                title=title, department=department, manager=manager, zone=zone, role=Role.EXECUTIVE
            )
            written.executives.append(pk)
            written.department_of[pk] = department
            if title == "Chief Officer":
                chiefs[department] = pk
            if title != "Director":
                written.senior.append(pk)
                written.senior_by_department.setdefault(department, []).append(pk)
                if title == "Vice President":
                    vps[department].append(pk)
        operations = written.senior or [ceo]
        for n in range(self.volume.agents):
            team, _ = written.teams[n % len(written.teams)]
            members = written.team_agents.setdefault(team, [])
            lead = members[0] if members else None
            pk = person(
                title="Team lead" if lead is None else "Customer service agent",
                team=team,
                manager=lead or self.rng.choice(operations),
                zone=self.rng.choice(TEAM_ZONES),
                role=Role.FRONTLINE,
            )
            members.append(pk)
            written.agents.append(pk)
        self.tables.write(User, USER_FIELDS, rows)
        groups = {g.name: g.pk for g in Group.objects.filter(name__in=Role.values)}
        through = User.groups.through
        self.tables.write(
            through,
            ["id", "user_id", "group_id"],
            (
                (pk, user, groups[role])
                for pk, (user, role) in zip(
                    self.tables.ids(through, len(roles)), roles, strict=True
                )
            ),
        )

    def _programme(self) -> None:
        """Holidays; the cadence targets' history (listening was one hour a month until half
        way, then two; chat observation was asked monthly until a year ago, then dropped;
        Product's executives owe a customer call a quarter for the last three years);
        customers and question sets for the customer calls."""
        self.written.activity = dict(ActivityType.objects.values_list("slug", "pk"))
        years = range(self.first_day.year, self.today.year + 2)
        Holiday.objects.bulk_create(
            [
                Holiday(date=self.first_day.replace(year=y, month=m, day=d), name=name)
                for y in years
                for m, d, name in YEARLY_HOLIDAYS
            ],
            ignore_conflicts=True,
        )
        activity = self.written.activity
        halfway = self.first_day + (self.today - self.first_day) / 2
        listening = CadenceTarget.objects.get(
            activity_type_id=activity["call-listening"], department=None
        )
        CadenceTargetVersion.objects.create(
            target=listening,
            activity_type_id=listening.activity_type_id,
            amount=Decimal(1),
            unit=listening.unit,
            period=listening.period,
            applies_to=listening.applies_to,
            valid_from=listening.valid_from,
            valid_until=halfway,
        )
        listening.valid_from = halfway
        listening.save(update_fields=["valid_from"])
        ended = self.today - timedelta(days=365)
        chat = CadenceTarget.objects.create(
            activity_type_id=activity["chat-observation"],
            amount=Decimal(1),
            unit=CadenceTarget.Unit.SESSIONS,
            period=CadenceTarget.Period.MONTH,
            is_active=False,
            valid_from=ended,
        )
        CadenceTargetVersion.objects.create(
            target=chat,
            activity_type_id=chat.activity_type_id,
            amount=chat.amount,
            unit=chat.unit,
            period=chat.period,
            applies_to=chat.applies_to,
            valid_from=self.first_day,
            valid_until=ended,
        )
        product = Department.objects.filter(name__iexact="Product").first()
        if product is not None:
            CadenceTarget.objects.create(
                activity_type_id=activity["customer-calls"],
                department=product,
                amount=Decimal(1),
                unit=CadenceTarget.Unit.SESSIONS,
                period=CadenceTarget.Period.QUARTER,
                valid_from=self.today - timedelta(days=3 * 365),
            )
        count = max(50, self.volume.executives * 5)
        customers = [
            Customer(
                name=self._name(n)[0],
                account=f"ACCT-{n:06d}",
                phone=f"+44 20 7946 {n % 10000:04d}",
                consent=True,
                do_not_contact=self.rng.random() < 0.03,
            )
            for n in range(count)
        ]
        Customer.objects.bulk_create(customers, batch_size=5000)
        self.written.customers = list(Customer.objects.values_list("pk", flat=True))
        sets = []
        for name, questions in [
            ("Renewal check-in", ["What nearly made you leave us?", "What would you miss?"]),
            ("After a complaint", ["Was it put right?", "What should we have done first?"]),
        ]:
            question_set = QuestionSet.objects.create(name=name)
            Question.objects.bulk_create(
                Question(question_set=question_set, position=n, text=t)
                for n, t in enumerate(questions)
            )
            sets.append(question_set)
        self.written.question_sets = [(s.pk, [q.text for q in s.questions.all()]) for s in sets]
