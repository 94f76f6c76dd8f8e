"""The activity catalogue and default cadence targets, from the seeds (000, 002, 003, 004).

Both are data the CX lead edits afterwards; this only fills an empty programme.
"""

from datetime import time
from decimal import Decimal

from django.db import migrations

# slug, name, pillar, mode, counts as customer time, needs a host team, minutes, start, description
ACTIVITY_TYPES = [
    ("customer-journey", "Customer journey exercise", "direct", "individual", True, False, 120, time(10),
     "Be a customer: buy, onboard, get support, renew, self-serve, open the box. Document every friction point."),
    ("mystery-shop", "Mystery-shop our own channels", "direct", "individual", True, False, 60, time(10),
     "Try the phone menu, the chatbot and the web portal as a customer would."),
    ("customer-calls", "Customer calls from a call list", "direct", "individual", True, False, 60, time(14),
     "Call customers from the CX lead's list with the question set."),
    ("call-listening", "Call listening", "observation", "individual", True, True, 60, time(10),
     "Listen in on live customer calls beside an agent; ask what gets in their way."),
    ("chat-observation", "Chat and e-mail observation", "observation", "individual", True, True, 60, time(10),
     "Watch chat and e-mail conversations as agents handle them."),
    ("qa-review", "Quality assurance review", "observation", "individual", False, True, 60, time(14),
     "Join the QA team scoring recorded interactions."),
    ("sales-ride-along", "Sales ride-along", "observation", "individual", True, True, 180, time(9),
     "Attend customer meetings with sales or account management."),
    ("officer-of-the-day", "Officer of the Day", "observation", "officer_of_the_day", True, False, 480, time(9),
     "On call for the day: escalated customer issues come to you to resolve."),
    ("friction-review", "Weekly friction review", "accountability", "group", False, False, 60, time(10),
     "Leadership examines the friction reports frontline teams raised and commits to resolution dates."),
    ("customer-council", "Customer council", "accountability", "group", False, False, 90, time(14),
     "Product, finance, operations, technology and customer-facing teams on one customer problem."),
]

# activity slug, amount, unit, period, applies to
TARGETS = [
    ("call-listening", Decimal(2), "hours", "month", "each_executive"),
    ("officer-of-the-day", Decimal(1), "sessions", "month", "each_executive"),
    ("customer-journey", Decimal(1), "sessions", "quarter", "each_executive"),
    ("friction-review", Decimal(1), "sessions", "week", "leadership_team"),
]


def add_catalogue(apps, schema_editor):
    ActivityType = apps.get_model("immersion", "ActivityType")
    CadenceTarget = apps.get_model("immersion", "CadenceTarget")
    by_slug = {}
    for slug, name, pillar, mode, customer, host, minutes, start, description in ACTIVITY_TYPES:
        by_slug[slug], _ = ActivityType.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name, "pillar": pillar, "mode": mode,
                "counts_as_customer_time": customer, "needs_host_team": host,
                "default_duration_minutes": minutes, "default_start_time": start,
                "description": description,
            },
        )
    for slug, amount, unit, period, applies_to in TARGETS:
        CadenceTarget.objects.get_or_create(
            activity_type=by_slug[slug], period=period, applies_to=applies_to, department=None,
            defaults={"amount": amount, "unit": unit},
        )


class Migration(migrations.Migration):
    dependencies = [("immersion", "0002_participant_no_overlap")]

    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
