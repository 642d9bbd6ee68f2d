"""Order pages: signing from the lead's quote, the order with its payments, car and changes, the printed receipt,
and the order list of a consultant (own) or a manager (the store)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from showroom.accounts.capabilities import Capability, require, sees_whole_store
from showroom.accounts.selectors import store_consultants
from showroom.catalog.models import Colour
from showroom.catalog.selectors import trims_for
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.core.scoping import get_visible
from showroom.core.web import form_steps, paginate, querystring_without_page, refuse_on_form, render_form
from showroom.leads.models import Lead

from . import selectors, services
from .forms import (
    AllocateForm,
    CancelForm,
    ChangeForm,
    ConfirmForm,
    DecideForm,
    FactoryOrderForm,
    OrderFilterForm,
    PaymentForm,
    ReasonForm,
    SignForm,
    VoidForm,
)
from .models import CancelledBy, OrderStatus
from .receipts import amount_in_capitals

CANDIDATES_SHOWN = 20


def _detail_url(order) -> str:
    return reverse("orders:detail", args=[order.pk])


# --- The list ------------------------------------------------------------------------------------

@login_required
def order_list(request):
    """Orders the user may see: a consultant's own, a manager's whole store; by status, consultant, awaiting a car or
    with a balance still to pay. htmx swaps the table only."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    whole_store = sees_whole_store(user)
    form = OrderFilterForm(request.GET or None, consultants=store_consultants(user) if whole_store else ())
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.order_list(
        user, status=filters.get("status"), consultant_id=filters.get("consultant"),
        awaiting_allocation=bool(filters.get("awaiting_allocation")),
        balance_outstanding=bool(filters.get("balance_outstanding")), query=filters.get("q", "")))
    context = {"form": form, "page": page, "query": querystring_without_page(request), "whole_store": whole_store}
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "orders/_table.html" if partial else "orders/order_list.html", context)


# --- Signing -------------------------------------------------------------------------------------

@login_required
def sign(request, lead_id):
    """Sign the purchase contract from one of the lead's valid quotes, agreeing the deposit and the delivery."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    lead = get_visible(Lead, user, lead_id, select_related=("customer", "owner"))
    quotes = selectors.signable_quotes(user, lead)
    asked = request.POST.get("quote") if request.method == "POST" else request.GET.get("quote")
    # A posted quote that is no longer signable (declined, expired, another lead's) is refused, never swapped silently
    # for the first one: the customer signs the price he was shown.
    chosen = next((q for q in quotes if str(q.pk) == asked), None if request.method == "POST" and asked else
                  (quotes[0] if quotes else None))
    initial = {"quote": chosen.pk if chosen else None, "buyer_name": lead.customer.name,
               "deposit_kind": chosen.deposit_kind if chosen else None,
               "deposit_amount": chosen.deposit_amount if chosen else None}
    form = SignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if chosen is None:
                raise DomainError(_("Choose a valid quote of the lead."), code="quote_invalid", field="quote")
            order = services.order_sign(
                actor=user, quote=chosen, deposit_kind=data["deposit_kind"], deposit_amount=data["deposit_amount"],
                buyer_name=data["buyer_name"], delivery_date=data["delivery_date"],
                delivery_place=data["delivery_place"], notes=data["notes"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("Order %(number)s signed.") % {"number": order.number})
            return redirect(_detail_url(order))
    return render_form(request, "orders/order_sign.html", {"lead": lead, "quotes": quotes, "chosen": chosen, "form": form})


# --- The order page ------------------------------------------------------------------------------

def _change_form(request, order, data=None):
    user = request.user
    trims = list(trims_for(user).select_related("series").filter(series__brand__is_own=True))
    colours = list(Colour.objects.filter(series_id__in={t.series_id for t in trims}).select_related("series"))
    initial = {"contract_price": order.contract_price, "trim": order.trim_id, "exterior_colour": order.exterior_colour_id,
               "interior_colour": order.interior_colour_id, "delivery_date": order.delivery_date,
               "delivery_place": order.delivery_place, "version": order.version}
    return ChangeForm(data, initial=initial, trims=trims, colours=colours)


def _order_page(request, order, *, status: int = 200, **forms):
    """The order: contract, money, car, changes and cancellation, with the forms of what the user may do."""
    user = request.user
    payments = list(selectors.payments_for(user, order))
    balance = selectors.balance_of(order)
    actions = services.order_allowed_actions(actor=user, order=order, outstanding=balance.outstanding)
    include_demo = actions["approve"] and request.GET.get("demo") == "1"
    candidates = (list(selectors.allocation_candidates(user, order, include_demo_cars=include_demo)[:CANDIDATES_SHOWN])
                  if actions["allocate"] else [])
    changes = list(selectors.change_requests_for(user, order))
    cancellation = order.cancellation if order.status == OrderStatus.CANCELLED else None
    context = {
        "order": order, "lead": order.lead, "payments": payments, "balance": balance, "actions": actions,
        "candidates": candidates, "include_demo": include_demo, "changes": changes, "cancellation": cancellation,
        "pending_change": next((c for c in changes if c.status == "pending"), None),
        "payment_form": forms.get("payment_form") or PaymentForm(initial={"payer": order.buyer_name}),
        "allocate_form": forms.get("allocate_form") or AllocateForm(),
        "release_form": forms.get("release_form") or ReasonForm(),
        "factory_form": forms.get("factory_form") or FactoryOrderForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(initial={"cancelled_by": CancelledBy.BUYER}),
        "decide_form": DecideForm(),
        "void_form": forms.get("void_form") or VoidForm(payments=payments),
        "voidable": any(p.voidable for p in payments),
        "refund_preview": {who: services.refund_rule(order.deposit_kind, who, balance.deposit_paid)
                           for who in CancelledBy.values},
        "error": forms.get("error"),
    }
    return render(request, "orders/order_detail.html", context, status=status)


@login_required
def order_detail(request, pk):
    """The order: contract summary, payments with receipts, the car or the candidates, changes and cancellation."""
    require(request.user, Capability.WORK_LEADS)
    return _order_page(request, selectors.order_get(request.user, pk))


def _order(user, pk):
    require(user, Capability.WORK_LEADS)
    return selectors.order_get(user, pk)


def _refused(request, order, *, status: int, **bound):
    """The order page again with the refused form; errors that name no field of it (e.g. "ready" has none) show at
    the top of the page."""
    error = " ".join(e for form in bound.values() for e in form.non_field_errors())
    return _order_page(request, order, status=status, error=error, **bound)


# A service run from a form posted on the order page; a refusal shows the page again with the form's errors.
_post_action = form_steps(load=_order, page=_refused, success_url=_detail_url)


@_post_action(PaymentForm, "payment_form", gettext_lazy("Payment recorded; print the receipt."))
def pay(user, order, data, form):
    """Take a payment and issue its receipt."""
    services.payment_record(actor=user, order=order, **data)


def _void_choices(user, order) -> dict:
    return {"payments": list(selectors.payments_for(user, order))}


@_post_action(VoidForm, "void_form", gettext_lazy("Payment voided; it no longer counts in the balance."),
              form_kwargs=_void_choices)
def void_payment(user, order, data, form):
    """A manager voids a payment of the order taken by mistake, with the reason."""
    payment = selectors.order_payment_get(user, order, data["payment"])
    services.payment_void(actor=user, payment=payment, reason=data["reason"])


@_post_action(AllocateForm, "allocate_form", gettext_lazy("Car allocated and reserved for the order."))
def allocate(user, order, data, form):
    """Allocate one of the candidate cars to the order."""
    services.order_allocate(actor=user, order=order, vehicle=data["vehicle"], allow_demo_car=data["allow_demo_car"])


@_post_action(ReasonForm, "release_form", gettext_lazy("The car is back in stock."))
def release(user, order, data, form):
    """Give the allocated car back to stock."""
    services.order_release_vehicle(actor=user, order=order, reason=data["reason"])


@_post_action(FactoryOrderForm, "factory_form", gettext_lazy("Factory order requested."))
def factory_order(user, order, data, form):
    """Ask for a factory order when no matching car is in stock."""
    services.order_request_factory_order(actor=user, order=order, note=data["note"])


@_post_action(ConfirmForm, "ready_form", gettext_lazy("The order is ready for delivery."))
def ready(user, order, data, form):
    """The car has passed its PDI: the order is ready for delivery."""
    services.order_mark_ready(actor=user, order=order)


@_post_action(CancelForm, "cancel_form", gettext_lazy("Order cancelled; the refund is recorded."))
def cancel(user, order, data, form):
    """Cancel the order with the deposit's refund rule."""
    services.order_cancel(actor=user, order=order, **data)


@login_required
def change(request, pk):
    """Change the signed contract: a manager's change applies at once, a consultant's waits for a manager."""
    user = request.user
    require(user, Capability.WORK_LEADS)
    order = selectors.order_get(user, pk)
    form = _change_form(request, order, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wanted = {f: data[f] for f in services.CHANGEABLE_FIELDS}
        wanted = {f: v for f, v in wanted.items() if str(v or "") != str(form.initial.get(f) or "")}
        try:
            if not wanted:
                raise DomainError(_("Nothing would change."), code="no_change", field="reason")
            change_request = services.order_change(actor=user, order=order, changes=wanted, reason=data["reason"],
                                                   expected_version=data["version"])
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, _("Change applied.") if change_request.status == "approved"
                             else _("Change requested; a manager decides."))
            return redirect(_detail_url(order))
    return render_form(request, "orders/order_change.html",
                       {"order": order, "form": form, "applies_now": services.may_approve(user)})


@login_required
@require_POST
def decide_change(request, pk):
    """A manager approves or rejects a consultant's change to a signed order."""
    user = request.user
    change_request = selectors.change_request_get(user, pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.order_decide_change(actor=user, request=change_request, approve=form.cleaned_data["approve"],
                                         comment=form.cleaned_data["comment"])
        except DomainError as err:
            if err.status in (403, 404):
                raise
            messages.error(request, str(err.message))
        else:
            messages.success(request, _("Change approved and applied.") if form.cleaned_data["approve"]
                             else _("Change rejected."))
    else:
        messages.error(request, _("Choose approve or reject."))
    return redirect(_detail_url(change_request.order))


@login_required
def receipt(request, pk):
    """The printable receipt (收款收据) or refund voucher (退款凭证) of one payment."""
    require(request.user, Capability.WORK_LEADS)
    payment = selectors.payment_get(request.user, pk)
    return render(request, "orders/receipt.html", {"payment": payment, "order": payment.order, "printed_at": clock.now(),
                                                   "in_capitals": amount_in_capitals(payment.amount)})
