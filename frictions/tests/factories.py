"""Builders the frictions tests share.

Reports and triage go through their services rather than a DjangoModelFactory: filing computes
the committed dates, the receipt hash and the first event, and a report built without them would
be one no person could have made.
"""

import json
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from frictions.models import FrictionReport
from frictions.services import (
    anonymous_writes_release,
    friction_report_file,
    friction_report_triage,
)

# Fields through which a row can point at a person: what an anonymous report must never fill in.
USER_FIELDS = {"reporter", "actor", "supporter", "owner", "user", "person", "created_by"}


def release_anonymous():
    """Every anonymous write held, released now as if its hour had ended."""
    return anonymous_writes_release(now=timezone.now() + timedelta(hours=1))


def file(reporter, **overrides):
    """file(reporter, **fields) -> (report, receipt code): a named report about the chatbot.
    Anonymous, the report is released from the holding table at once and returned saved."""
    values = {
        "reporter": reporter,
        "anonymous": False,
        "title": "Chatbot loops when customers ask to cancel",
        "description": "They give up and call us, angry.",
        "area": "platform",
        "channel": "chat",
        "customers_per_week": 25,
        "severity": "medium",
    }
    values.update(overrides)
    report, code = friction_report_file(**values)
    if code is not None:
        release_anonymous()
        report = FrictionReport.objects.get(receipt_hash=report.receipt_hash)
    return report, code


def triage(report, cx_lead, owner, **overrides):
    """`report` triaged by `cx_lead` to `owner`: acknowledged in 3 days, decided in 20."""
    today = timezone.localdate()
    values = {
        "report": report,
        "by": cx_lead,
        "owner": owner,
        "acknowledge_by": today + timedelta(days=3),
        "decide_by": today + timedelta(days=20),
    }
    values.update(overrides)
    return friction_report_triage(**values)


def _database() -> str:
    """Every row in the database as dumpdata's JSON (contenttypes and permissions left out)."""
    out = StringIO()
    call_command(
        "dumpdata", "--natural-foreign", stdout=out, exclude=["contenttypes", "auth.permission"]
    )
    return out.getvalue()


# Counts kept on a row (FrictionReport.support_count): a "me too" moves its report's, which
# says nothing the new support row does not, and names nobody new.
COUNTERS = {"support_count"}


def _database_diff(before: str, after: str) -> list[dict]:
    """The rows in the `after` dump that were not in `before`, other than rows whose only
    change is a counter (COUNTERS)."""
    old = {json.dumps(row, sort_keys=True) for row in json.loads(before)}
    by_key = {(row["model"], row.get("pk")): row for row in json.loads(before)}
    changed = []
    for row in json.loads(after):
        if json.dumps(row, sort_keys=True) in old:
            continue
        was = by_key.get((row["model"], row.get("pk")))
        if (
            was is not None
            and {name for name in row["fields"] if row["fields"][name] != was["fields"].get(name)}
            <= COUNTERS
        ):
            continue
        changed.append(row)
    return changed
