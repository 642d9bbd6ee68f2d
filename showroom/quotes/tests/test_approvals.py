"""Discount limits, floor prices and the sales manager's approval."""

from decimal import Decimal

import pytest

from showroom.audit.models import AuditEntry
from showroom.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from showroom.quotes import selectors, services
from showroom.quotes.models import ApprovalStatus, DiscountLimit, FloorPrice, QuoteStatus

from .conftest import make_quote


def test_a_discount_within_the_limit_is_issued_directly(consultant, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("10000"))
    assert not quote.needs_approval
    assert services.quote_issue(actor=consultant, quote=quote).status == QuoteStatus.ISSUED


def test_a_discount_beyond_the_limit_cannot_be_issued_without_approval(consultant, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("10000.01"))
    assert quote.needs_approval
    with pytest.raises(DomainError) as refused:
        services.quote_issue(actor=consultant, quote=quote)
    assert refused.value.code == "approval_required" and refused.value.field == "discount"


def test_a_consultants_own_limit_replaces_the_store_default(consultant, manager, lead, trim):
    services.discount_limit_set(actor=manager, consultant=consultant, amount=Decimal("20000"))
    assert not make_quote(consultant, lead, trim, discount=Decimal("15000")).needs_approval
    services.discount_limit_set(actor=manager, consultant=consultant, amount=None)
    assert not DiscountLimit.objects.exists()
    assert make_quote(consultant, lead, trim, discount=Decimal("15000")).needs_approval
    assert AuditEntry.objects.filter(action="quotes.discount_limit_set").count() == 2


def test_a_consultant_cannot_set_limits(consultant, colleague):
    with pytest.raises(PermissionDenied):
        services.discount_limit_set(actor=consultant, consultant=colleague, amount=Decimal("99999"))


def test_the_approval_flow_from_request_to_issue(consultant, manager, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    with pytest.raises(DomainError) as refused:
        services.quote_request_approval(actor=consultant, quote=quote, reason="")
    assert refused.value.field == "reason"
    request = services.quote_request_approval(actor=consultant, quote=quote, reason="客户拿到宝马X3报价低1.5万")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING_APPROVAL
    assert list(selectors.approvals_pending(manager)) == [request]
    assert list(selectors.approvals_of_consultant(consultant)) == [request]

    services.approval_decide(actor=manager, approval=request, approve=True, comment="同意，本月冲量")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    assert not selectors.approvals_pending(manager).exists()
    # the decision waits on the consultant's workbench until seen
    assert list(selectors.approvals_of_consultant(consultant)) == [request]
    services.approval_mark_seen(actor=consultant, approval=request)
    assert not selectors.approvals_of_consultant(consultant).exists()

    assert services.quote_issue(actor=consultant, quote=quote).status == QuoteStatus.ISSUED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"quotes.approval_requested", "quotes.approval_decided", "quotes.status_changed"} <= actions


def test_a_rejection_needs_a_comment_and_ends_the_version(consultant, manager, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    request = services.quote_request_approval(actor=consultant, quote=quote, reason="客户要求")
    with pytest.raises(DomainError) as refused:
        services.approval_decide(actor=manager, approval=request, approve=False)
    assert refused.value.field == "comment"
    services.approval_decide(actor=manager, approval=request, approve=False, comment="最多1.2万")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.REJECTED
    with pytest.raises(DomainError):
        services.quote_issue(actor=consultant, quote=quote)
    with pytest.raises(Conflict):
        services.approval_decide(actor=manager, approval=request, approve=True)


def test_a_consultant_cannot_approve(consultant, colleague, lead, trim, outsider):
    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    request = services.quote_request_approval(actor=consultant, quote=quote, reason="客户要求")
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=consultant, approval=request, approve=True)
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=colleague, approval=request, approve=True)
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=outsider, approval=request, approve=True)
    assert not selectors.approvals_pending(consultant).exists()


def test_a_manager_of_another_store_does_not_see_the_request(consultant, lead, trim, other_store):
    from showroom.accounts.models import Role
    from showroom.accounts.tests.factories import UserFactory

    other_manager = UserFactory(store=other_store, role=Role.MANAGER)
    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    request = services.quote_request_approval(actor=consultant, quote=quote, reason="客户要求")
    assert not selectors.approvals_pending(other_manager).exists()
    with pytest.raises(NotFound):
        services.approval_decide(actor=other_manager, approval=request, approve=True)


def test_below_the_floor_a_consultant_needs_a_managers_approval_even_within_the_limit(consultant, manager, lead, trim,
                                                                                      store):
    FloorPrice.objects.create(store=store, trim=trim, price=Decimal("392000"))
    quote = make_quote(consultant, lead, trim, discount=Decimal("8000"))  # within ¥10,000, but 390,800 < 392,000
    assert quote.below_floor and quote.needs_approval
    with pytest.raises(DomainError) as refused:
        services.quote_issue(actor=consultant, quote=quote)
    assert refused.value.code == "approval_required"
    request = services.quote_request_approval(actor=consultant, quote=quote, reason="老客户增购")
    assert request.below_floor and request.floor_price == Decimal("392000.00")
    services.approval_decide(actor=manager, approval=request, approve=True, comment="老客户，同意")
    assert services.quote_issue(actor=consultant, quote=quote).status == QuoteStatus.ISSUED


def test_a_quote_within_the_limit_needs_no_request(consultant, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("1000"))
    with pytest.raises(DomainError) as refused:
        services.quote_request_approval(actor=consultant, quote=quote, reason="x")
    assert refused.value.code == "approval_not_needed"


def test_issuing_another_version_withdraws_nothing_it_should_not(consultant, manager, lead, trim):
    pending = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    request = services.quote_request_approval(actor=consultant, quote=pending, reason="客户要求")
    accepted = services.quote_issue(actor=consultant, quote=make_quote(consultant, lead, trim))
    services.quote_accept(actor=consultant, quote=accepted)
    request.refresh_from_db()
    pending.refresh_from_db()
    assert request.status == ApprovalStatus.WITHDRAWN and pending.status == QuoteStatus.SUPERSEDED


def test_a_manager_changing_a_consultants_draft_decides_its_price(consultant, manager, lead, trim):
    from .conftest import quote_fields

    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    assert quote.needs_approval
    changed = services.quote_update(actor=manager, quote=quote, fields=quote_fields(trim, discount=Decimal("16000")))
    assert not changed.needs_approval
    # the consultant's own later change falls under their limit again
    again = services.quote_update(actor=consultant, quote=changed, fields=quote_fields(trim, discount=Decimal("16000")))
    assert again.needs_approval


def test_issuing_a_newer_version_withdraws_the_older_versions_request(consultant, manager, lead, trim):
    pending = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    request = services.quote_request_approval(actor=consultant, quote=pending, reason="客户要求")
    services.quote_issue(actor=consultant, quote=make_quote(consultant, lead, trim, discount=Decimal("9000")))
    request.refresh_from_db()
    pending.refresh_from_db()
    assert request.status == ApprovalStatus.WITHDRAWN and pending.status == QuoteStatus.SUPERSEDED
    with pytest.raises(Conflict):
        services.approval_decide(actor=manager, approval=request, approve=True)
