"""Generations (core/generations.py): renewed at once and again on commit, several in one call."""

import pytest

from core.generations import generation, generation_bump

pytestmark = pytest.mark.django_db


def test_several_generations_are_renewed_now_and_once_more_on_commit(
    django_capture_on_commit_callbacks,
):
    names = ("todos:1", "todos:2", "todos:3")
    before = {name: generation(name) for name in names}
    with django_capture_on_commit_callbacks() as renewals:
        generation_bump(*names)
        during = {name: generation(name) for name in names}
        generation_bump(*names)  # another write of the same transaction
    assert all(during[name] != before[name] for name in names)
    assert len(renewals) == 1, "one renewal on commit, however many writes"
    renewals[0]()
    assert all(generation(name) not in (before[name], during[name]) for name in names)
    untouched = generation("todos:4")
    generation_bump()
    assert generation("todos:4") == untouched
