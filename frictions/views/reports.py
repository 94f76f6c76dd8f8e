"""The friction board, filing a report (named or anonymous) and a report's page.

Filing keeps the reporter out of every address and every log line: what a report is filed from
(an escalation, a reflection, a journey step) travels in POST bodies, never in a query string;
the title typed is looked up by POST. Named and anonymous filings answer alike — a 302 to
/frictions/filed/, no sooner than FRICTION_FILING_MIN_SECONDS — and the receipt code reaches
the filer's browser in a signed five-minute cookie that the page reads once and deletes; the
session is not written.
"""

from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.http import action_redirect, errors_onto, form_action, posted
from core.paging import page_by_keys
from core.permissions import permission_required
from immersion.selectors import escalation_for, journey_step_result_for, reflection_friction_for

from ..filters import BoardFilter
from ..forms import (
    FrictionReportForm,
    InformationForm,
    NoteForm,
    TransitionForm,
    TriageForm,
)
from ..models import FrictionReport, FrictionSupport
from ..selectors import (
    friction_board,
    friction_report_for,
    friction_report_supported_by,
    friction_similar,
    friction_timeline,
    typed_number,
)
from ..services import (
    anonymous_release_by,
    friction_can_change,
    friction_report_add_information,
    friction_report_file,
    friction_report_note,
    friction_report_support,
    friction_report_transition,
    friction_report_triage,
)
from . import FILE, TRIAGE, VIEW, no_sooner_than
from .cookies import signed_cookie_delete, signed_cookie_get, signed_cookie_set

OWN_WORDS_MESSAGE = (
    "To file anonymously, put it in your own words: the text still holds what you wrote in "
    "{source}, which is kept under your name."
)
MIN_COPIED = 12  # shorter than this, a copied phrase could be anyone's
FILED_COOKIE = "frictions_filed"
ANONYMOUS_SUPPORT_MESSAGE = (
    "Thank you: your support is counted. It shows on the board once the hour you gave it in "
    "has ended, so nobody can tell it was you."
)


# The board pages through at most this many reports of a filter and sort; past it, it says so
# and offers the filters.
BOARD_ROWS_MAX = 10_000


@permission_required(VIEW)
def board(request):
    """Everyone in the programme: every report, filtered and sorted."""
    page = page_by_keys(request, friction_board(filters=request.GET), rows_max=BOARD_ROWS_MAX)
    return render(
        request,
        "frictions/board.html",
        {
            "filters": BoardFilter(request.GET).form,
            "page": page,
            "filtered": bool(request.GET),
            "rows_max": BOARD_ROWS_MAX if page.paginator.capped else None,
        },
    )


def _source(request) -> dict:
    """What a report filed from a reflection, a journey step or an escalation starts with,
    named in the POST body (an address would put it in the access log). Each source only for
    the person it belongs to (or who may see the escalation)."""
    user = request.user
    if pk := typed_number(request.POST.get("reflection_friction", "")):
        friction = reflection_friction_for(user=user, pk=pk)
        if friction is not None:
            session = friction.reflection.participant.session
            return {
                "source_reflection_friction": friction,
                "initial": {
                    "title": friction.text[:200],
                    "description": f"Seen during {session.activity_type} on "
                    f"{session.starts_at:%d %b %Y}: {friction.text}",
                },
                "label": f"your reflection on {session.activity_type}",
                "field": ("reflection_friction", friction.pk),
            }
    if pk := typed_number(request.POST.get("journey_step", "")):
        result = journey_step_result_for(user=user, pk=pk)
        if result is not None:
            how = "failed" if not result.worked else f"took effort {result.effort} of 7"
            return {
                "source_journey_step": result,
                "initial": {
                    "title": f"{result.exercise.template}: “{result.step}” {how}",
                    "description": result.note
                    or f"Walking “{result.exercise.template}” as a "
                    f"customer, the step “{result.step}” {how}.",
                },
                "label": f"your journey “{result.exercise.template}”",
                "field": ("journey_step", result.pk),
            }
    if pk := typed_number(request.POST.get("escalation", "")):
        escalation = escalation_for(user=user, pk=pk)
        if escalation is not None:
            return {
                "source_escalation": escalation,
                "initial": {
                    "title": escalation.what_happened.split("\n")[0][:200],
                    "description": escalation.what_happened,
                    "channel": escalation.channel,
                },
                "label": f"escalation {escalation.customer_reference}",
                "field": ("escalation", escalation.pk),
            }
    return {}


@never_cache
@permission_required(FILE)
@no_sooner_than("FRICTION_FILING_MIN_SECONDS")
def report_new(request):
    """Frontline agents (and executives from what they saw): file a report in one page.

    A "Report it" button elsewhere posts `start` with its source; the form posts back here with
    the source in a hidden field. Filed, named or not: a 302 to the filed page, and the same
    floor of time (the named filing writes a report and an event, the anonymous one a single
    holding row)."""
    source = _source(request)
    starting = request.method == "POST" and "start" in request.POST
    form = FrictionReportForm(None if starting else posted(request), initial=source.get("initial"))
    if request.method == "POST" and not starting and form.is_valid():
        data = form.cleaned_data
        anonymous = data.pop("anonymous")
        if anonymous and _still_the_source_text(data, source):
            # The words copied from an escalation, a reflection or a journey step are already
            # in the database under the author's name: filed as they are, they would name them.
            form.add_error("description", OWN_WORDS_MESSAGE.format(source=source["label"]))
            return _report_form(request, form, source)
        try:
            report, code = friction_report_file(
                reporter=request.user,
                anonymous=anonymous,
                **data,
                **{k: v for k, v in source.items() if k.startswith("source_")},
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            filed = {"code": code} if anonymous else {"report": report.pk}
            return signed_cookie_set(
                redirect("frictions:filed"),
                FILED_COOKIE,
                filed,
                max_age=settings.FRICTION_RECEIPT_COOKIE_SECONDS,
                path=reverse("frictions:filed"),
            )
    return _report_form(request, form, source)


def _still_the_source_text(data: dict, source: dict) -> bool:
    """Whether the title or the description still holds the source's own words, as copied."""
    initial = source.get("initial") or {}
    for name in ("title", "description"):
        copied = (initial.get(name) or "").strip()
        if len(copied) >= MIN_COPIED and copied in (data.get(name) or ""):
            return True
    return False


def _report_form(request, form, source: dict):
    return render(
        request,
        "frictions/report_form.html",
        {"form": form, "source": source.get("label"), "source_field": source.get("field")},
    )


@never_cache
@permission_required(FILE)
def report_filed(request):
    """After filing (post/redirect/get): a named report's page, or the anonymous reporter's
    receipt code, shown once — read from the signed cookie and deleted with this answer, so a
    reload says it was already shown."""
    filed = signed_cookie_get(
        request, FILED_COOKIE, max_age=settings.FRICTION_RECEIPT_COOKIE_SECONDS
    )
    # Both answer 200 from this one address, so the access log cannot tell them apart; the named
    # reporter follows a link to their report's page.
    report = typed_number(str(filed.get("report", "")))
    named = friction_report_for(pk=report) if report else None
    response = render(
        request,
        "frictions/receipt_issued.html",
        {"named": named, "code": filed.get("code"), "appears_by": anonymous_release_by()},
    )
    return signed_cookie_delete(response, FILED_COOKIE, path=reverse("frictions:filed"))


@require_POST
@permission_required(FILE)
def similar(request):
    """htmx: open reports like the title being typed, each with a "me too". A POST, so what
    is typed stays out of the address and the access log."""
    return render(
        request,
        "frictions/report_form.html#similar",
        {"similar": friction_similar(text=request.POST.get("title", ""))},
    )


def _detail(request, report, *, status=200, loaded=False, **forms):
    """A report's page, with the triage forms bound to what was typed when a change failed.
    `loaded`: the report was read by friction_report_for already (not read twice)."""
    if not loaded:
        report = friction_report_for(pk=report.pk)
    user = request.user
    may_change = friction_can_change(report=report, user=user)
    internal = may_change
    context = {
        "report": report,
        "timeline": friction_timeline(report=report, internal=internal),
        "internal": internal,
        "supported": friction_report_supported_by(report=report, user=user),
        "can_support": user.has_perm(FILE),
        "may_change": may_change,
    }
    if may_change:
        context["note_form"] = forms.get("note_form") or NoteForm()
        if report.is_open:
            context["transition_form"] = forms.get("transition_form") or TransitionForm(
                report=report, user=user
            )
    if user.has_perm(TRIAGE):
        context["triage_form"] = forms.get("triage_form") or TriageForm(
            initial={
                "owner": report.owner,
                "acknowledge_by": report.acknowledge_by,
                "decide_by": report.decide_by,
            }
        )
    return render(request, "frictions/report_detail.html", context, status=status)


@permission_required(VIEW)
def report_detail(request, pk: int):
    """Everyone in the programme reads a report and its public timeline; the CX lead and the
    owner also read internal notes and change it."""
    report = friction_report_for(pk=pk)
    if report is None:
        raise Http404
    return _detail(request, report, loaded=True)


@require_POST
@permission_required(TRIAGE)
def report_triage(request, pk: int):
    """The CX lead: owner and committed dates."""
    report = get_object_or_404(FrictionReport, pk=pk)
    form = TriageForm(request.POST)
    done = form_action(
        request,
        form,
        partial(friction_report_triage, report=report, by=request.user),
        success="Owner and dates saved; the timeline says so.",
        done_url=report.get_absolute_url(),
    )
    return done or _detail(request, report, triage_form=form)


@require_POST
@permission_required(VIEW)
def report_transition(request, pk: int):
    """The CX lead or the owner: a new status, with its public response."""
    report = get_object_or_404(FrictionReport, pk=pk)
    if not friction_can_change(report=report, user=request.user):
        raise PermissionDenied
    form = TransitionForm(request.POST, report=report, user=request.user)
    done = form_action(
        request,
        form,
        partial(friction_report_transition, report=report, by=request.user),
        success="Saved; the response is on the timeline.",
        done_url=report.get_absolute_url(),
    )
    return done or _detail(request, report, transition_form=form)


@require_POST
@permission_required(VIEW)
def report_note(request, pk: int):
    """The CX lead or the owner: an internal note."""
    report = get_object_or_404(FrictionReport, pk=pk)
    if not friction_can_change(report=report, user=request.user):
        raise PermissionDenied
    form = NoteForm(request.POST)
    done = form_action(
        request,
        form,
        partial(friction_report_note, report=report, by=request.user),
        success="Note added (internal).",
        done_url=report.get_absolute_url(),
    )
    return done or _detail(request, report, note_form=form)


@require_POST
@permission_required(FILE)
def report_support(request, pk: int):
    report = get_object_or_404(FrictionReport, pk=pk)
    return action_redirect(
        request,
        partial(
            friction_report_support,
            report=report,
            supporter=request.user,
            anonymous=request.POST.get("anonymous") == "yes",
        ),
        success=lambda support: (
            ANONYMOUS_SUPPORT_MESSAGE
            if not isinstance(support, FrictionSupport)
            else "Thank you: your support is counted."
        ),
        done_url=report.get_absolute_url(),
    )


@require_POST
@permission_required(FILE, TRIAGE)
def report_information(request, pk: int):
    """Someone signed in adds information, by name, to the public timeline."""
    report = get_object_or_404(FrictionReport, pk=pk)
    form = InformationForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""  # "" is refused with its reason
    return action_redirect(
        request,
        partial(friction_report_add_information, report=report, text=text, by=request.user),
        success="Added to the timeline.",
        done_url=report.get_absolute_url(),
    )
