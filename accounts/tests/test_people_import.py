import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.people_import import (
    NOT_VALID_ROWS_MESSAGE,
    ROW_BAD_EMAIL,
    ROW_DUPLICATE,
    ROW_MANAGER_CYCLE,
    ROW_OWN_MANAGER,
    ROW_UNKNOWN_DEPARTMENT,
    ROW_UNKNOWN_MANAGER,
    ROW_UNKNOWN_ROLE,
    ROW_UNKNOWN_TEAM,
    people_import_apply,
    people_import_preview,
)
from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, FrontlineTeamFactory
from core.csv_files import (
    EMPTY_FILE_MESSAGE,
    IGNORED_COLUMNS_NOTICE,
    MALFORMED_MESSAGE,
    MISSING_COLUMNS_MESSAGE,
    NOT_UTF8_MESSAGE,
    ROW_WRONG_CELLS,
)

pytestmark = pytest.mark.django_db

HEADER = "email,name,title,time zone,department,team,manager email,roles\n"


@pytest.fixture
def org():
    return {
        "product": DepartmentFactory(name="Product"),
        "phone": FrontlineTeamFactory(name="Phone support"),
    }


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def errors_by_line(preview) -> dict[int, list[str]]:
    return {row.line: row.errors for row in preview.rows if row.errors}


def test_preview_of_a_good_file_writes_nothing_and_says_what_would_happen(org):
    data = csv(
        "ceo@example.com,Cleo Ceo,CEO,Europe/London,,,,leadership",
        "cpo@example.com,Pat Product,CPO,Europe/Madrid,product,,ceo@example.com,executive",
        "agent@example.com,Ali Agent,Agent,UTC,,phone support,cpo@example.com,frontline",
    )
    preview = people_import_preview(data=data)
    assert preview.ok
    assert [row.action for row in preview.rows] == ["create", "create", "create"]
    assert User.objects.count() == 0


def test_apply_creates_people_with_managers_named_later_in_the_file(org):
    data = csv(
        "agent@example.com,Ali Agent,Agent,UTC,,Phone support,lead@example.com,frontline",
        "lead@example.com,Lou Lead,Team lead,UTC,,Phone support,,frontline;cx_lead",
    )
    people_import_apply(data=data)
    agent = User.objects.get(email="agent@example.com")
    assert agent.manager.email == "lead@example.com"
    assert agent.frontline_team == org["phone"]
    assert agent.role_names == ["frontline"]
    assert User.objects.get(email="lead@example.com").role_names == ["cx_lead", "frontline"]
    assert not agent.has_usable_password()


def test_applying_the_same_file_twice_changes_nothing(org):
    data = csv(
        "ceo@example.com,Cleo Ceo,CEO,Europe/London,,,,leadership",
        "cpo@example.com,Pat Product,CPO,Europe/Madrid,Product,,ceo@example.com,executive",
    )
    people_import_apply(data=data)
    before = list(User.objects.order_by("email").values())
    again = people_import_preview(data=data)
    assert [row.action for row in again.rows] == ["unchanged", "unchanged"]
    people_import_apply(data=data)
    assert list(User.objects.order_by("email").values()) == before


def test_existing_person_is_matched_by_email_whatever_the_case(make_user, org):
    person = make_user(email="pat@example.com", display_name="Pat Old", title="Old title")
    preview = people_import_apply(
        data=csv("PAT@Example.com,Pat New,New title,UTC,Product,,,executive"),
    )
    assert preview.rows[0].action == "update"
    person.refresh_from_db()
    assert (person.display_name, person.title, person.department) == (
        "Pat New",
        "New title",
        org["product"],
    )
    assert User.objects.count() == 1


def test_columns_left_out_of_the_header_leave_those_fields_alone(make_user, org):
    boss = make_user(email="boss@example.com")
    person = make_user(
        email="pat@example.com",
        title="Keeps this title",
        manager=boss,
        roles=[Role.EXECUTIVE],
    )
    people_import_apply(data=csv("pat@example.com,Pat Renamed", header="email,name\n"))
    person.refresh_from_db()
    assert person.display_name == "Pat Renamed"
    assert person.title == "Keeps this title"
    assert person.manager == boss
    assert person.role_names == ["executive"]


def test_each_bad_row_gets_its_own_message(make_user, org):
    make_user(email="someone@example.com")
    data = csv(
        "not-an-email,No Email,,UTC,,,,",
        "ok@example.com,,,UTC,,,,",
        "tz@example.com,Bad Zone,,Mars/Olympus,,,,",
        "dept@example.com,Bad Dept,,UTC,Astrology,,,",
        "team@example.com,Bad Team,,UTC,,Carrier pigeons,,",
        "mgr@example.com,Bad Manager,,UTC,,,ghost@example.com,",
        "role@example.com,Bad Role,,UTC,,,,overlord",
        "self@example.com,Own Boss,,UTC,,,self@example.com,",
        "dup@example.com,First,,UTC,,,,",
        "DUP@example.com,Second,,UTC,,,,",
        "short@example.com,Too Few Cells",
    )
    preview = people_import_preview(data=data)
    assert not preview.ok
    errors = errors_by_line(preview)
    assert errors[2] == [ROW_BAD_EMAIL.format(value="not-an-email")]
    assert errors[3] == ["The name is empty."]
    assert errors[4] == ["“Mars/Olympus” is not a time zone (try Europe/Copenhagen or UTC)."]
    assert errors[5] == [ROW_UNKNOWN_DEPARTMENT.format(value="Astrology")]
    assert errors[6] == [ROW_UNKNOWN_TEAM.format(value="Carrier pigeons")]
    assert errors[7] == [ROW_UNKNOWN_MANAGER.format(value="ghost@example.com")]
    assert errors[8] == [
        ROW_UNKNOWN_ROLE.format(
            value="overlord", choices="cx_lead, executive, frontline, leadership"
        )
    ]
    assert errors[9] == [ROW_OWN_MANAGER]
    assert 10 not in errors
    assert errors[11] == [ROW_DUPLICATE.format(email="dup@example.com", line=10)]
    assert errors[12] == [ROW_WRONG_CELLS.format(found=2, expected=8)]


def test_a_manager_loop_through_the_file_and_the_database_is_refused(make_user):
    make_user(email="ceo@example.com")
    data = csv(
        "ceo@example.com,Cleo,,UTC,,,b@example.com,",
        "b@example.com,Bea,,UTC,,,c@example.com,",
        "c@example.com,Cy,,UTC,,,ceo@example.com,",
    )
    preview = people_import_preview(data=data)
    errors = errors_by_line(preview)
    assert errors[2] == [
        ROW_MANAGER_CYCLE.format(
            chain="ceo@example.com → b@example.com → c@example.com → ceo@example.com"
        )
    ]
    assert set(errors) == {2, 3, 4}


def test_nothing_is_half_written_when_one_row_is_bad(org):
    data = csv(
        "good@example.com,Good Person,,UTC,,,,executive",
        "bad@example.com,Bad Person,,UTC,,No such team,,",
    )
    with pytest.raises(ValidationError) as exc:
        people_import_apply(data=data)
    assert exc.value.messages == [NOT_VALID_ROWS_MESSAGE]
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", EMPTY_FILE_MESSAGE),
        ("email,name\nzoë@example.com,Zoë\n".encode("latin-1"), NOT_UTF8_MESSAGE),
        (b"email,name\x00\n", NOT_UTF8_MESSAGE),
        (b"name,title\nAna,CEO\n", MISSING_COLUMNS_MESSAGE.format(columns="email")),
        (
            b'email,name\n"ana@example.com,Ana\n',
            MALFORMED_MESSAGE.format(line=2, error="unexpected end of data"),
        ),
    ],
    ids=["empty", "latin-1", "binary", "no-email-column", "unclosed-quote"],
)
def test_a_file_that_cannot_be_read_is_refused_whole(data, message):
    preview = people_import_preview(data=data)
    assert not preview.ok
    assert preview.errors == [message]


def test_excel_bom_and_header_spelling_are_accepted():
    data = "\ufeffE-mail,Full Name,Shoe size\nana@example.com,Ana\u00efs,42\n".encode()
    preview = people_import_preview(data=data)
    assert preview.ok
    assert preview.rows[0].display_name == "Anaïs"
    assert preview.notices == [IGNORED_COLUMNS_NOTICE.format(columns="Shoe size")]


def test_preview_query_count_does_not_grow_with_rows(org, django_assert_max_num_queries):
    rows = [
        f"p{i}@example.com,Person {i},,UTC,Product,Phone support,,executive" for i in range(300)
    ]
    with django_assert_max_num_queries(4):
        preview = people_import_preview(data=csv(*rows))
    assert preview.ok


def test_import_people_command_imports_and_reports(tmp_path, org, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(
        csv(
            "ceo@example.com,Cleo Ceo,CEO,Europe/London,,,,leadership",
            "cpo@example.com,Pat Product,CPO,UTC,Product,,ceo@example.com,executive",
        )
    )
    call_command("import_people", str(path))
    out, err = capsys.readouterr()
    assert "Imported 2 rows: 2 added, 0 updated, 0 unchanged." in out
    assert "2/2" in err  # the progress bar reached the end
    assert User.objects.get(email="cpo@example.com").manager.email == "ceo@example.com"
    call_command("import_people", str(path))
    assert "0 added, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_import_people_command_refuses_a_bad_file_and_names_the_lines(tmp_path, org, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv("ok@example.com,Ok,,UTC,,,,", "x@example.com,X,,UTC,,Nope,,"))
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_people", str(path))
    assert "line 3: Unknown team “Nope”." in capsys.readouterr().err
    assert User.objects.count() == 0


def test_import_people_command_dry_run_writes_nothing(tmp_path, org, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv("ok@example.com,Ok,,UTC,,,,"))
    call_command("import_people", str(path), "--dry-run")
    assert "Dry run, nothing written: 1 to add" in capsys.readouterr().out
    assert User.objects.count() == 0


def test_import_people_command_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_people", str(tmp_path / "nope.csv"))
