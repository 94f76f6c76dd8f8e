"""Fixtures for the tests under tests/ (the root conftest.py has the people in each role)."""

import pytest

from tests.permission_matrix import build_objects


@pytest.fixture
def objects(db, make_user, executive, frontline, cx_lead):
    """Something of every kind a URL in the permission matrix points at, built for one test."""
    return build_objects(
        make_user=make_user, executive=executive, frontline=frontline, cx_lead=cx_lead
    )
