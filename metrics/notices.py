"""The quarterly pack by e-mail: when beat closes a quarter, everyone who may read the dashboard
is sent its figures, links to the pack and the dashboard, and the two CSV files.

metrics sits above notifications, so the kind is registered here (imported by
MetricsConfig.ready, so web and worker processes both know it) and its rows go through the
same outbox as every other message: written in the closing transaction, sent once by the worker,
held by quiet hours (beat closes quarters at 02:15). Its e-mail templates are
metrics/templates/notifications/email/quarterly_pack.{txt,html}, where the worker looks for
a kind's templates. The CSV files are made when the e-mail is made, from the stored roll-up.
"""

from django.contrib.auth.models import Permission

from accounts.models import User
from notifications.kinds import Kind, register
from notifications.services import notify

from .exports import (
    quarter_address,
    quarter_csv_attachments,
    quarter_pack_read,
)
from .formatting import change_text, figure_text
from .models import QuarterRollup
from .quarters import Quarter
from .roles import VIEW_DASHBOARD

QUARTERLY_PACK = "quarterly_pack"
PACK_TITLE = "Proximity quarterly pack: {quarter}"
ROLLUP_GONE_REASON = "The quarter's figures were removed before this could be sent."
# Who gets the pack: whoever the dashboard is for (metrics.view_dashboard, held by the
# leadership and CX lead roles), so every link in it opens for them.
READS_THE_DASHBOARD = tuple(VIEW_DASHBOARD.split("."))


def _context(notification, rollup: QuarterRollup) -> dict:
    quarter = Quarter.stored(rollup.quarter)
    pack = quarter_pack_read(quarter=quarter)
    figures = []
    if pack.organisation is not None:
        for column in pack.figure_columns:
            value = pack.organisation.values[column.key]
            before = pack.organisation.previous[column.key] if pack.organisation.previous else None
            figures.append(
                {
                    "label": column.label,
                    "value": figure_text(value, column.unit),
                    "change": change_text(value, before, column.unit),
                }
            )
    return {
        "quarter": quarter,
        "previous_quarter": quarter.previous,
        "rollup": rollup,
        "figures": figures,
        "executives": len(pack.executives),
        "pack_url": notification.url,
        "dashboard_url": quarter_address("metrics:dashboard", quarter),
    }


def _attachments(notification, rollup: QuarterRollup) -> list[tuple[str, bytes, str]]:
    return quarter_csv_attachments(quarter=Quarter.stored(rollup.quarter))


def _obsolete(notification, rollup: QuarterRollup | None) -> str | None:
    return ROLLUP_GONE_REASON if rollup is None else None


QUARTERLY_PACK_KIND = register(
    Kind(
        key=QUARTERLY_PACK,
        label="The quarterly pack, when a quarter closes",
        context=_context,
        attachments=_attachments,
        obsolete=_obsolete,
        audience=VIEW_DASHBOARD,
    )
)


def quarterly_pack_recipients():
    """Active people whose role lets them read the dashboard (leadership, the CX lead)."""
    app_label, codename = READS_THE_DASHBOARD
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        User.objects.filter(is_active=True, groups__permissions__in=permission)
        .distinct()
        .order_by("pk")
    )


def quarterly_pack_notify(*, rollup: QuarterRollup) -> int:
    """Write the pack of a closed quarter to each recipient's outbox, in the caller's
    transaction. Once per quarter and person: the outbox key (kind, the roll-up, the person,
    the quarter) makes a second call write nothing. Returns how many rows were written."""
    url = quarter_address("metrics:pack", rollup.quarter)
    written = 0
    for person in quarterly_pack_recipients():
        row = notify(
            kind=QUARTERLY_PACK,
            recipient=person,
            subject=rollup,
            occasion=rollup.quarter,
            title=PACK_TITLE.format(quarter=rollup.quarter),
            url=url,
        )
        written += row is not None
    return written
