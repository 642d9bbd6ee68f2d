"""Writes to the customer file. Every change is checked, versioned and audited here."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from showroom.accounts.capabilities import Capability, require
from showroom.audit import services as audit
from showroom.core.errors import DomainError
from showroom.core.scoping import get_visible
from showroom.core.versioning import bump, check_version

from .identity import (
    gender_from_id_number,
    mask_id_number,
    mask_mobile,
    normalise_id_number,
    normalise_mobile,
)
from .models import ConsentKind, ConsentMethod, ConsentRecord, Customer, CustomerKind, Gender, Tag
from .pinyin import pinyin_keys

EDITABLE_FIELDS = (
    "kind", "name", "contact_name", "mobile", "wechat_id", "gender", "city", "district", "id_number", "source", "notes",
)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "owner_id")


_MASKS = {"mobile": mask_mobile, "id_number": mask_id_number}


def customer_audit_snapshot(customer, *, masked: bool = True) -> dict:
    """The audited fields of a customer (or of any object with those attributes, as the bulk sheet import has);
    masked (the default) for the audit log, which must be no back door to the full mobile and ID number."""
    values = {f: getattr(customer, f) for f in AUDITED_FIELDS}
    if masked:
        values.update({f: mask(values[f]) for f, mask in _MASKS.items()})
    return values


def _masked_changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} of the fields that changed, compared in full and written masked."""
    return {
        f: [_MASKS.get(f, lambda v: v)(before[f]), _MASKS.get(f, lambda v: v)(after[f])]
        for f in after if before[f] != after[f]
    }


def customer_clean_fields(fields: dict) -> dict:
    """The customer fields as the file stores them, normalised and validated (name, type, gender, mobile, ID
    number); raises DomainError naming the field. The customer services call it; the bulk sheet import checks its
    rows with it too, so that a sheet and the form refuse the same values."""
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items() if k in EDITABLE_FIELDS}
    if "name" in clean and not clean["name"]:
        raise DomainError(_("Enter the customer's name."), code="name_required", field="name")
    if "kind" in clean and clean["kind"] not in CustomerKind.values:
        raise DomainError(_("Choose person or company."), code="kind_invalid", field="kind")
    if "gender" in clean and (clean["gender"] or "") not in Gender.values:
        raise DomainError(_("Choose a gender from the list."), code="gender_invalid", field="gender")
    if "mobile" in clean:
        clean["mobile"] = normalise_mobile(clean["mobile"]) if clean["mobile"] else None
    if clean.get("id_number"):
        clean["id_number"] = normalise_id_number(clean["id_number"])
        if not clean.get("gender"):
            clean["gender"] = gender_from_id_number(clean["id_number"])
    return clean


def _apply(customer: Customer, clean: dict) -> list[str]:
    for key, value in clean.items():
        setattr(customer, key, value)
    changed = list(clean)
    if "mobile" in clean:
        customer.mobile_last4 = (customer.mobile or "")[-4:]
        changed.append("mobile_last4")
    if "name" in clean or "kind" in clean:
        customer.name_pinyin, customer.name_initials = pinyin_keys(customer.name, person=customer.kind == CustomerKind.PERSON)
        changed += ["name_pinyin", "name_initials"]
    return changed


def _duplicate_error(actor, existing: Customer) -> DomainError:
    owner = existing.owner.display_name if existing.owner else _("the unassigned pool")
    return DomainError(
        _("This mobile number is already in the customer file (customer of %(owner)s).") % {"owner": owner},
        code="duplicate_mobile", field="mobile",
    )


def customer_find_or_create(*, actor, store, fields: dict, owner=None) -> tuple[Customer, bool]:
    """File a prospect, or find the one already filed under the same mobile in this store.

    A duplicate the actor may not see is refused with who owns it, never shown. The calling
    service (customer form, lead intake, reception) has checked the actor's capability.
    """
    clean = customer_clean_fields(fields)
    if not clean.get("name"):
        raise DomainError(_("Enter the customer's name."), code="name_required", field="name")
    mobile = clean.get("mobile")
    with transaction.atomic():
        if mobile:
            existing = Customer.objects.filter(store=store, mobile=mobile).select_related("owner").first()
            if existing is not None:
                return _existing_for(actor, existing), False
        customer = Customer(store=store, owner=owner, created_by=actor if getattr(actor, "pk", None) else None)
        _apply(customer, clean)
        try:
            with transaction.atomic():
                customer.save()
        except IntegrityError:  # filed by someone else a moment ago
            existing = Customer.objects.select_related("owner").get(store=store, mobile=mobile)
            return _existing_for(actor, existing), False
        audit.record(actor=actor, action="customers.created", target=customer, data=customer_audit_snapshot(customer))
    return customer, True


def _is_intake(actor) -> bool:
    from showroom.accounts.capabilities import can

    return can(actor, Capability.INTAKE_LEADS) or can(actor, Capability.REGISTER_VISITS)


def _existing_for(actor, existing: Customer) -> Customer:
    """Return a found duplicate if the actor may see it or needs it to route a lead (reception, intake)."""
    if _is_intake(actor) or Customer.objects.visible_to(actor).filter(pk=existing.pk).exists():
        return existing
    raise _duplicate_error(actor, existing)


def customer_create(*, actor, fields: dict, owner=None) -> tuple[Customer, bool]:
    """File a new prospect from the customer form; a known mobile returns the existing customer."""
    require(actor, Capability.EDIT_CUSTOMERS)
    if owner is None and actor.sells:
        owner = actor
    return customer_find_or_create(actor=actor, store=actor.store, fields=fields, owner=owner)


def customer_follow_lead_owner(*, actor, customer: Customer, owner, previous_id: int | None = None) -> None:
    """The customer goes with their lead to its consultant, if unowned or still with `previous_id`; audited.

    Called by the lead and reception services inside their transaction, after their own checks.
    """
    new_id = getattr(owner, "pk", None)
    if customer.owner_id not in (None, previous_id) or customer.owner_id == new_id:
        return
    old = customer.owner
    Customer.objects.filter(pk=customer.pk).update(owner_id=new_id)
    customer.owner = owner
    customers_sync_shared([customer.pk])
    audit.record(actor=actor, action="customers.owner_changed", target=customer, data={
        "from": old.display_name if old else None, "to": owner.display_name if owner else None,
        "from_id": getattr(old, "pk", None), "to_id": new_id,
    })


def customers_sync_shared(customer_ids) -> None:
    """Mark the customers of whom another consultant, or the pool, holds a lead, and unmark the rest of those given.

    Called by every service that opens a lead or changes whose a lead or a customer is, inside its transaction.
    """
    from showroom.leads.models import Lead

    ids = sorted({pk for pk in customer_ids if pk})
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        owners = dict(Customer.objects.filter(pk__in=chunk).values_list("pk", "owner_id"))
        shared = {customer_id for customer_id, lead_owner in
                  Lead.objects.filter(customer_id__in=chunk).values_list("customer_id", "owner_id").distinct()
                  if lead_owner != owners.get(customer_id)}
        if shared:
            Customer.objects.filter(pk__in=shared, shared=False).update(shared=True)
        Customer.objects.filter(pk__in=set(chunk) - shared, shared=True).update(shared=False)


def customer_update(*, actor, customer: Customer, fields: dict, expected_version: int | None) -> Customer:
    """Edit the customer file; refused if someone saved in between (version check)."""
    require(actor, Capability.EDIT_CUSTOMERS)
    with transaction.atomic():
        customer = get_visible(Customer, actor, customer.pk, for_update=True)
        check_version(customer, expected_version)
        clean = customer_clean_fields(fields)
        if clean.get("mobile") and clean["mobile"] != customer.mobile:
            other = Customer.objects.filter(store=customer.store_id, mobile=clean["mobile"]).exclude(pk=customer.pk)
            other = other.select_related("owner").first()
            if other is not None:
                raise _duplicate_error(actor, other)
        before = customer_audit_snapshot(customer, masked=False)
        changed = _apply(customer, clean)
        changes = _masked_changes(before, customer_audit_snapshot(customer, masked=False))
        if not changes:
            return customer
        customer.save(update_fields=bump(customer, actor, changed))
        audit.record(actor=actor, action="customers.updated", target=customer, data={"changes": changes})
    return customer


def customer_set_tags(*, actor, customer: Customer, names: list[str]) -> Customer:
    """Replace the customer's tags, creating new tag names in the store."""
    require(actor, Capability.EDIT_CUSTOMERS)
    with transaction.atomic():
        customer = get_visible(Customer, actor, customer.pk, for_update=True)
        wanted = sorted({n.strip()[:30] for n in names if n and n.strip()})
        before = sorted(customer.tags.values_list("name", flat=True))
        if wanted == before:
            return customer
        tags = [Tag.objects.get_or_create(store_id=customer.store_id, name=n)[0] for n in wanted]
        customer.tags.set(tags)
        audit.record(actor=actor, action="customers.tags_changed", target=customer, data={"from": before, "to": wanted})
    return customer


def customer_record_consent(*, actor, customer: Customer, kind: str, granted: bool, method: str, note: str = "") -> ConsentRecord:
    """Record a consent given or withdrawn, with how it was given; withdrawing is as easy as giving."""
    require(actor, Capability.EDIT_CUSTOMERS)
    if kind not in ConsentKind.values:
        raise DomainError(_("Choose which consent this is."), code="consent_kind_invalid", field="kind")
    if method not in ConsentMethod.values:
        raise DomainError(_("Choose how the customer gave or withdrew consent."), code="consent_method_invalid", field="method")
    with transaction.atomic():
        customer = get_visible(Customer, actor, customer.pk, for_update=True)
        record = ConsentRecord.objects.create(
            customer=customer, kind=kind, granted=granted, method=method, note=note.strip()[:200], recorded_by=actor
        )
        attr = "consent_contact" if kind == ConsentKind.CONTACT else "consent_marketing"
        before = getattr(customer, attr)
        setattr(customer, attr, granted)
        # Consent is not part of the edit form, so it does not move the version editors hold.
        customer.save(update_fields=[attr, "updated_at"])
        audit.record(
            actor=actor, action="customers.consent_recorded", target=customer,
            data={"kind": kind, "from": before, "to": granted, "method": method},
        )
    return record


REVEALABLE = {"mobile": "mobile", "id_number": "id_number"}


def customer_reveal(*, actor, customer: Customer, field: str, purpose: str = "") -> str:
    """Show one full value of personal data to someone entitled to it, and log that it was shown."""
    require(actor, Capability.REVEAL_PII)
    if field not in REVEALABLE:
        raise DomainError(_("This field cannot be revealed."), code="field_invalid", field="field")
    with transaction.atomic():
        customer = get_visible(Customer, actor, customer.pk)
        audit.log_pii_access(actor=actor, customer=customer, field=field, purpose=purpose)
    return getattr(customer, REVEALABLE[field]) or ""


# What the survivor takes from the duplicate where it has nothing itself (the merge page shows the same).
MERGE_FILLED_FIELDS = ("mobile", "wechat_id", "gender", "city", "district", "id_number", "source", "contact_name")


def customer_merge(*, actor, survivor: Customer, duplicate: Customer) -> Customer:
    """Merge a duplicate record into the survivor, keeping every lead, visit, consent and history."""
    require(actor, Capability.MERGE_CUSTOMERS)
    if survivor.pk == duplicate.pk:
        raise DomainError(_("Choose two different customers to merge."), code="merge_same", field="duplicate")
    with transaction.atomic():
        survivor = get_visible(Customer, actor, survivor.pk, for_update=True)
        duplicate = get_visible(Customer, actor, duplicate.pk, for_update=True)
        if survivor.store_id != duplicate.store_id:
            raise DomainError(_("Only customers of the same store can be merged."), code="merge_other_store", field="duplicate")
        before = customer_audit_snapshot(survivor)
        moved = _move_related(duplicate, survivor)
        fill = {}
        for field in MERGE_FILLED_FIELDS:
            if not getattr(survivor, field) and getattr(duplicate, field):
                fill[field] = getattr(duplicate, field)
        if duplicate.notes:
            fill["notes"] = "\n".join(filter(None, [survivor.notes, duplicate.notes]))
        if survivor.owner_id is None and duplicate.owner_id is not None:
            survivor.owner_id = duplicate.owner_id
        survivor.consent_contact = survivor.consent_contact or duplicate.consent_contact
        survivor.consent_marketing = survivor.consent_marketing or duplicate.consent_marketing
        survivor.tags.add(*duplicate.tags.all())
        duplicate_snapshot = {**customer_audit_snapshot(duplicate), "id": duplicate.pk}
        duplicate_mobile = duplicate.mobile
        duplicate.delete()
        if "mobile" in fill:
            fill["mobile"] = duplicate_mobile
        changed = _apply(survivor, fill)
        survivor.save(update_fields=bump(survivor, actor, [*changed, "owner", "consent_contact", "consent_marketing"]))
        customers_sync_shared([survivor.pk])
        audit.record(
            actor=actor, action="customers.merged", target=survivor,
            data={"merged": duplicate_snapshot, "moved": moved, "filled": sorted(fill), "before": before},
        )
    return survivor


def _move_related(duplicate: Customer, survivor: Customer) -> dict:
    """Re-point everything that belonged to the duplicate at the survivor, audit history included."""
    from django.contrib.contenttypes.models import ContentType

    from showroom.audit.models import AuditEntry, PiiAccess
    from showroom.leads.models import Lead
    from showroom.reception.models import Visit

    content_type = ContentType.objects.get_for_model(Customer)
    return {
        "leads": Lead.objects.filter(customer=duplicate).update(customer=survivor),
        "referred_leads": Lead.objects.filter(referrer=duplicate).update(referrer=survivor),
        "visits": Visit.objects.filter(customer=duplicate).update(customer=survivor),
        "consents": ConsentRecord.objects.filter(customer=duplicate).update(customer=survivor),
        "pii_accesses": PiiAccess.objects.filter(customer=duplicate).update(customer=survivor),
        "audit_entries": AuditEntry.objects.filter(target_type=content_type, target_id=duplicate.pk).update(target_id=survivor.pk),
    }


EXPORT_LIMIT = 50_000


def customer_export(*, actor, filters: dict, limit: int | None = None):
    """A manager exports the filtered customer list (masked, capped); who exported what is audited.

    Returns the rows to write (the customer_list selector, so the same scope) and how many matched.
    """
    from . import selectors

    require(actor, Capability.EXPORT_CUSTOMERS)
    limit = EXPORT_LIMIT if limit is None else limit
    rows = selectors.customer_list(actor, **filters)
    total = rows.count()
    audit.record(actor=actor, action="customers.exported", target=actor, store_id=actor.store_id,
                 data={"filters": filters, "rows": min(total, limit), "matched": total})
    return rows[:limit], total
