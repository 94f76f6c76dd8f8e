"""My notifications and e-mail choices (everyone signed in); defaults and failed messages (the
CX lead)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.http import action_redirect, form_page, page_of, posted
from core.permissions import permission_required

from .forms import NotificationSettingsForm, PreferencesForm
from .models import NotificationSettings
from .selectors import (
    email_choices,
    notifications_failed,
    notifications_for,
    notifications_unread_count,
)
from .services import (
    notification_open,
    notification_retry,
    notification_settings_save,
    notifications_mark_read,
    preferences_save,
)

MANAGE = "notifications.manage_notifications"
PREFERENCES_SAVED_MESSAGE = "Your e-mail choices were saved."
DEFAULTS_SAVED_MESSAGE = "The defaults were saved."
SETTINGS_SAVED_MESSAGE = "Reminder times and quiet hours were saved."
RETRIED_MESSAGE = "It will be sent again within a minute."


# Anyone signed in: their own list, and their own choices.
def notification_list(request):
    """What was sent to me, newest first, and which kinds reach me by e-mail."""
    form = PreferencesForm(
        posted(request), wanted=email_choices(person=request.user), person=request.user
    )
    page = page_of(request, notifications_for(person=request.user))
    return form_page(
        request,
        form,
        lambda **_: preferences_save(person=request.user, choices=form.choices()),
        template="notifications/notification_list.html",
        success=PREFERENCES_SAVED_MESSAGE,
        done_url="notifications:list",
        context={
            "page": page,
            "unread": notifications_unread_count(person=request.user),
            "now": timezone.now(),
        },
    )


@require_GET
def notification_go(request, pk: int):
    """Open one of my notifications: marked read, and on to the page it is about."""
    notification = get_object_or_404(notifications_for(person=request.user), pk=pk)
    notification_open(notification=notification)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.url)


@require_POST
def notifications_read_all(request):
    notifications_mark_read(person=request.user)
    return redirect("notifications:list")


@login_not_required
@require_GET
def notifications_badge(request):
    """Anyone: the unread count in the navigation, fetched after the page (htmx), so no page
    pays for it in its own queries. Once the session has expired it answers 204 (htmx then
    leaves the badge as it is) rather than the sign-in page, which htmx would put in the badge."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return render(
        request,
        "notifications/_badge.html",
        {"unread": notifications_unread_count(person=request.user)},
    )


# The CX lead


def _settings_form(data=None) -> NotificationSettingsForm:
    current = NotificationSettings.current()
    return NotificationSettingsForm(
        data,
        initial={
            "lead_hours": ", ".join(str(h) for h in current.lead_hours),
            "quiet_from": current.quiet_from,
            "quiet_until": current.quiet_until,
        },
    )


@permission_required(MANAGE)
def notification_defaults(request):
    """Which kinds are e-mailed unless a person chose otherwise; the page also holds the
    reminder times (posted to notification_times)."""
    form = PreferencesForm(posted(request), wanted=email_choices(person=None))
    return form_page(
        request,
        form,
        lambda **_: preferences_save(person=None, choices=form.choices()),
        template="notifications/notification_defaults.html",
        success=DEFAULTS_SAVED_MESSAGE,
        done_url="notifications:defaults",
        context={"defaults_form": form, "settings_form": _settings_form()},
    )


@permission_required(MANAGE)
@require_POST
def notification_times(request):
    """Reminder lead times and quiet hours, for everyone."""
    form = _settings_form(request.POST)
    return form_page(
        request,
        form,
        notification_settings_save,
        template="notifications/notification_defaults.html",
        success=SETTINGS_SAVED_MESSAGE,
        done_url="notifications:defaults",
        context={
            "defaults_form": PreferencesForm(None, wanted=email_choices(person=None)),
            "settings_form": form,
        },
    )


@permission_required(MANAGE)
def notification_failed_list(request):
    """Messages the mail server kept refusing, to fix and send again."""
    return render(
        request,
        "notifications/notification_failed.html",
        {"page": page_of(request, notifications_failed())},
    )


@permission_required(MANAGE)
@require_POST
def notification_retry_view(request, pk: int):
    notification = get_object_or_404(notifications_failed(), pk=pk)
    return action_redirect(
        request,
        lambda: notification_retry(notification=notification),
        success=RETRIED_MESSAGE,
        done_url="notifications:failed",
    )
