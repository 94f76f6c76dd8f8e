"""Customer calls: the CX lead keeps the call list and question sets; an executive in a
customer-call session draws customers and records each call. Customers' details are shown
only to the CX lead and to the executive a call is assigned to."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import (
    action_redirect,
    csv_preview_page,
    csv_progress_fragment,
    csv_upload_page,
    form_page,
    page_of,
    posted,
)
from core.permissions import permission_required

from ..call_list import call_list_preview
from ..filters import CustomerFilter
from ..forms import CallListUploadForm, CustomerCallForm, DrawCustomersForm, QuestionSetForm
from ..models import CustomerCall, QuestionSet
from ..selectors import (
    call_list_imports,
    customer_call_for,
    customer_count,
    customer_search,
    customers_callable_count,
    participant_for,
    question_sets_with_counts,
    question_texts,
)
from ..services.calls import (
    call_list_upload,
    customer_call_record,
    customer_calls_draw,
    question_set_save,
)
from . import ATTEND, MANAGE


@permission_required(MANAGE)
def call_list_view(request):
    """The CX lead: who is on the call list, who may be called now, the question sets."""
    filters = CustomerFilter(request.GET)
    return render(
        request,
        "immersion/call_list.html",
        {
            "filters": filters.form,
            "filtered": bool(filters.is_valid() and filters.form.cleaned_data.get("q")),
            "page": page_of(request, customer_search(filters=request.GET)),
            "total": customer_count(),
            "callable_count": customers_callable_count(),
            "question_sets": question_sets_with_counts(),
            "rest_days": settings.CUSTOMER_CALL_REST_DAYS,
        },
    )


@permission_required(MANAGE)
def call_list_import(request):
    return csv_upload_page(
        request,
        form_class=CallListUploadForm,
        upload=call_list_upload,
        recent=call_list_imports(),
        template="immersion/call_list_import.html",
    )


@permission_required(MANAGE)
def call_list_preview_view(request, pk: int):
    call_list = get_object_or_404(call_list_imports(), pk=pk)
    return csv_preview_page(
        request,
        upload=call_list,
        preview=call_list_preview,
        template="immersion/call_list_preview.html",
        upload_url=reverse("immersion:call_list_import"),
        progress_url=reverse("immersion:call_list_progress", kwargs={"pk": pk}),
        done_url=reverse("immersion:call_list"),
    )


@permission_required(MANAGE)
def call_list_progress_view(request, pk: int):
    """How far the worker has got with a call list upload; the preview page polls it."""
    return csv_progress_fragment(
        request,
        # Polled every second: not the file itself, which may be 2 MB.
        upload=get_object_or_404(call_list_imports().defer("content"), pk=pk),
        progress_url=request.path,
        done_url=reverse("immersion:call_list"),
    )


@permission_required(MANAGE)
def question_set_edit(request, pk: int | None = None):
    question_set = get_object_or_404(QuestionSet, pk=pk) if pk else None
    initial = {"is_active": True}
    if question_set is not None:
        initial = {
            "name": question_set.name,
            "questions": [q.text for q in question_set.questions.all()],
            "is_active": question_set.is_active,
        }
    return form_page(
        request,
        QuestionSetForm(posted(request), initial=initial),
        partial(question_set_save, question_set=question_set),
        template="immersion/question_set_form.html",
        success=lambda saved: f"{saved} was saved.",
        done_url=reverse("immersion:call_list"),
        context={"question_set": question_set},
    )


@require_POST
@permission_required(ATTEND, MANAGE)
def customer_calls_draw_view(request, pk: int):
    """The executive in a customer-call session (or the CX lead for them) draws customers."""
    place = participant_for(user=request.user, pk=pk)
    if place is None:
        raise Http404
    form = DrawCustomersForm(request.POST)
    done_url = place.session.get_absolute_url()
    if not form.is_valid():
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
        return redirect(done_url)
    return action_redirect(
        request,
        partial(customer_calls_draw, participant=place, by=request.user, **form.cleaned_data),
        success=lambda calls: f"{len(calls)} customer{'s' if len(calls) != 1 else ''} to call.",
        done_url=done_url,
    )


@permission_required(ATTEND, MANAGE)
def customer_call_view(request, pk: int):
    """The executive it is assigned to records the call; the CX lead reads it."""
    call = customer_call_for(user=request.user, pk=pk)
    if call is None:
        raise Http404
    mine = call.participant.person_id == request.user.pk
    if request.method == "POST" and not mine:
        raise PermissionDenied
    if call.status == CustomerCall.Status.TO_CALL:
        questions = question_texts(call=call)
        initial = {}
    else:
        questions = [item["question"] for item in call.answers]
        initial = {f"answer_{n}": item["answer"] for n, item in enumerate(call.answers)}
        initial.update(
            reached="yes" if call.status == CustomerCall.Status.REACHED else "no",
            notes=call.notes,
        )
    form = CustomerCallForm(posted(request) if mine else None, initial=initial, questions=questions)

    def record(*, reached, notes, **_answers):
        return customer_call_record(
            call=call, reached=reached, answers=form.answers, notes=notes, by=request.user
        )

    return form_page(
        request,
        form,
        record,
        template="immersion/customer_call.html",
        success=f"Call to {call.customer.name} recorded.",
        done_url=call.participant.session.get_absolute_url(),
        context={"call": call, "mine": mine, "withdrawn": call.status == "withdrawn"},
    )
