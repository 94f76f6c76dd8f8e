import zoneinfo
from functools import cache

from django import forms
from django.contrib.auth import forms as auth_forms
from django.db.models.functions import Lower

from core.forms import BoundedIntegerField, CsvUploadForm

from .models import Department, FrontlineTeam, User
from .roles import Role
from .services import manager_chain_check, password_reset_request

INVALID_LOGIN_MESSAGE = (
    "That e-mail address and password do not match an account that can sign in. "
    "Check both and try again."
)


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class LoginForm(auth_forms.AuthenticationForm):
    """The same message whether the account is unknown, inactive or the password is wrong."""

    error_messages = {
        "invalid_login": INVALID_LOGIN_MESSAGE,
        "inactive": INVALID_LOGIN_MESSAGE,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Password reset that also reaches people who never set a password (invited, imported).

    Saving only writes the message (notifications sends it, with a link made at send time), so
    the page answers the same, and quickly, whether or not the address belongs to someone; an
    address nobody has writes nothing.
    """

    def get_users(self, email):
        return User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower=email.strip().lower(),
            is_active=True,
        )

    def save(self, *args, **kwargs) -> None:
        # Django's save() renders the e-mail with the link here; ours leaves that to the worker,
        # so the arguments about templates and domains that PasswordResetView passes are unused.
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_request(user=user)


class PersonForm(forms.ModelForm):
    """Add or edit a person, their roles, team and manager (the CX lead)."""

    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="One person may hold several roles.",
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")

    class Meta:
        model = User
        fields = [
            "display_name",
            "email",
            "title",
            "time_zone",
            "department",
            "frontline_team",
            "manager",
        ]
        labels = {"frontline_team": "Frontline team"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        managers = User.objects.filter(is_active=True).only("pk", "display_name", "email", "title")
        if self.instance.pk:
            managers = managers.exclude(pk=self.instance.pk)
            self.fields["roles"].initial = self.instance.role_names
        self.fields["manager"].queryset = managers
        self.fields["manager"].label_from_instance = lambda u: (
            f"{u.display_name} — {u.title}" if u.title else u.display_name
        )
        self.fields["department"].queryset = Department.objects.all()
        self.fields["frontline_team"].queryset = FrontlineTeam.objects.all()
        self.fields["department"].empty_label = "No department"
        self.fields["frontline_team"].empty_label = "Not on a frontline team"
        self.fields["manager"].empty_label = "Reports to nobody here"

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "manager" in cleaned:
            try:
                manager_chain_check(user=self.instance, manager=cleaned["manager"])
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class PersonCreateForm(PersonForm):
    send_invitation = forms.BooleanField(
        required=False,
        initial=True,
        label="E-mail them a link to set their password",
    )


class PeopleImportForm(CsvUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "Columns: email and name (required); title, time zone, department, team, "
            "manager email, roles (separated by ;) when you have them."
        )


class PeopleImportConfirmForm(forms.Form):
    """Confirms a previewed import; the file is checked again before anything is written."""

    send_invitations = forms.BooleanField(
        required=False,
        initial=True,
        label="E-mail the new people a link to set their password",
    )


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name"]


# More executives than this in a week is a typo: a team hosts a handful.
LISTENERS_MAX = 100


class FrontlineTeamForm(forms.ModelForm):
    weekly_listener_capacity = BoundedIntegerField(
        max_value=LISTENERS_MAX,
        initial=4,
        label="Executives it can host per week",
        help_text="How many executives the team can host per week.",
    )

    class Meta:
        model = FrontlineTeam
        fields = ["name", "channel", "weekly_listener_capacity", "time_zone"]
        labels = {"weekly_listener_capacity": "Executives it can host per week"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = forms.ChoiceField(
            choices=time_zone_choices, initial="UTC", label="Time zone"
        )
