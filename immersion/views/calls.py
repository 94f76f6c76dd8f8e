"""Customer calls: the CX lead keeps the call list and question sets; an executive in a
customer-call session draws customers and records each call. Customers' details are shown
only to the CX lead and to the executive a call is assigned to."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import csv_preview_page, csv_upload_page, error_text, errors_onto, posted
from core.permissions import permission_required

from ..call_list import call_list_preview
from ..forms import CallListUploadForm, CustomerCallForm, DrawCustomersForm, QuestionSetForm
from ..models import CallListImport, Customer, CustomerCall, QuestionSet
from ..selectors import customer_call_for, customers_callable, participant_for
from ..services.calls import (
    call_list_run,
    call_list_upload,
    customer_call_record,
    customer_calls_draw,
    question_set_save,
)
from . import ATTEND, MANAGE


@permission_required(MANAGE)
def call_list_view(request):
    """The CX lead: who is on the call list, who may be called now, the question sets."""
    customers = Customer.objects.order_by("name", "account")
    query = request.GET.get("q", "").strip()
    if query:
        customers = customers.filter(
            Q(name__icontains=query) | Q(account__icontains=query) | Q(email__icontains=query)
        )
    page = Paginator(customers, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    callable_ids = set(
        customers_callable().filter(pk__in=[c.pk for c in page]).values_list("pk", flat=True)
    )
    for customer in page:
        customer.callable_now = customer.pk in callable_ids
    return render(
        request,
        "immersion/call_list.html",
        {
            "page": page,
            "query": query,
            "total": Customer.objects.count(),
            "callable_count": customers_callable().count(),
            "question_sets": QuestionSet.objects.annotate(
                question_count=Count("questions", distinct=True),
                call_count=Count("calls", distinct=True),
            ),
            "rest_days": settings.CUSTOMER_CALL_REST_DAYS,
        },
    )


@permission_required(MANAGE)
def call_list_import(request):
    return csv_upload_page(
        request,
        form_class=CallListUploadForm,
        upload=call_list_upload,
        recent=CallListImport.objects.all(),
        template="immersion/call_list_import.html",
    )


@permission_required(MANAGE)
def call_list_preview_view(request, pk: int):
    call_list = get_object_or_404(CallListImport.objects.select_related("uploaded_by"), pk=pk)
    return csv_preview_page(
        request,
        upload=call_list,
        preview=call_list_preview,
        apply=partial(call_list_run, call_list_import=call_list),
        template="immersion/call_list_preview.html",
        upload_url=reverse("immersion:call_list_import"),
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
    form = QuestionSetForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question_set = question_set_save(question_set=question_set, **form.cleaned_data)
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(request, f"{question_set} was saved.")
            return redirect("immersion:call_list")
    return render(
        request,
        "immersion/question_set_form.html",
        {"form": form, "question_set": question_set},
    )


@require_POST
@permission_required(ATTEND, MANAGE)
def customer_calls_draw_view(request, pk: int):
    """The executive in a customer-call session (or the CX lead for them) draws customers."""
    place = participant_for(user=request.user, pk=pk)
    if place is None:
        raise Http404
    form = DrawCustomersForm(request.POST)
    if form.is_valid():
        try:
            calls = customer_calls_draw(participant=place, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, f"{len(calls)} customer{'s' if len(calls) != 1 else ''} to call."
            )
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect(place.session.get_absolute_url())


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
        questions = list(call.question_set.questions.values_list("text", flat=True))
        initial = {}
    else:
        questions = [item["question"] for item in call.answers]
        initial = {f"answer_{n}": item["answer"] for n, item in enumerate(call.answers)}
        initial.update(
            reached="yes" if call.status == CustomerCall.Status.REACHED else "no",
            notes=call.notes,
        )
    form = CustomerCallForm(posted(request) if mine else None, initial=initial, questions=questions)
    if mine and request.method == "POST" and form.is_valid():
        try:
            customer_call_record(
                call=call,
                reached=form.cleaned_data["reached"],
                answers=form.answers,
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(request, f"Call to {call.customer.name} recorded.")
            return redirect(call.participant.session.get_absolute_url())
    return render(
        request,
        "immersion/customer_call.html",
        {"call": call, "form": form, "mine": mine, "withdrawn": call.status == "withdrawn"},
    )
