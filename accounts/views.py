"""Sign-in pages (everyone) and the people pages (the CX lead: accounts.manage_people)."""

from functools import partial

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, UpdateView

from core.http import (
    action_redirect,
    csv_preview_page,
    csv_progress_fragment,
    csv_upload_page,
    form_page,
    page_of,
    posted,
)
from core.permissions import RecordEditView, permission_required

from .filters import PeopleFilter
from .forms import (
    DepartmentForm,
    FrontlineTeamForm,
    LoginForm,
    PasswordResetForm,
    PeopleImportConfirmForm,
    PeopleImportForm,
    PersonCreateForm,
    PersonForm,
)
from .models import Department, FrontlineTeam, PeopleImport, User
from .people_import import people_import_preview
from .selectors import (
    departments_with_member_counts,
    people_import_for,
    people_import_list,
    people_list,
    people_reporting_to,
    person_for,
    teams_with_member_counts,
)
from .services import (
    people_import_upload,
    user_create,
    user_deactivate,
    user_invite,
    user_reactivate,
    user_update,
)

MANAGE_PEOPLE = "accounts.manage_people"


# Signing in: anyone (Django marks these views login_not_required).


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """What django-axes shows a locked-out client: 429, when to try again, no account hint."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


class LogoutView(auth_views.LogoutView):
    """Signs out on POST (a link could be forged on another site)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """Anyone signed in changes their own password."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    # No e-mail templates here: the form writes a notification (notifications/kinds/people.py).
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# People: the CX lead.


@permission_required(MANAGE_PEOPLE)
def people_list_view(request):
    filters = PeopleFilter(request.GET)
    page = page_of(request, people_list(filters=request.GET))
    context = {"filters": filters.form, "page": page, "filtered": bool(request.GET)}
    if request.htmx and request.htmx.target == "people-results":
        return render(request, "accounts/people_list.html#results", context)
    return render(request, "accounts/people_list.html", context)


@permission_required(MANAGE_PEOPLE)
def person_create_view(request):
    form = PersonCreateForm(posted(request))

    def create(*, send_invitation: bool, **data) -> User:
        person = user_create(**data)
        if send_invitation:
            user_invite(user=person)
        return person

    return form_page(
        request,
        form,
        create,
        template="accounts/person_form.html",
        success=lambda person: (
            f"{person} was added and invited by e-mail."
            if form.cleaned_data["send_invitation"]
            else f"{person} was added."
        ),
        done_url=reverse("accounts:people"),
        context={"person": None},
    )


@permission_required(MANAGE_PEOPLE)
def person_edit_view(request, pk: int):
    person = person_for(pk=pk)
    if person is None:
        raise Http404
    return form_page(
        request,
        PersonForm(posted(request), instance=person),
        partial(user_update, user=person),
        template="accounts/person_form.html",
        success=lambda saved: f"{saved} was saved.",
        done_url=reverse("accounts:people"),
        context={"person": person, "reports": people_reporting_to(manager=person)},
    )


def _person_action(request, pk: int, action, success: str):
    """Run `action(person)` and come back to the person's page with what happened."""
    person = get_object_or_404(User, pk=pk)
    return action_redirect(
        request,
        partial(action, person),
        success=success.format(person=person),
        done_url=person.get_absolute_url(),
    )


@require_POST
@permission_required(MANAGE_PEOPLE)
def person_deactivate_view(request, pk: int):
    return _person_action(
        request,
        pk,
        lambda person: user_deactivate(user=person, by=request.user),
        "{person} was deactivated and can no longer sign in.",
    )


@require_POST
@permission_required(MANAGE_PEOPLE)
def person_reactivate_view(request, pk: int):
    return _person_action(
        request, pk, lambda person: user_reactivate(user=person), "{person} can sign in again."
    )


@require_POST
@permission_required(MANAGE_PEOPLE)
def person_invite_view(request, pk: int):
    return _person_action(
        request,
        pk,
        lambda person: user_invite(user=person),
        "A link to set their password is on its way to {person.email}.",
    )


@permission_required(MANAGE_PEOPLE)
def people_import_view(request):
    return csv_upload_page(
        request,
        form_class=PeopleImportForm,
        upload=people_import_upload,
        recent=people_import_list(),
        template="accounts/people_import.html",
    )


@permission_required(MANAGE_PEOPLE)
def people_import_preview_view(request, pk: int):
    people_import = people_import_for(pk=pk)
    if people_import is None:
        raise Http404
    return csv_preview_page(
        request,
        upload=people_import,
        preview=people_import_preview,
        form=PeopleImportConfirmForm,
        template="accounts/people_import_preview.html",
        upload_url=reverse("accounts:people_import"),
        progress_url=reverse("accounts:people_import_progress", kwargs={"pk": pk}),
        done_url=reverse("accounts:people"),
    )


@permission_required(MANAGE_PEOPLE)
def people_import_progress_view(request, pk: int):
    """How far the worker has got with an import; the preview page polls it."""
    # Polled every second: not the file itself, which may be 2 MB.
    people_import = get_object_or_404(PeopleImport.objects.defer("content"), pk=pk)
    return csv_progress_fragment(
        request,
        upload=people_import,
        progress_url=request.path,
        done_url=reverse("accounts:people"),
    )


# Teams and departments: the CX lead.


@permission_required(MANAGE_PEOPLE)
def teams_view(request):
    return render(
        request,
        "accounts/team_list.html",
        {"teams": teams_with_member_counts(), "departments": departments_with_member_counts()},
    )


class _OrgUnitEdit(RecordEditView):
    permission_required = MANAGE_PEOPLE
    template_name = "accounts/orgunit_form.html"
    success_url = reverse_lazy("accounts:teams")


class TeamCreateView(_OrgUnitEdit, CreateView):
    model = FrontlineTeam
    form_class = FrontlineTeamForm


class TeamEditView(_OrgUnitEdit, UpdateView):
    model = FrontlineTeam
    form_class = FrontlineTeamForm


class DepartmentCreateView(_OrgUnitEdit, CreateView):
    model = Department
    form_class = DepartmentForm


class DepartmentEditView(_OrgUnitEdit, UpdateView):
    model = Department
    form_class = DepartmentForm
