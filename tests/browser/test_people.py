import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import FrontlineTeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def organisation():
    team = FrontlineTeamFactory(name="Phone support")
    UserFactory(display_name="Ana Ruiz", title="Chief Product Officer", roles=[Role.EXECUTIVE])
    UserFactory(display_name="Bo Berg", frontline_team=team, roles=[Role.FRONTLINE])
    return team


def test_cx_lead_finds_and_adds_people(page, live_server, sign_in, audit, cx_lead, organisation):
    sign_in(cx_lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    audit()
    results = page.locator("#people-results")
    expect(results).to_contain_text("Ana Ruiz")

    # Typing filters without a page load (htmx), and the address keeps the search.
    page.get_by_label("Search").fill("product")
    expect(results).not_to_contain_text("Bo Berg")
    expect(results).to_contain_text("Ana Ruiz")
    expect(page).to_have_url(
        f"{live_server.url}/accounts/people/?q=product&role=&department=&team=&status=active"
    )
    audit()

    page.get_by_role("link", name="Add person").click()
    audit()
    page.get_by_label("Name").fill("Nia New")
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_label("Frontline agent").check()
    page.get_by_role("button", name="Add person").click()
    audit()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Nia New")
    expect(page.get_by_label("Frontline agent")).to_be_checked()

    page.get_by_label("E-mail address").fill("nia@example.com")
    page.get_by_label("Frontline team").select_option(label="Phone support")
    page.get_by_role("button", name="Add person").click()
    audit()
    expect(page.get_by_role("status")).to_contain_text("Nia New was added and invited by e-mail.")
    nia = User.objects.get(email="nia@example.com")
    assert (nia.frontline_team, nia.role_names) == (organisation, ["frontline"])


def test_cx_lead_imports_people_after_a_preview(
    page, live_server, sign_in, audit, cx_lead, organisation, tmp_path, celery_worker
):
    good = tmp_path / "people.csv"
    good.write_text(
        "email,name,team,manager email,roles\n"
        "lead@example.com,Lou Lead,Phone support,,frontline\n"
        "agent@example.com,Ali Agent,Phone support,lead@example.com,frontline\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name,team\nx@example.com,X,Carrier pigeons\n")
    sign_in(cx_lead)
    page.goto(f"{live_server.url}/accounts/people/import/")
    audit()

    page.get_by_label("CSV file").set_input_files(bad)
    page.get_by_role("button", name="Preview").click()
    audit()
    expect(page.get_by_text("Unknown team “Carrier pigeons”.")).to_be_visible()
    expect(page.get_by_role("button", name="Import 1 row")).to_have_count(0)

    page.get_by_role("link", name="Upload a corrected file").click()
    audit()
    page.get_by_label("CSV file").set_input_files(good)
    page.get_by_role("button", name="Preview").click()
    audit()
    expect(page.get_by_text("2 rows: 2 to add, 0 to update, 0 unchanged.")).to_be_visible()
    assert not User.objects.filter(email="agent@example.com").exists()
    page.get_by_role("button", name="Import 2 rows").click()
    # The worker imports the file; the page follows it, then goes on to the people.
    expect(page.get_by_role("status")).to_contain_text("The import has started.")
    audit()
    expect(page).to_have_url(f"{live_server.url}/accounts/people/", timeout=30_000)
    expect(page.get_by_role("status")).to_contain_text("Imported: 2 added, 0 updated")
    audit()
    assert User.objects.get(email="agent@example.com").manager.email == "lead@example.com"
