"""Small helpers every app's views share."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from .jobs import JOB_STARTED_MESSAGE, JOB_WORKER_AWAY_MESSAGE, job_progress, job_queue


def posted(request):
    """Form data on POST, None otherwise. (`request.POST or None` would ignore an empty POST,
    such as a form whose only field is an unticked checkbox.)"""
    return request.POST if request.method == "POST" else None


def request_for_shared(params: dict[str, str]) -> HttpRequest:
    """A bare request holding `params` as its query and nothing else (no user, no session):
    what a fragment kept in the shared cache for everyone is rendered with, so its links
    ({% querystring %}) carry only that address and nothing of one reader is kept."""
    request = HttpRequest()
    request.GET = QueryDict(mutable=True)
    request.GET.update(params)
    return request


def page_number(asked: str | None) -> str | None:
    """`?page=` as the paginators read it: absent is the first page, a number past the end (or
    below 1) the last; anything that is not a number is no page at all, a 404 (issue 14), not a
    guess at which page was meant."""
    if asked in (None, "") or asked.strip().lstrip("+-").isdigit():
        return asked
    raise Http404("A page is a number.")


def page_of(request, items, *, per_page: int | None = None) -> Page:
    """The page of `items` the address asks for (`?page=`, read by `page_number`). Shown with
    core/_pagination.html."""
    paginator = Paginator(items, per_page or settings.PAGE_SIZE)
    return paginator.get_page(page_number(request.GET.get("page")))


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one line for a message."""
    return " ".join(exc.messages)


def errors_onto(form, exc: ValidationError, *, fields: dict[str, str] | None = None) -> None:
    """A service's refusal onto a form: errors named after a form field go beside it (`fields`
    renames a service's names to the form's), the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        target = (fields or {}).get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def next_url(request, default: str) -> str:
    """The posted `next` when it is a page of this site, else `default` (no open redirect).

    Only a path from the site's root: `redirect()` reads any other word as a URL's name."""
    wanted = request.POST.get("next", "")
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def csv_upload_page(request, *, form_class, upload, recent, template: str):
    """The page of a CSV import: the upload form, then on to the stored file's preview.

    `upload(uploaded_by=, file_name=, data=)` stores the file (refusing what is not text);
    `recent` is the queryset of earlier uploads to list."""
    form = form_class(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            stored = upload(uploaded_by=request.user, file_name=file.name, data=file.read())
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect(stored.get_absolute_url())
    return render(
        request, template, {"form": form, "recent": recent.select_related("uploaded_by")[:10]}
    )


def csv_preview_page(
    request,
    *,
    upload,
    preview,
    template: str,
    upload_url: str,
    progress_url: str,
    done_url: str,
    form=None,
):
    """The preview of a stored CSV upload and, on POST, queueing its import for the worker.

    `preview(data=)` says what importing the file would do, row by row; `form`, when the import
    asks something first, is the confirmation form's class (what it says goes to the job as its
    options). The worker applies the file (core/jobs.py) and the page follows it through
    `csv_progress_fragment` at `progress_url`, then goes on to `done_url`; a worker quicker than
    the redirect after POST sends the page straight there. A refusal, or a worker out of reach, is
    said in a message; the request never waits on the broker."""
    following = f"following-upload-{upload._meta.label_lower}-{upload.pk}"
    confirm = form(posted(request)) if form is not None else None
    if request.method == "POST" and (confirm is None or confirm.is_valid()):
        request.session.pop(following, None)
        try:
            sent = job_queue(
                upload=upload, options=confirm.cleaned_data if confirm is not None else {}
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            if sent is False:
                messages.warning(request, JOB_WORKER_AWAY_MESSAGE)
            else:
                messages.info(request, JOB_STARTED_MESSAGE)
                request.session[following] = True
        return redirect(upload.get_absolute_url())
    if request.session.pop(following, False) and upload.status == upload.Status.DONE:
        # Drop "the import has started": it has already ended.
        list(messages.get_messages(request))
        messages.success(request, imported_message(upload))
        return redirect(done_url)
    return render(
        request,
        template,
        {
            "upload": upload,
            "preview": preview(data=upload.content),
            "form": confirm,
            "upload_url": upload_url,
            "progress_url": progress_url,
            "progress": job_progress(upload=upload),
        },
    )


def csv_progress_fragment(request, *, upload, progress_url: str, done_url: str) -> HttpResponse:
    """The progress of an upload's import, polled by its preview page (htmx, every second).

    When the job has ended, a polling page is sent on: once done, to `done_url` with the counts
    as a message (as when the import ran in the request); once failed, back to the preview,
    which says why and offers the import again."""
    if request.htmx and upload.status == upload.Status.DONE:
        messages.success(request, imported_message(upload))
        return HttpResponseClientRedirect(done_url)
    if request.htmx and upload.status == upload.Status.FAILED:
        return HttpResponseClientRedirect(upload.get_absolute_url())
    return render(
        request,
        "core/csv_preview.html#progress",
        {"upload": upload, "progress_url": progress_url, "progress": job_progress(upload=upload)},
    )


def imported_message(upload) -> str:
    return (
        f"Imported: {upload.created_count} added, {upload.updated_count} updated, "
        f"{upload.unchanged_count} unchanged."
    )


def _said(value, result) -> str:
    """A message or an address, given as itself or as a function of what the service returned."""
    return value(result) if callable(value) else value


def form_action(
    request, form, action, *, success, done_url, fields: dict[str, str] | None = None
) -> HttpResponse | None:
    """A posted form handed to a service, `action(**form.cleaned_data)`: on success a message
    and a redirect (post/redirect/get); otherwise None, with the service's refusal beside the
    fields it names (`fields` renames a service's names to the form's), for the view to show the
    page again with what was typed. `success` and `done_url` may be functions of what the
    service returned (the record it made, for its address)."""
    if form.is_valid():
        try:
            result = action(**form.cleaned_data)
        except ValidationError as exc:
            errors_onto(form, exc, fields=fields)
        else:
            messages.success(request, _said(success, result))
            return redirect(_said(done_url, result))
    return None


def form_page(
    request,
    form,
    action,
    *,
    template: str,
    success,
    done_url,
    context: dict | None = None,
    fields: dict[str, str] | None = None,
) -> HttpResponse:
    """A page whose form writes through a service: on GET the page; on POST `form_action`, and
    when the form or the service refuses, the page again (200) with what was typed and why. The
    form is in the template's context as `form`."""
    if request.method == "POST":
        done = form_action(request, form, action, success=success, done_url=done_url, fields=fields)
        if done is not None:
            return done
    return render(request, template, {**(context or {}), "form": form})


def action_redirect(request, action, *, success, done_url, refused_url=None) -> HttpResponse:
    """A button that asks a service for one thing (confirm, cancel, accept a swap): a message
    saying it was done, or the service's refusal as the message. Back to `done_url`, or on a
    refusal to `refused_url` when there is one (the page the button was on, when success opens
    another). `success` (None: say nothing) and `done_url` may be functions of what the service
    returned."""
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(refused_url or done_url)
    if success is not None:
        messages.success(request, _said(success, result))
    return redirect(_said(done_url, result))
