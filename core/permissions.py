"""How a view says who may use it.

Signing in is required everywhere by LoginRequiredMiddleware (views opt out with
@login_not_required). On top of that, a view names the permission it needs: someone signed in
without it gets 403, never a loop back to the login page.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied


def permission_required(*perms: str):
    """Function views: 403 for a signed-in person holding none of `perms`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_permissions = perms
        return wrapper

    return decorator


class PermissionRequired(PermissionRequiredMixin):
    """Class views: the same rule, `permission_required = "app.codename"` on the class."""

    raise_exception = True


class RecordEditView(PermissionRequired):
    """Create or edit one record behind a permission: says what was saved, and gives the
    template the model's name for its heading. Subclasses set permission_required, model,
    form_class, template_name and success_url."""

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"{self.object} was saved.")
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(model_label=self.model._meta.verbose_name, **kwargs)
