"""Customer calls: the call list upload, question sets, drawing customers for an executive, and
recording each call.

Who may be drawn: a customer who consented, is not marked do-not-contact, has no call waiting
with another executive, and was not called (reached or not) by anyone in the last
CUSTOMER_CALL_REST_DAYS days. Those rested longest are drawn first.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.csv_files import csv_decode

from ..call_list import CallListPreview, call_list_apply
from ..models import (
    ActivityType,
    CallListImport,
    CustomerCall,
    Participant,
    Question,
    QuestionSet,
    Session,
)
from ..selectors import customers_callable, todos_changed_for
from .lines import distinct_lines, full_clean_with_lines

ALREADY_APPLIED_MESSAGE = "This file was already imported on {when:%d %b %Y %H:%M}."
APPLIED_MEANWHILE_MESSAGE = (
    "These customers were already imported from another upload at the same moment; nothing "
    "from this file was applied. Open its preview again to see what is left."
)
EMPTY_QUESTION_SET_MESSAGE = "A question set needs at least one question: write one per line."
NOT_A_CALL_SESSION_MESSAGE = "{activity} sessions have no customer calls."
NOT_IN_SESSION_MESSAGE = "Only the executive in this session, or a CX lead, can draw customers."
SESSION_CANCELLED_MESSAGE = "This session was cancelled."
COUNT_RANGE_MESSAGE = "Draw between 1 and 20 customers at a time."
NOBODY_TO_CALL_MESSAGE = (
    "Nobody on the call list may be called now: the rest have not consented, asked not to be "
    "contacted, are waiting with another executive, or were called in the last {days} days."
)
INACTIVE_QUESTION_SET_MESSAGE = "This question set is no longer in use; choose another."
DRAW_RACE_MESSAGE = "Someone drew customers at the same moment; draw again."
NOT_YOUR_CALL_MESSAGE = "Only the executive this call is assigned to can record it."
CALL_WITHDRAWN_MESSAGE = "This customer no longer wishes to be contacted: do not call them."
MAX_DRAW = 20


def call_list_upload(*, uploaded_by, file_name: str, data: bytes) -> CallListImport:
    """Keep an uploaded call list for preview. Refuses files that are not UTF-8 text."""
    return CallListImport.objects.create(
        uploaded_by=uploaded_by, file_name=file_name[:255], content=csv_decode(data)
    )


@transaction.atomic
def call_list_run(
    *, call_list_import: CallListImport, on_row: Callable[[object], None] | None = None
) -> CallListPreview:
    """Apply a previewed call list once: all rows or none. `on_row` hears of each row as it is
    gone through (the worker's progress)."""
    call_list_import = CallListImport.objects.select_for_update().get(pk=call_list_import.pk)
    if call_list_import.applied_at is not None:
        raise ValidationError(ALREADY_APPLIED_MESSAGE.format(when=call_list_import.applied_at))
    try:
        with transaction.atomic():
            result = call_list_apply(data=call_list_import.content, on_row=on_row)
    except IntegrityError:
        # Another upload of the same customers, applied at the same moment, added them first.
        raise ValidationError(APPLIED_MEANWHILE_MESSAGE) from None
    call_list_import.applied_at = timezone.now()
    call_list_import.created_count = result.count_create
    call_list_import.updated_count = result.count_update
    call_list_import.unchanged_count = result.count_unchanged
    call_list_import.save()
    return result


@transaction.atomic
def question_set_save(
    *,
    question_set: QuestionSet | None = None,
    name: str,
    questions: list[str],
    is_active: bool = True,
) -> QuestionSet:
    """Create or change a question set; it needs at least one question. Calls already made keep
    the questions as they were asked."""
    lines = distinct_lines(questions)
    question_set = question_set or QuestionSet()
    question_set.name = name.strip()
    question_set.is_active = is_active
    full_clean_with_lines(
        question_set,
        field="questions",
        lines=lines,
        limit=300,
        empty_message=EMPTY_QUESTION_SET_MESSAGE,
    )
    question_set.save()
    question_set.questions.all().delete()
    Question.objects.bulk_create(
        Question(question_set=question_set, position=position, text=text)
        for position, text in enumerate(lines)
    )
    return question_set


def customer_calls_draw(
    *, participant: Participant, question_set: QuestionSet, count: int, by: User
) -> list[CustomerCall]:
    """Draw up to `count` customers for the executive in a customer-call session.

    Never a customer who may not be called (see the module); two executives drawing at once
    never get the same customer (a unique constraint on calls waiting backs this up).
    """
    session = participant.session
    if session.activity_type.exercise != ActivityType.Exercise.CUSTOMER_CALLS:
        raise ValidationError(NOT_A_CALL_SESSION_MESSAGE.format(activity=session.activity_type))
    if not participant.is_active or not (
        participant.person_id == by.pk or by.has_perm("immersion.manage_programme")
    ):
        raise ValidationError(NOT_IN_SESSION_MESSAGE)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(SESSION_CANCELLED_MESSAGE)
    if not 1 <= count <= MAX_DRAW:
        raise ValidationError({"count": COUNT_RANGE_MESSAGE})
    if not question_set.is_active:
        raise ValidationError({"question_set": INACTIVE_QUESTION_SET_MESSAGE})
    try:
        with transaction.atomic():
            ids = list(
                customers_callable()
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:count]
            )
            if not ids:
                raise ValidationError(
                    NOBODY_TO_CALL_MESSAGE.format(days=settings.CUSTOMER_CALL_REST_DAYS)
                )
            calls = CustomerCall.objects.bulk_create(
                CustomerCall(participant=participant, customer_id=pk, question_set=question_set)
                for pk in ids
            )
            todos_changed_for([participant.person_id])  # bulk_create sends no post_save
            return calls
    except IntegrityError as exc:
        raise ValidationError(DRAW_RACE_MESSAGE) from exc


@transaction.atomic
def customer_call_record(
    *, call: CustomerCall, reached: bool, answers: list[str], notes: str = "", by: User
) -> CustomerCall:
    """Record how a call went: reached or not, the answer to each question (kept with the
    question as asked), notes. Only the executive it is assigned to."""
    call = (
        CustomerCall.objects.select_for_update()
        .select_related("participant", "question_set")
        .get(pk=call.pk)
    )
    if call.participant.person_id != by.pk:
        raise ValidationError(NOT_YOUR_CALL_MESSAGE)
    if call.status == CustomerCall.Status.WITHDRAWN:
        raise ValidationError(CALL_WITHDRAWN_MESSAGE)
    questions = list(call.question_set.questions.values_list("text", flat=True))
    if call.answers and call.status != CustomerCall.Status.TO_CALL:
        questions = [item["question"] for item in call.answers]
    answers = list(answers) + [""] * (len(questions) - len(answers))
    call.answers = [
        {"question": question, "answer": answer.strip()}
        for question, answer in zip(questions, answers, strict=False)
    ]
    call.status = CustomerCall.Status.REACHED if reached else CustomerCall.Status.NOT_REACHED
    call.notes = notes.strip()
    call.called_at = call.called_at or timezone.now()
    call.save()
    return call
