"""Two applies of a people import at the same moment: exactly one applies, the other is told
why, never an IntegrityError. Real threads on PostgreSQL (SQLite serialises writers)."""

import time

import pytest

from accounts import services
from accounts.models import PeopleImport, User
from accounts.services import (
    ALREADY_APPLIED_MESSAGE,
    APPLIED_MEANWHILE_MESSAGE,
    people_import_run,
    people_import_upload,
)
from core.testing import race as concurrently
from core.testing import skip_unless_postgresql

HEADER = "email,name,title,time zone,department,team,manager email,roles\n"
DATA = (HEADER + "ana@example.com,Ana Exec,COO,UTC,,,,executive\n").encode()


def race(imports: list) -> list[str]:
    """Apply each of `imports` in its own thread, all released at once: what each was told."""

    def apply(one) -> str:
        people_import_run(people_import=one, send_invitations=False)
        return "applied"

    return concurrently(apply, imports)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_applies_of_one_upload_at_once_apply_it_once(make_user):
    skip_unless_postgresql()
    upload = people_import_upload(uploaded_by=make_user(), file_name="people.csv", data=DATA)
    outcomes = race([upload] * 10)
    assert outcomes.count("applied") == 1
    upload.refresh_from_db()
    refused = ALREADY_APPLIED_MESSAGE.format(when=upload.applied_at)
    assert outcomes.count(refused) == 9, outcomes
    assert User.objects.filter(email="ana@example.com").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_one_file_applied_at_once_add_each_person_once(make_user, monkeypatch):
    skip_unless_postgresql()
    lead = make_user()
    uploads = [
        people_import_upload(uploaded_by=lead, file_name="people.csv", data=DATA) for _ in "ab"
    ]
    real_apply = services.people_import_apply

    def slow_apply(**kwargs):
        # Holds the first writer's new rows uncommitted for a moment, so the two always meet.
        result = real_apply(**kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(services, "people_import_apply", slow_apply)
    outcomes = race(uploads)
    assert sorted(outcomes) == [APPLIED_MEANWHILE_MESSAGE, "applied"]
    assert User.objects.filter(email="ana@example.com").count() == 1
    assert PeopleImport.objects.filter(applied_at__isnull=False).count() == 1
