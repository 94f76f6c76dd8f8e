"""A report's status and the friction board's rows, written in one pass of Python.

The board's 50 rows through the template language were most of the page at issue 14's volume:
each row resolved fourteen variables, three choice labels, an address, an age and an included
badge (about 9 ms of 40 in-process). Written here the rows are the same markup, and the badge is
one function that every page showing a report's status uses.
"""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from accounts.models import FrontlineTeam
from core.calendar import org_today

from ..models import Area, FrictionReport, Status

register = template.Library()

_BADGE_CLASS = {
    Status.RESOLVED: "text-bg-success",
    Status.DECLINED: "text-bg-secondary",
    Status.DUPLICATE: "text-bg-secondary",
    Status.NEW: "text-bg-primary",
}
_STATUS = dict(Status.choices)
_AREA = dict(Area.choices)
_CHANNEL = dict(FrontlineTeam.Channel.choices)
_OVERDUE = '<span class="badge text-bg-danger">Overdue</span>'


def _badge(report: FrictionReport, today) -> str:
    status = report.status
    badge = (
        f'<span class="badge {_BADGE_CLASS.get(status, "text-bg-info")}">'
        f"{escape(_STATUS.get(status, status))}</span>"
    )
    return f"{badge} {_OVERDUE}" if report.is_overdue(today) else badge


@register.simple_tag
def status_badge(report: FrictionReport) -> SafeString:
    """A report's status as a badge, and "Overdue" beside it when it is open past its due date."""
    return mark_safe(_badge(report, org_today()))  # noqa: S308 - escaped in _badge


@register.simple_tag
def board_rows(reports) -> SafeString:
    """The board's table rows for `reports` (with owner and team): title and link, area,
    channel and team, status, support, age, owner, due date."""
    today = org_today()
    rows = []
    for report in reports:
        where = f"{escape(_AREA.get(report.area, report.area))} · " + escape(
            _CHANNEL.get(report.channel, report.channel)
        )
        if report.team is not None:
            where += f" · {escape(report.team)}"
        owner = escape(report.owner) if report.owner is not None else "—"
        due = date_format(report.due, "j M Y") if report.is_open else "—"
        rows.append(
            f'<tr><td><a href="{report.get_absolute_url()}">{escape(report.title)}</a>'
            f'<div class="small text-body-secondary">{where}</div></td>'
            f"<td>{_badge(report, today)}</td>"
            f'<td class="text-end">{report.support_count + 1}</td>'
            f"<td>{escape(timesince(report.created_at))}</td>"
            f"<td>{owner}</td><td>{due}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above
