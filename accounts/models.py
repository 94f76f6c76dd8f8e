import secrets
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower, Upper

from core.addresses import reverse_pk
from core.models import CsvUpload

from .roles import Role

DUPLICATE_EMAIL_MESSAGE = "Someone already has this e-mail address."
# Each role's label by its name, read once: Role.values and Role(name) build their answers anew
# on every call, ~10 ms of a people page of 50 (issue 14).
ROLE_LABELS: dict[str, str] = dict(Role.choices)
# Where a list's selector puts each person's prefetched groups, for `User.role_names`.
ROLE_GROUPS = "role_groups"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone (try Europe/Copenhagen or UTC).")


class Department(models.Model):
    """An executive's function: product, finance, operations, technology, sales…"""

    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="accounts_department_name_ci_unique",
                violation_error_message="A department with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FrontlineTeam(models.Model):
    """A customer-facing team executives listen to and shadow."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone"
        CHAT = "chat", "Chat"
        EMAIL = "email", "E-mail"
        FIELD = "field", "Field"
        SOCIAL = "social", "Social"

    name = models.CharField(max_length=80)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    weekly_listener_capacity = models.PositiveSmallIntegerField(
        default=4,
        help_text="How many executives the team can host per week.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Where the team works; sessions with it are planned in its working hours.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="accounts_frontlineteam_name_ci_unique",
                violation_error_message="A team with this name already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=["phone", "chat", "email", "field", "social"]),
                name="accounts_frontlineteam_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(DjangoUserManager):
    """Users sign in with their e-mail address, matched without regard to case."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("display_name", email.split("@")[0])
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def new_access_stamp() -> str:
    """A fresh value for User.access_stamp: random, so a row made again under an old id (a
    database generated anew, SQLite reusing ids) never meets what was remembered for the old."""
    return secrets.token_hex(8)


class User(AbstractUser):
    """A person in the organisation: executive, frontline agent, CX lead or leadership viewer.

    Roles are Django groups (see accounts.roles); one person may hold several.
    """

    username = None
    first_name = None
    last_name = None
    # Stored lower-case (unique=True keeps Django's auth checks content); the Lower() constraint
    # below also refuses an address that differs only in case, whoever wrote it.
    email = models.EmailField(
        "e-mail address",
        max_length=254,
        unique=True,
        error_messages={"unique": DUPLICATE_EMAIL_MESSAGE},
    )
    display_name = models.CharField("name", max_length=120)
    title = models.CharField(max_length=120, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    frontline_team = models.ForeignKey(
        FrontlineTeam,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        related_name="reports",
        null=True,
        blank=True,
        help_text="Who this person reports to; overdue responses escalate up this chain.",
    )

    # Changes, in the same transaction, whenever the person's roles or own permissions change:
    # the cached permission set (accounts.backends) is keyed by it, so the next request after
    # a role is taken away is refused without a query for the permissions on every request.
    access_stamp = models.CharField(max_length=16, default=new_access_stamp, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        ordering = ["display_name", "email"]
        indexes = [
            # The people list's order: read a page in order instead of sorting 11,000 people
            # joined to their department, team and manager (21 ms -> under 1 ms).
            models.Index(fields=["display_name", "email"], name="accounts_user_name_order"),
            # What email__iexact compares on PostgreSQL (UPPER = UPPER), for signing in and for
            # the API's reporter_email: without, each read every person (11 ms at 11,000).
            models.Index(Upper("email"), name="accounts_user_email_upper"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=DUPLICATE_EMAIL_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("id")),
                name="accounts_user_not_own_manager",
                violation_error_message="Nobody can be their own manager.",
            ),
        ]
        permissions = [
            ("manage_people", "Can manage people, roles, departments and teams"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args, **kwargs):
        # A copy of the person loaded before their roles changed must not, saved later, put
        # back the stamp the old permissions are remembered under: only the role signals
        # (accounts.backends) write it.
        if kwargs.get("update_fields") is None and not args and not self._state.adding:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "access_stamp"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse_pk("accounts:person_edit", self.pk)

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The person's time zone; UTC when theirs is empty or unknown to this machine."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email

    @property
    def role_names(self) -> list[str]:
        """The person's roles: from `role_groups` where the caller prefetched the groups under
        that name (`accounts.selectors.people_list`), else from `groups` (prefetched or not).
        Read through `groups`, a list of 50 made a related manager per person even prefetched:
        a third of what the roles cost on the people page."""
        groups = getattr(self, ROLE_GROUPS, None)
        if groups is None:
            groups = self.groups.all()
        return sorted(group.name for group in groups)

    @property
    def role_labels(self) -> list[str]:
        """The labels of the person's roles (groups that are no role left out)."""
        return [ROLE_LABELS[name] for name in self.role_names if name in ROLE_LABELS]


class PeopleImport(CsvUpload):
    """An uploaded people CSV."""

    job_task = "accounts.tasks.people_import_apply"

    def get_absolute_url(self) -> str:
        return reverse_pk("accounts:people_import_preview", self.pk)
