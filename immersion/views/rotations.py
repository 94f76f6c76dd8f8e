"""The rotation builder (CX lead): choose, preview without a reload, adjust, publish."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.http import error_text, posted
from core.permissions import permission_required

from ..forms import ExecutiveSearchForm, RotationForm
from ..selectors import (
    desks_by_pk,
    executive_search,
    people_by_pk,
    rotation_sessions,
    rotations_published,
    teams_by_pk,
)
from ..services.rotations import RotationChoice, rotation_preview, rotation_publish
from . import MANAGE

# How many matches a search for executives shows (the rest: type more of the name).
SEARCH_SHOWS = 20


def _choice(form: RotationForm) -> RotationChoice:
    data = form.cleaned_data
    return RotationChoice(
        activity_type=data["activity_type"],
        start_date=data["start"],
        end_date=data["end"],
        executives=form.selected_executives(),
        host_teams=list(data["host_teams"]) if data["activity_type"].needs_host_team else [],
        cover_every_day=data["cover_every_day"],
    )


def _preview_context(choice: RotationChoice, plan, *, ticked=None) -> dict:
    """What the preview table shows: names instead of ids, changes first, counts."""
    people = {e.pk: e for e in choice.executives}
    teams = teams_by_pk()
    desks = desks_by_pk() if any(p.desk_id for p in plan.changes) else {}
    missing = {s.executive_id for s in plan.shortfalls} - set(people) - {None}
    if missing:
        people.update(people_by_pk(pks=missing))
    viewer_zone = timezone.get_current_timezone_name()
    changes = []
    for p in plan.changes:
        who = [people[i] for i in p.executive_ids if i in people]
        # One person elsewhere: say what the time is for them too.
        local = None
        if len(who) == 1 and who[0].time_zone and who[0].time_zone != viewer_zone:
            local = (
                f"{p.start.astimezone(who[0].zone):%H:%M} in {who[0].time_zone.replace('_', ' ')}"
            )
        changes.append(
            {
                "proposal": p,
                "people": who,
                "team": teams.get(p.host_team_id),
                "desk": desks.get(p.desk_id),
                "ticked": ticked is None or p.key in ticked,
                "local": local,
            }
        )
    return {
        "choice": choice,
        "plan": plan,
        "changes": changes,
        "kept": sum(1 for p in plan.proposals if p.action == "keep"),
        "counts": {
            a: sum(1 for p in plan.changes if p.action == a) for a in ("create", "move", "cancel")
        },
        "shortfalls": [
            {"shortfall": s, "person": people.get(s.executive_id)} for s in plan.shortfalls
        ],
    }


def _executive_choice(request, form: RotationForm) -> dict:
    """The executives ticked so far and, after a search (GET `q`), those that match."""
    if request.method != "GET" or "q" not in request.GET:
        return {"chosen_people": form.chosen_people() if form.search_executives else []}
    search = ExecutiveSearchForm(request.GET)
    chosen = search.chosen_people()
    context = {"search": search, "chosen_people": chosen}
    if search.is_valid() and search.cleaned_data["q"]:
        matches, total = executive_search(
            q=search.cleaned_data["q"], leave_out=[p.pk for p in chosen], limit=SEARCH_SHOWS
        )
        context.update(matches=matches, total=total)
    return context


@permission_required(MANAGE)
def rotation_builder(request):
    """CX lead: the builder page; POST action=preview (no JavaScript) or action=publish. In an
    organisation too large to list every executive, GET `q` finds executives to tick (htmx:
    just the choice, the ticked ones kept)."""
    form = RotationForm(posted(request))
    context = {"form": form, **_executive_choice(request, form)}
    if request.htmx and "q" in request.GET:
        return render(request, "immersion/rotation_builder.html#executive_choice", context)
    if request.method == "POST" and form.is_valid():
        choice = _choice(form)
        if request.POST.get("action") == "publish":
            ticked = set(request.POST.getlist("include"))
            try:
                rotation = rotation_publish(
                    choice=choice,
                    include=ticked,
                    fingerprint=request.POST.get("fingerprint", ""),
                    by=request.user,
                )
            except ValidationError as exc:  # not action_redirect: refused, the preview is redrawn
                messages.error(request, error_text(exc))
                context.update(
                    _preview_context(choice, rotation_preview(choice=choice), ticked=ticked)
                )
            else:
                messages.success(
                    request,
                    f"Published: {rotation.created_count} created, {rotation.moved_count} moved, "
                    f"{rotation.cancelled_count} cancelled.",
                )
                return redirect(rotation.get_absolute_url())
        else:
            context.update(_preview_context(choice, rotation_preview(choice=choice)))
    return render(request, "immersion/rotation_builder.html", context)


@require_POST
@permission_required(MANAGE)
def rotation_preview_fragment(request):
    """CX lead (htmx): the preview for what is chosen so far, or the form's errors."""
    form = RotationForm(request.POST)
    if not form.is_valid():
        return render(request, "immersion/rotation_builder.html#errors", {"form": form})
    choice = _choice(form)
    return render(
        request,
        "immersion/rotation_builder.html#preview",
        _preview_context(choice, rotation_preview(choice=choice)),
    )


@permission_required(MANAGE)
def rotation_list(request):
    rotations = rotations_published()[:50]
    return render(request, "immersion/rotation_list.html", {"rotations": rotations})


@permission_required(MANAGE)
def rotation_detail(request, pk: int):
    rotation = get_object_or_404(rotations_published(), pk=pk)
    people = people_by_pk(pks=[s["executive"] for s in rotation.shortfalls if s["executive"]])
    sessions = rotation_sessions(rotation=rotation)
    return render(
        request,
        "immersion/rotation_detail.html",
        {
            "rotation": rotation,
            "sessions": sessions,
            "shortfalls": [
                {**s, "person": people.get(s["executive"])} for s in rotation.shortfalls
            ],
        },
    )
