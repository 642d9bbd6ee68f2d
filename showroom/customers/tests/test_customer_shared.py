"""A customer whose lead is with another consultant (or in the pool) stays findable by that consultant, and only
by them: the `shared` mark the consultant's search relies on follows every change of whose a lead is."""

import pytest

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import UserFactory
from showroom.core.choices import Channel, Source
from showroom.customers.models import Customer
from showroom.customers.selectors import customer_list
from showroom.customers.services import customer_merge
from showroom.leads.models import LossReason
from showroom.leads.services import lead_assign, lead_create, lead_decide_loss, lead_request_loss

WALK_IN = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}
ONLINE = {"channel": Channel.ONLINE, "source": Source.AUTOHOME}


def names(actor, query):
    return [c.name for c in customer_list(actor, query=query)]


@pytest.fixture
def third(store):
    return UserFactory(store=store, role=Role.CONSULTANT, username="third")


@pytest.fixture
def zhangsan(consultant, manager):
    """张三 bought nothing last time: the consultant's lead was closed as lost, the customer is still theirs."""
    lead = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"}, lead_fields=WALK_IN)[0]
    request = lead_request_loss(actor=consultant, lead=lead, reason=LossReason.POSTPONED)
    lead_decide_loss(actor=manager, request=request, approve=True)
    return Customer.objects.get(pk=lead.customer_id)


def test_a_customer_whose_leads_are_all_with_their_consultant_is_not_shared(zhangsan, consultant, colleague):
    assert zhangsan.shared is False
    assert names(consultant, "zs") == ["张三"]
    assert names(colleague, "zs") == []


def test_a_colleague_given_a_new_lead_finds_the_customer_by_pinyin_and_a_third_consultant_does_not(
        zhangsan, consultant, colleague, third, manager):
    lead, created = lead_create(actor=manager, customer_fields={"name": "张三", "mobile": "13800138000"}, lead_fields=WALK_IN,
                                owner=colleague)
    assert created and lead.customer_id == zhangsan.pk
    zhangsan.refresh_from_db()
    assert zhangsan.owner == consultant and zhangsan.shared is True
    for query in ("zs", "zhang", "张"):
        assert names(colleague, query) == ["张三"]
        assert names(consultant, query) == ["张三"]
        assert names(third, query) == []


def test_giving_the_lead_to_the_customers_own_consultant_ends_the_sharing(zhangsan, consultant, colleague, manager):
    lead, _ = lead_create(actor=manager, customer_fields={"name": "张三", "mobile": "13800138000"}, lead_fields=WALK_IN,
                          owner=colleague)
    lead_assign(actor=manager, lead=lead, owner=consultant, reason="老客户")
    zhangsan.refresh_from_db()
    assert zhangsan.shared is False
    assert names(colleague, "zs") == []
    assert names(consultant, "zs") == ["张三"]


def test_a_pool_lead_on_a_customer_on_file_lets_every_consultant_find_them_to_claim_it(
        store, zhangsan, colleague, third):
    store.lead_assignment = LeadAssignment.POOL
    store.save()
    platform = UserFactory(store=store, role=Role.INTEGRATION)
    lead, created = lead_create(actor=platform, customer_fields={"name": "张三", "mobile": "13800138000"}, lead_fields=ONLINE)
    assert created and lead.owner is None
    assert names(colleague, "zs") == ["张三"]
    assert names(third, "zs") == ["张三"]


def test_merging_in_a_duplicate_whose_lead_is_with_a_colleague_shares_the_survivor(consultant, colleague, manager, third):
    mine = lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800138000"}, lead_fields=WALK_IN)[0]
    theirs = lead_create(actor=colleague, customer_fields={"name": "张三", "mobile": "13900139000"}, lead_fields=WALK_IN)[0]
    survivor = customer_merge(actor=manager, survivor=mine.customer, duplicate=theirs.customer)
    survivor.refresh_from_db()
    assert survivor.shared is True
    assert names(colleague, "zs") == ["张三"]
    assert names(third, "zs") == []


def test_the_search_by_name_matches_what_the_plain_list_shows(zhangsan, consultant, colleague):
    lead_create(actor=colleague, customer_fields={"name": "张三丰", "mobile": "13700137000"}, lead_fields=WALK_IN)
    lead_create(actor=consultant, customer_fields={"name": "李四", "mobile": "13600136000"}, lead_fields=WALK_IN)
    for actor in (consultant, colleague):
        everyone = {c.name for c in customer_list(actor)}
        assert set(names(actor, "z")) == {name for name in everyone if name.startswith("张")}
