import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_filing_floor(settings):
    """The filing floor is a wait; tests that measure it set it themselves."""
    settings.FRICTION_FILING_MIN_SECONDS = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache bounds anonymous support by (person, report): ids repeat across tests."""
    cache.clear()
    yield
    cache.clear()
