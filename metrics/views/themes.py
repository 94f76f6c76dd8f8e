"""Friction themes: every theme with its top terms and its count per quarter, and one theme's
reports. Leadership and the CX lead read them; the CX lead names themes and asks for a refit,
which the worker does (a request never fits or places reports)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.http import errors_onto, next_url, page_of
from core.permissions import permission_required

from ..quarters import Quarter
from ..themes.forms import ThemeRenameForm
from ..themes.selectors import (
    theme_fit_current,
    theme_for,
    theme_list,
    theme_placement_counts,
    theme_quarter_counts,
    theme_reports,
)
from ..themes.services import (
    REFIT_WORKER_AWAY,
    THEME_NAME_RESET,
    THEME_RENAMED,
    friction_theme_rename,
    friction_themes_refit_request,
)

VIEW_THEMES = "metrics.view_themes"
MANAGE_THEMES = "metrics.manage_themes"
THEMES_PER_PAGE = 20
REPORTS_PER_PAGE = 25
NO_SUCH_THEME = "No such theme: a refit may have replaced it."
NAME_MISSING = "Send the theme's name (empty to name it by its top terms again)."


@permission_required(VIEW_THEMES)
def theme_index(request):
    return _theme_list_page(request)


def _theme_list_page(request, *, refused: ThemeRenameForm | None = None, refused_pk=None):
    """The list of themes; with `refused`, the rename form of theme `refused_pk` as it was
    posted, its error beside the name and the name as it was typed."""
    page = page_of(request, theme_list(), per_page=THEMES_PER_PAGE)
    fit = theme_fit_current()
    quarters, counts = theme_quarter_counts(themes=page.object_list, quarter=Quarter.current())
    manages = request.user.has_perm(MANAGE_THEMES)
    rows = [
        {
            "theme": theme,
            "counts": counts[theme.pk],
            "form": (
                refused
                if theme.pk == refused_pk
                else ThemeRenameForm(initial={"name": theme.name}, prefix=f"theme-{theme.pk}")
            )
            if manages
            else None,
        }
        for theme in page.object_list
    ]
    return render(
        request,
        "metrics/theme_list.html",
        {
            "page": page,
            "rows": rows,
            "quarters": quarters,
            "fit": fit,
            "placement": theme_placement_counts(fit=fit),
            "manages": manages,
        },
    )


def _theme_or_404(pk: int):
    theme = theme_for(pk=pk)
    if theme is None:
        raise Http404(NO_SUCH_THEME)
    return theme


@permission_required(VIEW_THEMES)
def theme_detail(request, pk: int):
    theme = _theme_or_404(pk)
    return render(
        request,
        "metrics/theme_detail.html",
        {
            "theme": theme,
            "page": page_of(request, theme_reports(theme=theme), per_page=REPORTS_PER_PAGE),
        },
    )


@permission_required(MANAGE_THEMES)
@require_POST
def theme_rename(request, pk: int):
    theme = _theme_or_404(pk)
    form = ThemeRenameForm(request.POST, prefix=f"theme-{theme.pk}")
    if form.add_prefix("name") not in request.POST:
        # An empty name resets it to the top terms; no name at all is a stale or broken form,
        # which must not wipe the CX lead's name.
        return HttpResponseBadRequest(NAME_MISSING)
    if form.is_valid():
        try:
            theme = friction_theme_rename(
                theme=theme, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as exc:
            errors_onto(form, exc)
    if form.errors:
        return _theme_list_page(request, refused=form, refused_pk=theme.pk)
    said = THEME_RENAMED if theme.name else THEME_NAME_RESET
    messages.success(request, said.format(name=theme.display_name))
    return redirect(next_url(request, default=reverse("metrics:themes")))


@permission_required(MANAGE_THEMES)
@require_POST
def themes_refit(request):
    said = friction_themes_refit_request(by=request.user)
    if said == REFIT_WORKER_AWAY:
        messages.error(request, said)
    else:
        messages.success(request, said)
    return redirect("metrics:themes")
