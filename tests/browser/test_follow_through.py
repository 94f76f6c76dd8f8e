"""After a session, as people do it: confirm, reflect, commit; walk a journey; call customers."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from immersion.models import Commitment, CustomerCall, JourneyStepResult, Participant, Reflection
from immersion.tests.factories import past_place

pytestmark = pytest.mark.django_db(transaction=True)


def test_executive_confirms_reflects_and_keeps_a_commitment(
    page, live_server, sign_in, audit, executive
):
    place = past_place(executive, hours_ago=3)
    sign_in(executive)
    todo = page.get_by_role("region", name=re.compile("To do"))
    expect(todo).to_contain_text("Confirm attendance")
    expect(todo).to_contain_text("Reflection")
    todo.get_by_role("link", name=re.compile("^Confirm")).click()
    audit()

    page.get_by_label("Attended").check()
    page.get_by_label("Minutes spent").fill("500")
    page.get_by_label("Customer calls or interactions observed").fill("6")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("At most 120 minutes: the session was 60 minutes")).to_be_visible()
    expect(page.get_by_label("Customer calls or interactions observed")).to_have_value("6")
    audit()
    page.get_by_label("Minutes spent").fill("55")
    page.get_by_role("button", name="Save attendance").click()

    expect(page.get_by_role("heading", name="Your reflection")).to_be_visible()
    audit()
    page.get_by_label("What surprised you?").fill("Agents cannot see the customer's last order.")
    page.get_by_label("What would you change?").fill("Show order history on the agent screen.")
    frictions = page.get_by_role("group", name="Frictions you saw")
    frictions.get_by_label("Friction 1", exact=True).fill("No order history")
    frictions.get_by_label("Friction 2", exact=True).fill("Refunds need a manger")
    page.get_by_label("A customer quote (optional)").fill("Why do I have to repeat myself?")
    page.get_by_label("Shared with leadership").check()
    page.get_by_label("I will…").first.fill("Ask IT for the order-history estimate")
    due = timezone.localdate() + timedelta(days=7)
    page.get_by_label("by").first.fill(due.isoformat())
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_role("status").first).to_contain_text("Reflection saved")
    expect(page.get_by_role("region", name="Reflections")).to_contain_text("Refunds need a manger")
    audit()

    place.refresh_from_db()
    assert (place.attendance, place.actual_minutes, place.interactions_observed) == (
        Participant.Attendance.ATTENDED,
        55,
        6,
    )
    assert Reflection.objects.get().visibility == "leadership"

    # A typo corrected later is the same friction line, so what was filed from it stays linked.
    misspelt = Reflection.objects.get().frictions.get(text="Refunds need a manger")
    page.goto(live_server.url + reverse("immersion:reflection", args=[place.pk]))
    frictions = page.get_by_role("group", name="Frictions you saw")
    expect(frictions.get_by_label("Friction 2", exact=True)).to_have_value("Refunds need a manger")
    audit()
    frictions.get_by_label("Friction 2", exact=True).fill("Refunds need a manager")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_role("status").first).to_contain_text("Reflection saved")
    report_it = page.get_by_role("button", name=re.compile("^Report it.*Refunds need a manager$"))
    expect(report_it.locator("xpath=..").locator("[name=reflection_friction]")).to_have_value(
        str(misspelt.pk)
    )
    audit()
    misspelt.refresh_from_db()
    assert misspelt.text == "Refunds need a manager"

    page.get_by_role("link", name="Home").first.click()
    todo = page.get_by_role("region", name=re.compile("To do"))
    expect(todo).to_contain_text("Ask IT for the order-history estimate")
    expect(todo).not_to_contain_text("Confirm attendance")
    audit()
    todo.get_by_role("button", name=re.compile("^Done")).click()
    expect(page.get_by_role("status").first).to_contain_text("done")
    audit()
    assert Commitment.objects.get().done_at is not None


def test_executive_walks_a_journey_step_by_step(page, live_server, sign_in, audit, executive):
    place = past_place(executive, "customer-journey", hours_ago=2)
    sign_in(executive)
    page.goto(live_server.url + place.session.get_absolute_url())
    audit()
    page.get_by_label("Walk a journey").select_option(label="Get support")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Get support")).to_be_visible()
    audit()

    page.evaluate("window.stillTheSamePage = true")
    first = page.locator("li", has=page.get_by_role("heading", name="1. Find how to contact us"))
    first.get_by_label("6").check()
    first.get_by_label("It failed").check()
    first.get_by_label("What happened").fill("The contact page hides the phone number.")
    first.get_by_role("button", name=re.compile("Record step")).click()
    expect(
        page.locator("li", has_text="Find how to contact us").get_by_text("Saved.")
    ).to_be_visible()
    summary = page.get_by_role("region", name="Summary: the worst steps first")
    expect(summary).to_contain_text("Find how to contact us")
    expect(summary).to_contain_text("1 of 5 steps recorded")
    assert page.evaluate("window.stillTheSamePage") is True, "a step saves without a reload"
    audit()
    result = JourneyStepResult.objects.get()
    assert (result.effort, result.worked) == (6, False)

    page.get_by_role("link", name="Compare with others who walked this journey").click()
    expect(page.get_by_role("table")).to_contain_text(executive.display_name)
    audit()


def test_cx_lead_loads_a_call_list_and_the_executive_calls_a_customer(
    page, live_server, sign_in, audit, cx_lead, executive, tmp_path, celery_worker
):
    place = past_place(executive, "customer-calls", hours_ago=1)
    calls = tmp_path / "calls.csv"
    calls.write_text(
        "customer name,account,phone,email,consent,do not contact\n"
        "Maria Lopez,ACME-1,+34 600 123 456,,yes,no\n"
        "Sam Berg,NORD-7,,sam@nord.example,yes,yes\n"
        "Ana Ruiz,ACME-3,,,yes,no\n"
    )
    sign_in(cx_lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Call list").click()
    audit()
    page.get_by_role("link", name="Upload a call list").click()
    audit()
    page.get_by_label("CSV file").set_input_files(str(calls))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert").first).to_contain_text("1 row has errors")
    expect(page.get_by_role("table")).to_contain_text("Give a phone number or an e-mail address.")
    audit()
    calls.write_text(
        calls.read_text().replace("Ana Ruiz,ACME-3,,,", "Ana Ruiz,ACME-3,,ana@acme.example,")
    )
    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("CSV file").set_input_files(str(calls))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("3 to add")).to_be_visible()
    audit()
    page.get_by_role("button", name="Import 3 rows").click()
    # The worker imports the list; the page follows it, then goes on to the call list.
    expect(page.get_by_text("2 may be called now")).to_be_visible(timeout=30_000)
    audit()
    page.get_by_role("link", name="New question set").first.click()
    audit()
    page.get_by_label("Name").fill("Why they stay")
    page.get_by_label("Questions").fill("What almost made you leave?\nWhat do we do well?")
    page.get_by_role("button", name="Save question set").click()
    expect(page.get_by_role("link", name="Why they stay")).to_be_visible()
    audit()
    page.get_by_role("button", name=cx_lead.display_name).click()
    page.get_by_role("button", name="Sign out").click()
    audit()

    sign_in(executive)
    page.goto(live_server.url + place.session.get_absolute_url())
    audit()
    page.get_by_label("Questions").select_option(label="Why they stay")
    page.get_by_label("How many customers").fill("5")
    page.get_by_role("button", name="Draw customers").click()
    expect(page.get_by_role("status").first).to_contain_text("2 customers to call.")
    region = page.get_by_role("region", name="Customers to call")
    expect(region).not_to_contain_text("Sam Berg")
    audit()
    region.get_by_role("link", name=re.compile("Maria Lopez")).click()
    audit()
    page.get_by_label("Reached", exact=True).check()
    page.get_by_label("What almost made you leave?").fill("The price rise in March")
    page.get_by_label("Notes").fill("Will stay if support stays this good.")
    page.get_by_role("button", name="Save the call").click()
    expect(page.get_by_role("status").first).to_contain_text("Call to Maria Lopez recorded")
    audit()
    call = CustomerCall.objects.get(customer__name="Maria Lopez")
    assert call.status == CustomerCall.Status.REACHED
    assert call.answers[0]["answer"] == "The price rise in March"
