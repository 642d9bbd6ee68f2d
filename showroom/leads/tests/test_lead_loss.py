"""A lost sale (战败): the consultant applies with a reason, the manager approves or sends it back."""

from decimal import Decimal

import pytest

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.errors import DomainError, NotFound, PermissionDenied
from showroom.followups.models import Task, TaskKind, TaskStatus
from showroom.leads.models import (
    Grade,
    LossReason,
    LossRequest,
    LossRequestStatus,
    Stage,
    StageTransition,
    Status,
)
from showroom.leads.selectors import pending_loss_requests
from showroom.leads.services import lead_advance_stage, lead_decide_loss, lead_request_loss
from showroom.leads.tests.scenario import NOW, SHANGHAI, WALK_IN, frozen, lead  # noqa: F401 - shared fixtures


def test_a_consultant_applies_to_close_a_lead_as_lost_and_the_manager_sees_it_waiting(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.COMPETITOR, competitor_brand=" 宝马 ",
                                competitor_model="X3", competitor_price=Decimal("389000.005"), notes="朋友推荐")

    assert request.status == LossRequestStatus.PENDING and request.requested_by == consultant
    assert (request.competitor_brand, request.competitor_model, request.competitor_price) == ("宝马", "X3", Decimal("389000.01"))
    lead.refresh_from_db()
    assert lead.loss_pending and lead.status == Status.OPEN
    assert list(pending_loss_requests(manager)) == [request]
    entry = AuditEntry.objects.get(action="leads.loss_requested")
    assert entry.data == {"reason": "competitor", "competitor": "宝马 X3", "notes": "朋友推荐"}


@pytest.mark.parametrize(
    ("brand", "model", "field"), [("", "X3", "competitor_brand"), ("宝马", " ", "competitor_model")]
)
def test_bought_a_competitor_needs_the_brand_and_the_model(consultant, lead, brand, model, field):
    with pytest.raises(DomainError) as refused:
        lead_request_loss(actor=consultant, lead=lead, reason=LossReason.COMPETITOR, competitor_brand=brand,
                          competitor_model=model)

    assert refused.value.field == field
    assert not LossRequest.objects.exists()


def test_an_unknown_reason_is_refused(consultant, lead):
    with pytest.raises(DomainError) as refused:
        lead_request_loss(actor=consultant, lead=lead, reason="bad_luck")

    assert refused.value.field == "reason"
    assert not LossRequest.objects.exists()


@pytest.mark.parametrize(
    "price", [Decimal("0"), Decimal("-1"), Decimal("NaN"), Decimal("Infinity"), "abc", "", Decimal("1e15")]
)
def test_a_competitor_price_that_is_not_an_amount_of_money_is_refused_on_its_field(consultant, lead, price):
    with pytest.raises(DomainError) as refused:
        lead_request_loss(actor=consultant, lead=lead, reason=LossReason.COMPETITOR, competitor_brand="宝马",
                          competitor_model="X3", competitor_price=price)

    assert refused.value.field == "competitor_price"
    assert not LossRequest.objects.exists()


def test_a_second_application_while_one_waits_is_refused(consultant, lead):
    lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)

    with pytest.raises(DomainError) as refused:
        lead_request_loss(actor=consultant, lead=lead, reason=LossReason.POSTPONED)

    assert refused.value.code == "loss_pending"
    assert LossRequest.objects.count() == 1


def test_a_lead_with_an_order_cannot_be_lost(consultant, lead):
    for stage in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION, Stage.ORDER):
        lead_advance_stage(actor=consultant, lead=lead, to=stage)

    with pytest.raises(DomainError) as refused:
        lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)

    assert refused.value.code == "lead_has_order"


def test_the_manager_approves_the_loss_the_lead_closes_as_f_and_its_tasks_are_cancelled(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)

    lead_decide_loss(actor=manager, request=request, approve=True, comment="同意")

    lead.refresh_from_db()
    request.refresh_from_db()
    assert (lead.status, lead.grade, lead.loss_pending) == (Status.LOST, Grade.F, False)
    assert lead.next_follow_up_at is None
    assert not Task.objects.filter(lead=lead, status=TaskStatus.OPEN).exists()
    assert (request.status, request.decided_by, request.decided_at, request.decision_comment) == (
        LossRequestStatus.APPROVED, manager, NOW, "同意",
    )
    move = StageTransition.objects.filter(lead=lead).latest("id")
    assert (move.from_status, move.to_status, move.actor) == (Status.OPEN, Status.LOST, manager)
    entry = AuditEntry.objects.get(action="leads.loss_approved")
    assert entry.data["status"] == ["open", "lost"] and entry.data["grade"] == ["N", "F"]
    assert list(pending_loss_requests(manager)) == []


def test_rejecting_needs_a_comment(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)

    with pytest.raises(DomainError) as refused:
        lead_decide_loss(actor=manager, request=request, approve=False, comment="  ")

    assert refused.value.field == "comment"
    request.refresh_from_db()
    assert request.status == LossRequestStatus.PENDING


def test_a_rejected_loss_sends_the_lead_back_to_the_consultant_with_a_task_saying_why(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)

    lead_decide_loss(actor=manager, request=request, approve=False, comment="再约一次试驾")

    lead.refresh_from_db()
    assert lead.status == Status.OPEN and not lead.loss_pending
    task = Task.objects.get(lead=lead, kind=TaskKind.MANUAL)
    assert task.owner == consultant and task.status == TaskStatus.OPEN and "再约一次试驾" in task.title
    assert task.due_at == NOW and lead.next_follow_up_at == NOW
    assert AuditEntry.objects.get(action="leads.loss_rejected").data["comment"] == "再约一次试驾"


def test_a_decided_request_cannot_be_decided_again(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    lead_decide_loss(actor=manager, request=request, approve=False, comment="再跟进")

    with pytest.raises(DomainError) as refused:
        lead_decide_loss(actor=manager, request=request, approve=True)

    assert refused.value.code == "already_decided"
    lead.refresh_from_db()
    assert lead.status == Status.OPEN


def test_a_consultant_cannot_approve_and_another_stores_manager_does_not_see_the_request(
    consultant, other_store, lead
):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    their_manager = UserFactory(store=other_store, role=Role.MANAGER)

    with pytest.raises(PermissionDenied):
        lead_decide_loss(actor=consultant, request=request, approve=True)
    with pytest.raises(NotFound):
        lead_decide_loss(actor=their_manager, request=request, approve=True)
    assert list(pending_loss_requests(their_manager)) == []


def test_a_lost_lead_cannot_be_applied_for_again(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    lead_decide_loss(actor=manager, request=request, approve=True)

    with pytest.raises(DomainError) as refused:
        lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    assert refused.value.code == "lead_not_open"


def test_a_loss_request_left_waiting_while_the_customer_ordered_cannot_be_approved(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.ORDER, skip_reason="客户回心转意，直接下订")

    with pytest.raises(DomainError) as refused:
        lead_decide_loss(actor=manager, request=request, approve=True)

    assert refused.value.code == "lead_moved_on"
    lead.refresh_from_db()
    assert (lead.status, lead.grade) == (Status.OPEN, Grade.O)
    lead_decide_loss(actor=manager, request=request, approve=False, comment="客户已下订")
    lead.refresh_from_db()
    assert not lead.loss_pending and lead.status == Status.OPEN


def test_a_loss_request_on_a_delivered_lead_cannot_turn_the_sale_into_a_loss(consultant, manager, lead):
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.PRICE)
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.DELIVERED, skip_reason="现车成交")

    with pytest.raises(DomainError):
        lead_decide_loss(actor=manager, request=request, approve=True)

    lead.refresh_from_db()
    assert (lead.status, lead.grade) == (Status.WON, Grade.D)
