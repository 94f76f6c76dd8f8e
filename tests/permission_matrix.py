"""Who may open what: every URL pattern times every role against one table.

A URL without an entry in MATRIX fails `test_every_url_is_in_the_matrix`; add it here, with what
each role should get, in the same change that adds the URL (and, if its URL needs an object,
that object in `build_objects`).

Outcomes: an HTTP status, LOGIN (sent to sign in), or ADMIN_LOGIN (sent to the admin's sign-in).

Not a test module: tests/test_permission_matrix.py checks the table,
tests/browser/test_every_page.py audits every page in it and tests/test_fuzz.py posts to every
form in it, and all three import it (and the people of the world, PEOPLE) from here.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import PeopleImport
from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, FrontlineTeamFactory, UserFactory
from conftest import ROLE_NAMES
from core.models import Holiday
from frictions.services import friction_report_file
from frictions.services.decisions import decision_save
from frictions.services.integrations import api_integration_issue
from frictions.services.reviews import friction_review_prepare
from immersion.models import (
    CadenceTarget,
    CallListImport,
    Commitment,
    Customer,
    CustomerCall,
    Escalation,
    JourneyExercise,
    JourneyTemplate,
    OfficerDesk,
    QuestionSet,
    Reflection,
    Rotation,
    SwapRequest,
)
from immersion.services.feeds import calendar_feed_get
from immersion.tests.factories import SessionFactory, TimeOffFactory, activity
from metrics.quarters import Quarter
from metrics.services import quarter_rollup_compute
from metrics.tests.theme_factories import friction_theme_for_matrix
from notifications.models import Notification
from notifications.services import notify

LOGIN = "login"
ADMIN_LOGIN = "admin-login"


# The people conftest.py's role fixtures make, made once for a module that builds the world once
# (tests/test_permission_matrix.py, tests/test_fuzz.py).
PEOPLE = {
    "frontline": {"roles": [Role.FRONTLINE], "display_name": "Frankie Agent"},
    "executive": {"roles": [Role.EXECUTIVE], "display_name": "Evelyn Exec"},
    "cx_lead": {"roles": [Role.CX_LEAD], "display_name": "Casey Lead"},
    "leadership": {"roles": [Role.LEADERSHIP], "display_name": "Lee Board"},
    "superuser": {"is_superuser": True, "is_staff": True, "display_name": "Sam Admin"},
}


def make_matrix_user(*, roles=(), **fields):
    return UserFactory(roles=[Role(r).value for r in roles], **fields)


@dataclass
class Entry:
    expect: dict[str, Any]
    method: str = "get"
    kwargs: Any = field(default_factory=dict)  # dict, or callable(objects) -> dict


def outcomes(*, anonymous=LOGIN, signed_in=200, **by_role) -> dict[str, Any]:
    """Everyone signed in gets `signed_in` unless a role is named."""
    table = {role: signed_in for role in ROLE_NAMES if role != "anonymous"}
    table["anonymous"] = anonymous
    table.update(by_role)
    return table


def cx_lead_only(allowed=200) -> dict[str, Any]:
    return outcomes(signed_in=403, cx_lead=allowed, superuser=allowed)


def only(*roles, allowed=200, others=403) -> dict[str, Any]:
    """`allowed` for these roles and the superuser, `others` for everyone else signed in."""
    table = outcomes(signed_in=others, superuser=allowed)
    table.update(dict.fromkeys(roles, allowed))
    return table


PERSON = {"kwargs": lambda o: {"pk": o["person"].pk}}
SESSION = {"kwargs": lambda o: {"pk": o["session"].pk}}
SWAP = {"kwargs": lambda o: {"pk": o["swap"].pk}}
DECISION = {"kwargs": lambda o: {"pk": o["decision"].pk}}
REPORT = {"kwargs": lambda o: {"pk": o["report"].pk}}
PLACE = {"kwargs": lambda o: {"pk": o["place"].pk}}
TEMPLATE = {"kwargs": lambda o: {"pk": o["exercise"].template_id}}
THEME = {"kwargs": lambda o: {"pk": o["theme"].pk}}

MATRIX: dict[str, Entry] = {
    "home": Entry(outcomes()),
    "healthz": Entry(outcomes(anonymous=200)),
    "favicon": Entry(outcomes(anonymous=301, signed_in=301)),
    "admin:index": Entry(outcomes(anonymous=ADMIN_LOGIN, signed_in=ADMIN_LOGIN, superuser=200)),
    # Signing in
    "accounts:login": Entry(outcomes(anonymous=200, signed_in=302)),
    "accounts:logout": Entry(outcomes(anonymous=302, signed_in=302), method="post"),
    "accounts:password_change": Entry(outcomes()),
    "accounts:password_change_done": Entry(outcomes()),
    "accounts:password_reset": Entry(outcomes(anonymous=200)),
    "accounts:password_reset_done": Entry(outcomes(anonymous=200)),
    "accounts:password_reset_confirm": Entry(
        outcomes(anonymous=200), kwargs={"uidb64": "MQ", "token": "set-password"}
    ),
    "accounts:password_reset_complete": Entry(outcomes(anonymous=200)),
    # People (CX lead)
    "accounts:people": Entry(cx_lead_only()),
    "accounts:person_create": Entry(cx_lead_only()),
    "accounts:person_edit": Entry(cx_lead_only(), **PERSON),
    "accounts:person_deactivate": Entry(cx_lead_only(302), method="post", **PERSON),
    "accounts:person_reactivate": Entry(cx_lead_only(302), method="post", **PERSON),
    "accounts:person_invite": Entry(cx_lead_only(302), method="post", **PERSON),
    "accounts:people_import": Entry(cx_lead_only()),
    "accounts:people_import_preview": Entry(
        cx_lead_only(), kwargs=lambda o: {"pk": o["people_import"].pk}
    ),
    "accounts:people_import_progress": Entry(
        cx_lead_only(), kwargs=lambda o: {"pk": o["people_import"].pk}
    ),
    "accounts:teams": Entry(cx_lead_only()),
    "accounts:team_create": Entry(cx_lead_only()),
    "accounts:team_edit": Entry(cx_lead_only(), kwargs=lambda o: {"pk": o["team"].pk}),
    "accounts:department_create": Entry(cx_lead_only()),
    "accounts:department_edit": Entry(cx_lead_only(), kwargs=lambda o: {"pk": o["department"].pk}),
    # Immersion: executives' own pages
    "immersion:schedule": Entry(only("executive")),
    "immersion:time_off": Entry(only("executive", "cx_lead")),
    "immersion:time_off_delete": Entry(
        only("executive", "cx_lead", allowed=302),
        method="post",
        kwargs=lambda o: {"pk": o["time_off"].pk},
    ),
    "immersion:feed_regenerate": Entry(only("executive", "cx_lead", allowed=302), method="post"),
    "immersion:feed": Entry(outcomes(anonymous=200), kwargs=lambda o: {"token": o["feed"].token}),
    "immersion:programme_feed": Entry(
        outcomes(anonymous=200), kwargs=lambda o: {"token": o["lead_feed"].token}
    ),
    "immersion:swap_create": Entry(
        outcomes(signed_in=403, executive=200, superuser=404),
        kwargs=lambda o: {"session_pk": o["session"].pk},
    ),
    "immersion:swap_accept": Entry(only("executive", allowed=302), method="post", **SWAP),
    "immersion:swap_decline": Entry(only("executive", allowed=302), method="post", **SWAP),
    "immersion:swap_withdraw": Entry(only("executive", allowed=302), method="post", **SWAP),
    "immersion:swaps": Entry(cx_lead_only()),
    "immersion:swap_cancel": Entry(cx_lead_only(302), method="post", **SWAP),
    # Immersion: the programme
    "immersion:calendar": Entry(only("cx_lead", "leadership")),
    "immersion:at_risk": Entry(cx_lead_only()),
    "immersion:rotations": Entry(cx_lead_only()),
    "immersion:rotation_new": Entry(cx_lead_only()),
    "immersion:rotation_preview": Entry(cx_lead_only(), method="post"),
    "immersion:rotation_detail": Entry(cx_lead_only(), kwargs=lambda o: {"pk": o["rotation"].pk}),
    "immersion:session_create": Entry(cx_lead_only()),
    "immersion:session_detail": Entry(outcomes(frontline=404), **SESSION),
    "immersion:session_edit": Entry(cx_lead_only(), **SESSION),
    "immersion:session_cancel": Entry(cx_lead_only(302), method="post", **SESSION),
    "immersion:session_confirm": Entry(
        only("executive", "cx_lead", allowed=302), method="post", **SESSION
    ),
    "immersion:session_reassign": Entry(cx_lead_only(), method="post", **SESSION),
    "immersion:setup": Entry(cx_lead_only()),
    "immersion:target_create": Entry(cx_lead_only()),
    "immersion:target_edit": Entry(cx_lead_only(), kwargs=lambda o: {"pk": o["target"].pk}),
    "immersion:activity_create": Entry(cx_lead_only()),
    "immersion:activity_edit": Entry(cx_lead_only(), kwargs=lambda o: {"pk": o["activity"].pk}),
    "immersion:desk_create": Entry(cx_lead_only()),
    "immersion:desk_edit": Entry(cx_lead_only(), kwargs=lambda o: {"pk": o["desk"].pk}),
    "immersion:holiday_delete": Entry(
        cx_lead_only(302), method="post", kwargs=lambda o: {"pk": o["holiday"].pk}
    ),
    # After a session
    "immersion:attendance": Entry(only("executive", "cx_lead"), **PLACE),
    "immersion:reflection": Entry(only("executive", others=403) | {"superuser": 404}, **PLACE),
    "immersion:reflections": Entry(only("executive", "cx_lead", "leadership")),
    "immersion:commitment_done": Entry(
        only("executive", allowed=302) | {"superuser": 404},
        method="post",
        kwargs=lambda o: {"pk": o["commitment"].pk},
    ),
    # Journeys
    "immersion:journeys": Entry(only("executive", "cx_lead", "leadership")),
    "immersion:journey_template_create": Entry(cx_lead_only()),
    "immersion:journey_template_edit": Entry(cx_lead_only(), **TEMPLATE),
    "immersion:journey_compare": Entry(only("executive", "cx_lead", "leadership"), **TEMPLATE),
    "immersion:journey_start": Entry(
        only("executive", allowed=302) | {"superuser": 404},
        method="post",
        kwargs=lambda o: {"pk": o["journey_place"].pk},
    ),
    "immersion:journey_exercise": Entry(
        only("executive", "cx_lead", "leadership"), kwargs=lambda o: {"pk": o["exercise"].pk}
    ),
    "immersion:journey_step": Entry(
        only("executive", allowed=400) | {"superuser": 404},
        method="post",
        kwargs=lambda o: {
            "pk": o["exercise"].pk,
            "step_pk": o["exercise"].template.steps.first().pk,
        },
    ),
    # Customer calls (customers' details: the CX lead and the executive the call is for)
    "immersion:call_list": Entry(cx_lead_only()),
    "immersion:call_list_import": Entry(cx_lead_only()),
    "immersion:call_list_preview": Entry(
        cx_lead_only(), kwargs=lambda o: {"pk": o["call_list_import"].pk}
    ),
    "immersion:call_list_progress": Entry(
        cx_lead_only(), kwargs=lambda o: {"pk": o["call_list_import"].pk}
    ),
    "immersion:question_set_create": Entry(cx_lead_only()),
    "immersion:question_set_edit": Entry(
        cx_lead_only(), kwargs=lambda o: {"pk": o["question_set"].pk}
    ),
    "immersion:calls_draw": Entry(
        only("executive", "cx_lead", allowed=302),
        method="post",
        kwargs=lambda o: {"pk": o["call_place"].pk},
    ),
    "immersion:customer_call": Entry(
        only("executive", "cx_lead"), kwargs=lambda o: {"pk": o["call"].pk}
    ),
    # Friction reports
    "frictions:board": Entry(only("frontline", "executive", "cx_lead", "leadership")),
    "frictions:new": Entry(only("frontline", "executive", "cx_lead")),
    "frictions:filed": Entry(only("frontline", "executive", "cx_lead")),
    "frictions:similar": Entry(only("frontline", "executive", "cx_lead"), method="post"),
    "frictions:receipt": Entry(outcomes(anonymous=200)),
    "frictions:report_lookup": Entry(only("executive", "cx_lead")),
    "frictions:report": Entry(only("frontline", "executive", "cx_lead", "leadership"), **REPORT),
    "frictions:support": Entry(
        only("frontline", "executive", "cx_lead", allowed=302), method="post", **REPORT
    ),
    "frictions:information": Entry(
        only("frontline", "executive", "cx_lead", allowed=302), method="post", **REPORT
    ),
    "frictions:triage": Entry(cx_lead_only(), method="post", **REPORT),
    "frictions:transition": Entry(only("cx_lead", allowed=200), method="post", **REPORT),
    "frictions:note": Entry(only("cx_lead", allowed=200), method="post", **REPORT),
    "frictions:reviews": Entry(only("frontline", "executive", "cx_lead", "leadership")),
    "frictions:review_prepare": Entry(
        cx_lead_only(302), method="post", kwargs=lambda o: {"session_pk": o["review_session"].pk}
    ),
    "frictions:review": Entry(
        only("frontline", "executive", "cx_lead", "leadership"),
        kwargs=lambda o: {"pk": o["review"].pk},
    ),
    "frictions:review_item": Entry(
        cx_lead_only(), method="post", kwargs=lambda o: {"pk": o["review"].items.first().pk}
    ),
    "frictions:decisions": Entry(only("executive", "cx_lead", "leadership")),
    "frictions:decision_create": Entry(only("executive", "cx_lead")),
    "frictions:decision_lookup": Entry(only("executive", "cx_lead")),
    "frictions:decision": Entry(only("executive", "cx_lead", "leadership"), **DECISION),
    # The decision is another executive's: the executive reads it but may not change it.
    "frictions:decision_edit": Entry(only("cx_lead"), **DECISION),
    "frictions:decision_status": Entry(only("cx_lead", allowed=200), method="post", **DECISION),
    "frictions:decision_outcome": Entry(only("cx_lead", allowed=200), method="post", **DECISION),
    "frictions:decision_evidence": Entry(only("cx_lead", allowed=200), method="post", **DECISION),
    "frictions:integrations": Entry(cx_lead_only()),
    "frictions:integration_revoke": Entry(
        cx_lead_only(302), method="post", kwargs=lambda o: {"pk": o["integration"].pk}
    ),
    # The API: tokens, not sessions (a signed-in person without a token is refused too)
    "api:frictions": Entry(outcomes(anonymous=401, signed_in=401), method="post"),
    "api:friction": Entry(outcomes(anonymous=401, signed_in=401), **REPORT),
    "api:schema": Entry(outcomes(anonymous=200)),
    # Officer of the Day
    "immersion:escalations": Entry(only("frontline", "executive", "cx_lead")),
    "immersion:escalation_create": Entry(only("frontline", "cx_lead")),
    "immersion:escalation_detail": Entry(
        outcomes(signed_in=403, frontline=200, cx_lead=200, superuser=200, executive=404),
        kwargs=lambda o: {"pk": o["escalation"].pk},
    ),
    # The quarterly dashboard
    "metrics:dashboard": Entry(only("cx_lead", "leadership")),
    # Its exports and the printable pack (of the current quarter, computed in build_objects)
    "metrics:export_metrics": Entry(only("cx_lead", "leadership")),
    "metrics:export_executives": Entry(only("cx_lead", "leadership")),
    "metrics:pack": Entry(only("cx_lead", "leadership")),
    # The scorecard is the matrix's executive's own: another's answers 404 (metrics' tests).
    "metrics:scorecard": Entry(
        only("executive", "cx_lead", "leadership"),
        kwargs=lambda o: {"pk": o["own_scorecard"].pk},
    ),
    "metrics:executives": Entry(only("cx_lead", "leadership")),
    "metrics:evidence": Entry(only("cx_lead", "leadership")),
    # Friction themes: leadership reads, the CX lead names them and asks for a refit
    "metrics:themes": Entry(only("cx_lead", "leadership")),
    "metrics:theme": Entry(only("cx_lead", "leadership"), **THEME),
    # The matrix posts nothing: past the permission, a rename that sends no name is refused.
    "metrics:theme_rename": Entry(cx_lead_only(400), method="post", **THEME),
    "metrics:themes_refit": Entry(cx_lead_only(302), method="post"),
    # Notifications: everyone's own; the CX lead's defaults and failed messages
    "notifications:list": Entry(outcomes()),
    "notifications:open": Entry(
        outcomes(signed_in=404, executive=302), kwargs=lambda o: {"pk": o["notification"].pk}
    ),
    "notifications:read_all": Entry(outcomes(signed_in=302), method="post"),
    "notifications:badge": Entry(outcomes(anonymous=204)),
    "notifications:defaults": Entry(cx_lead_only()),
    "notifications:times": Entry(cx_lead_only(), method="post"),
    "notifications:failed": Entry(cx_lead_only()),
    "notifications:retry": Entry(
        cx_lead_only(302), method="post", kwargs=lambda o: {"pk": o["failed_notification"].pk}
    ),
}


def build_objects(*, make_user, executive, frontline, cx_lead) -> dict[str, Any]:
    """Something of every kind a URL in MATRIX points at, named as the `kwargs` callables read it.

    A URL that needs a new kind of object gets it here, in the dict returned below."""
    lead = make_user()
    colleague = make_user(roles=[Role.EXECUTIVE])
    session = SessionFactory(people=[executive])
    swap = SwapRequest.objects.create(
        session=SessionFactory(people=[colleague]), requested_by=colleague
    )
    yesterday = (timezone.now() - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    place = SessionFactory(people=[executive], starts_at=yesterday).participants.get()
    reflection = Reflection.objects.create(
        participant=place, surprised="How long they waited.", would_change="The refund rule."
    )
    journey_place = SessionFactory(
        people=[executive],
        activity_type=activity("customer-journey"),
        starts_at=yesterday - timedelta(days=1),
    ).participants.get()
    call_place = SessionFactory(
        people=[executive],
        activity_type=activity("customer-calls"),
        starts_at=yesterday - timedelta(days=2),
    ).participants.get()
    question_set = QuestionSet.objects.create(name="Renewal questions")
    question_set.questions.create(text="What nearly made you leave?")
    customer = Customer.objects.create(name="Maria Lopez", phone="+34 600 123 456", consent=True)
    report, _ = friction_report_file(
        reporter=frontline,
        anonymous=False,
        title="Refunds above 50 euros need a manager",
        description="Customers wait two days for a callback.",
        area="policy",
        channel="phone",
        customers_per_week=40,
        severity="high",
    )
    review_session = SessionFactory(
        people=[executive],
        activity_type=activity("friction-review"),
        starts_at=yesterday + timedelta(days=3),
    )
    # Owned by a colleague, so the matrix checks that an executive cannot change it.
    decision = decision_save(
        by=colleague,
        title="Raise the refund limit",
        area="policy",
        context="Agents cannot refund above 50 euros.",
        decision="Agents refund up to 200 euros.",
        owner=colleague,
        review_by=timezone.localdate(),
        friction_reports=[report],
    )
    return {
        "integration": api_integration_issue(name="Zendesk", by=cx_lead)[0],
        "decision": decision,
        "review_session": review_session,
        "review": friction_review_prepare(session=review_session, by=cx_lead),
        "report": report,
        "place": place,
        "commitment": Commitment.objects.create(
            reflection=reflection,
            person=executive,
            text="Call the refunds team",
            due_date=timezone.localdate(),
        ),
        "journey_place": journey_place,
        "exercise": JourneyExercise.objects.create(
            participant=journey_place, template=JourneyTemplate.objects.first()
        ),
        "call_place": call_place,
        "question_set": question_set,
        "call": CustomerCall.objects.create(
            participant=call_place, customer=customer, question_set=question_set
        ),
        "call_list_import": CallListImport.objects.create(
            uploaded_by=lead, file_name="calls.csv", content="customer name,consent\n"
        ),
        "session": session,
        "notification": notify(
            kind="session_reminder",
            recipient=executive,
            subject=session,
            occasion="24h",
            title="Your session is tomorrow",
            url=session.get_absolute_url(),
            data={"starts_at": session.starts_at.isoformat(), "hours": 24},
        ),
        "failed_notification": Notification.objects.create(
            kind="session_reminder",
            recipient=colleague,
            subject_type="immersion.session",
            subject_id=session.pk,
            occasion="1h",
            title="Your session is in an hour",
            url=session.get_absolute_url(),
            send_after=timezone.now(),
            status=Notification.Status.FAILED,
            reason="550 mailbox unavailable",
        ),
        "swap": swap,
        "time_off": TimeOffFactory(person=executive),
        "feed": calendar_feed_get(person=executive),
        "lead_feed": calendar_feed_get(person=cx_lead),
        "rotation": Rotation.objects.create(
            activity_type=session.activity_type,
            start_date=session.starts_at.date(),
            end_date=session.starts_at.date(),
            published_by=cx_lead,
        ),
        "target": CadenceTarget.objects.first(),
        "activity": session.activity_type,
        "holiday": Holiday.objects.create(date=session.starts_at.date(), name="Founders' day"),
        "desk": OfficerDesk.objects.create(name="Matrix desk"),
        "escalation": Escalation.objects.create(
            customer_reference="ACME-1",
            what_happened="x",
            channel="phone",
            logged_by=frontline,
            routed_to=cx_lead,
        ),
        "person": UserFactory(display_name="Target Person"),
        "team": FrontlineTeamFactory(),
        "department": DepartmentFactory(name="Matrix department"),
        "people_import": PeopleImport.objects.create(
            uploaded_by=lead, file_name="x.csv", content="email,name\n"
        ),
        "own_scorecard": executive,
        "theme": friction_theme_for_matrix(report=report),
        # Last, over everything above: the dashboard is audited with its figures and charts.
        "rollup": quarter_rollup_compute(quarter=Quarter.current()),
    }
