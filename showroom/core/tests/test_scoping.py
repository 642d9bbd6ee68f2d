"""Who sees what: one table for every model of customer data, and every service answering 404 outside it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.audit.selectors import entries_for
from showroom.core.choices import Channel, Source
from showroom.core.errors import NotFound
from showroom.core.scoping import get_visible
from showroom.customers import services as customers
from showroom.customers.models import ConsentRecord, Customer
from showroom.followups import services as followups
from showroom.followups.models import Activity, Outcome, Task
from showroom.leads import services as leads
from showroom.leads.models import Lead, LossReason, LossRequest, StageTransition
from showroom.reception import services as reception
from showroom.reception.models import Visit

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
MODELS = [Customer, Lead, Activity, Task, Visit, LossRequest, StageTransition, ConsentRecord]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class World:
    """Two stores with leads in every situation, reached through the services."""

    def __init__(self, store, other_store, consultant, colleague, manager, receptionist, outsider):
        self.store, self.other_store = store, other_store
        store.lead_assignment = LeadAssignment.POOL
        store.save()
        self.people = {
            "owner": consultant, "colleague": colleague, "manager": manager, "receptionist": receptionist,
            "outsider": outsider,
            "other_manager": UserFactory(store=other_store, role=Role.MANAGER, username="other_manager"),
            "other_receptionist": UserFactory(store=other_store, role=Role.RECEPTIONIST, username="other_reception"),
            "advisor": UserFactory(store=store, role=Role.SERVICE_ADVISOR, username="advisor"),
            "platform": UserFactory(store=store, role=Role.INTEGRATION, username="platform"),
            "group_admin": UserFactory(store=None, role=Role.GROUP_ADMIN, username="group_admin"),
        }
        p = self.people
        walk_in = {"channel": Channel.SHOWROOM, "source": Source.WALK_IN}
        self.leads = {
            "mine": leads.lead_create(actor=consultant, customer_fields={"name": "张三", "mobile": "13800000001"},
                                      lead_fields=walk_in)[0],
            "pool": leads.lead_create(actor=p["platform"], customer_fields={"name": "池客", "mobile": "13800000002"},
                                      lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})[0],
            "referred": leads.lead_create(actor=p["advisor"], customer_fields={"name": "售后", "mobile": "13800000003"},
                                          lead_fields={"channel": Channel.PROACTIVE, "source": Source.SERVICE_CUSTOMER})[0],
            "other": leads.lead_create(actor=outsider, customer_fields={"name": "外店", "mobile": "13800000001"},
                                       lead_fields=walk_in)[0],
        }
        mine, referred, other = self.leads["mine"], self.leads["referred"], self.leads["other"]
        leads.lead_assign(actor=manager, lead=referred, owner=colleague)
        followups.activity_log(actor=consultant, lead=mine, channel="phone", outcome=Outcome.REACHED, summary="通话")
        followups.activity_log(actor=colleague, lead=referred, channel="phone", outcome=Outcome.REACHED, summary="通话")
        followups.activity_log(actor=outsider, lead=other, channel="phone", outcome=Outcome.REACHED, summary="通话")
        for owner, lead in ((consultant, mine), (colleague, referred), (outsider, other)):
            leads.lead_request_loss(actor=owner, lead=lead, reason=LossReason.POSTPONED)
            customers.customer_record_consent(actor=owner, customer=lead.customer, kind="contact", granted=True,
                                              method="paper")
        reception.visit_register(actor=receptionist, mobile="13800000001", consultant=consultant)
        reception.visit_register(actor=receptionist, mobile="13800000003", consultant=colleague)
        reception.visit_register(actor=p["other_receptionist"], mobile="13800000001", consultant=outsider)

    def labelled(self, model) -> dict[str, set[int]]:
        """The primary keys of `model` rows belonging to each lead of the world."""
        result = {}
        for label, lead in self.leads.items():
            if model is Customer:
                qs = Customer.objects.filter(pk=lead.customer_id)
            elif model is Lead:
                qs = Lead.objects.filter(pk=lead.pk)
            elif model is ConsentRecord:
                qs = ConsentRecord.objects.filter(customer_id=lead.customer_id)
            else:
                qs = model.objects.filter(lead=lead)
            result[label] = set(qs.values_list("pk", flat=True))
        return result


@pytest.fixture
def world(store, other_store, consultant, colleague, manager, receptionist, outsider):
    return World(store, other_store, consultant, colleague, manager, receptionist, outsider)


# Which leads' records each person sees, for every model of customer data.
SEES = {
    "owner": {"mine", "pool"},
    "colleague": {"pool", "referred"},
    "manager": {"mine", "pool", "referred"},
    "receptionist": set(),
    "advisor": {"referred"},
    "platform": {"pool"},
    "outsider": {"other"},
    "other_manager": {"other"},
    "other_receptionist": set(),
    "group_admin": {"mine", "pool", "referred", "other"},
}
# Reception sees the store's showroom log, and nothing else of the customer file.
# A service advisor and a lead platform see the leads they brought in, not the showroom log.
SEES_VISITS = {**SEES, "receptionist": {"mine", "referred"}, "other_receptionist": {"other"}, "advisor": set(),
               "platform": set()}
# A lead platform reads back the leads (and customers) it posted, and nothing of the sales process on them.
SEES_PROCESS = {**SEES, "platform": set()}
PROCESS_MODELS = (Activity, Task, LossRequest, StageTransition)


def test_the_world_has_records_of_every_model_for_every_lead_it_needs(world):
    for model in MODELS:
        rows = world.labelled(model)
        assert rows["mine"] and rows["other"], model
        assert sum(len(pks) for pks in rows.values()) == model.objects.count(), model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("person", list(SEES))
def test_each_person_sees_exactly_the_records_of_the_leads_their_role_allows(world, model, person):
    rows = world.labelled(model)
    expected_labels = (SEES_VISITS if model is Visit else SEES_PROCESS if model in PROCESS_MODELS else SEES)[person]
    expected = set().union(*(rows[label] for label in expected_labels))

    visible = set(model.objects.visible_to(world.people[person]).values_list("pk", flat=True))

    assert visible == expected


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("manager", "ours"), ("group_admin", "all"), ("other_manager", "theirs"),
        ("owner", "none"), ("colleague", "none"), ("receptionist", "none"), ("outsider", "none"), ("advisor", "none"),
    ],
)
def test_the_audit_log_as_a_list_is_for_managers_of_the_store(world, person, sees):
    ours = set(AuditEntry.objects.filter(store=world.store).values_list("pk", flat=True))
    theirs = set(AuditEntry.objects.filter(store=world.other_store).values_list("pk", flat=True))
    expected = {"ours": ours, "theirs": theirs, "all": ours | theirs, "none": set()}[sees]

    assert ours and theirs and not AuditEntry.objects.filter(store__isnull=True).exists()
    assert set(AuditEntry.objects.visible_to(world.people[person]).values_list("pk", flat=True)) == expected


def test_the_owner_reads_the_history_of_their_own_lead_on_the_lead(world):
    lead = get_visible(Lead, world.people["owner"], world.leads["mine"].pk)

    actions = {e.action for e in entries_for(lead)}

    assert {"leads.created", "followups.activity_logged", "leads.loss_requested"} <= actions


def test_reception_matches_a_customer_by_full_mobile_in_its_own_store_only(world):
    receptionist, other = world.people["receptionist"], world.people["other_receptionist"]

    assert list(Customer.objects.matched_by_mobile(receptionist, "13800000001")) == [world.leads["mine"].customer]
    assert list(Customer.objects.matched_by_mobile(other, "13800000001")) == [world.leads["other"].customer]
    assert list(Customer.objects.matched_by_mobile(receptionist, "13800000009")) == []
    assert list(Customer.objects.matched_by_mobile(world.people["advisor"], "13800000001")) == []


def test_nobody_signed_out_or_deactivated_sees_anything(world):
    from django.contrib.auth.models import AnonymousUser

    manager = world.people["manager"]
    manager.is_active = False
    for nobody in (AnonymousUser(), None, manager):
        for model in MODELS:
            assert not model.objects.visible_to(nobody).exists()


def test_a_model_of_customer_data_without_a_rule_is_refused_rather_than_shown():
    from showroom.core.scoping import visibility
    from showroom.followups.models import CallScript

    with pytest.raises(LookupError):
        visibility(CallScript, None)


# --- Every service that takes a record answers NotFound outside the actor's view --------------------

def _customer(w):
    return w.leads["mine"].customer


def _lead(w):
    return w.leads["mine"]


def _task(w):
    return Task.objects.filter(lead=w.leads["mine"], status="open").first()


def _visit(w):
    return Visit.objects.get(lead=w.leads["mine"])


def _loss_request(w):
    return LossRequest.objects.get(lead=w.leads["mine"])


LATER = NOW + dt.timedelta(days=1)
SERVICES = {
    "customer_update": lambda a, w: customers.customer_update(actor=a, customer=_customer(w), fields={"name": "x"},
                                                             expected_version=None),
    "customer_set_tags": lambda a, w: customers.customer_set_tags(actor=a, customer=_customer(w), names=["x"]),
    "customer_record_consent": lambda a, w: customers.customer_record_consent(
        actor=a, customer=_customer(w), kind="marketing", granted=True, method="paper"),
    "customer_reveal": lambda a, w: customers.customer_reveal(actor=a, customer=_customer(w), field="mobile"),
    "lead_update": lambda a, w: leads.lead_update(actor=a, lead=_lead(w), fields={"notes": "x"}, expected_version=None),
    "lead_claim": lambda a, w: leads.lead_claim(actor=a, lead=_lead(w)),
    "lead_advance_stage": lambda a, w: leads.lead_advance_stage(actor=a, lead=_lead(w), to=20),
    "lead_set_grade": lambda a, w: leads.lead_set_grade(actor=a, lead=_lead(w), grade="H"),
    "lead_request_loss": lambda a, w: leads.lead_request_loss(actor=a, lead=_lead(w), reason=LossReason.PRICE),
    "activity_log": lambda a, w: followups.activity_log(actor=a, lead=_lead(w), channel="phone", outcome="reached",
                                                        summary="x"),
    "task_create": lambda a, w: followups.task_create(actor=a, lead=_lead(w), title="x", due_at=LATER),
    "task_complete": lambda a, w: followups.task_complete(actor=a, task=_task(w), channel="phone", outcome="reached",
                                                          result="x"),
    "task_reschedule": lambda a, w: followups.task_reschedule(actor=a, task=_task(w), due_at=LATER),
    "task_cancel": lambda a, w: followups.task_cancel(actor=a, task=_task(w)),
    "visit_capture": lambda a, w: reception.visit_capture(actor=a, visit=_visit(w), mobile="13900000000"),
    "visit_record_departure": lambda a, w: reception.visit_record_departure(actor=a, visit=_visit(w)),
}
MANAGER_SERVICES = {
    "customer_merge": lambda a, w: customers.customer_merge(actor=a, survivor=w.leads["other"].customer,
                                                            duplicate=_customer(w)),
    "lead_assign": lambda a, w: leads.lead_assign(actor=a, lead=_lead(w), owner=None),
    "lead_decide_loss": lambda a, w: leads.lead_decide_loss(actor=a, request=_loss_request(w), approve=True),
    "lead_reactivate": lambda a, w: leads.lead_reactivate(actor=a, lead=_lead(w), reason="x"),
    "visit_reassign": lambda a, w: reception.visit_reassign(actor=a, visit=_visit(w), consultant=w.people["outsider"]),
}


def _snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in (*MODELS, AuditEntry)}


@pytest.mark.parametrize("service", list(SERVICES))
@pytest.mark.parametrize("person", ["colleague", "outsider"])
def test_a_colleague_or_another_store_gets_not_found_from_every_service_and_nothing_changes(world, person, service):
    before = _snapshot()

    with pytest.raises(NotFound) as refused:
        SERVICES[service](world.people[person], world)

    assert refused.value.status == 404 and refused.value.as_dict() == NotFound().as_dict()
    assert _snapshot() == before


@pytest.mark.parametrize("service", list(MANAGER_SERVICES))
def test_another_stores_manager_gets_not_found_from_every_manager_service_and_nothing_changes(world, service):
    before = _snapshot()

    with pytest.raises(NotFound):
        MANAGER_SERVICES[service](world.people["other_manager"], world)

    assert _snapshot() == before


def test_another_stores_receptionist_gets_not_found_on_our_visits(world):
    with pytest.raises(NotFound):
        reception.visit_reassign(actor=world.people["other_receptionist"], visit=_visit(world),
                                 consultant=world.people["outsider"])
    with pytest.raises(NotFound):
        reception.visit_record_departure(actor=world.people["other_receptionist"], visit=_visit(world))


def test_a_record_outside_the_view_answers_exactly_like_one_that_does_not_exist(world):
    colleague = world.people["colleague"]

    with pytest.raises(NotFound) as hidden:
        get_visible(Lead, colleague, world.leads["mine"].pk)
    with pytest.raises(NotFound) as missing:
        get_visible(Lead, colleague, 999_999)
    with pytest.raises(NotFound) as garbage:
        get_visible(Lead, colleague, "abc")

    assert hidden.value.as_dict() == missing.value.as_dict() == garbage.value.as_dict()
