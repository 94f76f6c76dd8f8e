"""Two applies of a call list at the same moment: exactly one applies, the other is told why,
never an IntegrityError. Real threads on PostgreSQL (SQLite serialises writers)."""

import time

import pytest

from core.testing import race as concurrently
from core.testing import skip_unless_postgresql
from immersion.models import CallListImport, Customer
from immersion.services import calls
from immersion.services.calls import (
    ALREADY_APPLIED_MESSAGE,
    APPLIED_MEANWHILE_MESSAGE,
    call_list_run,
    call_list_upload,
)

HEADER = "customer name,account,phone,email,consent,do not contact\n"
DATA = (HEADER + "Maria Lopez,ACME-1,+34 600 123 456,,yes,no\n").encode()


def race(imports: list) -> list[str]:
    """Apply each of `imports` in its own thread, all released at once: what each was told."""

    def apply(one) -> str:
        call_list_run(call_list_import=one)
        return "applied"

    return concurrently(apply, imports)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_applies_of_one_call_list_at_once_apply_it_once(make_user):
    skip_unless_postgresql()
    upload = call_list_upload(uploaded_by=make_user(), file_name="calls.csv", data=DATA)
    outcomes = race([upload] * 10)
    assert outcomes.count("applied") == 1
    upload.refresh_from_db()
    assert outcomes.count(ALREADY_APPLIED_MESSAGE.format(when=upload.applied_at)) == 9, outcomes
    assert Customer.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_uploads_of_one_call_list_applied_at_once_add_each_customer_once(
    make_user, monkeypatch
):
    skip_unless_postgresql()
    lead = make_user()
    uploads = [call_list_upload(uploaded_by=lead, file_name="calls.csv", data=DATA) for _ in "ab"]
    real_apply = calls.call_list_apply

    def slow_apply(**kwargs):
        # Holds the first writer's new rows uncommitted for a moment, so the two always meet.
        result = real_apply(**kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(calls, "call_list_apply", slow_apply)
    outcomes = race(uploads)
    assert sorted(outcomes) == [APPLIED_MEANWHILE_MESSAGE, "applied"]
    assert Customer.objects.count() == 1
    assert CallListImport.objects.filter(applied_at__isnull=False).count() == 1
