"""What the programme asks of people (CX lead): cadence targets, activities, holidays."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, UpdateView

from core.http import posted
from core.models import Holiday
from core.permissions import RecordEditView, permission_required

from ..forms import ActivityTypeForm, CadenceTargetForm, HolidayForm, OfficerDeskForm
from ..models import (
    ActivityType,
    CadenceTarget,
    OfficerDesk,
)
from ..selectors import (
    activity_types_with_counts,
    cadence_targets,
    holidays_upcoming,
    officer_desks,
)
from ..services.escalations import officer_desk_save
from ..services.targets import cadence_target_save
from . import MANAGE


@permission_required(MANAGE)
def setup_view(request):
    """CX lead: targets, the activity catalogue, Officer of the Day desks and holidays on one
    page."""
    holiday_form = HolidayForm(posted(request))
    if request.method == "POST" and holiday_form.is_valid():
        holiday = holiday_form.save()
        messages.success(request, f"{holiday} added; nobody will be scheduled that day.")
        return redirect("immersion:setup")
    return render(
        request,
        "immersion/setup.html",
        {
            "targets": cadence_targets(),
            "activities": activity_types_with_counts(),
            "holidays": holidays_upcoming(),
            "desks": officer_desks(),
            "holiday_form": holiday_form,
        },
    )


@require_POST
@permission_required(MANAGE)
def holiday_delete(request, pk: int):
    holiday = get_object_or_404(Holiday, pk=pk)
    holiday.delete()
    messages.success(request, f"{holiday} removed.")
    return redirect("immersion:setup")


class _SetupEdit(RecordEditView):
    permission_required = MANAGE
    template_name = "immersion/setup_form.html"
    success_url = reverse_lazy("immersion:setup")


class _TargetEdit(_SetupEdit):
    model = CadenceTarget
    form_class = CadenceTargetForm

    def form_valid(self, form):
        # Through the service, which keeps the version a change replaces.
        self.object = cadence_target_save(target=form.instance)
        messages.success(self.request, f"{self.object} was saved.")
        return redirect(self.success_url)


class TargetCreateView(_TargetEdit, CreateView):
    pass


class TargetEditView(_TargetEdit, UpdateView):
    pass


class ActivityCreateView(_SetupEdit, CreateView):
    model = ActivityType
    form_class = ActivityTypeForm


class ActivityEditView(_SetupEdit, UpdateView):
    model = ActivityType
    form_class = ActivityTypeForm


class _DeskEdit(_SetupEdit):
    model = OfficerDesk
    form_class = OfficerDeskForm

    def form_valid(self, form):
        # Through the service, which moves a chosen team off the desk it was on.
        self.object = officer_desk_save(desk=form.instance, teams=form.cleaned_data["teams"])
        messages.success(self.request, f"The {self.object} desk was saved.")
        return redirect(self.success_url)


class DeskCreateView(_DeskEdit, CreateView):
    pass


class DeskEditView(_DeskEdit, UpdateView):
    pass
