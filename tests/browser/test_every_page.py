"""Every page anyone can open, opened by someone who may, and audited with axe-core.

Generated from the permission matrix, so a new page is audited as soon as it joins the matrix.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.permission_matrix import MATRIX

pytestmark = pytest.mark.django_db(transaction=True)

ROLE_ORDER = ["cx_lead", "executive", "frontline", "leadership", "superuser", "anonymous"]
# Text, calendars, CSV files, and htmx fragments (audited inside the page that loads them).
NOT_PAGES = {
    "healthz",
    "immersion:feed",
    "immersion:programme_feed",
    "frictions:similar",
    "accounts:people_import_progress",
    "immersion:call_list_progress",
    "notifications:badge",
    "api:schema",
    "metrics:export_metrics",
    "metrics:export_executives",
}
PAGES = sorted(
    name
    for name, entry in MATRIX.items()
    if entry.method == "get" and name not in NOT_PAGES and 200 in entry.expect.values()
)


@pytest.mark.parametrize("url_name", PAGES)
def test_page_is_accessible(page, live_server, audit, objects, user_for_role, url_name):
    entry = MATRIX[url_name]
    role = next(r for r in ROLE_ORDER if entry.expect.get(r) == 200)
    person = user_for_role(role)
    if person is not None:
        client = Client()
        client.force_login(person)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
    kwargs = entry.kwargs(objects) if callable(entry.kwargs) else entry.kwargs
    response = page.goto(live_server.url + reverse(url_name, kwargs=kwargs))
    assert response.status == 200, f"{role} could not open {url_name}"
    audit()
