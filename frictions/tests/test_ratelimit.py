"""The receipt page's rate limit: per code and for everyone, keeping no address and no person."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from frictions.ratelimit import RATE_LIMITED_MESSAGE

pytestmark = pytest.mark.django_db

MADE_UP = "ABCD-EFGH-JKMN-PQRS"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def check(client, code: str, **extra):
    return client.post(reverse("frictions:receipt"), {"code": code}, **extra)


def test_one_code_tried_too_often_is_refused_whatever_its_spelling(client, settings):
    settings.FRICTION_RECEIPT_RATE_PER_CODE = 2
    assert check(client, MADE_UP).status_code == 404
    assert check(client, MADE_UP.lower().replace("-", " ")).status_code == 404
    refused = check(client, "abcdefghjkmnpqrs")
    assert refused.status_code == 429
    assert refused.content.decode() == RATE_LIMITED_MESSAGE
    assert refused["Content-Type"].startswith("text/plain")
    assert check(client, "ZZZZ-ZZZZ-ZZZZ-ZZZZ").status_code == 404  # another code still answers


def test_too_many_checks_from_everyone_are_refused(client, settings):
    settings.FRICTION_RECEIPT_RATE_GLOBAL = 3
    codes = [f"ABCD-EFGH-JKMN-PQR{n}" for n in range(4)]
    assert [check(client, code).status_code for code in codes] == [404, 404, 404, 429]


def test_reading_the_page_is_not_counted(client, settings):
    settings.FRICTION_RECEIPT_RATE_GLOBAL = 1
    for _ in range(3):
        assert client.get(reverse("frictions:receipt")).status_code == 200
    assert check(client, MADE_UP).status_code == 404


def _cache_keys() -> str:
    """Every key in the default cache, whichever store it is (locmem here, Redis in CI)."""
    store = cache._cache
    if hasattr(store, "get_client"):  # Django's Redis cache
        return " ".join(key.decode() for key in store.get_client().keys("*"))
    return " ".join(store)  # locmem's dict: the keys are all there is


def test_the_counts_keep_no_address_and_no_code(client):
    check(client, MADE_UP, REMOTE_ADDR="203.0.113.9")
    keys = _cache_keys()
    assert keys
    for kept in ("203.0.113.9", MADE_UP, "ABCDEFGHJKMNPQRS"):
        assert kept not in keys
