"""The two ways a view hands input to a service: a form on a page, or a button."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.http import action_redirect, form_page


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)


def _request(method="post", data=None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def page_template(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"page.html": "{{ heading }}|{{ form.name.value }}|{{ form.errors }}"},
                    )
                ]
            },
        }
    ]


def _service_refusing(message, field=None):
    def service(**data):
        raise ValidationError({field: message} if field else message)

    return service


def test_form_page_redirects_with_a_message_saying_what_was_done(page_template):
    request = _request(data={"name": "Ana"})
    response = form_page(
        request,
        NameForm(request.POST),
        lambda name: name.upper(),
        template="page.html",
        success=lambda result: f"{result} saved.",
        done_url=lambda result: f"/people/{result}/",
    )
    assert (response.status_code, response.url) == (302, "/people/ANA/")
    assert [str(m) for m in get_messages(request)] == ["ANA saved."]


@pytest.mark.parametrize(
    ("service", "where"),
    [
        (_service_refusing("Taken.", field="name"), "name"),
        (_service_refusing("Not today.", field="not_a_field"), "__all__"),
        (_service_refusing("Not today."), "__all__"),
    ],
)
def test_form_page_shows_a_refusal_beside_its_field_and_keeps_what_was_typed(
    page_template, service, where
):
    request = _request(data={"name": "Ana"})
    form = NameForm(request.POST)
    response = form_page(
        request,
        form,
        service,
        template="page.html",
        success="Saved.",
        done_url="/done/",
        context={"heading": "People"},
    )
    assert response.status_code == 200
    assert list(form.errors) == [where]
    assert response.content.decode().startswith("People|Ana|")
    assert list(get_messages(request)) == []


def test_form_page_on_get_only_shows_the_page(page_template):
    called = []
    request = _request("get")
    response = form_page(
        request, NameForm(), called.append, template="page.html", success="", done_url="/"
    )
    assert (response.status_code, called) == (200, [])


def test_action_redirect_says_what_was_done_or_why_not():
    done = _request()
    response = action_redirect(done, lambda: 3, success=lambda n: f"{n} confirmed.", done_url="/s/")
    assert (response.status_code, response.url) == (302, "/s/")
    assert [str(m) for m in get_messages(done)] == ["3 confirmed."]

    refused = _request()
    response = action_redirect(
        refused, _service_refusing("It has started."), success="Cancelled.", done_url="/s/"
    )
    assert response.url == "/s/"
    assert [(m.level_tag, str(m)) for m in get_messages(refused)] == [("error", "It has started.")]


def test_action_redirect_can_open_what_it_made_and_send_a_refusal_back():
    done = _request()
    response = action_redirect(
        done,
        lambda: "/agenda/7/",
        success=None,
        done_url=lambda made: made,
        refused_url="/reviews/",
    )
    assert response.url == "/agenda/7/"
    assert list(get_messages(done)) == []

    refused = _request()
    response = action_redirect(
        refused,
        _service_refusing("Cancelled."),
        success=None,
        done_url=lambda made: made,
        refused_url="/reviews/",
    )
    assert response.url == "/reviews/"
    assert [str(m) for m in get_messages(refused)] == ["Cancelled."]
