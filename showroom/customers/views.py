"""Customer pages: the list with the search Chinese staff use, filing and editing a customer, the customer's
card (masked values, consent, leads, visits, history), revealing a full value, merging duplicates, export."""

from __future__ import annotations

import io
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from showroom.accounts.capabilities import Capability, can, require, sees_whole_store
from showroom.accounts.selectors import store_consultants
from showroom.audit.selectors import entries_for
from showroom.core import clock
from showroom.core.choices import Source
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.core.scoping import get_visible
from showroom.core.web import paginate, querystring_without_page, refuse_on_form, render_form
from showroom.leads import selectors as leads
from showroom.reception import selectors as reception

from . import selectors, services
from .forms import (
    ConsentForm,
    CustomerEditForm,
    CustomerFilterForm,
    CustomerForm,
    MergeForm,
    MergeSearchForm,
    RevealForm,
)
from .identity import mask_id_number, mask_mobile
from .models import ConsentKind, ConsentMethod, Customer, CustomerKind, Gender

MERGE_CANDIDATES = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Helpers ---------------------------------------------------------------------------------------

def _customer(request, pk) -> Customer:
    """The customer if the user may see them (a 404 otherwise, as if they did not exist) and reads the file."""
    customer = get_visible(Customer, request.user, pk, select_related=("owner",))
    require(request.user, Capability.VIEW_CUSTOMERS)
    return customer


def _detail_url(customer: Customer) -> str:
    return reverse("customers:detail", args=[customer.pk])


def _done(request, message: str, target: str):
    messages.success(request, message)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


def _filter_form(request) -> CustomerFilterForm:
    user = request.user
    return CustomerFilterForm(request.GET, actor=user, tags=partial(selectors.tag_names_for, user),
                              consultants=store_consultants(user) if sees_whole_store(user) else None)


# --- The list and the export -------------------------------------------------------------------------

@login_required
def customer_list(request):
    """Customers the user may see, searched, filtered and sorted; htmx swaps only the table and pushes the URL.
    Reception has no customer list (it matches by mobile at the desk): a 403, not an empty list."""
    user = request.user
    require(user, Capability.VIEW_CUSTOMERS)
    form = _filter_form(request)
    page = paginate(request, selectors.customer_pages(user, table=True, **form.filters()))
    context = {
        "form": form, "page": page, "query": querystring_without_page(request),
        "can_create": can(user, Capability.EDIT_CUSTOMERS), "can_export": can(user, Capability.EXPORT_CUSTOMERS),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "customers/_table.html" if partial else "customers/customer_list.html", context)


EXPORT_COLUMNS = (
    (gettext_lazy("No."), 10), (gettext_lazy("Name"), 20), (gettext_lazy("Type"), 10),
    (gettext_lazy("Contact person"), 14), (gettext_lazy("Mobile"), 14), (gettext_lazy("Resident ID number"), 22),
    (gettext_lazy("Gender"), 8), (gettext_lazy("City"), 10), (gettext_lazy("District"), 10),
    (gettext_lazy("Source"), 16), (gettext_lazy("Tags"), 20), (gettext_lazy("Consultant"), 12),
    (gettext_lazy("May be contacted"), 10), (gettext_lazy("May receive marketing"), 10),
    (gettext_lazy("Filed"), 18), (gettext_lazy("Updated"), 18),
)


def _cell(sheet, value, *, bold: bool = False) -> WriteOnlyCell:
    """A cell that is always data: text starting with "=" stays text, never a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _local(value):
    """Excel has no time zones: the Shanghai wall-clock time."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


@login_required
@require_GET
def customer_export(request):
    """The current filtered list as a spreadsheet (managers): mobile and ID number masked, at most 50,000 rows."""
    user = request.user
    filters = _filter_form(request).filters()
    rows, total = services.customer_export(actor=user, filters=filters)
    limit = services.EXPORT_LIMIT
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Customers"))
    for index, (_label, width) in enumerate(EXPORT_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, str(label), bold=True) for label, _width in EXPORT_COLUMNS])
    written = 0
    for c in rows.prefetch_related("tags").iterator(chunk_size=2000):
        sheet.append([_cell(sheet, v) for v in (
            c.pk, c.name, str(c.get_kind_display()), c.contact_name, c.masked_mobile, c.masked_id_number,
            str(c.get_gender_display()) if c.gender else "", c.city, c.district,
            str(c.get_source_display()) if c.source else "", "、".join(t.name for t in c.tags.all()),
            c.owner.display_name if c.owner else _("Unassigned pool"), _yes_no(c.consent_contact),
            _yes_no(c.consent_marketing), _local(c.created_at), _local(c.updated_at),
        )])
        written += 1
    about = book.create_sheet(_("About this export"))
    now = clock.now()
    about.append([_cell(about, _("Exported by")), _cell(about, user.display_name)])
    about.append([_cell(about, _("Exported at")), _cell(about, _local(now))])
    about.append([_cell(about, _("Rows")), _cell(about, written)])
    about.append([_cell(about, _("Mobile and resident ID numbers are masked."))])
    if total > written:
        note = _("Only the first %(limit)s of %(total)s customers were exported. Narrow the filters to export the rest.") % {
            "limit": f"{limit:,}", "total": f"{total:,}"}
        about.append([_cell(about, note)])
        messages.warning(request, note)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="customers-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"'
    return response


# --- Filing and editing ----------------------------------------------------------------------------

@login_required
def customer_create(request):
    """File a person or company; a mobile already in the file leads to that customer instead."""
    user = request.user
    require(user, Capability.EDIT_CUSTOMERS)
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                customer, created = services.customer_create(actor=user, fields=form.customer_fields())
                if created and form.tag_names():
                    services.customer_set_tags(actor=user, customer=customer, names=form.tag_names())
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            if created:
                return _done(request, _("Customer filed."), _detail_url(customer))
            messages.info(request, _("This mobile number is already in the customer file: here is the customer. "
                                     "Nothing was changed."))
            target = _detail_url(customer)
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    return render_form(request, "customers/customer_create.html", {"form": form}, partial="customers/_form.html")


def _initial(customer: Customer, tags: list[str]) -> dict:
    return {
        "version": customer.version, "kind": customer.kind, "name": customer.name, "contact_name": customer.contact_name,
        "wechat_id": customer.wechat_id, "gender": customer.gender, "city": customer.city,
        "district": customer.district, "source": customer.source, "tags": ", ".join(tags), "notes": customer.notes,
    }


@login_required
def customer_edit(request, pk):
    """Edit the file; a save over someone else's newer change is refused and changes nothing."""
    user = request.user
    customer = _customer(request, pk)
    require(user, Capability.EDIT_CUSTOMERS)
    tags = [t.name for t in customer.tags.all()]
    form = CustomerEditForm(request.POST or None, initial=_initial(customer, tags), customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.customer_update(actor=user, customer=customer, fields=form.customer_fields(),
                                         expected_version=form.cleaned_data["version"])
                services.customer_set_tags(actor=user, customer=customer, names=form.tag_names())
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Customer saved."), _detail_url(customer))
    return render_form(request, "customers/customer_edit.html", {"form": form, "customer": customer},
                       partial="customers/_form.html")


# --- One customer ----------------------------------------------------------------------------------

@login_required
def customer_detail(request, pk):
    """The customer's card: masked values with a logged reveal, consent, leads, visits, tags and history."""
    customer = _customer(request, pk)
    return render(request, "customers/customer_detail.html", _detail_context(request, customer))


def _detail_context(request, customer: Customer, *, consent_form=None, revealed: dict | None = None) -> dict:
    user = request.user
    can_edit = can(user, Capability.EDIT_CUSTOMERS)
    return {
        "customer": customer,
        "tags": list(customer.tags.all()),
        "leads": list(leads.leads_for(user).filter(customer=customer).select_related("owner").order_by("-created_at", "-id")),
        "visits": list(reception.visits_for(user).filter(customer=customer).select_related("consultant")
                       .order_by("-arrived_at", "-id")),
        "consents": list(selectors.consents_for(user, customer)),
        "consent_form": consent_form or (ConsentForm() if can_edit else None),
        "history": _history(user, customer),
        "revealed": revealed or {},
        "can_edit": can_edit,
        "can_reveal": can(user, Capability.REVEAL_PII),
        "can_merge": can(user, Capability.MERGE_CUSTOMERS),
    }


@login_required
@require_POST
def customer_reveal(request, pk):
    """Show one full value (mobile or ID number) to a role entitled to it; the service logs that it was shown."""
    customer = _customer(request, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("This field cannot be revealed."), code="field_invalid", field="field")
    field = form.cleaned_data["field"]
    value = services.customer_reveal(actor=request.user, customer=customer, field=field)
    if request.htmx:
        return render(request, "customers/_pii.html", {"customer": customer, "field": field, "value": value})
    return render(request, "customers/customer_detail.html", _detail_context(request, customer, revealed={field: value}))


@login_required
def customer_consent(request, pk):
    """Record consent given or withdrawn, with how; withdrawing is as easy as giving."""
    customer = _customer(request, pk)
    if request.method != "POST":
        return redirect(_detail_url(customer))
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.customer_record_consent(actor=request.user, customer=customer, **form.cleaned_data)
        except DomainError as err:
            refuse_on_form(form, err)
        else:
            return _done(request, _("Consent recorded."), _detail_url(customer))
    if request.htmx:
        return render_form(request, "customers/_consent_form.html", {"customer": customer, "consent_form": form, "form": form})
    return render_form(request, "customers/customer_detail.html",
                       _detail_context(request, customer, consent_form=form) | {"form": form})


# --- Merging duplicates ------------------------------------------------------------------------------

@login_required
def customer_merge(request, pk):
    """A manager finds the duplicate of this customer, compares the two side by side and merges it into this one."""
    user = request.user
    survivor = _customer(request, pk)
    require(user, Capability.MERGE_CUSTOMERS)
    if request.method == "POST":
        form = MergeForm(request.POST)
        if form.is_valid():
            duplicate = get_visible(Customer, user, form.cleaned_data["duplicate"])
            try:
                services.customer_merge(actor=user, survivor=survivor, duplicate=duplicate)
            except (NotFound, PermissionDenied):
                raise
            except DomainError as err:
                messages.error(request, str(err.message))
            else:
                return _done(request, _("Merged: %(name)s now holds the leads, visits and history of both records.")
                             % {"name": survivor.name}, _detail_url(survivor))
        return redirect(reverse("customers:merge", args=[survivor.pk]))
    search = MergeSearchForm(request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q") or ""
    candidates = []
    if query:
        candidates = list(selectors.customer_list(user, query=query).exclude(pk=survivor.pk)[:MERGE_CANDIDATES])
    context = {"survivor": survivor, "search": search, "query": query, "candidates": candidates}
    if request.htmx and request.htmx.target == "merge-candidates":
        return render(request, "customers/_merge_candidates.html", context)
    duplicate_id = request.GET.get("duplicate")
    if duplicate_id:
        duplicate = get_visible(Customer, user, duplicate_id, select_related=("owner",))
        if duplicate.pk != survivor.pk:
            context |= {"duplicate": duplicate, "comparison": _comparison(user, survivor, duplicate),
                        "form": MergeForm(initial={"duplicate": duplicate.pk})}
    return render(request, "customers/customer_merge.html", context)


def _comparison(user, survivor: Customer, duplicate: Customer) -> list[dict]:
    """The two records field by field, and what the merge does with each value."""
    both = (survivor, duplicate)
    lead_counts = {c.pk: leads.leads_for(user).filter(customer=c).count() for c in both}
    visit_counts = {c.pk: reception.visits_for(user).filter(customer=c).count() for c in both}
    tag_names = {c.pk: "、".join(t.name for t in c.tags.all()) for c in both}

    def row(label, value, *, field: str = "", filled: bool | None = None):
        fills = field in services.MERGE_FILLED_FIELDS
        keep, other = value(survivor), value(duplicate)
        return {"label": label, "survivor": keep or "—", "duplicate": other or "—",
                "filled": (fills and not keep and bool(other)) if filled is None else filled}

    def choice(field):
        return lambda c: str(getattr(c, f"get_{field}_display")()) if getattr(c, field) else ""

    return [
        row(_("Type"), choice("kind")),
        row(_("Name"), lambda c: c.name),
        row(_("Contact person"), lambda c: c.contact_name, field="contact_name"),
        row(_("Mobile"), lambda c: c.masked_mobile, field="mobile"),
        row(_("WeChat ID"), lambda c: c.wechat_id, field="wechat_id"),
        row(_("Gender"), choice("gender"), field="gender"),
        row(_("City"), lambda c: c.city, field="city"),
        row(_("District"), lambda c: c.district, field="district"),
        row(_("Resident ID number"), lambda c: c.masked_id_number, field="id_number"),
        row(_("Source"), choice("source"), field="source"),
        row(_("Consultant"), lambda c: c.owner.display_name if c.owner else _("Unassigned pool"),
            filled=survivor.owner_id is None and duplicate.owner_id is not None),
        row(_("Tags"), lambda c: tag_names[c.pk]),
        row(_("Leads"), lambda c: str(lead_counts[c.pk])),
        row(_("Showroom visits"), lambda c: str(visit_counts[c.pk])),
        row(_("May be contacted"), lambda c: _yes_no(c.consent_contact)),
        row(_("May receive marketing"), lambda c: _yes_no(c.consent_marketing)),
        row(_("Filed"), lambda c: timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M")),
        row(_("Notes"), lambda c: c.notes),
    ]


# --- The history: audit data as readable lines -------------------------------------------------------

ACTION_LABELS = {
    "customers.created": gettext_lazy("Filed"),
    "customers.updated": gettext_lazy("Edited"),
    "customers.owner_changed": gettext_lazy("Consultant changed"),
    "customers.tags_changed": gettext_lazy("Tags changed"),
    "customers.consent_recorded": gettext_lazy("Consent recorded"),
    "customers.merged": gettext_lazy("Merged with a duplicate record"),
}
FIELD_LABELS = {
    "kind": gettext_lazy("Type"),
    "name": gettext_lazy("Name"),
    "contact_name": gettext_lazy("Contact person"),
    "mobile": gettext_lazy("Mobile"),
    "wechat_id": gettext_lazy("WeChat ID"),
    "gender": gettext_lazy("Gender"),
    "city": gettext_lazy("City"),
    "district": gettext_lazy("District"),
    "id_number": gettext_lazy("Resident ID number"),
    "source": gettext_lazy("Source"),
    "notes": gettext_lazy("Notes"),
    "owner": gettext_lazy("Consultant"),
    "tags": gettext_lazy("Tags"),
}
# Full values never reach the page through the history: it shows them masked, like everywhere else.
MASKS = {"mobile": mask_mobile, "id_number": mask_id_number}
CHOICES_OF = {"kind": CustomerKind, "gender": Gender, "source": Source}
MOVED_LABELS = {
    "leads": gettext_lazy("leads"),
    "referred_leads": gettext_lazy("referred leads"),
    "visits": gettext_lazy("showroom visits"),
    "consents": gettext_lazy("consent records"),
    "pii_accesses": gettext_lazy("reveal log entries"),
    "audit_entries": gettext_lazy("history entries"),
}


def _value(key: str, value) -> str:
    """One audited value as a person reads it: masked personal data, labels for choices, Yes/No."""
    if value in (None, "", []):
        return _("Unassigned pool") if key == "owner" else "—"
    if key in MASKS:
        return MASKS[key](str(value)) or "—"
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if key in CHOICES_OF:
        try:
            return str(CHOICES_OF[key](value).label)
        except ValueError:
            return str(value)
    return str(value)


def _change(key: str, old, new) -> str:
    return f"{FIELD_LABELS.get(key, key)}: {_value(key, old)} → {_value(key, new)}"


def history_lines(action: str, data: dict) -> list[str]:
    """An audit entry of a customer as "field: old → new" lines, personal data masked."""
    data = data or {}
    if action == "customers.created":
        return [f"{FIELD_LABELS[k]}: {_value(k, v)}" for k, v in data.items()
                if k in FIELD_LABELS and k != "notes" and v not in (None, "")]
    if action == "customers.updated":
        return [_change(k, *v) for k, v in (data.get("changes") or {}).items()
                if k in FIELD_LABELS and isinstance(v, list) and len(v) == 2]
    if action == "customers.owner_changed":
        return [_change("owner", data.get("from"), data.get("to"))]
    if action == "customers.tags_changed":
        return [_change("tags", data.get("from"), data.get("to"))]
    if action == "customers.consent_recorded":
        kind, method = data.get("kind"), data.get("method")
        label = ConsentKind(kind).label if kind in ConsentKind.values else kind
        how = ConsentMethod(method).label if method in ConsentMethod.values else method
        return [f"{label}: {_value('', data.get('from'))} → {_value('', data.get('to'))}",
                _("How: %(method)s") % {"method": how}]
    if action == "customers.merged":
        merged = data.get("merged") or {}
        lines = [_("Merged record: No. %(id)s %(name)s %(mobile)s") % {
            "id": merged.get("id", "?"), "name": merged.get("name", ""), "mobile": mask_mobile(merged.get("mobile"))}]
        moved = [f"{MOVED_LABELS[k]} {n}" for k, n in (data.get("moved") or {}).items() if n and k in MOVED_LABELS]
        if moved:
            lines.append(_("Moved over: %(items)s") % {"items": ", ".join(moved)})
        filled = [str(FIELD_LABELS.get(k, k)) for k in data.get("filled") or []]
        if filled:
            lines.append(_("Filled in from the duplicate: %(fields)s") % {"fields": ", ".join(filled)})
        return lines
    return []


def _history(user, customer: Customer) -> list[dict]:
    """Changes to the customer, newest first; for managers also who was shown a full value."""
    items = [
        {"kind": "audit", "at": e.created_at, "actor": e.actor, "title": str(ACTION_LABELS.get(e.action, e.action)),
         "lines": history_lines(e.action, e.data)}
        for e in entries_for(customer)
    ]
    if can(user, Capability.VIEW_AUDIT):
        items += [
            {"kind": "reveal", "at": a.created_at, "actor": a.actor,
             "title": _("Full value shown: %(field)s") % {"field": FIELD_LABELS.get(a.field, a.field)},
             "lines": [a.purpose] if a.purpose else []}
            for a in selectors.pii_accesses_for(user, customer)[:200]
        ]
    return sorted(items, key=lambda item: item["at"], reverse=True)
