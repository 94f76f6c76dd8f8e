"""When and with whom: sessions and their places, the rotations that plan them, who is away
(time off), who swapped, what changed, and each person's calendar feed."""

import secrets
import uuid

from django.db import models
from django.db.models import F, Q

from accounts.models import FrontlineTeam
from core.addresses import reverse_pk

from .programme import USER, ActivityType


class TimeOff(models.Model):
    """Days a person cannot be scheduled. The reason is private to them and the CX lead."""

    person = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="time_off")
    start_date = models.DateField()
    end_date = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="immersion_timeoff_ends_after_start",
                violation_error_message="Time off cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.start_date} – {self.end_date}"


class Rotation(models.Model):
    """A published run of the rotation builder: which sessions it created, moved, cancelled."""

    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT)
    start_date = models.DateField()
    end_date = models.DateField()
    parameters = models.JSONField(default=dict)
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    created_count = models.PositiveIntegerField(default=0)
    moved_count = models.PositiveIntegerField(default=0)
    cancelled_count = models.PositiveIntegerField(default=0)
    shortfalls = models.JSONField(default=list)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.activity_type}, {self.start_date:%d %b} – {self.end_date:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse_pk("immersion:rotation_detail", self.pk)


class Session(models.Model):
    """One occurrence of an activity: when, with which team, who takes part."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    host_team = models.ForeignKey(
        FrontlineTeam, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    host_agent = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_sessions",
        help_text="The frontline agent the executive sits with.",
    )
    desk = models.ForeignKey(
        "immersion.OfficerDesk",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shifts",
        help_text="Officer of the Day shifts: the desk this shift covers.",
    )
    notes = models.TextField("notes for participants", blank=True)
    rotation = models.ForeignKey(
        Rotation, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    sequence = models.PositiveIntegerField(default=0, help_text="Raised on every change (iCal).")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["starts_at", "ends_at"]),
            # Sessions of one kind not yet over: the Officer of the Day on shift, asked by every
            # home page of an executive or agent (80 ms -> 0.4 ms at 280,000 sessions).
            models.Index(fields=["activity_type", "ends_at"], name="immersion_session_type_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="immersion_session_ends_after_start",
                violation_error_message="A session must end after it starts.",
            ),
            # One officer per desk at a time: two shifts of a desk never start together.
            models.UniqueConstraint(
                fields=["desk", "starts_at"],
                condition=Q(desk__isnull=False) & ~Q(status="cancelled"),
                name="immersion_session_one_shift_per_desk",
                violation_error_message="That desk already has an officer on shift then.",
            ),
        ]
        permissions = [
            ("manage_programme", "Can run the programme: rotations, targets, reassignments"),
            ("view_programme", "Can see the programme calendar"),
            ("attend_sessions", "Can be scheduled, keep a schedule, swap sessions"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_type} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse_pk("immersion:session_detail", self.pk)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Participant(models.Model):
    """A person in a session, with their attendance.

    The session's times are copied here so that PostgreSQL can refuse, with an exclusion
    constraint, one person in two overlapping sessions (see migration 0002). A participant taken
    off a session (swapped, reassigned, cancelled) stays as a row with is_active off, so calendar
    feeds can tell their calendar the event is cancelled.
    """

    class Attendance(models.TextChoices):
        INVITED = "invited", "Invited"
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Missed"
        EXCUSED = "excused", "Excused"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="participations")
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    actual_minutes = models.PositiveIntegerField("minutes spent", null=True, blank=True)
    interactions_observed = models.PositiveIntegerField(
        "customer calls or interactions observed", null=True, blank=True
    )
    confirmed_at = models.DateTimeField("attendance confirmed at", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        # Its own copy of the session's start: ordering by session__starts_at joined and sorted
        # the sessions table on every participant query.
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["person", "starts_at"]),
            # A quarter's places, whoever holds them (the metrics roll-up; calendar and feed
            # windows): without it, every one of 290,000 places was read at scale.
            models.Index(fields=["starts_at"], name="immersion_participant_starts"),
            # An executive's places still to confirm (their home's to-do list): with the
            # (person, starts_at) range of the last two weeks, the home reads a few places
            # instead of every place of the person's five years (600 rows at scale).
            models.Index(
                fields=["person", "starts_at"],
                condition=models.Q(attendance="invited", is_active=True),
                name="immersion_place_to_confirm",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="immersion_participant_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.session}"


class SessionChange(models.Model):
    """The history shown on a session: who changed what, when, from what to what."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        MOVED = "moved", "Moved"
        SWAPPED = "swapped", "Swapped"
        REASSIGNED = "reassigned", "Reassigned"
        CANCELLED = "cancelled", "Cancelled"
        CONFIRMED = "confirmed", "Confirmed"
        EDITED = "edited", "Edited"
        ATTENDANCE = "attendance", "Attendance recorded"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    changed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.changed_by}"


class SwapRequest(models.Model):
    """An executive asks a named colleague, or anyone, to take their place in a session."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="swap_requests")
    requested_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="swaps_asked")
    offered_to = models.ForeignKey(
        USER,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="swaps_offered",
        help_text="Empty means anyone may take it.",
    )
    message = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "requested_by"],
                condition=Q(status="pending"),
                name="immersion_swaprequest_one_pending",
                violation_error_message="You already asked for a swap of this session.",
            ),
        ]

    def __str__(self) -> str:
        return f"Swap of {self.session} asked by {self.requested_by}"


class CalendarFeed(models.Model):
    """A person's secret calendar address. Regenerating it makes the old address a 404."""

    person = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"
