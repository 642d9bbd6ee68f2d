from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from showroom.core.errors import DomainError
from showroom.core.web import form_error, render_form
from showroom.leads import selectors as leads

from . import services
from .capabilities import Capability, can, require
from .forms import StoreSettingsForm


def locked_out(request, credentials=None, *args, **kwargs):
    """Too many failed sign-ins: say so, and when to try again (django-axes calls this)."""
    if request.path.startswith("/api/"):
        message = _("Too many failed sign-ins: the account is locked for a while. Try again later.")
        return JsonResponse({"message": message, "code": "locked_out", "fields": {"password": [message]}}, status=429)
    return render(request, "accounts/locked_out.html", status=429)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def home(request):
    """Each role lands where its day starts."""
    user = request.user
    if can(user, Capability.WORK_LEADS) and user.sells:
        return redirect("followups:workbench")
    if can(user, Capability.VIEW_STORE_REPORTS):
        return redirect("leads:manager")
    if can(user, Capability.REGISTER_VISITS):
        return redirect("reception:board")
    if can(user, Capability.CREATE_LEADS):
        return redirect("leads:create")
    return render(request, "accounts/no_workspace.html")


@login_required
@require_POST
def preferences(request):
    """Switch the interface language, or go on or off duty (for the walk-in rotation)."""
    language = request.POST.get("language")
    on_duty = request.POST.get("on_duty")
    try:
        services.user_set_preferences(actor=request.user, language=language or None,
                                      on_duty=None if on_duty is None else on_duty == "1")
    except DomainError as err:
        messages.error(request, str(err.message))
    back = request.headers.get("referer", "")
    return redirect(back if back.startswith(request.build_absolute_uri("/")) else "home")


@login_required
def store_settings(request):
    """The store admin's settings: response deadline, lead assignment, dormancy, grade cadence."""
    require(request.user, Capability.MANAGE_STORE)
    store = request.user.store
    if store is None:
        return render(request, "accounts/no_workspace.html")
    policies = leads.grade_policies(store)
    form = StoreSettingsForm(request.POST or None, instance=store, policies=policies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grade_policies = {g: (data.get(f"horizon_{g}"), data.get(f"follow_up_{g}")) for g, *_rest in policies}
        fields = {k: data[k] for k in StoreSettingsForm.Meta.fields}
        try:
            services.store_update_settings(actor=request.user, store=store, fields=fields, grade_policies=grade_policies)
        except DomainError as err:
            form_error(form, err)
        else:
            messages.success(request, _("Store settings saved."))
            return redirect("accounts:store_settings")
    return render_form(request, "accounts/store_settings.html", {"form": form})
