import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.forms import INVALID_LOGIN_MESSAGE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("role", ["frontline", "executive", "cx_lead", "leadership", "superuser"])
def test_each_role_signs_in_and_reaches_home(page, live_server, sign_in, user_for_role, role):
    person = user_for_role(role)
    sign_in(person)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {person.get_short_name()}")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()
    people_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    expect(people_link).to_have_count(1 if role in {"cx_lead", "superuser"} else 0)


def test_wrong_password_shows_a_plain_message_and_keeps_the_email(
    page, live_server, audit, executive
):
    page.goto(live_server.url + reverse("accounts:login"))
    audit()
    page.get_by_label("E-mail address").fill(executive.email)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    audit()
    expect(page.get_by_text(INVALID_LOGIN_MESSAGE)).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value(executive.email)


def test_signing_out_returns_to_the_sign_in_page(page, live_server, sign_in, audit, executive):
    sign_in(executive)
    page.get_by_role("button", name=executive.display_name).click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    audit()
    page.goto(live_server.url + "/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    audit()
