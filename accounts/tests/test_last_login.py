import pytest

pytestmark = pytest.mark.django_db


def test_signing_in_keeps_last_login_to_the_hour(client, frontline):
    """A sign-in to the microsecond would date what the person did next (an anonymous report)."""
    client.force_login(frontline)
    frontline.refresh_from_db()
    last = frontline.last_login
    assert last is not None
    assert (last.minute, last.second, last.microsecond) == (0, 0, 0)
