"""A reflection as a card to read, written in one pass of Python.

The reflections page shows 25 cards; through the template language each resolved twenty-odd
variables, its friction lines and commitments, two dates and an address (about a third of the
page at issue 14's volume). Written here it is the same markup, one function wherever a
reflection is read: the reflections page, a session's page and the author's own.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import Reflection

register = template.Library()

_SHARED = '<span class="badge text-bg-info ms-1">Shared with leadership</span>'
_PRIVATE = '<span class="badge text-bg-light border ms-1">Private</span>'
_DONE = ' <span class="badge text-bg-success">Done</span>'


def _report_it(friction, action: str, csrf_token: str) -> str:
    """The author's button that starts a friction report from one of their lines."""
    return (
        f' · <form method="post" action="{action}" class="d-inline">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
        '<input type="hidden" name="start" value="1">'
        f'<input type="hidden" name="reflection_friction" value="{friction.pk}">'
        '<button type="submit" class="btn btn-link p-0 align-baseline">Report it'
        f'<span class="visually-hidden">: {escape(friction.text)}</span></button></form>'
    )


def _lines(reflection: Reflection, loaded: str, related: str):
    """A card's lines as prefetched (selectors.REFLECTION_CARD_LINES), else read now (the author's
    own page shows one card)."""
    lines = getattr(reflection, loaded, None)
    return getattr(reflection, related).all() if lines is None else lines


@register.simple_tag(takes_context=True)
def reflection_card(context, reflection: Reflection, show_author: bool) -> SafeString:
    """One reflection (with its place, person, session and activity type, friction lines and
    commitments loaded): who and which session, private or shared, what surprised them, what
    they would change, the frictions they saw (each with "Report it" for its author, who may
    file), a customer's words, and their commitments."""
    place = reflection.participant
    session = place.session
    pk = reflection.pk
    title = f"{escape(place.person)} on " if show_author else ""
    title += (
        f'<a href="{session.get_absolute_url()}">{escape(session.activity_type)}, '
        f"{date_format(timezone.localtime(place.starts_at), 'j M Y')}</a>"
    )
    shared = reflection.visibility == Reflection.Visibility.LEADERSHIP
    parts = [
        (
            f'<article class="card mb-3" id="reflection-{pk}" '
            f'aria-labelledby="reflection-{pk}-title">\n  <div class="card-body">\n'
            f'    <h3 class="h6 card-title" id="reflection-{pk}-title">\n      {title}\n'
            f"      {_SHARED if shared else _PRIVATE}\n    </h3>\n"
            '    <dl class="mb-0">\n'
            f"      <dt>What surprised them</dt><dd>{linebreaksbr(reflection.surprised)}</dd>\n"
            "      <dt>What they would change</dt>"
            f"<dd>{linebreaksbr(reflection.would_change)}</dd>\n"
        )
    ]
    frictions = _lines(reflection, "friction_lines", "frictions")
    if frictions:
        user = context.get("user")
        may_report = (
            user is not None
            and place.person_id == user.pk
            and user.has_perm("frictions.file_friction")
        )
        action = reverse("frictions:new") if may_report else ""
        csrf_token = str(context.get("csrf_token", "")) if may_report else ""
        lines = "".join(
            f"<li>{escape(friction.text)}"
            + (_report_it(friction, action, csrf_token) if may_report else "")
            + "</li>"
            for friction in frictions
        )
        parts.append(f'      <dt>Frictions seen</dt><dd><ul class="mb-0">{lines}</ul></dd>\n')
    if reflection.customer_quote:
        parts.append(
            '      <dt>A customer said</dt><dd><blockquote class="blockquote fs-6 mb-0 '
            f'border-start ps-2">“{escape(reflection.customer_quote)}”</blockquote></dd>\n'
        )
    commitments = _lines(reflection, "commitment_lines", "commitments")
    if commitments:
        lines = "".join(
            f"<li>{escape(commitment.text)}, by {date_format(commitment.due_date, 'j M Y')}"
            + (_DONE if commitment.done_at else "")
            + "</li>"
            for commitment in commitments
        )
        parts.append(f'      <dt>Commitments</dt><dd><ul class="mb-0">{lines}</ul></dd>\n')
    parts.append("    </dl>\n  </div>\n</article>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
