"""Customer calls: the call list import, who may be drawn, privacy of customers' details."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.csv_files import MISSING_COLUMNS_MESSAGE
from immersion.call_list import (
    NOT_VALID_ROWS_MESSAGE,
    ROW_BAD_EMAIL,
    ROW_BAD_FLAG,
    ROW_DUPLICATE,
    ROW_NO_CONTACT,
    ROW_NO_NAME,
    call_list_apply,
    call_list_preview,
)
from immersion.models import CallListImport, Customer, CustomerCall, QuestionSet
from immersion.services.calls import (
    CALL_WITHDRAWN_MESSAGE,
    EMPTY_QUESTION_SET_MESSAGE,
    NOBODY_TO_CALL_MESSAGE,
    NOT_A_CALL_SESSION_MESSAGE,
    NOT_YOUR_CALL_MESSAGE,
    customer_call_record,
    customer_calls_draw,
    question_set_save,
)
from immersion.tasks import call_list_apply as call_list_apply_task
from immersion.tests.factories import past_place

pytestmark = pytest.mark.django_db

HEADER = "customer name,account,phone,email,consent,do not contact\n"


@pytest.fixture
def questions():
    return question_set_save(
        name="Why they stay", questions=["What almost made you leave?", "What do we do well?"]
    )


def customers(n: int, **fields) -> list[Customer]:
    values = {"consent": True, "phone": "+44 20 7946 0000"}
    values.update(fields)
    return [
        Customer.objects.create(name=f"Customer {i}", account=f"AC-{i}", **values) for i in range(n)
    ]


def call_place(person, hours_ago=1):
    return past_place(person, "customer-calls", hours_ago=hours_ago)


# The call list import


def test_call_list_preview_reports_each_bad_row_against_its_line():
    data = (
        HEADER
        + "Maria Lopez,ACME-1,+34 600 123 456,,yes,no\n"
        + ",ACME-2,+34 600 000 000,,yes,no\n"
        + "Sam Berg,NORD-7,,not-an-email,yes,no\n"
        + "Ana Ruiz,ACME-3,,,yes,no\n"
        + "Li Chen,ACME-4,+65 6000 0000,,maybe,no\n"
        + "maria lopez,acme-1,+34 600 999 999,,yes,no\n"
    )
    preview = call_list_preview(data=data)
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == []
    assert errors[3] == [ROW_NO_NAME]
    assert errors[4] == [ROW_BAD_EMAIL.format(value="not-an-email")]
    assert errors[5] == [ROW_NO_CONTACT]
    assert errors[6] == [ROW_BAD_FLAG.format(column="Consent", value="maybe")]
    assert errors[7] == [ROW_DUPLICATE.format(name="maria lopez", account="acme-1", line=2)]
    assert not preview.ok
    with pytest.raises(ValidationError, match=NOT_VALID_ROWS_MESSAGE):
        call_list_apply(data=data)
    assert not Customer.objects.exists(), "all or nothing"


def test_call_list_preview_refuses_a_file_without_the_consent_column():
    preview = call_list_preview(data="customer name,phone\nMaria,+34 600 123 456\n")
    assert preview.errors == [MISSING_COLUMNS_MESSAGE.format(columns="consent")]


def test_call_list_import_is_idempotent_and_updates_by_account_and_name():
    data = (
        HEADER
        + "Maria Lopez,ACME-1,+34 600 123 456,,yes,no\nSam Berg,NORD-7,,sam@nord.example,no,\n"
    )
    call_list_apply(data=data)
    assert Customer.objects.count() == 2
    again = call_list_preview(data=data)
    assert (again.count_create, again.count_update, again.count_unchanged) == (0, 0, 2)
    call_list_apply(data=HEADER + "MARIA LOPEZ,acme-1,+34 600 999 999,,yes,no\n")
    maria = Customer.objects.get(name__iexact="maria lopez")
    assert (maria.name, maria.phone) == ("MARIA LOPEZ", "+34 600 999 999"), "the file's spelling"
    assert Customer.objects.count() == 2


def test_opting_out_withdraws_calls_not_yet_made(executive, questions):
    call_list_apply(data=HEADER + "Maria Lopez,ACME-1,+34 600 123 456,,yes,no\n")
    (call,) = customer_calls_draw(
        participant=call_place(executive), question_set=questions, count=1, by=executive
    )
    call_list_apply(data=HEADER + "Maria Lopez,ACME-1,+34 600 123 456,,yes,yes\n")
    call.refresh_from_db()
    assert call.status == CustomerCall.Status.WITHDRAWN
    with pytest.raises(ValidationError, match=CALL_WITHDRAWN_MESSAGE):
        customer_call_record(call=call, reached=True, answers=["x"], by=executive)


def test_call_list_pages_preview_then_import(client, cx_lead, monkeypatch):
    monkeypatch.setattr("core.broker.current_app.send_task", lambda name, **kw: None)
    client.force_login(cx_lead)
    upload = SimpleUploadedFile(
        "calls.csv", (HEADER + "Maria Lopez,ACME-1,+34 600 123 456,,yes,no\n").encode()
    )
    response = client.post(reverse("immersion:call_list_import"), {"file": upload})
    call_list = CallListImport.objects.get()
    assert response.url == call_list.get_absolute_url()
    assert "1 to add" in client.get(response.url).content.decode()
    assert not Customer.objects.exists()
    client.post(response.url)
    assert not Customer.objects.exists()  # the worker imports it
    call_list_apply_task.run(call_list.pk)
    assert Customer.objects.get().name == "Maria Lopez"
    progress = client.get(
        reverse("immersion:call_list_progress", kwargs={"pk": call_list.pk}),
        headers={"HX-Request": "true"},
    )
    assert progress.headers["HX-Redirect"] == reverse("immersion:call_list")
    again = client.post(call_list.get_absolute_url(), follow=True)
    assert "already imported" in again.content.decode()


# Question sets


def test_question_set_save_refuses_an_empty_set_and_the_page_keeps_the_name(client, cx_lead):
    with pytest.raises(ValidationError) as caught:
        question_set_save(name="Empty", questions=["", "  "])
    assert caught.value.message_dict == {"questions": [EMPTY_QUESTION_SET_MESSAGE]}
    client.force_login(cx_lead)
    response = client.post(
        reverse("immersion:question_set_create"), {"name": "Onboarding", "questions": "\n"}
    )
    assert response.context["form"].errors["questions"] == [EMPTY_QUESTION_SET_MESSAGE]
    assert 'value="Onboarding"' in response.content.decode()
    assert not QuestionSet.objects.exists()


# Drawing customers


def test_draw_never_gives_a_customer_without_consent_marked_do_not_contact_or_recently_called(
    executive, make_user, questions, settings
):
    colleague = make_user(roles=[Role.EXECUTIVE])
    fine = customers(2)
    Customer.objects.create(name="No consent", account="NOC", consent=False, phone="12345")
    Customer.objects.create(
        name="Opted out", account="DNC", consent=True, do_not_contact=True, phone="12345"
    )
    rested = Customer.objects.create(name="Rested", account="R", consent=True, phone="12345")
    recent = Customer.objects.create(name="Recent", account="X", consent=True, phone="12345")
    earlier = call_place(colleague, hours_ago=24 * 100)
    for customer, days in ((rested, settings.CUSTOMER_CALL_REST_DAYS + 1), (recent, 10)):
        CustomerCall.objects.create(
            participant=earlier,
            customer=customer,
            question_set=questions,
            status=CustomerCall.Status.NOT_REACHED,
            called_at=timezone.now() - timedelta(days=days),
        )

    calls = customer_calls_draw(
        participant=call_place(executive), question_set=questions, count=20, by=executive
    )

    drawn = [call.customer for call in calls]
    assert set(drawn) == {*fine, rested}
    assert drawn[-1] == rested, "those never called come before those called long ago"
    with pytest.raises(ValidationError) as caught:
        customer_calls_draw(
            participant=call_place(colleague, hours_ago=3),
            question_set=questions,
            count=1,
            by=colleague,
        )
    assert caught.value.messages == [NOBODY_TO_CALL_MESSAGE.format(days=90)]


def test_a_customer_waiting_with_one_executive_is_not_drawn_for_another(
    executive, make_user, questions
):
    colleague = make_user(roles=[Role.EXECUTIVE])
    customers(3)
    first = customer_calls_draw(
        participant=call_place(executive), question_set=questions, count=2, by=executive
    )
    second = customer_calls_draw(
        participant=call_place(colleague, hours_ago=3),
        question_set=questions,
        count=5,
        by=colleague,
    )
    assert {c.customer_id for c in first}.isdisjoint({c.customer_id for c in second})
    assert len(second) == 1


def test_draw_only_in_a_customer_call_session(executive, questions):
    customers(1)
    listening = past_place(executive)
    with pytest.raises(ValidationError) as caught:
        customer_calls_draw(participant=listening, question_set=questions, count=1, by=executive)
    assert caught.value.messages == [
        NOT_A_CALL_SESSION_MESSAGE.format(activity=listening.session.activity_type)
    ]


@pytest.mark.django_db(transaction=True)
def test_two_executives_drawing_at_once_never_share_a_customer(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises them by design")
    questions = question_set_save(name="Concurrent", questions=["Why?"])
    customers(10)
    people = [make_user(roles=[Role.EXECUTIVE]) for _ in range(4)]
    places = [call_place(person, hours_ago=1 + n * 2) for n, person in enumerate(people)]
    barrier = threading.Barrier(len(places))
    outcomes = []

    def draw(place):
        from django.db import connections

        try:
            barrier.wait()
            calls = customer_calls_draw(
                participant=place, question_set=questions, count=4, by=place.person
            )
            outcomes.append(len(calls))
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draw, args=(place,)) for place in places]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    waiting = CustomerCall.objects.filter(status=CustomerCall.Status.TO_CALL)
    assert waiting.count() == waiting.values("customer").distinct().count()
    assert waiting.count() == 10, outcomes


# Recording a call, and who sees the customer


def test_customer_call_record_keeps_the_questions_as_asked(executive, questions):
    customers(1)
    (call,) = customer_calls_draw(
        participant=call_place(executive), question_set=questions, count=1, by=executive
    )
    customer_call_record(
        call=call, reached=True, answers=["The price rise", "Support"], notes="Warm", by=executive
    )
    question_set_save(question_set=questions, name=questions.name, questions=["Something else"])
    call.refresh_from_db()
    assert call.answers == [
        {"question": "What almost made you leave?", "answer": "The price rise"},
        {"question": "What do we do well?", "answer": "Support"},
    ]
    assert call.status == CustomerCall.Status.REACHED
    assert call.called_at is not None


def test_only_the_assigned_executive_records_a_call(executive, make_user, questions):
    customers(1)
    (call,) = customer_calls_draw(
        participant=call_place(executive), question_set=questions, count=1, by=executive
    )
    colleague = make_user(roles=[Role.EXECUTIVE])
    with pytest.raises(ValidationError, match=NOT_YOUR_CALL_MESSAGE):
        customer_call_record(call=call, reached=False, answers=[], by=colleague)


def test_customer_details_are_seen_only_by_the_assigned_executive_and_the_cx_lead(
    client, executive, cx_lead, leadership, make_user, questions
):
    Customer.objects.create(
        name="Maria Secret", account="ACME-1", phone="+34 600 123 456", consent=True
    )
    place = call_place(executive)
    (call,) = customer_calls_draw(participant=place, question_set=questions, count=1, by=executive)
    colleague = make_user(roles=[Role.EXECUTIVE])
    host = make_user(roles=[Role.FRONTLINE])
    place.session.host_agent = host
    place.session.save()
    for person, sees in (
        (executive, True),
        (cx_lead, True),
        (leadership, False),
        (colleague, False),
        (host, False),
    ):
        client.force_login(person)
        session_page = client.get(place.session.get_absolute_url())
        call_page = client.get(call.get_absolute_url())
        shown = "Maria Secret" in session_page.content.decode()
        assert shown == sees, person
        assert call_page.status_code in ((200,) if sees else (403, 404)), person


def test_recording_a_call_on_its_page(client, executive, questions):
    customers(1)
    (call,) = customer_calls_draw(
        participant=call_place(executive), question_set=questions, count=1, by=executive
    )
    client.force_login(executive)
    response = client.post(
        call.get_absolute_url(),
        {"reached": "yes", "answer_0": "Nothing", "answer_1": "Fast answers", "notes": "Happy"},
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.answers[1] == {"question": "What do we do well?", "answer": "Fast answers"}


def test_drawing_from_the_session_page(client, executive, questions):
    customers(3)
    place = call_place(executive)
    client.force_login(executive)
    response = client.post(
        reverse("immersion:calls_draw", args=[place.pk]),
        {"question_set": questions.pk, "count": "2"},
        follow=True,
    )
    assert "2 customers to call." in response.content.decode()
    assert CustomerCall.objects.filter(participant=place).count() == 2
    response = client.post(
        reverse("immersion:calls_draw", args=[place.pk]), {"count": "2"}, follow=True
    )
    assert "Choose the questions to ask." in response.content.decode()


def test_call_list_page_takes_the_same_queries_for_few_and_many_customers(
    client, cx_lead, executive, questions, queries_at_two_sizes
):
    client.force_login(cx_lead)

    def build(size):
        CustomerCall.objects.all().delete()
        Customer.objects.all().delete()
        customers(size)
        customer_calls_draw(
            participant=call_place(executive, hours_ago=size),
            question_set=questions,
            count=2,
            by=executive,
        )
        return reverse("immersion:call_list")

    queries_at_two_sizes(build, lambda page: len(page.context["page"]), ceiling=12, sizes=(3, 60))
