"""API integrations: the CX lead issues and revokes the tokens contact-centre tools use."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.http import errors_onto, posted
from core.permissions import permission_required

from ..forms import IntegrationForm
from ..models import ApiIntegration
from ..selectors import api_integration_list
from ..services.integrations import api_integration_issue, api_integration_revoke
from . import TRIAGE


@never_cache
@permission_required(TRIAGE)
def integrations(request):
    """The token is shown once, in the response to issuing it; only its hash is kept."""
    form = IntegrationForm(posted(request))
    issued = None
    if request.method == "POST" and form.is_valid():
        # Not form_page: the token is shown in this response, never in a message or a redirect.
        try:
            integration, key = api_integration_issue(
                name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            issued = {"integration": integration, "key": key}
            form = IntegrationForm()
    return render(
        request,
        "frictions/integrations.html",
        {
            "form": form,
            "issued": issued,
            "integrations": api_integration_list(),
        },
    )


@require_POST
@permission_required(TRIAGE)
def integration_revoke(request, pk: int):
    integration = get_object_or_404(ApiIntegration, pk=pk)
    api_integration_revoke(integration=integration)
    messages.success(request, f"{integration}'s token no longer works.")
    return redirect("frictions:integrations")
