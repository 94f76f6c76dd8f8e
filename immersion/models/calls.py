"""Customer calls (seed 003, "talk to customers"): the CX lead's call list and question sets;
each call an executive makes, with the answers."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.addresses import reverse_pk
from core.models import CsvUpload

from .sessions import Participant

USER = settings.AUTH_USER_MODEL


class Customer(models.Model):
    """Someone executives may call. Their details are seen only by the CX lead and the executive
    a call with them is assigned to."""

    name = models.CharField(max_length=200)
    account = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    consent = models.BooleanField("consented to be contacted", default=False)
    do_not_contact = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "account"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name"], name="immersion_customer_once_per_account"
            ),
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""),
                name="immersion_customer_reachable",
                violation_error_message="A customer needs a phone number or an e-mail address.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.account})" if self.account else self.name

    @property
    def may_be_called(self) -> bool:
        return self.consent and not self.do_not_contact


class CallListImport(CsvUpload):
    """An uploaded call list: previewed row by row, applied once."""

    job_task = "immersion.tasks.call_list_apply"

    def get_absolute_url(self) -> str:
        return reverse_pk("immersion:call_list_preview", self.pk)


class QuestionSet(models.Model):
    """The questions an executive asks on a customer call."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_pk("immersion:question_set_edit", self.pk)


class Question(models.Model):
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class CustomerCall(models.Model):
    """A customer drawn for an executive's customer-call session, and how the call went.

    The answers keep the question as it was asked, so editing a question set later does not
    change what a customer was asked."""

    class Status(models.TextChoices):
        TO_CALL = "to_call", "To call"
        REACHED = "reached", "Reached"
        NOT_REACHED = "not_reached", "Not reached"
        WITHDRAWN = "withdrawn", "Withdrawn (no longer to be contacted)"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="customer_calls"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="calls")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="calls")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TO_CALL)
    answers = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    drawn_at = models.DateTimeField(auto_now_add=True)
    called_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["drawn_at", "pk"]
        indexes = [models.Index(fields=["customer", "called_at"])]
        constraints = [
            # Two executives never hold the same customer to call at once.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="to_call"),
                name="immersion_customercall_one_pending_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"Call to {self.customer}"

    def get_absolute_url(self) -> str:
        return reverse_pk("immersion:customer_call", self.pk)
