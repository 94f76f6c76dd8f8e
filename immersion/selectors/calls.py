"""Reads for the customer call list the CX lead keeps: customers, question sets, uploads."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from ..filters import CustomerFilter
from ..models import CallListImport, Customer, CustomerCall, QuestionSet
from .followthrough import customers_callable


def customer_search(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Customer]:
    """Customers on the call list matching the call-list filters (`filters.CustomerFilter`), by
    name, each with `callable_now` (whether one could be drawn now; the same rule as
    `customers_callable`, in the same query). A filter value that is not valid is left out."""
    customers = Customer.objects.annotate(
        callable_now=Exists(customers_callable().filter(pk=OuterRef("pk")))
    ).order_by("name", "account", "pk")
    return CustomerFilter(filters or {}, queryset=customers).qs


def customer_count() -> int:
    """How many customers are on the call list, whatever may be called."""
    return Customer.objects.count()


def customers_callable_count() -> int:
    """How many customers could be drawn now (`customers_callable`)."""
    return customers_callable().count()


def question_sets_with_counts() -> QuerySet[QuestionSet]:
    """Every question set, by name, with how many questions it asks and calls used it."""
    return QuestionSet.objects.annotate(
        question_count=Count("questions", distinct=True),
        call_count=Count("calls", distinct=True),
    )


def question_texts(*, call: CustomerCall) -> list[str]:
    """The questions a call is to ask, in order: its question set's as they are now."""
    return list(call.question_set.questions.values_list("text", flat=True))


def call_list_imports() -> QuerySet[CallListImport]:
    """Uploaded call lists, newest first, with who uploaded each."""
    return CallListImport.objects.select_related("uploaded_by")
