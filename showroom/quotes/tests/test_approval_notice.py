"""The consultant is told of the manager's decision: it lands on their task list as a follow-up due now, with the
manager's comment and the quote's number, in the same transaction as the decision."""

from decimal import Decimal

import pytest
from django.urls import reverse

from showroom.core.errors import DomainError
from showroom.core.testing.fixtures import NOW
from showroom.followups.models import Task, TaskStatus
from showroom.leads.models import Lead
from showroom.quotes import services
from showroom.quotes.models import ApprovalStatus

from .conftest import make_quote


@pytest.fixture
def request_(consultant, lead, trim):
    quote = make_quote(consultant, lead, trim, discount=Decimal("15000"))
    return services.quote_request_approval(actor=consultant, quote=quote, reason="客户拿到宝马X3报价低1.5万")


def _notice(lead) -> Task:
    return Task.objects.filter(lead=lead, status=TaskStatus.OPEN, due_at=NOW).get()


def test_an_approval_is_a_follow_up_due_now_for_the_consultant_with_the_managers_comment(consultant, manager, lead,
                                                                                       request_):
    services.approval_decide(actor=manager, approval=request_, approve=True, comment="同意，本月冲量")
    task = _notice(lead)
    assert task.owner == consultant and task.created_by == manager
    assert request_.quote.number in task.title and "同意，本月冲量" in task.title
    lead.refresh_from_db()
    assert lead.next_follow_up_at == NOW


def test_a_rejection_tells_the_consultant_why(consultant, manager, lead, request_):
    services.approval_decide(actor=manager, approval=request_, approve=False, comment="底价不能再低，送脚垫")
    task = _notice(lead)
    assert task.owner == consultant and "底价不能再低，送脚垫" in task.title


def test_a_long_comment_is_shortened_on_the_task_and_kept_whole_on_the_request(manager, lead, request_):
    comment = "同意" * 240
    services.approval_decide(actor=manager, approval=request_, approve=True, comment=comment)
    task = _notice(lead)
    assert len(task.title) == 200 and task.title.endswith("…")
    request_.refresh_from_db()
    assert request_.comment == comment


def test_a_refused_decision_leaves_no_task(manager, lead, request_):
    with pytest.raises(DomainError):
        services.approval_decide(actor=manager, approval=request_, approve=False, comment="")
    assert not Task.objects.filter(lead=lead, due_at=NOW).exists()
    request_.refresh_from_db()
    assert request_.status == ApprovalStatus.PENDING


def test_the_consultant_sees_the_decision_among_todays_tasks(client, consultant, manager, lead, request_):
    services.approval_decide(actor=manager, approval=request_, approve=True, comment="同意")
    client.force_login(consultant)
    page = client.get(reverse("followups:tasks")).content.decode()
    assert request_.quote.number in page


def test_a_decision_on_a_lead_gone_dormant_is_still_recorded(manager, lead, request_):
    Lead.objects.filter(pk=lead.pk).update(status="dormant")
    services.approval_decide(actor=manager, approval=request_, approve=True)
    request_.refresh_from_db()
    assert request_.status == ApprovalStatus.APPROVED
    assert not Task.objects.filter(lead=lead, due_at=NOW).exists()
