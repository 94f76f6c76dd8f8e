"""The receipt page, where an anonymous reporter follows their report by its code and adds
information, still anonymously.

The code is typed once (POST) and never put in an address or the session: the answer is a
redirect (post/redirect/get) with a signed cookie holding the code's hash for
FRICTION_FOLLOW_COOKIE_SECONDS, on this path only. Adding information redirects back to the
same GET, so a reload adds nothing; when the cookie has run out, the code is asked again.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from core.http import errors_onto

from ..forms import InformationForm, ReceiptForm
from ..ratelimit import receipt_rate_limit
from ..selectors import friction_report_for, friction_timeline
from ..services import (
    anonymous_information_pending,
    anonymous_release_by,
    anonymous_write_pending,
    friction_report_add_information,
    friction_report_by_receipt_hash,
    receipt_hash,
)
from . import no_sooner_than
from .cookies import signed_cookie_delete, signed_cookie_get, signed_cookie_set

RECEIPT_NOT_FOUND_MESSAGE = "Not found. Check the code and try again."
RECEIPT_AGAIN_MESSAGE = "For your privacy the page forgot your code: enter it again."
FOLLOW_COOKIE = "frictions_receipt"


def _follow(response, code_hash: str, **flags):
    return signed_cookie_set(
        response,
        FOLLOW_COOKIE,
        {"hash": code_hash, **flags},
        max_age=settings.FRICTION_FOLLOW_COOKIE_SECONDS,
        path=reverse("frictions:receipt"),
    )


def _ask_for_the_code(request, *, form=None, status=200, **context):
    response = render(
        request, "frictions/receipt.html", {"form": form or ReceiptForm(), **context}, status=status
    )
    return signed_cookie_delete(response, FOLLOW_COOKIE, path=reverse("frictions:receipt"))


@login_not_required
@never_cache
@receipt_rate_limit
@no_sooner_than("FRICTION_RECEIPT_MIN_SECONDS")
def receipt(request):
    """Anyone with a receipt code: the report's status and public responses; adds information,
    still anonymously. A wrong code is a plain "not found", as fast as a right one."""
    if request.method == "POST" and "code" in request.POST:
        form = ReceiptForm(request.POST)
        if not form.is_valid():
            return _ask_for_the_code(request, form=form)
        code_hash = receipt_hash(form.cleaned_data["code"])
        found = friction_report_by_receipt_hash(code_hash) is not None
        if not found and not anonymous_write_pending(code_hash=code_hash):
            return _ask_for_the_code(
                request, form=form, status=404, not_found=RECEIPT_NOT_FOUND_MESSAGE
            )
        return _follow(redirect("frictions:receipt"), code_hash)

    followed = signed_cookie_get(
        request, FOLLOW_COOKIE, max_age=settings.FRICTION_FOLLOW_COOKIE_SECONDS
    )
    code_hash = followed.get("hash")
    if not isinstance(code_hash, str):
        again = RECEIPT_AGAIN_MESSAGE if request.method == "POST" else None
        return _ask_for_the_code(request, again=again)
    report = friction_report_by_receipt_hash(code_hash)
    if report is None:
        if anonymous_write_pending(code_hash=code_hash):
            return render(
                request, "frictions/receipt_pending.html", {"appears_by": anonymous_release_by()}
            )
        return _ask_for_the_code(request)

    information_form = InformationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and information_form.is_valid():
        try:
            friction_report_add_information(
                report=report, text=information_form.cleaned_data["text"], by=None
            )
        except ValidationError as exc:
            errors_onto(information_form, exc)
        else:
            return _follow(redirect("frictions:receipt"), code_hash, added=True)
    report = friction_report_for(pk=report.pk)
    response = render(
        request,
        "frictions/receipt_status.html",
        {
            "report": report,
            "timeline": friction_timeline(report=report, internal=False),
            "information_form": information_form,
            "added": followed.get("added") is True,
            "waiting": anonymous_information_pending(report=report),
            "appears_by": anonymous_release_by(),
        },
    )
    # "Added" is said once; the cookie keeps only the hash (and its time runs on).
    return _follow(response, code_hash) if followed.get("added") else response
