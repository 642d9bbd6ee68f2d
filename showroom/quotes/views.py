"""Quote pages: the quote form with live totals, the quote sheet (print and PDF), versions side by side, the
negotiation log, the manager's approvals and the store's price settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from showroom.accounts.capabilities import Capability, can, sees_whole_store
from showroom.accounts.selectors import store_consultants
from showroom.catalog import selectors as catalog
from showroom.core import clock
from showroom.core.api import MAX_ID
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.core.scoping import get_visible
from showroom.core.web import form_error, next_url, refuse, refuse_on_form, render_form
from showroom.leads.models import Lead, Stage

from . import pdf, pricing, selectors, services, sheet
from .forms import (
    DecisionForm,
    FloorForm,
    IssueForm,
    LimitForm,
    NegotiationForm,
    PromotionForm,
    QuoteForm,
    RatesForm,
    ReasonForm,
    SettingsForm,
    UnifiedForm,
    VesselTaxForm,
    VesselTaxPresetForm,
    lines_from_post,
)
from .models import PaymentMethod, Quote, QuoteStatus

# The quote sheet is the customer's document: in Chinese whatever the consultant's screen language.
SHEET_LANGUAGE = "zh-hans"


def customer_sheet(quote) -> dict:
    with translation.override(SHEET_LANGUAGE):
        return sheet.build(quote)


def may_work(user, lead) -> bool:
    """The user works this lead (its consultant, or a manager of the store): shows the buttons."""
    return can(user, Capability.WORK_LEADS) and (lead.owner_id == user.pk or sees_whole_store(user))


def _lead(request, lead_id) -> Lead:
    return get_visible(Lead, request.user, lead_id, select_related=("customer", "owner", "store"))


def _is_id(value: str) -> bool:
    """A posted or queried id a record could have: ASCII digits ('²' is a digit to str.isdigit but no number) within
    the 64 bits of an id column (a longer one never matches and would overflow the query)."""
    return 0 < len(value) <= len(str(MAX_ID)) and value.isascii() and value.isdigit() and int(value) <= MAX_ID


def _detail_url(quote) -> str:
    return reverse("quotes:detail", args=[quote.pk])


# --- The quote form ------------------------------------------------------------------------------------


def _trim_choices(user):
    return list(catalog.trims_for(user).filter(is_active=True, series__brand__is_own=True, series__is_active=True)
                .order_by("series__sort_order", "series__name", "-model_year", "guide_price", "id"))


def _suggested_trim(user, lead, trims) -> int | None:
    """The first model the consultant confirmed in the needs analysis, if it is on sale: the quote starts there."""
    from showroom.needs.selectors import latest_of

    analysis = latest_of(user, lead)
    if analysis is None:
        return None
    on_sale = {t.pk for t in trims}
    return next((t.pk for t in analysis.confirmed_trims.all() if t.pk in on_sale), None)


def _form_context(request, *, lead, quote=None):
    """The quote form for the lead, bound to the POST (or to ?trim=… on a refresh), with the catalog items of
    the chosen trim and the totals of what is entered so far."""
    user = request.user
    trims = _trim_choices(user)
    refresh = request.method == "GET" and "trim" in request.GET or request.POST.get("refresh") == "1"
    data = request.POST if request.method == "POST" else (request.GET if refresh else None)
    initial = QuoteForm.initial_from(quote) if quote else {
        "purchase_date": clock.today(), "payment_method": PaymentMethod.FULL, "commercial_insurance_mode": "none",
        "plate_service_fee": selectors.store_settings(lead.store_id).plate_service_fee, "deposit_kind": "earnest"}
    if quote is None and data is None:
        initial["trim"] = _suggested_trim(user, lead, trims)
    trim_id = (data or {}).get("trim") or initial.get("trim")
    trim = next((t for t in trims if str(t.pk) == str(trim_id)), None)
    if trim is None and quote is not None:
        trim = quote.trim  # a retired trim stays on its drafts
        trims.append(trim)
    colours = list(catalog.colours_for(user, series_id=trim.series_id)) if trim else []
    promotions = list(selectors.active_promotions(user, trim_id=trim.pk)) if trim else []
    options = list(catalog.options_for(user, series_id=trim.series_id)) if trim else []
    accessories = list(catalog.accessories_fitting(user, trim)) if trim else []
    if refresh:
        # A changed trim, payment or trade-in re-renders the form with what was typed, unchecked: errors show
        # only when the consultant saves.
        typed = {name: data.get(name) for name in QuoteForm.base_fields if name in data}
        typed.setdefault("has_trade_in", False)
        form = QuoteForm(initial={**initial, **typed}, trims=trims, colours=colours, promotions=promotions)
    else:
        form = QuoteForm(data, initial=initial, trims=trims, colours=colours, promotions=promotions)
    refresh_url = reverse("quotes:edit", args=[quote.pk]) if quote else reverse("quotes:create", args=[lead.pk])
    for field in form.fields.values():
        if field.widget.attrs.pop("data-refresh", None):
            field.widget.attrs.update({"hx-post": refresh_url, "hx-include": "closest form", "hx-vals": '{"refresh": "1"}',
                                       "hx-target": "#quote-form", "hx-select": "#quote-form", "hx-swap": "outerHTML",
                                       "hx-trigger": "change"})
    lines = list(quote.lines.all()) if quote else []
    chosen = {("option", line.option_id): line.amount for line in lines if line.option_id}
    chosen.update({("accessory", line.accessory_id): line.amount for line in lines if line.accessory_id})
    if data is not None:
        chosen = {("option", int(v)): data.get(f"option_amount_{v}") for v in data.getlist("option") if _is_id(v)}
        chosen.update({("accessory", int(v)): data.get(f"accessory_amount_{v}") for v in data.getlist("accessory")
                       if _is_id(v)})
        fees = [{"kind": k, "name": n, "amount": a} for k, n, a in zip(
            data.getlist("fee_kind"), data.getlist("fee_name"), data.getlist("fee_amount"), strict=False)
            if (n or "").strip() or (a or "").strip()]
    else:
        fees = [{"kind": line.kind, "name": line.name, "amount": line.amount} for line in lines
                if not line.option_id and not line.accessory_id]
    option_rows = [{"item": o, "checked": ("option", o.pk) in chosen, "amount": chosen.get(("option", o.pk), o.price)}
                   for o in options]
    accessory_rows = [{"item": a, "checked": ("accessory", a.pk) in chosen,
                       "amount": chosen.get(("accessory", a.pk), a.price)} for a in accessories]
    fee_rows = fees + [{"kind": "store_fee", "name": "", "amount": ""}] * 2
    return {"lead": lead, "quote": quote, "form": form, "trim": trim, "option_rows": option_rows,
            "accessory_rows": accessory_rows, "fee_rows": fee_rows, "options": options, "accessories": accessories,
            "limit": selectors.discount_limit(user, lead.store_id),
            "floor": selectors.floor_price(lead.store_id, trim.pk) if trim else None,
            "unified": selectors.is_unified_price(lead.store_id, trim.pk) if trim else False}


def _bound_lines(request, context, form):
    lines, errors = lines_from_post(request.POST, options=context["options"], accessories=context["accessories"])
    for error in errors:
        form.add_error(None, error)
    return lines


def _save(request, *, lead, quote=None):
    user = request.user
    if not may_work(user, lead):
        raise PermissionDenied()
    context = _form_context(request, lead=lead, quote=quote)
    form = context["form"]
    if request.method == "POST" and request.POST.get("refresh") != "1" and form.is_valid():
        lines = _bound_lines(request, context, form)
        if not form.errors:
            try:
                if quote is None:
                    quote = services.quote_create(actor=user, lead=lead, fields=form.service_fields(), lines=lines)
                    messages.success(request, _("Quote %(number)s saved as a draft.") % {"number": quote.number})
                else:
                    quote = services.quote_update(actor=user, quote=quote, fields=form.service_fields(), lines=lines)
                    messages.success(request, _("Quote %(number)s changed.") % {"number": quote.number})
            except DomainError as err:
                refuse_on_form(form, err)
            else:
                return redirect(_detail_url(quote))
    return render_form(request, "quotes/quote_form.html", context, partial="quotes/_quote_form.html")


@login_required
def quote_create(request, lead_id):
    """A new quote for the lead (its first version, or a fresh one beside the others)."""
    return _save(request, lead=_lead(request, lead_id))


@login_required
def quote_edit(request, pk):
    """Change a draft quote."""
    quote = selectors.quote_get(request.user, pk, with_lines=False)
    if quote.status != QuoteStatus.DRAFT:
        messages.info(request, _("Only a draft can be changed; make a new version instead."))
        return redirect(_detail_url(quote))
    return _save(request, lead=quote.lead, quote=quote)


@login_required
@require_POST
def quote_preview(request, lead_id):
    """The live totals of the quote form (htmx): calculated by the service, nothing saved."""
    lead = _lead(request, lead_id)
    if not request.POST.get("trim"):  # nothing to calculate yet: the hint, not a "required" error
        return render(request, "quotes/_totals.html", {"lead": lead, "preview": None, "problems": []})
    context = _form_context(request, lead=lead)
    form = context["form"]
    preview = None
    if form.is_valid():
        lines = _bound_lines(request, context, form)
        if not form.errors:
            try:
                preview = services.quote_preview(actor=request.user, lead=lead, fields=form.service_fields(),
                                                 lines=lines)
            except (NotFound, PermissionDenied):
                raise
            except DomainError as err:
                form_error(form, err)
    problems = [(str(form.fields[name].label) if name in form.fields else "", " ".join(str(e) for e in errors))
                for name, errors in form.errors.items()]
    return render(request, "quotes/_totals.html", {
        "lead": lead, "preview": preview, "sheet": sheet.build(preview) if preview else None, "problems": problems,
        "purchase_tax": pricing.money(preview.breakdown["purchase_tax"]["tax"]) if preview else None})


# --- The quote sheet ------------------------------------------------------------------------------------


def _detail_context(request, quote, **bound) -> dict:
    user = request.user
    lead = quote.lead
    works = may_work(user, lead) and lead.is_open
    needs_skip = lead.stage < Stage.TEST_DRIVE
    context = {
        "quote": quote, "lead": lead, "sheet": customer_sheet(quote), "works": works,
        "approvals": list(selectors.approvals_of_quote(user, quote)),
        "issue_form": IssueForm(), "reason_form": ReasonForm(), "decline_form": ReasonForm(),
        "needs_skip_reason": needs_skip, "can_approve": selectors.may_approve(user),
        "decision_form": DecisionForm(),
        "can_issue": works and (quote.status == QuoteStatus.APPROVED or (
            quote.status == QuoteStatus.DRAFT and not quote.needs_approval)) and not quote.is_expired,
        "can_request": works and quote.status == QuoteStatus.DRAFT and quote.needs_approval,
        "can_edit": works and quote.status == QuoteStatus.DRAFT,
        "can_version": works and not Quote.objects.filter(lead_id=lead.pk, status=QuoteStatus.ACCEPTED).exists(),
        "can_decline": works and quote.is_open,
        "pending_approval": next((a for a in selectors.approvals_of_quote(user, quote) if a.status == "pending"), None),
    }
    context.update(bound)
    return context


@login_required
def quote_detail(request, pk):
    """The quote sheet (报价单), printable, with the actions its status allows."""
    quote = selectors.quote_get(request.user, pk)
    return render(request, "quotes/quote_detail.html", _detail_context(request, quote))


@login_required
def quote_pdf(request, pk):
    """The quote sheet as a PDF in Chinese, for the customer to take away or receive by message."""
    quote = selectors.quote_get(request.user, pk)
    with translation.override(SHEET_LANGUAGE):
        body = pdf.render(sheet.build(quote))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="quote-{quote.number}.pdf"'
    return response


def _act(request, pk, form_class, act, done: str, form_key: str):
    quote = selectors.quote_get(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = act(quote, form.cleaned_data)
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            messages.success(request, done)
            return redirect(_detail_url(result if getattr(result, "lead_id", None) else quote))
    return render(request, "quotes/quote_detail.html", _detail_context(request, quote, **{form_key: form}), status=422)


@login_required
@require_POST
def quote_issue(request, pk):
    """Hand the quote to the customer."""
    return _act(request, pk, IssueForm, lambda q, d: services.quote_issue(
        actor=request.user, quote=q, skip_reason=d["skip_reason"]), _("Quote issued."), "issue_form")


@login_required
@require_POST
def quote_request_approval(request, pk):
    """Ask the sales manager to approve the discount."""
    return _act(request, pk, ReasonForm, lambda q, d: services.quote_request_approval(
        actor=request.user, quote=q, reason=d["reason"]), _("Sent to the sales manager for approval."), "reason_form")


@login_required
@require_POST
def quote_decline(request, pk):
    """The customer declined this version."""
    return _act(request, pk, ReasonForm, lambda q, d: services.quote_decline(
        actor=request.user, quote=q, reason=d["reason"]), _("Recorded as declined."), "decline_form")


@login_required
@require_POST
def quote_new_version(request, pk):
    """Start the next version from this one and open it for changes."""
    quote = selectors.quote_get(request.user, pk, with_lines=False)
    try:
        new = services.quote_new_version(actor=request.user, quote=quote)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as err:
        refuse(request, err)
        return redirect(_detail_url(quote))
    messages.success(request, _("Version %(version)s started from version %(old)s.")
                     % {"version": new.version, "old": quote.version})
    return redirect(reverse("quotes:edit", args=[new.pk]))


@login_required
def quote_compare(request, lead_id):
    """The lead's versions side by side; lines that differ from the previous version are highlighted."""
    lead = _lead(request, lead_id)
    ids = [int(v) for v in request.GET.getlist("ids") if _is_id(v)] or None
    quotes = selectors.quotes_with_lines(request.user, lead, ids)
    return render(request, "quotes/quote_compare.html", {"lead": lead, "table": sheet.compare(quotes),
                                                         "quotes": quotes})


# --- Negotiation ------------------------------------------------------------------------------------------


@login_required
def negotiation_log(request, lead_id):
    """The rounds of negotiation on the lead, newest first, with the form for the next round."""
    user = request.user
    lead = _lead(request, lead_id)
    quotes = list(selectors.quotes_for_lead(user, lead))
    competitors = list(catalog.trims_for(user).filter(series__brand__is_own=False, is_active=True)
                       .order_by("series__brand__name", "series__name", "guide_price"))
    form = NegotiationForm(request.POST or None, quotes=quotes, competitors=competitors,
                           initial={"quote": quotes[0].pk if quotes else None})
    works = may_work(user, lead) and lead.is_open
    if request.method == "POST":
        if not works:
            raise PermissionDenied()
        if form.is_valid():
            try:
                services.negotiation_record(actor=user, lead=lead, fields=form.cleaned_data)
            except DomainError as err:
                refuse_on_form(form, err)
            else:
                messages.success(request, _("Round recorded."))
                return redirect(reverse("quotes:negotiation", args=[lead.pk]))
    rounds = list(selectors.rounds_for_lead(user, lead))
    return render_form(request, "quotes/negotiation_log.html", {"lead": lead, "rounds": rounds, "form": form,
                                                                "works": works})


# --- Approvals ------------------------------------------------------------------------------------------


@login_required
def approval_list(request):
    """The sales manager's queue of discount requests, oldest first."""
    if not selectors.may_approve(request.user):
        raise PermissionDenied()
    approvals = list(selectors.approvals_pending(request.user))
    return render(request, "quotes/approval_list.html", {"approvals": approvals, "form": DecisionForm()})


@login_required
@require_POST
def approval_decide(request, pk):
    """Approve or reject one request."""
    approval = selectors.approval_get(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.approval_decide(actor=request.user, approval=approval,
                                     approve=form.cleaned_data["decision"] == "approve",
                                     comment=form.cleaned_data["comment"])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as err:
            refuse(request, err)
        else:
            messages.success(request, _("Decision recorded; the consultant sees it on their workbench."))
    return redirect(next_url(request, reverse("quotes:approvals")))


@login_required
@require_POST
def approval_seen(request, pk):
    """The consultant dismisses a decision from their workbench."""
    approval = selectors.approval_get(request.user, pk)
    services.approval_mark_seen(actor=request.user, approval=approval)
    if request.htmx:
        return HttpResponse("")
    return redirect(reverse("quotes:detail", args=[approval.quote_id]))


# --- Store price settings -------------------------------------------------------------------------------


def _require_settings(request):
    if not selectors.may_edit_settings(request.user) or request.user.store_id is None:
        raise PermissionDenied()


def _settings_context(request, **bound) -> dict:
    user = request.user
    store_id = user.store_id
    settings = selectors.store_settings(store_id)
    trims = _trim_choices(user)
    consultants = store_consultants(user)
    context = {
        "settings_form": SettingsForm(initial={"validity_days": settings.validity_days,
                                               "discount_limit": settings.discount_limit,
                                               "plate_service_fee": settings.plate_service_fee,
                                               "insurer_name": settings.insurer_name}),
        "limit_form": LimitForm(consultants=consultants), "floor_form": FloorForm(trims=trims),
        "unified_form": UnifiedForm(trims=trims),
        "rates_form": RatesForm(initial=RatesForm.initial_from(selectors.insurance_bands(store_id))),
        "vessel_form": VesselTaxForm(initial=VesselTaxForm.initial_from(settings)),
        "preset_form": VesselTaxPresetForm(),
        "limits": list(selectors.discount_limits(user)), "floors": list(selectors.floor_prices(user)),
        "unified": list(selectors.unified_prices(user)), "promotions": list(selectors.promotions_for(user)),
        "settings": settings, "today": clock.today(),
    }
    context.update(bound)
    return context


@login_required
def price_settings(request):
    """The store's quote settings: validity, discount limits, floor prices, unified-price trims, insurance rates,
    the 车船税 table and finance promotions (sales manager and store admins)."""
    _require_settings(request)
    return render(request, "quotes/settings.html", _settings_context(request))


def _settings_post(request, form, act, form_key: str, done: str):
    if form.is_valid():
        try:
            act(form)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as err:
            form_error(form, err)
        else:
            messages.success(request, done)
            return redirect(reverse("quotes:settings"))
    return render(request, "quotes/settings.html", _settings_context(request, **{form_key: form}), status=422)


@login_required
@require_POST
def settings_save(request):
    _require_settings(request)
    return _settings_post(request, SettingsForm(request.POST), lambda f: services.quote_settings_save(
        actor=request.user, fields=f.cleaned_data), "settings_form", _("Quote settings saved."))


@login_required
@require_POST
def limit_save(request):
    _require_settings(request)
    consultants = store_consultants(request.user)
    form = LimitForm(request.POST, consultants=consultants)

    def act(f):
        consultant = next(u for u in consultants if u.pk == f.cleaned_data["consultant"])
        services.discount_limit_set(actor=request.user, consultant=consultant, amount=f.cleaned_data["amount"])
    return _settings_post(request, form, act, "limit_form", _("Discount limit saved."))


@login_required
@require_POST
def floor_save(request):
    _require_settings(request)
    form = FloorForm(request.POST, trims=_trim_choices(request.user))
    return _settings_post(request, form, lambda f: services.floor_price_set(
        actor=request.user, trim=f.cleaned_data["trim"], price=f.cleaned_data["price"]), "floor_form",
        _("Floor price saved."))


@login_required
@require_POST
def unified_save(request):
    _require_settings(request)
    form = UnifiedForm(request.POST, trims=_trim_choices(request.user))
    return _settings_post(request, form, lambda f: services.unified_price_set(
        actor=request.user, trim=f.cleaned_data["trim"], unified=f.cleaned_data["unified"],
        note=f.cleaned_data["note"]), "unified_form", _("Unified price saved."))


@login_required
@require_POST
def rates_save(request):
    _require_settings(request)
    form = RatesForm(request.POST)
    return _settings_post(request, form, lambda f: services.insurance_rates_replace(
        actor=request.user, bands=f.bands()), "rates_form", _("Insurance rate table saved."))


@login_required
@require_POST
def vessel_tax_save(request):
    """The store's 车船税 table, typed in or taken from a province's published one (a preset button)."""
    _require_settings(request)
    if "preset" in request.POST:
        def act(f):
            services.vessel_tax_apply_preset(actor=request.user, preset=f.cleaned_data["preset"])
        form, form_key = VesselTaxPresetForm(request.POST), "preset_form"
    else:
        def act(f):
            services.vessel_tax_save(actor=request.user, fields=f.cleaned_data)
        form, form_key = VesselTaxForm(request.POST), "vessel_form"
    return _settings_post(request, form, act, form_key, _("Vehicle and vessel tax table saved."))


@login_required
def promotion_edit(request, pk=None):
    """Create or change a finance promotion."""
    _require_settings(request)
    user = request.user
    promotion = selectors.promotion_get(user, pk) if pk else None
    trims = _trim_choices(user)
    initial = PromotionForm.initial_from(promotion) if promotion else {"valid_from": clock.today(), "is_active": True}
    form = PromotionForm(request.POST or None, trims=trims, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.promotion_save(actor=user, promotion=promotion, fields=form.service_fields(),
                                    trim_ids=form.cleaned_data["trims"])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as err:
            form_error(form, err)
        else:
            messages.success(request, _("Finance promotion saved."))
            return redirect(reverse("quotes:settings"))
    return render_form(request, "quotes/promotion_form.html", {"form": form, "promotion": promotion})
