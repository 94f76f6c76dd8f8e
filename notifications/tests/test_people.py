"""Invitations and password resets through the outbox: the row holds no secret, the worker
makes a working link when it sends, and nothing reaches someone who cannot use it."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.services import user_deactivate, user_invite
from notifications.models import Notification, Preference
from notifications.receivers.accounts import INVITATION_TITLE, PASSWORD_RESET_TITLE
from notifications.selectors import notifications_for
from notifications.services import INACTIVE_REASON, NO_ADDRESS_REASON, notification_send

pytestmark = pytest.mark.django_db

LINK = re.compile(
    r"http://127\.0\.0\.1:8000/accounts/password/reset/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/"
)
NEW_PASSWORD = "a long and new passphrase"


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def handed(monkeypatch):
    """What the request gives the broker: the task's arguments, instead of a real broker."""
    calls = []
    monkeypatch.setattr(
        "core.broker.current_app.send_task",
        lambda name, args=None, **kwargs: calls.append((name, args, kwargs)),
    )
    return calls


def _text(message) -> str:
    return message.body


def _choose_password(client, link: str):
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_an_invitation_row_holds_no_link_and_the_worker_sends_one_that_works(
    client, make_user, handed, django_capture_on_commit_callbacks
):
    person = make_user(email="new@example.com", display_name="New Person")
    person.set_unusable_password()
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        user_invite(user=person)
    row = Notification.objects.get()
    assert (row.kind, row.recipient, row.title, row.url) == (
        "invitation",
        person,
        INVITATION_TITLE,
        reverse("accounts:password_reset"),
    )
    assert row.data == {}
    # The broker carries the row's id, nothing else.
    assert handed == [
        ("notifications.tasks.send_notification", [row.pk], {"retry": False, "ignore_result": True})
    ]

    assert notification_send(pk=row.pk) == "sent 1"
    (message,) = mail.outbox
    assert (message.subject, message.to) == (INVITATION_TITLE, ["new@example.com"])
    link = LINK.search(_text(message))
    assert link, _text(message)
    html = message.alternatives[0][0]
    assert link.group(0) in html
    stored = " ".join(str(v) for v in Notification.objects.values().get().values())
    assert link.group("token") not in stored

    done = _choose_password(client, link.group(0))
    assert done.url == reverse("accounts:password_reset_complete")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert client.get(link.group(0), follow=True).context["validlink"] is False, "it works once"
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT


def test_the_reset_page_writes_one_message_whose_link_sets_the_password(
    client, make_user, django_capture_on_commit_callbacks
):
    person = make_user(email="reset.me@example.com", display_name="Reset Me")
    client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert not Notification.objects.exists()
    client.post(reverse("accounts:password_reset"), {"email": "Reset.Me@Example.com"})
    row = Notification.objects.get()
    assert (row.kind, row.recipient, row.title) == ("password_reset", person, PASSWORD_RESET_TITLE)

    notification_send(pk=row.pk)
    (message,) = mail.outbox
    assert message.to == ["reset.me@example.com"]
    assert "Someone asked to set the password" in message.body
    done = _choose_password(client, LINK.search(message.body).group(0))
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_a_link_asked_for_goes_even_to_someone_who_turned_e_mail_off(make_user):
    person = make_user()
    Preference.objects.create(person=person, kind="password_reset", email=False)
    Preference.objects.create(person=None, kind="invitation", email=False)
    user_invite(user=person)
    for row in Notification.objects.all():
        notification_send(pk=row.pk)
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_invitations_stay_out_of_the_in_app_list(make_user):
    person = make_user()
    user_invite(user=person)
    assert Notification.objects.filter(recipient=person).exists()
    assert not notifications_for(person=person).exists()


def test_someone_deactivated_before_the_send_gets_no_link(make_user, cx_lead):
    person = make_user()
    user_invite(user=person)
    user_deactivate(user=person, by=cx_lead)
    row = Notification.objects.get()
    assert notification_send(pk=row.pk) == "skipped"
    row.refresh_from_db()
    assert (row.status, row.reason) == (Notification.Status.SKIPPED, INACTIVE_REASON)
    assert mail.outbox == []


def test_someone_without_an_address_is_skipped_with_the_reason(make_user):
    person = make_user()
    user_invite(user=person)
    type(person).objects.filter(pk=person.pk).update(email="")
    row = Notification.objects.get()
    assert notification_send(pk=row.pk) == "skipped"
    row.refresh_from_db()
    assert (row.status, row.reason) == (Notification.Status.SKIPPED, NO_ADDRESS_REASON)
    assert mail.outbox == []
