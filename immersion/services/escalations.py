"""Officer of the Day: escalations go to the executive on shift at their desk, or to a CX lead."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import people_with_role

from ..models import Escalation, OfficerDesk, OfficerDeskTeam
from ..selectors import officer_desk_of, officer_on_shift
from ..signals import escalation_routed

NOBODY_TO_ROUTE_MESSAGE = (
    "Nobody is on shift and there is no CX lead to take escalations; ask an administrator."
)
RESOLUTION_REQUIRED_MESSAGE = "Say how it was resolved."
ALREADY_RESOLVED_MESSAGE = "This escalation is already resolved."
NOT_YOURS_MESSAGE = "Only the person it was routed to, or a CX lead, can resolve it."


def _fallback_cx_lead():
    """The CX lead with the fewest open escalations (so a busy day spreads over several)."""
    return (
        people_with_role(role=Role.CX_LEAD)
        .annotate(
            open_count=Count(
                "escalations_routed",
                filter=Q(escalations_routed__status=Escalation.Status.OPEN),
            )
        )
        .order_by("open_count", "pk")
        .first()
    )


@transaction.atomic
def escalation_log(
    *,
    logged_by,
    customer_reference: str,
    what_happened: str,
    urgency: str,
    channel: str,
    desk: OfficerDesk | None = None,
) -> Escalation:
    """Log an escalation against a desk (`desk`, else the logger's team's desk, else the first
    desk) and route it: that desk's officer on shift now, else a CX lead. Whoever it went to is
    told at once (escalation_routed, in this transaction)."""
    if desk is None:
        desk = officer_desk_of(team_id=getattr(logged_by, "frontline_team_id", None))
    shift = officer_on_shift(desk=desk) if desk is not None else officer_on_shift()
    routed_to = shift.person if shift else _fallback_cx_lead()
    if routed_to is None:
        raise ValidationError(NOBODY_TO_ROUTE_MESSAGE)
    escalation = Escalation(
        logged_by=logged_by,
        customer_reference=customer_reference.strip(),
        what_happened=what_happened.strip(),
        urgency=urgency,
        channel=channel,
        routed_to=routed_to,
        desk=desk,
        shift=shift.session if shift else None,
    )
    escalation.full_clean()
    escalation.save()
    escalation_routed.send(sender=Escalation, escalation=escalation)
    return escalation


def escalation_can_resolve(*, escalation: Escalation, user: User) -> bool:
    """The person it was routed to, or whoever runs the programme, may resolve it."""
    return escalation.routed_to_id == user.pk or user.has_perm("immersion.manage_programme")


@transaction.atomic
def escalation_resolve(*, escalation: Escalation, by: User, note: str) -> Escalation:
    """Close an escalation with how it was resolved; the time to resolve is kept."""
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.status == Escalation.Status.RESOLVED:
        raise ValidationError(ALREADY_RESOLVED_MESSAGE)
    if not escalation_can_resolve(escalation=escalation, user=by):
        raise ValidationError(NOT_YOURS_MESSAGE)
    if not note.strip():
        raise ValidationError({"resolution_note": RESOLUTION_REQUIRED_MESSAGE})
    escalation.status = Escalation.Status.RESOLVED
    escalation.resolution_note = note.strip()
    escalation.resolved_by = by
    escalation.resolved_at = timezone.now()
    escalation.save()
    return escalation


@transaction.atomic
def officer_desk_save(*, desk: OfficerDesk, teams) -> OfficerDesk:
    """Save an Officer of the Day desk with the frontline teams that escalate to it. A team
    escalates to one desk: a team chosen here leaves the desk it was on."""
    desk.full_clean()
    desk.save()
    team_ids = {team.pk for team in teams}
    OfficerDeskTeam.objects.filter(team_id__in=team_ids).exclude(desk=desk).delete()
    OfficerDeskTeam.objects.filter(desk=desk).exclude(team_id__in=team_ids).delete()
    have = set(OfficerDeskTeam.objects.filter(desk=desk).values_list("team_id", flat=True))
    OfficerDeskTeam.objects.bulk_create(
        OfficerDeskTeam(desk=desk, team_id=pk) for pk in sorted(team_ids - have)
    )
    return desk
