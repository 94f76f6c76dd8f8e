"""The programme's owner sees every pending swap and may cancel one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from immersion.models import SwapRequest
from immersion.services.swaps import (
    SWAP_CLOSED_MESSAGE,
    SWAP_ONLY_PROGRAMME_OWNER_MESSAGE,
    swap_request_cancel,
    swap_request_create,
    swap_request_withdraw,
)
from immersion.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(make_user):
    return make_user(roles=[Role.EXECUTIVE], display_name="Ana Ruiz")


@pytest.fixture
def bo(make_user):
    return make_user(roles=[Role.EXECUTIVE], display_name="Bo Berg")


@pytest.fixture
def swap(ana, bo):
    return swap_request_create(
        session=SessionFactory(people=[ana]), requested_by=ana, offered_to=bo
    )


def test_swap_request_cancel_is_for_the_programme_owner_and_keeps_the_requester_in(
    swap, ana, bo, cx_lead, notifications_written
):
    for someone in (bo, ana):
        with pytest.raises(ValidationError) as caught:
            swap_request_cancel(swap=swap, by=someone)
        assert caught.value.messages == [SWAP_ONLY_PROGRAMME_OWNER_MESSAGE]
    swap_request_cancel(swap=swap, by=cx_lead)
    swap.refresh_from_db()
    assert (swap.status, swap.answered_by) == (SwapRequest.Status.WITHDRAWN, cx_lead)
    assert [p.person for p in swap.session.participants.filter(is_active=True)] == [ana]
    ((kind, to, title, url),) = notifications_written(kind="swap_cancelled")
    assert (kind, to, url) == ("swap_cancelled", ana.email, reverse("immersion:schedule"))
    assert title.startswith("Attend Call listening on ")
    assert title.endswith(": your swap request was cancelled")


def test_swap_request_cancel_refuses_a_swap_already_answered(swap, ana, cx_lead):
    swap_request_withdraw(swap=swap, by=ana)
    with pytest.raises(ValidationError) as caught:
        swap_request_cancel(swap=swap, by=cx_lead)
    assert caught.value.messages == [SWAP_CLOSED_MESSAGE]


def test_the_cx_lead_sees_pending_swaps_and_cancels_one_from_the_list(
    client, swap, ana, bo, cx_lead
):
    client.force_login(cx_lead)
    page = client.get(reverse("immersion:swaps")).content.decode()
    assert "Ana Ruiz" in page
    assert "Bo Berg" in page
    assert str(swap.session.activity_type) in page
    response = client.post(reverse("immersion:swap_cancel", args=[swap.pk]))
    assert response.url == reverse("immersion:swaps")
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.WITHDRAWN
    page = client.get(reverse("immersion:swaps")).content.decode()
    assert "No swap request is waiting for an answer." in page
    again = client.post(reverse("immersion:swap_cancel", args=[swap.pk]), follow=True)
    assert SWAP_CLOSED_MESSAGE in again.content.decode()


def test_an_executive_can_neither_list_nor_cancel_swaps(client, swap, bo):
    client.force_login(bo)
    assert client.get(reverse("immersion:swaps")).status_code == 403
    assert client.post(reverse("immersion:swap_cancel", args=[swap.pk])).status_code == 403
    swap.refresh_from_db()
    assert swap.status == SwapRequest.Status.PENDING


def test_the_pending_swaps_list_takes_the_same_queries_however_long(
    client, cx_lead, make_user, queries_at_two_sizes
):
    client.force_login(cx_lead)

    def build(size):
        while SwapRequest.objects.count() < size:
            person = make_user(roles=[Role.EXECUTIVE])
            swap_request_create(session=SessionFactory(people=[person]), requested_by=person)
        return reverse("immersion:swaps")

    def shown(page):
        return len(page.context["swaps"])

    queries_at_two_sizes(build, shown, ceiling=12, sizes=(2, 12))
