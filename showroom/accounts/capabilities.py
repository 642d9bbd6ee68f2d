"""What each role may do. Services call `require`; views ask `can` only to show or hide buttons."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from showroom.core.errors import PermissionDenied

from .models import Role


class Capability(StrEnum):
    VIEW_CUSTOMERS = "view_customers"
    EDIT_CUSTOMERS = "edit_customers"
    REVEAL_PII = "reveal_pii"
    MERGE_CUSTOMERS = "merge_customers"
    EXPORT_CUSTOMERS = "export_customers"
    CREATE_LEADS = "create_leads"
    WORK_LEADS = "work_leads"  # advance, grade, log contacts, tasks
    CLAIM_LEADS = "claim_leads"
    ASSIGN_LEADS = "assign_leads"
    APPROVE_LOSS = "approve_loss"
    REACTIVATE_LEADS = "reactivate_leads"
    IMPORT_LEADS = "import_leads"
    INTAKE_LEADS = "intake_leads"
    REGISTER_VISITS = "register_visits"
    RECORD_DEPARTURE = "record_departure"
    VIEW_STORE_REPORTS = "view_store_reports"
    EDIT_SCRIPTS = "edit_scripts"
    MANAGE_STORE = "manage_store"
    VIEW_AUDIT = "view_audit"


C = Capability
_SELLER = {C.VIEW_CUSTOMERS, C.EDIT_CUSTOMERS, C.REVEAL_PII, C.CREATE_LEADS, C.WORK_LEADS, C.CLAIM_LEADS,
           C.RECORD_DEPARTURE}
_MANAGER = _SELLER | {C.MERGE_CUSTOMERS, C.EXPORT_CUSTOMERS, C.ASSIGN_LEADS, C.APPROVE_LOSS,
                      C.REACTIVATE_LEADS, C.IMPORT_LEADS, C.REGISTER_VISITS, C.VIEW_STORE_REPORTS,
                      C.EDIT_SCRIPTS, C.VIEW_AUDIT}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.RECEPTIONIST: frozenset({C.REGISTER_VISITS, C.RECORD_DEPARTURE}),
    Role.CONSULTANT: frozenset(_SELLER),
    Role.KEY_ACCOUNT: frozenset(_SELLER),
    Role.SERVICE_ADVISOR: frozenset({C.CREATE_LEADS}),
    Role.MANAGER: frozenset(_MANAGER),
    Role.STORE_ADMIN: frozenset(_MANAGER | {C.MANAGE_STORE}),
    Role.GROUP_ADMIN: frozenset(_MANAGER | {C.MANAGE_STORE}),
    Role.INTEGRATION: frozenset({C.INTAKE_LEADS}),
}


def can(user, capability: Capability) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def require(user, capability: Capability) -> None:
    """Refuse the action unless the user's role carries the capability."""
    if not can(user, capability):
        raise PermissionDenied(_("Your role does not allow this action."))


def sees_whole_store(user) -> bool:
    return user.is_superuser or user.role in (Role.MANAGER, Role.STORE_ADMIN, Role.GROUP_ADMIN)


def sees_all_stores(user) -> bool:
    return user.is_superuser or user.role == Role.GROUP_ADMIN
