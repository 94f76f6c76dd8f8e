from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse

from accounts.forms import (
    INVALID_LOGIN_MESSAGE,
)
from accounts.models import FrontlineTeam, PeopleImport, User
from accounts.roles import Role
from accounts.services import DEACTIVATE_SELF_MESSAGE
from accounts.tasks import people_import_apply
from accounts.tests.factories import DepartmentFactory, FrontlineTeamFactory, UserFactory
from core.csv_files import NOT_UTF8_MESSAGE
from core.forms import NOT_CSV_MESSAGE

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def sign_in(client, email, password, address="127.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


# Signing in


def test_sign_in_with_email_in_any_case_lands_on_home(client, executive, password):
    response = sign_in(client, executive.email.upper(), password)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == executive


def test_wrong_password_and_unknown_account_get_the_same_plain_message(
    client, executive, make_user
):
    wrong_password = sign_in(client, executive.email, "not the password")
    unknown = sign_in(client, "nobody@example.com", "whatever")
    inactive = make_user(email="gone@example.com", is_active=False)
    deactivated = sign_in(client, inactive.email, "correct horse battery staple")
    for response in (wrong_password, unknown, deactivated):
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [INVALID_LOGIN_MESSAGE]
    assert wrong_password.context["form"]["username"].value() == executive.email


def test_ten_failures_lock_that_account_from_that_address_only_until_cool_off(
    client, executive, password, settings
):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        # Varying the case does not start a fresh count.
        email = executive.email.upper() if attempt % 2 else executive.email
        assert sign_in(client, email, "guess", address="203.0.113.9").status_code == 200
    assert sign_in(client, executive.email, "guess", address="203.0.113.9").status_code == 429
    locked = sign_in(client, executive.email, password, address="203.0.113.9")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()

    elsewhere = sign_in(client, executive.email, password, address="198.51.100.7")
    assert elsewhere.status_code == 302, "the executive must still get in from their own address"
    client.post(reverse("accounts:logout"))
    colleague = UserFactory(email="colleague@example.com")
    from_same_address = sign_in(client, colleague.email, password, address="203.0.113.9")
    assert from_same_address.status_code == 302, "others behind the same address are not locked"
    client.post(reverse("accounts:logout"))

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    after_cool_off = sign_in(client, executive.email, password, address="203.0.113.9")
    assert after_cool_off.status_code == 302


def test_sign_out_is_a_post(client, executive):
    client.force_login(executive)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.url == LOGIN
    assert client.get(reverse("home")).status_code == 302


def test_signed_in_person_visiting_login_goes_home(client, executive):
    client.force_login(executive)
    assert client.get(LOGIN).url == reverse("home")


def test_password_change_refuses_wrong_old_password(client, executive, password):
    client.force_login(executive)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a much better passphrase",
            "new_password2": "a much better passphrase",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    executive.refresh_from_db()
    assert executive.check_password(password)


def test_password_reset_answers_the_same_whatever_the_address_and_writes_only_for_a_real_one(
    client, executive, make_user, notifications_written
):
    gone = make_user(is_active=False)
    answers = []
    for typed in (executive.email.upper(), "nobody@example.com", gone.email):
        response = client.post(reverse("accounts:password_reset"), {"email": typed})
        answers.append((response.status_code, response.url))
    assert answers == [(302, reverse("accounts:password_reset_done"))] * 3
    assert notifications_written() == [
        (
            "password_reset",
            executive.email,
            "Choose your Proximity password",
            reverse("accounts:password_reset"),
        )
    ]


def test_asking_for_a_password_link_twice_sends_twice(client, executive, notifications_written):
    with time_machine.travel("2026-12-01 09:00:00Z", tick=False) as traveller:
        client.post(reverse("accounts:password_reset"), {"email": executive.email})
        client.post(
            reverse("accounts:password_reset"), {"email": executive.email}
        )  # a double click
        traveller.shift(timedelta(minutes=3))
        client.post(reverse("accounts:password_reset"), {"email": executive.email})
    assert [kind for kind, *_ in notifications_written()] == ["password_reset"] * 2


# Home


@pytest.mark.parametrize(
    ("role", "sees_programme"),
    [("cx_lead", True), ("executive", False), ("frontline", False), ("leadership", False)],
)
def test_home_greets_by_role(client, user_for_role, role, sees_programme):
    person = user_for_role(role)
    client.force_login(person)
    page = client.get(reverse("home")).content.decode()
    assert f"Your role: {Role(role).label}." in page
    assert ("Run the programme" in page) is sees_programme


def test_home_lists_every_role_a_person_holds(client, make_user):
    person = make_user(roles=[Role.EXECUTIVE, Role.LEADERSHIP, Role.CX_LEAD])
    client.force_login(person)
    page = client.get(reverse("home")).content.decode()
    assert "Your roles: CX lead, Executive and Leadership viewer." in page


def test_navigation_shows_people_only_to_those_who_may_open_it(client, cx_lead, executive):
    client.force_login(executive)
    assert reverse("accounts:people") not in client.get(reverse("home")).content.decode()
    client.force_login(cx_lead)
    assert reverse("accounts:people") in client.get(reverse("home")).content.decode()


# People list


def test_people_list_searches_and_filters(client, cx_lead):
    product = DepartmentFactory(name="Product")
    ana = UserFactory(display_name="Ana Ruiz", department=product, roles=[Role.EXECUTIVE])
    UserFactory(display_name="Bo Berg", roles=[Role.FRONTLINE])
    UserFactory(display_name="Ana Inactive", is_active=False)
    client.force_login(cx_lead)
    url = reverse("accounts:people")

    def names(**params):
        page = client.get(url, params).context["page"]
        return [person.display_name for person in page.object_list]

    assert names(q="ana") == ["Ana Ruiz"]
    assert names(q="ana", status="all") == ["Ana Inactive", "Ana Ruiz"]
    assert names(role="frontline") == ["Bo Berg"]
    assert names(department=product.pk) == [ana.display_name]
    assert names(status="inactive") == ["Ana Inactive"]


def test_people_list_ignores_a_filter_it_cannot_read_and_says_so(client, cx_lead):
    UserFactory(display_name="Ana Ruiz")
    client.force_login(cx_lead)
    response = client.get(
        reverse("accounts:people"), {"q": "ana", "department": "9999999", "status": "bogus"}
    )
    assert response.status_code == 200
    assert [p.display_name for p in response.context["page"].object_list] == ["Ana Ruiz"]
    assert response.context["filters"].errors.keys() == {"department", "status"}


def test_people_list_pages_keep_the_filters(client, cx_lead, settings):
    settings.PAGE_SIZE = 2
    UserFactory.create_batch(5, roles=[Role.FRONTLINE])
    client.force_login(cx_lead)
    page = client.get(reverse("accounts:people"), {"role": "frontline"}).content.decode()
    assert 'href="?role=frontline&amp;page=2"' in page
    assert "?&amp;" not in page


def test_people_list_htmx_request_gets_only_the_results(client, cx_lead):
    client.force_login(cx_lead)
    response = client.get(
        reverse("accounts:people"),
        {"q": "Casey"},
        headers={"HX-Request": "true", "HX-Target": "people-results"},
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "Casey Lead" in page


def test_people_list_rows_read_as_the_cx_lead_expects(client, cx_lead):
    """The rows (accounts/templatetags/people.py): name linking to the person, e-mail and title,
    role badges or a dash, department, team and manager or dashes, active or deactivated;
    every value escaped."""
    boss = UserFactory(display_name="Bea <Boss>")
    ana = UserFactory(
        display_name="Ana <Ruiz>",
        email="ana@example.com",
        title="Head of <Billing>",
        department=DepartmentFactory(name="Product & Price"),
        frontline_team=FrontlineTeamFactory(name="Chat <EU>"),
        manager=boss,
        roles=[Role.FRONTLINE, Role.EXECUTIVE],
    )
    gone = UserFactory(display_name="Gil Gone", is_active=False)
    client.force_login(cx_lead)
    page = client.get(reverse("accounts:people"), {"status": "all"}).content.decode()
    edit = reverse("accounts:person_edit", args=[ana.pk])
    assert (
        f'<a href="{edit}">Ana &lt;Ruiz&gt;</a>\n'
        '<div class="small text-body-secondary">ana@example.com · Head of &lt;Billing&gt;</div>'
    ) in page
    assert (
        '<td><span class="badge text-bg-secondary role-badge me-1">Executive</span>'
        '<span class="badge text-bg-secondary role-badge me-1">Frontline agent</span></td>\n'
        "<td>Product &amp; Price</td>\n<td>Chat &lt;EU&gt;</td>\n<td>Bea &lt;Boss&gt;</td>\n"
        "<td>Active</td>"
    ) in page
    gone_row = page[page.index(f'<a href="{reverse("accounts:person_edit", args=[gone.pk])}">') :]
    gone_row = gone_row[: gone_row.index("</tr>")]
    assert '<td><span class="text-body-secondary">—</span></td>' in gone_row
    assert "<td>—</td>\n<td>—</td>\n<td>—</td>" in gone_row
    assert '<span class="badge text-bg-warning">Deactivated</span>' in gone_row


def _people(count):
    team, department, boss = FrontlineTeamFactory(), DepartmentFactory(), UserFactory()
    UserFactory.create_batch(
        count,
        manager=boss,
        frontline_team=team,
        department=department,
        roles=[Role.FRONTLINE, Role.EXECUTIVE],
    )


def test_people_list_query_count_is_the_same_for_5_and_200_people(
    client, cx_lead, queries_at_two_sizes
):
    client.force_login(cx_lead)

    def build(size):
        User.objects.exclude(pk=cx_lead.pk).delete()
        _people(size)
        return reverse("accounts:people") + "?status=all"

    queries_at_two_sizes(build, lambda page: len(page.context["page"]), ceiling=10, sizes=(5, 200))


# Adding and editing people


def test_cx_lead_adds_a_person_with_roles_and_an_invitation(
    client, cx_lead, notifications_written, django_capture_on_commit_callbacks
):
    client.force_login(cx_lead)
    team = FrontlineTeamFactory(name="Chat")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:person_create"),
            {
                "display_name": "Nia New",
                "email": "Nia@Example.com",
                "title": "Agent",
                "time_zone": "Europe/Dublin",
                "frontline_team": team.pk,
                "manager": cx_lead.pk,
                "roles": ["frontline"],
                "send_invitation": "on",
            },
        )
    assert response.status_code == 302
    nia = User.objects.get(email="nia@example.com")
    assert (nia.frontline_team, nia.manager, nia.role_names) == (team, cx_lead, ["frontline"])
    assert [(kind, to) for kind, to, _, _ in notifications_written()] == [
        ("invitation", "nia@example.com")
    ]


def test_adding_a_duplicate_email_keeps_what_was_typed(client, cx_lead, make_user):
    make_user(email="taken@example.com")
    client.force_login(cx_lead)
    response = client.post(
        reverse("accounts:person_create"),
        {
            "display_name": "Typed Name",
            "email": "TAKEN@example.com",
            "title": "Typed title",
            "time_zone": "UTC",
            "roles": ["executive"],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["email"] == ["Someone already has this e-mail address."]
    assert form["display_name"].value() == "Typed Name"
    assert form["title"].value() == "Typed title"
    assert form["roles"].value() == ["executive"]
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_editing_refuses_a_manager_loop(client, cx_lead, make_user):
    ceo = make_user(display_name="Cleo Ceo")
    vp = make_user(display_name="Val Vp", manager=ceo)
    client.force_login(cx_lead)
    response = client.post(
        reverse("accounts:person_edit", args=[ceo.pk]),
        {"display_name": "Cleo Ceo", "email": ceo.email, "time_zone": "UTC", "manager": vp.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["manager"] == [
        "Val Vp already reports to Cleo Ceo, directly or through others."
    ]
    ceo.refresh_from_db()
    assert ceo.manager is None


def test_deactivate_and_reactivate(client, cx_lead, make_user):
    person = make_user()
    client.force_login(cx_lead)
    client.post(reverse("accounts:person_deactivate", args=[person.pk]))
    person.refresh_from_db()
    assert not person.is_active
    client.post(reverse("accounts:person_reactivate", args=[person.pk]))
    person.refresh_from_db()
    assert person.is_active


def test_cx_lead_cannot_deactivate_themselves(client, cx_lead):
    client.force_login(cx_lead)
    response = client.post(reverse("accounts:person_deactivate", args=[cx_lead.pk]), follow=True)
    assert DEACTIVATE_SELF_MESSAGE in response.content.decode()
    cx_lead.refresh_from_db()
    assert cx_lead.is_active


def test_editing_an_unknown_person_is_404(client, cx_lead):
    client.force_login(cx_lead)
    assert client.get(reverse("accounts:person_edit", args=[999999])).status_code == 404


# Import pages


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_import_upload_preview_confirm(
    client, cx_lead, notifications_written, jobs_sent, django_capture_on_commit_callbacks
):
    FrontlineTeamFactory(name="Phone support")
    client.force_login(cx_lead)
    data = (
        b"email,name,team,manager email,roles\n"
        b"lead@example.com,Lou Lead,Phone support,,frontline\n"
        b"agent@example.com,Ali Agent,Phone support,lead@example.com,frontline\n"
    )
    response = client.post(reverse("accounts:people_import"), {"file": upload("team.csv", data)})
    people_import = PeopleImport.objects.get()
    assert response.url == people_import.get_absolute_url()
    preview = client.get(response.url)
    assert "2 rows: 2 to add, 0 to update, 0 unchanged." in preview.content.decode()
    assert not User.objects.filter(email="agent@example.com").exists()

    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(response.url, {"send_invitations": "on"})
    assert queued.url == people_import.get_absolute_url()
    assert not User.objects.filter(email="agent@example.com").exists()
    with django_capture_on_commit_callbacks(execute=True):
        people_import_apply.run(people_import.pk)  # what the worker does with the job
    assert User.objects.get(email="agent@example.com").manager.email == "lead@example.com"
    assert sorted(to for _, to, _, _ in notifications_written(kind="invitation")) == [
        "agent@example.com",
        "lead@example.com",
    ]
    people_import.refresh_from_db()
    assert (people_import.created_count, people_import.applied_at is not None) == (2, True)

    again = client.post(response.url, {"send_invitations": "on"}, follow=True)
    assert "This file was already imported" in again.content.decode()


@pytest.fixture
def jobs_sent(monkeypatch):
    """The jobs handed to the broker, instead of reaching one."""
    calls = []
    monkeypatch.setattr("core.broker.current_app.send_task", lambda name, **kw: calls.append(kw))
    return calls


def test_import_preview_with_errors_offers_no_import_button(client, cx_lead, jobs_sent):
    client.force_login(cx_lead)
    data = b"email,name,team\nok@example.com,Ok,\nbad@example.com,Bad,Nowhere\n"
    response = client.post(
        reverse("accounts:people_import"), {"file": upload("x.csv", data)}, follow=True
    )
    page = response.content.decode()
    assert "Unknown team “Nowhere”." in page
    assert "1 row has errors. Nothing will be imported" in page
    assert "Import 2 rows" not in page
    people_import = PeopleImport.objects.get()
    client.post(people_import.get_absolute_url(), {})
    people_import_apply.run(people_import.pk)  # the worker checks the file again, and refuses
    refused = client.get(people_import.get_absolute_url())
    assert "Nothing was imported: fix the rows marked with errors" in refused.content.decode()
    assert not User.objects.filter(email="ok@example.com").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("people.xlsx", b"PK\x03\x04", NOT_CSV_MESSAGE),
        ("people.csv", "email,name\nzoë@example.com,Zoë\n".encode("utf-16"), NOT_UTF8_MESSAGE),
    ],
)
def test_import_refuses_files_it_cannot_read_on_the_form(client, cx_lead, name, data, message):
    client.force_login(cx_lead)
    response = client.post(reverse("accounts:people_import"), {"file": upload(name, data)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert PeopleImport.objects.count() == 0


# Teams and departments


def test_team_capacity_must_not_be_negative(client, cx_lead):
    client.force_login(cx_lead)
    response = client.post(
        reverse("accounts:team_create"),
        {"name": "Social", "channel": "social", "weekly_listener_capacity": "-1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["weekly_listener_capacity"]
    assert not FrontlineTeam.objects.filter(name="Social").exists()


def test_team_names_are_unique_whatever_the_case(client, cx_lead):
    FrontlineTeamFactory(name="Social")
    client.force_login(cx_lead)
    response = client.post(
        reverse("accounts:team_create"),
        {"name": "SOCIAL", "channel": "social", "weekly_listener_capacity": "2"},
    )
    assert response.context["form"].non_field_errors() == ["A team with this name already exists."]


def test_teams_page_counts_active_members(client, cx_lead):
    team = FrontlineTeamFactory(name="Phone")
    UserFactory.create_batch(3, frontline_team=team)
    UserFactory(frontline_team=team, is_active=False)
    client.force_login(cx_lead)
    teams = list(client.get(reverse("accounts:teams")).context["teams"])
    assert [(t.name, t.member_count) for t in teams] == [("Phone", 3)]


def test_import_confirmed_without_invitations_imports_and_sends_nothing(
    client, cx_lead, notifications_written, jobs_sent, django_capture_on_commit_callbacks
):
    client.force_login(cx_lead)
    client.post(
        reverse("accounts:people_import"),
        {"file": upload("one.csv", b"email,name\nquiet@example.com,Quiet Person\n")},
    )
    with django_capture_on_commit_callbacks(execute=True):
        # The only field is an unticked checkbox, so the POST body is empty.
        response = client.post(PeopleImport.objects.get().get_absolute_url(), {})
        people_import_apply.run(PeopleImport.objects.get().pk)
    assert response.status_code == 302
    assert User.objects.filter(email="quiet@example.com").exists()
    assert notifications_written() == []
