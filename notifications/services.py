"""The outbox: writing what is to be sent, handing it to the worker, sending it exactly once.

    notify (the change's own transaction) ──on commit──▶ hand to the broker (id only)
         │                                                    │ the broker is down: nothing
         ▼                                                    ▼ happens, the row waits
    pending ◀── notifications_relay (beat, every minute): due rows never handed, or handed
       │         more than RESEND_AFTER ago and still pending, are handed (again)
       ▼
    notification_send (worker): locks the row (skip locked), skips it if it is no longer
    pending, sends, marks it sent in the same transaction ──▶ sent | skipped | failed

The lock and the status make a second copy of the task (the relay's, or the broker's
redelivery after a worker was killed) a no-op. What is not covered: a worker killed after the
mail server said 250 and before the commit sends that one message again on the next try; the
Message-ID is the row's, so mail clients that collapse duplicates show it once.

A web request never waits on the broker: the hand-off runs after the commit, without retries,
and any error from the transport only leaves the row to the relay.
"""

import logging
import smtplib
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist, loader
from django.utils import timezone

from accounts.models import User
from core.broker import broker_send

from .kinds import KINDS, Kind, subject_key, subject_load
from .models import Notification, NotificationSettings, Preference
from .selectors import email_choices

logger = logging.getLogger(__name__)

SEND_TASK = "notifications.tasks.send_notification"
# Handed but still pending after this: the broker lost it, or the worker died holding it.
RESEND_AFTER = timedelta(minutes=5)
RELAY_BATCH = 2000
# An SMTP failure is tried again after these waits, then the row is marked failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# Quiet hours may hold a message about a session until their end, but it must still arrive
# this long before the start (one held until 08:00 for an 08:00 session comes too late).
BEFORE_START = timedelta(minutes=15)

NO_ADDRESS_REASON = "They have no e-mail address."
BAD_ADDRESS_REASON = "Their e-mail address is not valid: {address}"
INACTIVE_REASON = "They were deactivated."
EMAIL_OFF_REASON = "They turned this kind of e-mail off."
UNKNOWN_KIND_REASON = "This kind of message is no longer sent."
FAILED_REASON = "Tried {attempts} times without success; last: {error}"
NOT_FAILED_MESSAGE = "Only a message that failed can be sent again."


# Writing


def _quiet_until(*, recipient: User, when: datetime, quiet) -> datetime:
    """`when`, or the end of the quiet hours in the recipient's own time zone if within them."""
    local = when.astimezone(recipient.zone)
    start, end = quiet.quiet_from, quiet.quiet_until
    now = local.time()
    inside = (start <= now or now < end) if start > end else (start <= now < end)
    if not inside:
        return when
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=recipient.zone).astimezone(UTC)


def notification_prepare(
    *,
    kind: str,
    recipient: User,
    subject: models.Model,
    occasion: str,
    title: str,
    url: str,
    data: dict | None = None,
    send_after: datetime | None = None,
    not_later_than: datetime | None = None,
    quiet=None,
) -> Notification:
    """An unsaved outbox row; quiet hours move a kind that is not urgent to the morning,
    but never past `not_later_than` (a reminder must arrive before what it reminds of)."""
    spec = KINDS[kind]
    now = timezone.now()
    when = send_after or now
    if not spec.urgent:
        # A moment already past goes now, so now is what the quiet hours are checked against
        # (a scan writing yesterday's follow-through at 03:00 must not mail it at 03:00).
        goes = max(when, now)
        later = _quiet_until(
            recipient=recipient, when=goes, quiet=quiet or NotificationSettings.current()
        )
        if later != goes and (not_later_than is None or later <= not_later_than):
            when = later
    return Notification(
        kind=kind,
        recipient=recipient,
        subject_type=subject_key(subject),
        subject_id=subject.pk,
        occasion=occasion[:80],
        # One line: a title is the e-mail's subject, and a line break there is refused.
        title=" ".join(title.split())[:300],
        url=url,
        data=data or {},
        send_after=when,
    )


def notify(**kwargs) -> Notification | None:
    """Write one message (see notification_prepare) in the caller's transaction and hand it to
    the worker once that commits. The same (kind, subject, recipient, occasion) twice is one
    row: returns None for the second. Nobody to tell (None) is nothing to do."""
    if kwargs.get("recipient") is None:
        return None
    row = notification_prepare(**kwargs)
    key = ("kind", "subject_type", "subject_id", "recipient", "occasion")
    row, created = Notification.objects.get_or_create(
        **{field: getattr(row, field) for field in key},
        defaults={field: getattr(row, field) for field in ("title", "url", "data", "send_after")},
    )
    if not created:
        return None
    if row.send_after <= timezone.now():
        transaction.on_commit(lambda: notifications_hand([row.pk]))
    return row


def notify_many(rows: list[Notification]) -> int:
    """Write many prepared rows in one statement (a scan); those already written are left as
    they are. The relay hands them to the worker. Returns how many rows were offered."""
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


# Handing to the broker


def notifications_hand(pks: list[int]) -> int:
    """Give the worker these rows' ids, without waiting for a broker that is down. Returns how
    many the broker took; the others stay for the relay."""
    taken = []
    for pk in pks:
        try:
            broker_send(SEND_TASK, args=[pk])
        except Exception:  # noqa: BLE001 - whatever the transport raises, the relay will retry
            logger.warning("Could not hand notification %s to the broker; the relay will.", pk)
            break
        taken.append(pk)
    if taken:
        now = timezone.now()
        # Not a row the worker has already tried and put back for its back-off (send_after
        # moved on): marking it handed would hold its retry for RESEND_AFTER, not its back-off.
        Notification.objects.filter(pk__in=taken, send_after__lte=now).update(handed_at=now)
    return len(taken)


def notifications_relay(*, now: datetime | None = None) -> int:
    """Celery beat, every minute: hand the worker what is due and was never handed (the broker
    was down, or a scan wrote it), or was handed long ago and is still waiting (the message
    was lost, or the worker was killed holding it). Returns how many were handed."""
    now = now or timezone.now()
    pks = list(
        Notification.objects.filter(status=Notification.Status.PENDING, send_after__lte=now)
        .filter(Q(handed_at__isnull=True) | Q(handed_at__lt=now - RESEND_AFTER))
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:RELAY_BATCH]
    )
    return notifications_hand(pks)


# Sending


def email_wanted(*, person: User, kind: str) -> bool:
    """The person's own choice, else the CX lead's default, else the kind's own default (the
    rule is written once, in selectors.email_choices)."""
    return email_choices(person=person)[kind]


def _skip_reason(row: Notification, spec: Kind | None, subject) -> tuple[str, bool]:
    """Why not to e-mail it ("" to send), and whether it was overtaken (what it is about has
    changed or been done since) rather than held back by something about the person."""
    if spec is None:
        return UNKNOWN_KIND_REASON, True
    person = row.recipient
    if not person.is_active:
        return INACTIVE_REASON, False
    if not person.email:
        return NO_ADDRESS_REASON, False
    try:
        validate_email(person.email)
    except ValidationError:
        return BAD_ADDRESS_REASON.format(address=person.email)[:300], False
    if not email_wanted(person=person, kind=row.kind):
        return EMAIL_OFF_REASON, False
    if spec.obsolete is not None:
        return spec.obsolete(row, subject) or "", True
    return "", False


def _context(row: Notification, spec: Kind, subject) -> dict:
    site = settings.SITE_URL.rstrip("/")
    context = {
        "notification": row,
        "recipient": row.recipient,
        "subject": subject,
        "data": row.data,
        "site_url": site,
        "action_url": site + row.url,
    }
    if spec.context is not None:
        context.update(spec.context(row, subject))
    return context


def _render(template: str, context: dict) -> str:
    return loader.render_to_string(template, context)


def _html(key: str, context: dict, text: str) -> str:
    try:
        return _render(f"notifications/email/{key}.html", context)
    except TemplateDoesNotExist:
        return _render("notifications/email/layout.html", {**context, "text": text})


def _message(items: list[tuple[Notification, Kind, object]]) -> EmailMultiAlternatives:
    """One e-mail: the kind's own for a single item, a list for several reminders at once."""
    first, spec, subject = items[0]
    if len(items) == 1:
        context = _context(first, spec, subject)
        text = _render(f"notifications/email/{spec.key}.txt", context)
        html = _html(spec.key, context, text)
        title = first.title
    else:
        context = {
            "recipient": first.recipient,
            "site_url": settings.SITE_URL.rstrip("/"),
            "items": [_context(row, kind, obj) for row, kind, obj in items],
        }
        title = f"{len(items)} reminders from Proximity"
        text = _render("notifications/email/digest.txt", context)
        html = _render("notifications/email/digest.html", {**context, "title": title})
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "proximity"
    message = EmailMultiAlternatives(
        subject=title,
        body=text,
        to=[first.recipient.email],
        headers={"Message-ID": f"<notification-{first.pk}@{domain}>"},
    )
    message.attach_alternative(html, "text/html")
    for row, kind, obj in items:
        if kind.attachments is not None:
            for name, content, mimetype in kind.attachments(row, obj):
                message.attach(name, content, mimetype)
    return message


def _mark(rows: list[Notification], **fields) -> None:
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(**fields)


def _attempt_failed(rows: list[Notification], exc: Exception, *, now: datetime) -> str:
    """Each row tried once more: again after its back-off, or failed for good after
    MAX_ATTEMPTS. Anything raised counts, not only the mail server's refusals: a message that
    cannot be made (a bug, a bad header) must end on the CX lead's page, not loop."""
    if isinstance(exc, smtplib.SMTPException | OSError):
        logger.warning("Notification %s not sent: %s", rows[0].pk, exc)
        error = str(exc)
    else:
        logger.exception("Notification %s could not be made or sent", rows[0].pk)
        error = f"{type(exc).__name__}: {exc}"
    gave_up = False
    for row in rows:
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            gave_up = True
            reason = FAILED_REASON.format(attempts=attempts, error=error)
            fields = {"status": Notification.Status.FAILED, "reason": reason[:300]}
        else:
            fields = {"send_after": now + BACKOFF[attempts - 1], "handed_at": None}
            fields["reason"] = error[:300]
        _mark([row], attempts=attempts, **fields)
    return "failed" if gave_up else "retry later"


def notification_send(*, pk: int) -> str:
    """The worker: send one message (with the other reminders due for the same person, as one
    e-mail), exactly once. Skips, with the reason on the row, what should no longer go: nobody
    to send it to, a kind turned off, a session cancelled since. An SMTP failure is tried again
    after BACKOFF; after MAX_ATTEMPTS the row is marked failed for the CX lead to see. Returns
    what happened, for the log."""
    now = timezone.now()
    pending = Notification.objects.filter(
        status=Notification.Status.PENDING, send_after__lte=now
    ).select_related("recipient")
    with transaction.atomic():
        row = pending.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
        if row is None:
            return "not pending"
        rows = [row]
        spec = KINDS.get(row.kind)
        if spec is not None and spec.batchable:
            batchable = [k.key for k in KINDS.values() if k.batchable]
            rows += list(
                pending.select_for_update(skip_locked=True, of=("self",))
                .filter(recipient_id=row.recipient_id, kind__in=batchable)
                .exclude(pk=pk)
                .order_by("send_after", "pk")
            )
        items = []
        for each in rows:
            kind = KINDS.get(each.kind)
            subject = subject_load(each) if kind is not None else None
            reason, overtaken = _skip_reason(each, kind, subject)
            if reason:
                fields = {"status": Notification.Status.SKIPPED, "reason": reason[:300]}
                if overtaken and each.read_at is None:
                    # Overtaken (a later move, a cancel, done since): it stays in the list with
                    # its reason but no longer counts as something waiting for them.
                    fields["read_at"] = timezone.now()
                _mark([each], **fields)
            else:
                items.append((each, kind, subject))
        if not items:
            return "skipped"
        sending = [each for each, _, _ in items]
        try:
            # A savepoint: a failure while the message is made (a template, a kind's context)
            # must leave this transaction able to record it.
            with transaction.atomic():
                _message(items).send()
        except Exception as exc:  # noqa: BLE001 - whatever it is, it is recorded on the rows
            return _attempt_failed(sending, exc, now=now)
        _mark(sending, status=Notification.Status.SENT, sent_at=timezone.now(), reason="")
    return f"sent {len(sending)}"


def notification_retry(*, notification: Notification) -> Notification:
    """The CX lead sends a failed message again (after fixing an address, say)."""
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=notification.pk)
        if row.status != Notification.Status.FAILED:
            raise ValidationError(NOT_FAILED_MESSAGE)
        row.status = Notification.Status.PENDING
        row.attempts = 0
        row.send_after = timezone.now()
        row.handed_at = None
        row.reason = ""
        row.save(update_fields=["status", "attempts", "send_after", "handed_at", "reason"])
        transaction.on_commit(lambda: notifications_hand([row.pk]))
    return row


# The in-app list and preferences


def notification_open(*, notification: Notification) -> None:
    """Opening an item marks it read."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notifications_mark_read(*, person: User) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_save(*, person: User | None, choices: dict[str, bool]) -> None:
    """Save which kinds are e-mailed, for a person, or (None) as everyone's default."""
    with transaction.atomic():
        for kind, email in choices.items():
            if kind in KINDS and KINDS[kind].optional:
                Preference.objects.update_or_create(
                    person=person, kind=kind, defaults={"email": email}
                )


def notification_settings_save(
    *, lead_hours: list[int], quiet_from, quiet_until
) -> NotificationSettings:
    """The CX lead's reminder lead times (largest first) and quiet hours; saved again and again
    on the one row (the first save creates it)."""
    settings_row = NotificationSettings.objects.filter(pk=1).first() or NotificationSettings(pk=1)
    settings_row.lead_hours = sorted(set(lead_hours), reverse=True)
    settings_row.quiet_from = quiet_from
    settings_row.quiet_until = quiet_until
    settings_row.full_clean()
    settings_row.save()
    return settings_row
