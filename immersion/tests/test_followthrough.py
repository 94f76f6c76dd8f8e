"""Attendance, reflections and commitments: the rules, and the to-dos they leave."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from immersion.models import (
    Commitment,
    Participant,
    Reflection,
    ReflectionFriction,
    Session,
    SessionChange,
)
from immersion.selectors import reflections_visible_to, todos_for
from immersion.services.followthrough import (
    COMMITMENT_PAST_MESSAGE,
    MINUTES_NEGATIVE_MESSAGE,
    MINUTES_TOO_MANY_MESSAGE,
    MISSED_WITH_FIGURES_MESSAGE,
    NOT_AUTHOR_MESSAGE,
    NOT_STARTED_MESSAGE,
    REFLECTION_CLOSED_MESSAGE,
    REFLECTION_LOCKED_MESSAGE,
    REFLECTION_MISSED_MESSAGE,
    CommitmentInput,
    FrictionLine,
    attendance_record,
    commitment_set_done,
    reflection_save,
)
from immersion.services.sessions import LOCKED_MESSAGE, session_cancel
from immersion.tests.factories import SessionFactory, past_place, reflection_post

pytestmark = pytest.mark.django_db


def reflect(place, **overrides):
    values = {
        "participant": place,
        "by": place.person,
        "surprised": "Customers call three times about one refund.",
        "would_change": "Let agents refund up to 50 euros.",
    }
    values.update(overrides)
    return reflection_save(**values)


# Attendance


def test_attendance_record_keeps_minutes_interactions_and_who_confirmed(executive, cx_lead):
    place = past_place(executive)
    attendance_record(participant=place, attended=True, minutes=50, interactions=7, by=cx_lead)
    place.refresh_from_db()
    assert place.attendance == Participant.Attendance.ATTENDED
    assert (place.actual_minutes, place.interactions_observed) == (50, 7)
    assert place.confirmed_by == cx_lead
    change = SessionChange.objects.get(kind=SessionChange.Kind.ATTENDANCE)
    assert change.to_value == f"{executive}: attended, 50 min, 7 interactions"


def test_attendance_record_counts_the_whole_session_when_minutes_are_left_empty(executive):
    place = past_place(executive, minutes=90)
    attendance_record(
        participant=place, attended=True, minutes=None, interactions=None, by=executive
    )
    place.refresh_from_db()
    assert place.actual_minutes == 90


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (-1, MINUTES_NEGATIVE_MESSAGE),
        (121, MINUTES_TOO_MANY_MESSAGE.format(limit=120, length=60)),
    ],
)
def test_attendance_record_refuses_minutes_outside_zero_to_length_plus_an_hour(
    executive, minutes, message
):
    place = past_place(executive)
    with pytest.raises(ValidationError) as caught:
        attendance_record(
            participant=place, attended=True, minutes=minutes, interactions=None, by=executive
        )
    assert caught.value.message_dict == {"minutes": [message]}
    attendance_record(participant=place, attended=True, minutes=120, interactions=0, by=executive)


def test_attendance_record_refuses_a_session_not_started_or_figures_for_a_missed_one(executive):
    upcoming = SessionFactory(people=[executive]).participants.get()
    with pytest.raises(ValidationError, match=NOT_STARTED_MESSAGE):
        attendance_record(
            participant=upcoming, attended=True, minutes=None, interactions=None, by=executive
        )
    place = past_place(executive)
    with pytest.raises(ValidationError) as caught:
        attendance_record(
            participant=place, attended=False, minutes=30, interactions=None, by=executive
        )
    assert caught.value.message_dict == {"minutes": [MISSED_WITH_FIGURES_MESSAGE]}


def test_an_attended_session_cannot_be_moved_any_more(executive, cx_lead):
    place = past_place(executive)
    attendance_record(participant=place, attended=True, minutes=None, interactions=2, by=executive)
    with pytest.raises(ValidationError, match=LOCKED_MESSAGE):
        session_cancel(session=place.session, by=cx_lead, reason="")


# Reflections


def test_reflection_save_keeps_frictions_as_lines_and_commitments_with_dates(executive):
    place = past_place(executive)
    due = timezone.localdate() + timedelta(days=10)
    reflection = reflect(
        place,
        frictions=["Refunds need a manager", "", "  Refunds need a manager ", "Hold music loops"],
        commitments=[CommitmentInput("Ask finance for the refund limit", due)],
        customer_quote="I just want my money back.",
        visibility=Reflection.Visibility.LEADERSHIP,
    )
    assert [f.text for f in reflection.frictions.all()] == [
        "Refunds need a manager",
        "Hold music loops",
    ]
    commitment = Commitment.objects.get()
    assert (commitment.person, commitment.due_date) == (executive, due)


def test_reflection_save_edits_keep_friction_rows_and_done_commitments(executive):
    place = past_place(executive)
    due = timezone.localdate() + timedelta(days=3)
    reflection = reflect(
        place,
        frictions=["A", "B"],
        commitments=[CommitmentInput("Done one", due), CommitmentInput("Dropped", due)],
    )
    friction_b = reflection.frictions.get(text="B")
    commitment_set_done(commitment=Commitment.objects.get(text="Done one"), by=executive)
    reflect(place, frictions=["B", "C"], commitments=[])
    assert list(reflection.frictions.values_list("text", flat=True)) == ["B", "C"]
    assert reflection.frictions.get(text="B").pk == friction_b.pk
    assert list(Commitment.objects.values_list("text", flat=True)) == ["Done one"]


def test_reflection_save_edits_a_friction_line_by_id_so_new_words_keep_the_row(executive):
    place = past_place(executive)
    reflection = reflect(place, frictions=["Refunds need a callback", "Hold music loops"])
    callback, music = reflection.frictions.all()
    reflect(
        place,
        frictions=[
            FrictionLine("Hold music loops", music.pk),
            FrictionLine("Refunds need a call-back", callback.pk),
            FrictionLine("Chat closes at five"),
        ],
    )
    assert [(f.pk, f.text) for f in reflection.frictions.all()][:2] == [
        (music.pk, "Hold music loops"),
        (callback.pk, "Refunds need a call-back"),
    ]
    assert reflection.frictions.count() == 3


def test_reflection_save_deletes_a_line_taken_out_that_nothing_points_at(executive):
    place = past_place(executive)
    reflection = reflect(place, frictions=["Refunds need a manager", "Hold music loops"])
    manager, music = reflection.frictions.all()
    reflect(place, frictions=[FrictionLine("Hold music loops", music.pk)])
    assert list(reflection.frictions.values_list("pk", flat=True)) == [music.pk]
    assert not ReflectionFriction.objects.filter(pk=manager.pk).exists()


def test_reflection_save_never_edits_a_line_of_another_reflection(executive, make_user):
    colleague = make_user(roles=[Role.EXECUTIVE])
    theirs = reflect(past_place(colleague), frictions=["Their line"]).frictions.get()
    mine = reflect(past_place(executive), frictions=[FrictionLine("Mine", theirs.pk)])
    theirs.refresh_from_db()
    assert theirs.text == "Their line"
    assert mine.frictions.get().pk != theirs.pk


def test_reflection_save_only_by_its_author_and_not_on_a_missed_session(executive, make_user):
    place = past_place(executive)
    colleague = make_user(roles=[Role.EXECUTIVE])
    with pytest.raises(ValidationError, match=NOT_AUTHOR_MESSAGE):
        reflect(place, by=colleague)
    attendance_record(
        participant=place, attended=False, minutes=None, interactions=None, by=executive
    )
    with pytest.raises(ValidationError, match=REFLECTION_MISSED_MESSAGE):
        reflect(place)


def test_reflection_locks_fourteen_days_after_it_was_written(executive, settings):
    place = past_place(executive)
    reflection = reflect(place)
    Reflection.objects.filter(pk=reflection.pk).update(
        created_at=timezone.now() - timedelta(days=settings.REFLECTION_EDIT_DAYS, seconds=1)
    )
    with pytest.raises(ValidationError) as caught:
        reflect(place, surprised="Changed my mind")
    assert caught.value.messages == [REFLECTION_LOCKED_MESSAGE.format(days=14)]
    reflection.refresh_from_db()
    assert reflection.surprised.startswith("Customers call three times")


def test_no_new_reflection_once_the_session_is_fourteen_days_over(executive):
    place = past_place(executive, hours_ago=15 * 24)
    with pytest.raises(ValidationError) as caught:
        reflect(place)
    assert caught.value.messages[0].startswith("Reflections on this session closed on")
    assert REFLECTION_CLOSED_MESSAGE.endswith("days after it ended.")
    assert not Reflection.objects.exists()


def test_reflection_save_refuses_a_new_commitment_due_in_the_past(executive):
    place = past_place(executive)
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        reflect(place, commitments=[CommitmentInput("Too late", yesterday)])
    assert caught.value.message_dict == {
        "commitments": [COMMITMENT_PAST_MESSAGE.format(date=yesterday)]
    }
    assert not Reflection.objects.exists(), "nothing half-written"


def test_reflections_are_private_to_author_and_cx_lead_unless_shared(
    executive, cx_lead, leadership, make_user
):
    colleague = make_user(roles=[Role.EXECUTIVE])
    private = reflect(past_place(executive))
    shared = reflect(
        past_place(executive, hours_ago=50), visibility=Reflection.Visibility.LEADERSHIP
    )
    assert set(reflections_visible_to(user=executive)) == {private, shared}
    assert set(reflections_visible_to(user=cx_lead)) == {private, shared}
    assert set(reflections_visible_to(user=leadership)) == {shared}
    assert set(reflections_visible_to(user=colleague)) == set()


# To-dos


def test_todos_list_what_is_left_after_sessions(executive, settings):
    unconfirmed = past_place(executive, hours_ago=3)
    overdue = past_place(executive, hours_ago=24 * 3)
    past_place(executive, hours_ago=24 * 20)  # reflections on it are closed
    done = past_place(executive, hours_ago=24 * 4)
    attendance_record(participant=done, attended=True, minutes=None, interactions=1, by=executive)
    reflect(done, commitments=[CommitmentInput("Fix it", timezone.localdate())])
    cancelled = past_place(executive, hours_ago=5)
    Session.objects.filter(pk=cancelled.session_id).update(status=Session.Status.CANCELLED)
    review = past_place(executive, "friction-review", hours_ago=7)

    todos = todos_for(person=executive)

    assert {p.pk for p in todos.attendance} >= {unconfirmed.pk, overdue.pk, review.pk}
    assert cancelled.pk not in {p.pk for p in todos.attendance}
    reflections = {item.participant.pk: item.overdue for item in todos.reflections}
    assert reflections == {unconfirmed.pk: False, overdue.pk: True}, "not the review, nor closed"
    assert [c.text for c in todos.commitments] == ["Fix it"]
    commitment_set_done(commitment=todos.commitments[0], by=executive)
    assert todos_for(person=executive).commitments == []


def test_an_attended_session_without_a_reflection_asks_for_one_not_for_attendance(executive):
    attended = past_place(executive, hours_ago=24 * 2)
    attendance_record(
        participant=attended, attended=True, minutes=None, interactions=1, by=executive
    )

    todos = todos_for(person=executive)

    assert [item.participant.pk for item in todos.reflections] == [attended.pk]
    assert todos.attendance == []


def test_home_shows_an_executive_their_to_dos(client, executive):
    place = past_place(executive, hours_ago=3)
    client.force_login(executive)
    page = client.get(reverse("home")).content.decode()
    assert "Confirm attendance" in page
    assert reverse("immersion:attendance", args=[place.pk]) in page
    assert reverse("immersion:reflection", args=[place.pk]) in page


# Pages


def test_attendance_page_keeps_what_was_typed_and_says_why(client, executive):
    place = past_place(executive)
    client.force_login(executive)
    url = reverse("immersion:attendance", args=[place.pk])
    response = client.post(url, {"attended": "yes", "minutes": "500", "interactions": "4"})
    assert response.status_code == 200
    assert response.context["form"].errors["minutes"] == [
        MINUTES_TOO_MANY_MESSAGE.format(limit=120, length=60)
    ]
    assert 'value="500"' in response.content.decode()
    assert 'value="4"' in response.content.decode()
    response = client.post(url, {"attended": "yes", "minutes": "-5"})
    assert response.context["form"].errors["minutes"] == [MINUTES_NEGATIVE_MESSAGE]


def test_confirming_attendance_leads_the_executive_to_their_reflection(client, executive):
    place = past_place(executive)
    client.force_login(executive)
    response = client.post(
        reverse("immersion:attendance", args=[place.pk]),
        {"attended": "yes", "minutes": "", "interactions": "3"},
    )
    assert response.url == reverse("immersion:reflection", args=[place.pk])


def test_reflection_page_refuses_after_the_lock_and_keeps_nothing_half_written(
    client, executive, settings
):
    place = past_place(executive)
    reflection = reflect(place)
    Reflection.objects.filter(pk=reflection.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    client.force_login(executive)
    url = reverse("immersion:reflection", args=[place.pk])
    assert "this one is locked" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "surprised": "new text",
            "would_change": "new",
            "visibility": "private",
            "frictions-TOTAL_FORMS": "0",
            "frictions-INITIAL_FORMS": "0",
            "commitments-TOTAL_FORMS": "0",
            "commitments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert REFLECTION_LOCKED_MESSAGE.format(days=14) in response.content.decode()
    reflection.refresh_from_db()
    assert reflection.surprised != "new text"


def test_reflection_page_keeps_typed_text_when_a_commitment_has_no_date(client, executive):
    place = past_place(executive)
    client.force_login(executive)
    response = client.post(
        reverse("immersion:reflection", args=[place.pk]),
        {
            "surprised": "The wait",
            "would_change": "The rule",
            "frictions-TOTAL_FORMS": "2",
            "frictions-INITIAL_FORMS": "0",
            "frictions-0-text": "One",
            "frictions-1-text": "Two",
            "visibility": "private",
            "commitments-TOTAL_FORMS": "2",
            "commitments-INITIAL_FORMS": "0",
            "commitments-0-text": "Talk to finance",
            "commitments-0-due_date": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the date you will do it by." in page
    assert "The wait" in page
    assert "Talk to finance" in page
    assert 'value="One"' in page
    assert 'value="Two"' in page
    assert not Reflection.objects.exists()


def test_reflection_page_edits_friction_lines_by_id_and_drops_an_emptied_one(client, executive):
    place = past_place(executive)
    reflection = reflect(place, frictions=["Refunds need a callback", "Hold music loops"])
    callback, music = reflection.frictions.all()
    client.force_login(executive)
    url = reverse("immersion:reflection", args=[place.pk])
    page = client.get(url).content.decode()
    assert f'name="frictions-0-id" value="{callback.pk}"' in page
    assert 'value="Refunds need a callback"' in page

    response = client.post(
        url,
        reflection_post(
            reflection,
            [(callback.pk, "Refunds need a call-back"), (music.pk, ""), (None, "Chat closes")],
        ),
    )

    assert response.status_code == 302
    (kept, added) = reflection.frictions.all()
    assert (kept.pk, kept.text) == (callback.pk, "Refunds need a call-back")
    assert added.text == "Chat closes"
    assert not ReflectionFriction.objects.filter(pk=music.pk).exists()


def test_someone_else_s_place_is_a_404(client, executive, make_user):
    colleague = make_user(roles=[Role.EXECUTIVE])
    place = past_place(colleague)
    client.force_login(executive)
    assert client.get(reverse("immersion:attendance", args=[place.pk])).status_code == 404
    assert client.get(reverse("immersion:reflection", args=[place.pk])).status_code == 404


def _follow_through(person, size):
    """`size` sessions behind `person`, each with a reflection, a friction and a commitment,
    plus `size` more waiting for attendance and a reflection."""
    Session.objects.filter(participants__person=person).delete()
    for n in range(size):
        place = past_place(person, hours_ago=26 + 5 * n)
        attendance_record(participant=place, attended=True, minutes=None, interactions=n, by=person)
        reflect(
            place,
            frictions=[f"Friction {n}"],
            commitments=[CommitmentInput(f"Do {n}", timezone.localdate() + timedelta(days=n))],
            visibility=Reflection.Visibility.LEADERSHIP,
        )
        past_place(person, hours_ago=2 + 0.4 * n, minutes=20)


@pytest.mark.parametrize(
    ("name", "role", "ceiling"),
    [("home", "executive", 26), ("immersion:reflections", "leadership", 12)],
)
def test_home_and_reflections_take_the_same_queries_for_3_and_30_sessions(
    client, executive, user_for_role, queries_at_two_sizes, name, role, ceiling
):
    client.force_login(user_for_role(role))

    def build(size):
        _follow_through(executive, size)
        return reverse(name)

    def listed(response):
        """Home: the executive's to-dos; the reflections page: the reflections on it."""
        if name == "home":
            return response.context["todos"].count
        return len(response.context["page"])

    queries_at_two_sizes(build, listed, ceiling=ceiling, sizes=(3, 30), warm_up=True)


def test_session_page_with_reflections_takes_the_same_queries_for_few_and_many(
    client, cx_lead, make_user, queries_at_two_sizes
):
    client.force_login(cx_lead)

    def build(size):
        people = [make_user(roles=[Role.EXECUTIVE]) for _ in range(size)]
        session = SessionFactory(
            people=people, starts_at=timezone.now() - timedelta(days=1, hours=size)
        )
        for place in session.participants.all():
            attendance_record(
                participant=place, attended=True, minutes=None, interactions=1, by=cx_lead
            )
            reflect(place, frictions=["One", "Two"])
        return session.get_absolute_url()

    queries_at_two_sizes(
        build, lambda page: len(page.context["reflections"]), ceiling=20, sizes=(2, 12)
    )


def test_a_reflection_card_reads_as_its_author_and_the_cx_lead_expect(client, executive, cx_lead):
    """The card (immersion/templatetags/reflections.py) on the reflections page: who, which
    session and day, private or shared, the answers escaped with their line breaks, each
    friction line with "Report it" for its author only, a customer's words, commitments."""
    place = past_place(executive, hours_ago=24 * 2)
    reflection = reflect(
        place,
        surprised="Three calls <b>per</b> refund.\nEvery time.",
        customer_quote="Why do I have to ask twice?",
        frictions=[FrictionLine("Refunds need a <manager>")],
        commitments=[CommitmentInput("Raise the refund limit", timezone.localdate())],
    )
    line = reflection.frictions.get()
    commitment_set_done(commitment=reflection.commitments.get(), by=executive)
    day = timezone.localtime(place.starts_at).strftime("%-d %b %Y")
    session_url = reverse("immersion:session_detail", args=[place.session_id])

    client.force_login(executive)
    own = client.get(reverse("immersion:reflections")).content.decode()
    assert f'<article class="card mb-3" id="reflection-{reflection.pk}"' in own
    assert f'<a href="{session_url}">{place.session.activity_type.name}, {day}</a>' in own
    assert '<span class="badge text-bg-light border ms-1">Private</span>' in own
    assert "Three calls &lt;b&gt;per&lt;/b&gt; refund.<br>Every time." in own
    assert "<li>Refunds need a &lt;manager&gt; · <form" in own
    assert f'name="reflection_friction" value="{line.pk}"' in own
    assert "“Why do I have to ask twice?”" in own
    assert f"Raise the refund limit, by {timezone.localdate():%-d %b %Y}" in own
    assert '<span class="badge text-bg-success">Done</span>' in own

    Reflection.objects.filter(pk=reflection.pk).update(visibility=Reflection.Visibility.LEADERSHIP)
    client.force_login(cx_lead)
    lead = client.get(reverse("immersion:reflections")).content.decode()
    assert f"{executive} on <a href=" in lead
    assert '<span class="badge text-bg-info ms-1">Shared with leadership</span>' in lead
    assert "<li>Refunds need a &lt;manager&gt;</li>" in lead
    assert "reflection_friction" not in lead
