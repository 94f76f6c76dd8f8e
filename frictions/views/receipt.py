"""The receipt page, where an anonymous reporter follows their report by its code and adds
information, still anonymously."""

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from core.http import errors_onto

from ..forms import InformationForm, ReceiptForm
from ..ratelimit import receipt_rate_limit
from ..selectors import friction_report_for, friction_timeline
from ..services import friction_report_add_information, friction_report_by_receipt

RECEIPT_NOT_FOUND_MESSAGE = "Not found. Check the code and try again."


def _no_sooner_than_the_floor(view):
    """Answer a POST no sooner than FRICTION_RECEIPT_MIN_SECONDS after it arrived, so a real
    code and a made-up one take the same time (rendering a report costs more than "not
    found"), and guessing codes is slow."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        started = time.monotonic()
        response = view(request, *args, **kwargs)
        if request.method == "POST":
            time.sleep(
                max(0.0, settings.FRICTION_RECEIPT_MIN_SECONDS - (time.monotonic() - started))
            )
        return response

    return wrapper


@login_not_required
@never_cache
@receipt_rate_limit
@_no_sooner_than_the_floor
def receipt(request):
    """Anyone with a receipt code: the report's status and public responses; adds information,
    still anonymously. A wrong code is a plain "not found", as fast as a right one."""
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    information_form = InformationForm(request.POST if "text" in request.POST else None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "frictions/receipt.html", {"form": form})
    report = friction_report_by_receipt(form.cleaned_data["code"])
    if report is None:
        return render(
            request,
            "frictions/receipt.html",
            {"form": form, "not_found": RECEIPT_NOT_FOUND_MESSAGE},
            status=404,
        )
    added = False
    if "text" in request.POST and information_form.is_valid():
        # Not form_page: the anonymous reporter gets the answer here, with no session or redirect.
        try:
            friction_report_add_information(
                report=report, text=information_form.cleaned_data["text"], by=None
            )
        except ValidationError as exc:
            errors_onto(information_form, exc)
        else:
            added = True
            information_form = InformationForm()
    report = friction_report_for(pk=report.pk)
    return render(
        request,
        "frictions/receipt_status.html",
        {
            "form": form,
            "report": report,
            "timeline": friction_timeline(report=report, internal=False),
            "information_form": information_form,
            "added": added,
        },
    )
