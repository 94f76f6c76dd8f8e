"""The pages: my notifications and e-mail choices, the unread badge, and the CX lead's defaults,
reminder times and failed messages."""

import re
from datetime import time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications.forms import LEAD_HOURS_MESSAGE
from notifications.kinds import KINDS, Kind
from notifications.models import Notification, NotificationSettings, Preference
from notifications.services import MAX_ATTEMPTS, email_wanted
from notifications.views import (
    DEFAULTS_SAVED_MESSAGE,
    PREFERENCES_SAVED_MESSAGE,
    RETRIED_MESSAGE,
    SETTINGS_SAVED_MESSAGE,
)

pytestmark = pytest.mark.django_db

REMINDER = "session_reminder"
_occasions = iter(range(10**9))


def item(person, *, title="Your session starts tomorrow", url="/immersion/schedule/", **fields):
    """One row of the outbox for `person`, as if a service had written it."""
    return Notification.objects.create(
        kind=REMINDER,
        recipient=person,
        subject_type="immersion.session",
        subject_id=1,
        occasion=f"test-{next(_occasions)}",
        title=title,
        url=url,
        send_after=fields.pop("send_after", timezone.now()),
        **fields,
    )


def failed(person, **fields):
    return item(
        person,
        status=Notification.Status.FAILED,
        attempts=MAX_ATTEMPTS,
        reason="The mail server refused it 6 times; last: (550, b'No such mailbox')",
        **fields,
    )


def said(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


# My list


def test_my_list_shows_my_items_and_not_another_persons(client, executive, frontline):
    item(executive, title="Listen to calls with Team North tomorrow")
    item(frontline, title="Your report was acknowledged")
    client.force_login(executive)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Listen to calls with Team North tomorrow" in page
    assert "Your report was acknowledged" not in page
    assert "Mark all 1 as read" in page


def test_my_list_says_when_there_is_nothing_yet(client, executive):
    client.force_login(executive)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Nothing yet." in page
    assert "Mark all" not in page


def test_my_list_says_what_became_of_each_e_mail(client, executive):
    item(executive, title="Sent one", status="sent", sent_at=timezone.now())
    item(executive, title="Skipped one", status="skipped", reason="They turned this off.")
    item(executive, title="Later one", send_after=timezone.now() + timedelta(hours=3))
    item(executive, title="Failed one", status="failed")
    client.force_login(executive)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "e-mailed" in page
    assert "not e-mailed: They turned this off." in page
    assert "to be e-mailed" in page
    assert "the e-mail failed; the programme's lead can see it and send it again" in page


def test_opening_my_item_marks_it_read_and_goes_to_its_page(client, executive):
    mine = item(executive, url="/immersion/schedule/")
    client.force_login(executive)
    response = client.get(reverse("notifications:open", kwargs={"pk": mine.pk}))
    assert response.status_code == 302
    assert response.url == "/immersion/schedule/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_opening_another_persons_item_is_not_found_and_leaves_it_unread(
    client, executive, frontline
):
    theirs = item(frontline)
    client.force_login(executive)
    response = client.get(reverse("notifications:open", kwargs={"pk": theirs.pk}))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_an_item_whose_address_leaves_the_site_stays_on_the_list(client, executive):
    odd = item(executive, url="//evil.example/phish")
    client.force_login(executive)
    response = client.get(reverse("notifications:open", kwargs={"pk": odd.pk}))
    assert response.url == reverse("notifications:list")


def test_the_badge_counts_my_unread_items(client, executive, frontline):
    item(executive)
    item(executive)
    item(executive, read_at=timezone.now())
    item(frontline)
    client.force_login(executive)
    response = client.get(reverse("notifications:badge"))
    assert response.status_code == 200
    assert re.sub(r"<[^>]+>", " ", response.content.decode()).split() == ["2", "unread"]


def test_the_badge_is_empty_with_nothing_unread(client, executive):
    item(executive, read_at=timezone.now())
    client.force_login(executive)
    assert client.get(reverse("notifications:badge")).content.decode().strip() == ""


def test_mark_all_read_marks_mine_only_and_redirects(client, executive, frontline):
    mine = [item(executive), item(executive)]
    theirs = item(frontline)
    client.force_login(executive)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert response.url == reverse("notifications:list")
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get(reverse("notifications:list")).context["unread"] == 0


def test_mark_all_read_is_a_post(client, executive):
    client.force_login(executive)
    assert client.get(reverse("notifications:read_all")).status_code == 405


# My e-mail choices


def test_my_choices_are_saved_and_then_decide_what_is_e_mailed(client, executive):
    client.force_login(executive)
    assert email_wanted(person=executive, kind=REMINDER)
    response = client.post(reverse("notifications:list"), {})  # every box unticked
    assert response.status_code == 302
    assert response.url == reverse("notifications:list")
    assert said(response) == [PREFERENCES_SAVED_MESSAGE]
    assert not email_wanted(person=executive, kind=REMINDER)
    form = client.get(reverse("notifications:list")).context["form"]
    assert form[REMINDER].value() is False, "the page shows what was saved"

    client.post(reverse("notifications:list"), {REMINDER: "on"})
    assert email_wanted(person=executive, kind=REMINDER)
    assert client.get(reverse("notifications:list")).context["form"][REMINDER].value() is True


def test_my_choices_start_from_the_cx_leads_default(client, executive):
    Preference.objects.create(person=None, kind=REMINDER, email=False)
    client.force_login(executive)
    form = client.get(reverse("notifications:list")).context["form"]
    assert form[REMINDER].value() is False


@pytest.mark.parametrize(
    ("default", "own"), [(None, None), (False, None), (False, True), (True, False), (None, False)]
)
def test_the_page_shows_what_the_worker_will_do(client, executive, default, own):
    """The page reads all choices in one query; the worker asks email_wanted for one kind.
    They must agree, or the page would say one thing and the inbox another."""
    if default is not None:
        Preference.objects.create(person=None, kind=REMINDER, email=default)
    if own is not None:
        Preference.objects.create(person=executive, kind=REMINDER, email=own)
    client.force_login(executive)
    form = client.get(reverse("notifications:list")).context["form"]
    assert form[REMINDER].value() is email_wanted(person=executive, kind=REMINDER)


def test_my_choices_are_mine_alone(client, executive, frontline):
    client.force_login(executive)
    client.post(reverse("notifications:list"), {})
    assert email_wanted(person=frontline, kind=REMINDER)
    assert not Preference.objects.filter(person=None).exists()


# The CX lead's defaults and reminder times


def test_the_cx_lead_saves_the_defaults_for_everyone(client, cx_lead, executive):
    Preference.objects.create(person=cx_lead, kind=REMINDER, email=True)
    client.force_login(cx_lead)
    response = client.post(reverse("notifications:defaults"), {})
    assert response.status_code == 302
    assert response.url == reverse("notifications:defaults")
    assert said(response) == [DEFAULTS_SAVED_MESSAGE]
    assert not email_wanted(person=executive, kind=REMINDER)
    assert email_wanted(person=cx_lead, kind=REMINDER), "a person's own choice still holds"
    page = client.get(reverse("notifications:defaults"))
    assert page.context["defaults_form"][REMINDER].value() is False


def test_the_cx_lead_saves_reminder_times_and_quiet_hours(client, cx_lead):
    client.force_login(cx_lead)
    response = client.post(
        reverse("notifications:times"),
        {"lead_hours": "2; 48, 24", "quiet_from": "21:30", "quiet_until": "07:00"},
    )
    assert response.status_code == 302
    assert response.url == reverse("notifications:defaults")
    assert said(response) == [SETTINGS_SAVED_MESSAGE]
    saved = NotificationSettings.current()
    assert saved.lead_hours == [48, 24, 2]
    assert (saved.quiet_from, saved.quiet_until) == (time(21, 30), time(7, 0))
    page = client.get(reverse("notifications:defaults")).content.decode()
    assert 'value="48, 24, 2"' in page
    # ... and again, and again: the walk found every save after the first refused.
    again = client.post(
        reverse("notifications:times"),
        {"lead_hours": "24, 1", "quiet_from": "20:00", "quiet_until": "08:00"},
    )
    assert (again.status_code, said(again)) == (302, [SETTINGS_SAVED_MESSAGE])
    assert NotificationSettings.current().lead_hours == [24, 1]


def test_the_defaults_page_shows_the_current_times(client, cx_lead):
    client.force_login(cx_lead)
    page = client.get(reverse("notifications:defaults")).content.decode()
    assert 'value="24, 1"' in page
    assert 'value="20:00"' in page
    assert 'value="08:00"' in page


@pytest.mark.parametrize("typed", ["0", "abc", "1,2,3,4,5,6", "999", "", "1.5", "-3", "24,,x"])
def test_bad_lead_times_are_refused_with_what_was_typed_kept(client, cx_lead, typed):
    client.force_login(cx_lead)
    response = client.post(
        reverse("notifications:times"),
        {"lead_hours": typed, "quiet_from": "20:00", "quiet_until": "08:00"},
    )
    assert response.status_code == 200
    form = response.context["settings_form"]
    assert form.errors["lead_hours"] == [LEAD_HOURS_MESSAGE]
    assert form["lead_hours"].value() == typed
    page = response.content.decode()
    assert LEAD_HOURS_MESSAGE.replace("“", "&ldquo;")[:40] in page or LEAD_HOURS_MESSAGE in page
    assert f'value="{typed}"' in page or typed == ""
    assert not NotificationSettings.objects.exists()


def test_a_bad_quiet_hour_is_refused_and_the_defaults_form_stays(client, cx_lead):
    client.force_login(cx_lead)
    response = client.post(
        reverse("notifications:times"),
        {"lead_hours": "24", "quiet_from": "25:00", "quiet_until": "08:00"},
    )
    assert response.status_code == 200
    assert "quiet_from" in response.context["settings_form"].errors
    assert 'value="25:00"' in response.content.decode()
    assert "Save defaults" in response.content.decode()


def test_the_defaults_are_the_cx_leads_only(client, executive):
    client.force_login(executive)
    assert client.get(reverse("notifications:defaults")).status_code == 403
    response = client.post(reverse("notifications:times"), {"lead_hours": "3"})
    assert response.status_code == 403
    assert not NotificationSettings.objects.exists()


# Failed messages


def test_the_failed_page_lists_what_failed_with_why(client, cx_lead, executive):
    failed(executive, title="Your shift starts in an hour")
    item(executive, title="Still waiting")
    client.force_login(cx_lead)
    page = client.get(reverse("notifications:failed")).content.decode()
    assert "Your shift starts in an hour" in page
    assert "No such mailbox" in page
    assert executive.display_name in page
    assert "Still waiting" not in page


def test_the_failed_page_says_when_nothing_failed(client, cx_lead):
    client.force_login(cx_lead)
    page = client.get(reverse("notifications:failed")).content.decode()
    assert "No message has failed." in page


def test_send_again_puts_a_failed_message_back_in_the_queue(
    client, cx_lead, executive, django_capture_on_commit_callbacks, monkeypatch
):
    handed = []
    monkeypatch.setattr(
        "core.broker.current_app.send_task",
        lambda name, args=None, **options: handed.append(args),
    )
    row = failed(executive)
    client.force_login(cx_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:retry", kwargs={"pk": row.pk}))
    assert response.status_code == 302
    assert response.url == reverse("notifications:failed")
    assert said(response) == [RETRIED_MESSAGE]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.reason) == ("pending", 0, "")
    assert handed == [[row.pk]]
    assert "No message has failed." in client.get(reverse("notifications:failed")).content.decode()


def test_send_again_on_a_message_that_did_not_fail_is_not_found(client, cx_lead, executive):
    row = item(executive, status="sent")
    client.force_login(cx_lead)
    response = client.post(reverse("notifications:retry", kwargs={"pk": row.pk}))
    assert response.status_code == 404
    assert Notification.objects.get(pk=row.pk).status == "sent"


# Queries do not grow with the data


def test_my_list_takes_the_same_queries_however_many_kinds_there_are(
    client, executive, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(executive)
    with django_assert_max_num_queries(10) as few:
        one_kind = client.get(reverse("notifications:list"))
    for n in range(6):
        key = f"test_kind_{n}"
        monkeypatch.setitem(KINDS, key, Kind(key=key, label=f"Test kind {n}"))
    with django_assert_num_queries(len(few)):
        seven_kinds = client.get(reverse("notifications:list"))
    assert len(seven_kinds.context["form"].fields) == len(one_kind.context["form"].fields) + 6


def test_my_list_takes_the_same_queries_for_3_and_40_items(
    client, executive, frontline, queries_at_two_sizes
):
    client.force_login(executive)

    def build(size):
        for n in range(size):
            item(executive, title=f"Listed item {n}", read_at=None if n % 2 else timezone.now())
            item(frontline, title=f"Not mine {n}")
        return reverse("notifications:list")

    queries_at_two_sizes(
        build, lambda r: r.content.decode().count("Listed item"), ceiling=10, sizes=(3, 40)
    )


def test_the_badge_takes_the_same_queries_for_3_and_40_unread(
    client, executive, queries_at_two_sizes
):
    client.force_login(executive)

    def build(size):
        for _ in range(size):
            item(executive)
        return reverse("notifications:badge")

    def unread(response):
        return int(re.search(r"\d+", response.content.decode()).group(0))

    queries_at_two_sizes(build, unread, ceiling=5, sizes=(3, 40))


def test_the_failed_page_takes_the_same_queries_for_3_and_40_failures(
    client, cx_lead, queries_at_two_sizes
):
    client.force_login(cx_lead)

    def build(size):
        for person in UserFactory.create_batch(size):
            failed(person)
        return reverse("notifications:failed")

    queries_at_two_sizes(
        build, lambda r: r.content.decode().count(">Send again<"), ceiling=8, sizes=(3, 40)
    )


def test_the_badge_of_an_expired_session_is_204_not_the_sign_in_page(client):
    """htmx polls the badge every two minutes; after the session expires, a redirect to the
    sign-in page would put that whole page inside the navigation."""
    response = client.get(reverse("notifications:badge"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.content == b""
