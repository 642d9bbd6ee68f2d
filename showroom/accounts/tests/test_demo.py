"""`manage.py seed_demo` and `manage.py demo_logins`: the demo store a fresh `make demo` opens on."""

import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Max, Min

from showroom.accounts import demo
from showroom.accounts.models import Role, Store, User
from showroom.audit.models import AuditEntry
from showroom.core import clock
from showroom.core.choices import Channel, Source
from showroom.customers.models import ConsentRecord, Customer, CustomerKind
from showroom.followups import services as followups
from showroom.followups.models import Activity, Task, TaskStatus
from showroom.leads.models import Grade, Lead, LossRequest, LossRequestStatus, Stage, StageTransition, Status
from showroom.reception.models import Visit, VisitPurpose

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
AFTERNOON = dt.datetime(2026, 3, 18, 15, 0, tzinfo=SHANGHAI)
SMALL = "50"
BRANDS = {"BMW", "Mercedes-Benz", "Tesla", "Xiaomi", "Li Auto", "NIO", "AITO", "Zeekr", "Volvo", "Lexus"}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def logins() -> str:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    models = (Store, User, Customer, ConsentRecord, Lead, StageTransition, LossRequest, Activity, Task, Visit, AuditEntry)
    return {model.__name__: (model.objects.count(), model.objects.aggregate(m=Max("pk"))["m"]) for model in models}


@pytest.fixture(scope="class")
def demo_store(django_db_setup, django_db_blocker):
    """The default demo (300 customers), loaded once for the class below on a Wednesday afternoon, rolled back after."""
    with time_machine.travel(AFTERNOON, tick=True), django_db_blocker.unblock(), transaction.atomic():
        output = seed("--if-empty")
        yield output
        transaction.set_rollback(True)


# --- the default demo -------------------------------------------------------------------------------

@pytest.mark.usefixtures("db")
class TestTheDefaultDemo:
    """Read-only checks on one load of the default demo (300 customers take a few seconds to file)."""

    def test_the_demo_has_a_user_for_every_role_with_a_chinese_name_in_one_store(self, demo_store):
        store = Store.objects.get()
        assert (store.name, store.group.name, store.city) == ("广华奥迪 4S 店", "广华汽车集团", "北京")
        roles = dict(User.objects.values_list("username", "role"))
        assert roles == {
            "admin": Role.STORE_ADMIN, "manager": Role.MANAGER, "reception": Role.RECEPTIONIST, "sales1": Role.CONSULTANT,
            "sales2": Role.CONSULTANT, "sales3": Role.CONSULTANT, "keyaccount": Role.KEY_ACCOUNT,
            "service": Role.SERVICE_ADVISOR, "platform": Role.INTEGRATION,
        }
        for user in User.objects.all():
            assert user.store == store and user.language == "zh-hans"
            assert re.fullmatch(r"[\u4e00-\u9fff]{2,8}", user.full_name), user.full_name
            assert user.check_password(demo.demo_password())
        admin = User.objects.get(username="admin")
        assert admin.is_staff and admin.is_superuser
        assert not User.objects.exclude(username="admin").filter(is_staff=True).exists()


    def test_the_demo_files_three_hundred_customers_with_clearly_fake_mobiles(self, demo_store):
        assert Customer.objects.count() == 300
        mobiles = list(Customer.objects.values_list("mobile", flat=True))
        assert all(re.fullmatch(r"1390000\d{4}", m) for m in mobiles)
        assert len(set(mobiles)) == 300
        assert set(Customer.objects.values_list("city", flat=True)) <= {"北京", ""}  # reception notes no city
        assert Customer.objects.filter(city="北京").count() >= 290
        assert Customer.objects.filter(kind=CustomerKind.COMPANY).exclude(contact_name="").count() >= 5
        assert Customer.objects.exclude(wechat_id="").count() >= 50
        assert Customer.objects.filter(district__endswith="区").count() >= 150
        people = Customer.objects.filter(kind=CustomerKind.PERSON).values_list("name", flat=True)
        assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name) for name in people)
        with_consent = ConsentRecord.objects.filter(kind="contact", granted=True).values("customer").distinct().count()
        assert with_consent >= 280


    def test_there_are_leads_in_every_stage_grade_channel_and_source(self, demo_store):
        assert set(Lead.objects.values_list("stage", flat=True)) == set(Stage.values)
        assert set(Lead.objects.values_list("grade", flat=True)) == set(Grade.values)
        assert set(Lead.objects.values_list("channel", flat=True)) == set(Channel.values)
        assert set(Lead.objects.values_list("source", flat=True)) == set(Source.values)
        assert set(Lead.objects.values_list("status", flat=True)) == set(Status.values)
        owners = dict(Lead.objects.values_list("owner__username").annotate(n=Count("id")).order_by())
        assert all(owners.get(name, 0) >= 15 for name in ("sales1", "sales2", "sales3", "keyaccount"))
        assert Lead.objects.filter(owner__isnull=True, status=Status.OPEN).exists()  # the unassigned pool
        assert Lead.objects.filter(created_by__username="service").exists()
        assert Lead.objects.filter(created_by__username="platform", channel=Channel.ONLINE).count() >= 50
        assert Lead.objects.exclude(models_of_interest="").count() == 300
        assert Lead.objects.filter(budget_max__gte=100000).count() >= 250


    def test_there_are_pending_and_approved_losses_to_competitors_and_dormant_leads(self, demo_store):
        pending = LossRequest.objects.filter(status=LossRequestStatus.PENDING)
        assert pending.count() >= 2
        assert all(lead.loss_pending for lead in Lead.objects.filter(loss_requests__in=pending))
        approved = LossRequest.objects.filter(status=LossRequestStatus.APPROVED, reason="competitor")
        assert approved.count() >= 5
        assert set(approved.values_list("competitor_brand", flat=True)) <= BRANDS
        assert Lead.objects.filter(status=Status.LOST, grade=Grade.F).count() >= 5
        assert LossRequest.objects.filter(status=LossRequestStatus.REJECTED).exists()
        assert Lead.objects.filter(status=Status.DORMANT).count() >= 5


    def test_every_seller_has_follow_ups_due_today_and_overdue_and_there_are_appointments_today(self, demo_store):
        now = clock.now()
        start, end = clock.day_range()
        for username in ("sales1", "sales2", "sales3", "keyaccount"):
            tasks = Task.objects.filter(owner__username=username, status=TaskStatus.OPEN)
            assert tasks.filter(due_at__gte=start, due_at__lt=end).exists(), username
            assert tasks.filter(due_at__lt=now).exists(), username
        for username in ("sales1", "sales2", "sales3"):
            assert Task.objects.filter(owner__username=username, is_appointment=True, due_at__gte=start,
                                       due_at__lt=end).exists(), username
        assert Task.objects.filter(status=TaskStatus.OPEN, is_appointment=True, due_at__gte=end).exists()
        assert Lead.objects.filter(status=Status.OPEN, first_contacted_at__isnull=True, first_response_due_at__lt=now).exists()


    def test_today_the_showroom_has_walk_ins_and_repeat_visits_some_still_there(self, demo_store):
        now = clock.now()
        start, _end = clock.day_range()
        today = Visit.objects.filter(arrived_at__gte=start)
        assert today.count() >= 8
        assert not today.filter(arrived_at__gt=now).exists()
        sales = today.filter(purpose=VisitPurpose.SALES)
        assert sales.filter(is_first_visit=True, captured=True).exists()
        assert sales.filter(is_first_visit=False).exists()
        assert sales.filter(captured=False, customer__isnull=True).count() == 1
        assert today.exclude(purpose=VisitPurpose.SALES).exists()
        assert today.filter(left_at__isnull=True).count() >= 2
        assert today.filter(left_at__isnull=False).count() >= 4
        assert today.filter(left_at__lt=F("arrived_at")).count() == 0
        assert len(set(sales.exclude(consultant=None).values_list("consultant", flat=True))) == 3
        batches = list(today.order_by("arrived_at").values_list("batch_no", flat=True))
        assert batches == sorted(batches)


    def test_history_fills_the_past_two_months_and_nothing_lies_in_the_future(self, demo_store):
        now = clock.now()
        # The demo was loaded at AFTERNOON (the clock ticking on): whatever it did, it placed before that moment.
        for model, names in ((Customer, ("created_at", "updated_at")), (ConsentRecord, ("recorded_at",)),
                             (Lead, ("created_at", "updated_at", "first_contacted_at", "last_contacted_at")),
                             (Activity, ("occurred_at", "created_at")), (StageTransition, ("created_at",)),
                             (AuditEntry, ("created_at",)), (Task, ("created_at", "updated_at", "completed_at")),
                             (Visit, ("arrived_at", "left_at", "created_at")),
                             (LossRequest, ("requested_at", "decided_at"))):
            for name in names:
                assert not model.objects.filter(**{f"{name}__gte": AFTERNOON}).exists(), (model, name)
        recent = Activity.objects.filter(lead__status__in=(Status.OPEN, Status.WON))
        span = recent.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
        assert now - dt.timedelta(days=61) <= span["first"] <= now - dt.timedelta(days=40)
        assert span["last"] >= now - dt.timedelta(hours=8)
        assert Activity.objects.filter(occurred_at__lt=F("lead__created_at")).count() == 0
        assert StageTransition.objects.filter(created_at__lt=F("lead__created_at")).count() == 0
        assert Lead.objects.filter(created_at__lt=F("customer__created_at")).count() == 0
        channels = set(Activity.objects.values_list("channel", flat=True))
        assert {"phone", "wechat", "showroom", "home_visit", "email"} <= channels
        assert all(re.search(r"[\u4e00-\u9fff]", s) for s in Activity.objects.values_list("summary", flat=True))


    def test_each_lead_got_where_it_is_through_the_services(self, demo_store):
        created = set(AuditEntry.objects.filter(action="leads.created").values_list("target_id", flat=True))
        assert created == set(Lead.objects.values_list("pk", flat=True))
        last = {}
        for transition in StageTransition.objects.order_by("created_at", "id"):
            last[transition.lead_id] = (transition.to_stage, transition.to_status)
        for lead in Lead.objects.only("stage", "status"):  # a lead opened at reception starts without a transition
            assert last.get(lead.pk, (Stage.FIRST_CONTACT, Status.OPEN)) == (lead.stage, lead.status), lead.pk
        skipped = StageTransition.objects.exclude(skipped=[])
        assert skipped.exists()
        assert not skipped.filter(reason="").exists()
        stale = Lead.objects.filter(status=Status.OPEN, owner__isnull=False, next_follow_up_at__isnull=True)
        assert not stale.exists()


    def test_the_first_scheduled_cadence_run_puts_no_lead_to_sleep(self, demo_store):
        dormant = Lead.objects.filter(status=Status.DORMANT).count()
        assert followups.cadence_run()["dormant_leads"] == 0
        assert Lead.objects.filter(status=Status.DORMANT).count() == dormant

    def test_seed_demo_prints_a_summary(self, demo_store):
        assert "Demo data loaded in" in demo_store
        assert "300 customers" in demo_store
        assert "demo_logins" in demo_store


    def test_demo_logins_lists_every_user_what_they_see_first_the_address_and_the_default_password(self, demo_store,
                                                                                                  monkeypatch):
        monkeypatch.delenv("SHOWROOM_DEMO_PASSWORD", raising=False)
        output = logins()
        for entry in demo.DEMO_USERS:
            assert entry.username in output and entry.full_name in output
        assert "Key-account manager" in output and "Workbench" in output
        assert "http://127.0.0.1:8000" in output
        assert "showroom-demo" in output


# --- small demos, each on its own empty database ----------------------------------------------------

@time_machine.travel(AFTERNOON, tick=True)
def test_a_second_run_with_if_empty_says_so_and_changes_nothing(db):
    seed("--if-empty", "--customers", SMALL)
    before = snapshot()
    assert seed("--if-empty", "--customers", SMALL).strip() == "demo data already present"
    assert snapshot() == before


@time_machine.travel(AFTERNOON, tick=True)
def test_without_if_empty_a_database_that_has_a_store_is_refused(db):
    seed("--customers", SMALL)
    before = snapshot()
    with pytest.raises(CommandError, match="already holds a store"):
        seed("--customers", SMALL)
    assert snapshot() == before


@time_machine.travel(AFTERNOON, tick=True)
def test_the_password_of_every_demo_user_comes_from_showroom_demo_password(db, monkeypatch):
    monkeypatch.setenv("SHOWROOM_DEMO_PASSWORD", "jin-tian-kai-xin-2026")
    seed("--customers", SMALL)
    for user in User.objects.all():
        assert user.check_password("jin-tian-kai-xin-2026")
        assert not user.check_password("showroom-demo")
    assert "jin-tian-kai-xin-2026" in logins()
    monkeypatch.setenv("SHOWROOM_DEMO_PASSWORD", "changed-since")
    output = logins()
    assert "changed-since" not in output and "when seed_demo loaded the demo" in output


@time_machine.travel(AFTERNOON, tick=True)
def test_the_same_seed_files_the_same_people(db):
    with transaction.atomic():
        seed("--customers", SMALL, "--seed", "7")
        first = list(Customer.objects.order_by("mobile").values_list("name", "mobile", "district"))
        transaction.set_rollback(True)
    seed("--customers", SMALL, "--seed", "7")
    assert list(Customer.objects.order_by("mobile").values_list("name", "mobile", "district")) == first
    assert Customer.objects.count() == 50


@pytest.mark.parametrize("moment", [dt.datetime(2026, 3, 18, 0, 20, tzinfo=SHANGHAI),
                                    dt.datetime(2026, 3, 18, 23, 50, tzinfo=SHANGHAI)])
def test_loaded_just_after_midnight_or_late_at_night_today_still_lies_before_now(db, moment):
    with time_machine.travel(moment, tick=True):
        seed("--customers", SMALL)
        now = clock.now()
        start, _end = clock.day_range()
        assert Visit.objects.filter(arrived_at__gte=start).count() >= 8
        assert not Visit.objects.filter(arrived_at__gt=now).exists()
        assert not Activity.objects.filter(occurred_at__gt=now).exists()
        assert Task.objects.filter(is_appointment=True, due_at__gte=start, due_at__lt=start + dt.timedelta(days=1)).exists()


def test_too_few_customers_to_show_every_stage_is_refused(db):
    with pytest.raises(CommandError, match="at least 50"):
        seed("--customers", "20")
    assert not Store.objects.exists()


def test_demo_usernames_taken_in_a_database_without_a_store_are_refused(db):
    User.objects.create_user(username="admin", password="x-unrelated-1")
    with pytest.raises(CommandError, match="admin"):
        seed("--customers", SMALL)
    assert not Store.objects.exists() and User.objects.count() == 1


def test_demo_logins_on_a_database_without_the_demo_says_how_to_load_it(db):
    assert "run `manage.py seed_demo`" in logins()
