"""The people page's rows, written in one pass of Python.

Fifty rows through the template language were most of the page at issue 14's volume: each
resolved a dozen variables, an address, its roles and three `default`s (about two thirds of its
time in-process). Written here they are the same markup.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_NONE = '<span class="text-body-secondary">—</span>'
_DEACTIVATED = '<span class="badge text-bg-warning">Deactivated</span>'


def _or_dash(value) -> str:
    return escape(value) if value else "—"


@register.simple_tag
def people_rows(people) -> SafeString:
    """The table rows for `people` (with department, team, manager and roles loaded, as
    `accounts.selectors.people_list` reads them): name linking to the person's page, e-mail and
    title, roles, department, team, manager, and whether they are active."""
    rows = []
    for person in people:
        title = f" · {escape(person.title)}" if person.title else ""
        roles = "".join(
            f'<span class="badge text-bg-secondary role-badge me-1">{escape(label)}</span>'
            for label in person.role_labels
        )
        rows.append(
            "<tr>\n<td>\n"
            f'<a href="{person.get_absolute_url()}">'
            f"{escape(person.display_name)}</a>\n"
            f'<div class="small text-body-secondary">{escape(person.email)}{title}</div>\n'
            f"</td>\n<td>{roles or _NONE}</td>\n"
            f"<td>{_or_dash(person.department)}</td>\n"
            f"<td>{_or_dash(person.frontline_team)}</td>\n"
            f"<td>{_or_dash(person.manager)}</td>\n"
            f"<td>{'Active' if person.is_active else _DEACTIVATED}</td>\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above
