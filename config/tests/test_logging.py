"""What the server's own log says about a request it refused."""

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_denied_request_is_logged_as_one_line_without_who_asked(client, frontline, caplog):
    client.force_login(frontline)
    url = reverse("accounts:people")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(url, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"Forbidden (permission denied): GET {url} 403"
    assert record.exc_info is None
    assert caplog.text.count("\n") == 1, "one line, no traceback"
    assert "Traceback" not in caplog.text
    assert "203.0.113.9" not in caplog.text
    assert str(frontline.pk) not in record.getMessage().replace(url, "")
