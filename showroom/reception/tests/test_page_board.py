"""The receptionist's board: quick registration, the match by mobile, the showroom now, departure and hand-over."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.customers.models import Customer
from showroom.customers.tests.factories import CustomerFactory
from showroom.leads.models import Lead
from showroom.leads.tests.factories import LeadFactory
from showroom.reception.models import Visit, VisitPurpose
from showroom.reception.services import visit_record_departure, visit_register

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 14, 10, 0, tzinfo=SHANGHAI)  # a busy Saturday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(client, receptionist):
    client.force_login(receptionist)
    return client


def _register(client, htmx=False, **fields):
    data = {"party_size": 1, "is_first_visit": "auto", "purpose": VisitPurpose.SALES, "consultant": "", **fields}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("reception:register"), data, headers=headers)


def test_the_receptionist_sees_the_registration_form_the_next_consultant_in_turn_and_the_empty_showroom(
    desk, consultant, colleague
):
    response = desk.get(reverse("reception:board"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="register-form"' in html and 'data-testid="showroom-empty"' in html
    assert 'hx-trigger="every 30s, visits-changed from:body"' in html
    assert response.context["next_in_turn"] == consultant
    assert "王小明" in html.split('<strong id="next-in-turn"')[1][:100]


def test_a_walk_in_with_a_new_mobile_is_filed_with_a_lead_for_the_consultant_whose_turn_it_is(desk, consultant, colleague):
    response = _register(desk, mobile="138 0013 8000", name="张先生", party_size=3, models_of_interest="Q5L")

    assert response.status_code == 302 and response.url == reverse("reception:board")
    visit = Visit.objects.get()
    assert (visit.party_size, visit.is_first_visit, visit.captured, visit.consultant) == (3, True, True, consultant)
    customer = Customer.objects.get()
    assert (customer.name, customer.mobile, customer.owner) == ("张先生", "13800138000", consultant)
    lead = Lead.objects.get()
    assert (lead.customer, lead.owner, lead.models_of_interest) == (customer, consultant, "Q5L")
    page = desk.get(reverse("reception:board")).content.decode()
    assert "Batch 20260314-001 registered: 王小明 takes them." in page


def test_the_rotation_skips_consultants_with_a_customer_and_those_off_duty(desk, store, consultant, colleague):
    UserFactory(store=store, role=Role.CONSULTANT, full_name="休息中", on_duty=False)

    _register(desk, mobile="13800138000")
    _register(desk, mobile="13800138001")
    _register(desk, mobile="13800138002")

    first, second, third = Visit.objects.order_by("batch_no")
    assert (first.consultant, second.consultant) == (consultant, colleague)
    assert third.consultant is None  # both on duty are with a customer; the one off duty is never chosen
    page = desk.get(reverse("reception:board"))
    floor = {row["user"].full_name: row for row in page.context["floor"]}
    assert floor["王小明"]["busy_with"] == ["20260314-001"] and floor["李四"]["busy_with"] == ["20260314-002"]
    assert not floor["休息中"]["user"].on_duty and page.context["next_in_turn"] is None


def test_a_repeat_visit_goes_to_the_customers_own_consultant_even_when_another_is_next_in_turn(
    desk, receptionist, consultant, colleague, frozen
):
    visit_record_departure(actor=receptionist, visit=visit_register(actor=receptionist, mobile="13800138000"))
    frozen.shift(dt.timedelta(days=1))

    _register(desk, mobile="13800138000")

    repeat = Visit.objects.latest("arrived_at")
    assert repeat.consultant == consultant and not repeat.is_first_visit
    assert Lead.objects.count() == 1  # the open lead is found, not duplicated


def test_reception_may_pick_the_consultant_and_mark_the_visit_as_a_repeat(desk, consultant, colleague):
    _register(desk, mobile="13800138000", consultant=colleague.pk, is_first_visit="repeat", invited="on")

    visit = Visit.objects.get()
    assert visit.consultant == colleague and not visit.is_first_visit and visit.invited


def test_a_batch_without_a_mobile_is_logged_but_not_captured(desk, consultant):
    _register(desk, party_size=2)

    visit = Visit.objects.get()
    assert not visit.captured and visit.customer is None and visit.lead is None and visit.consultant == consultant
    assert not Customer.objects.exists() and not Lead.objects.exists()
    traffic = desk.get(reverse("reception:board")).context["traffic"]
    assert (traffic["batches"], traffic["first"], traffic["captured_first"], traffic["capture_rate"]) == (1, 1, 0, 0)


@pytest.mark.parametrize("purpose", [p for p in VisitPurpose.values if p != VisitPurpose.SALES])
def test_a_visit_that_is_not_sales_traffic_opens_no_lead_and_stays_out_of_the_sales_figures(desk, consultant, purpose):
    _register(desk, mobile="13800138000", purpose=purpose, party_size=2)

    visit = Visit.objects.get()
    assert visit.purpose == purpose and visit.lead is None and not Lead.objects.exists()
    traffic = desk.get(reverse("reception:board")).context["traffic"]
    assert (traffic["batches"], traffic["people"], traffic["first"], traffic["non_sales"]) == (0, 0, 0, 1)


def test_batch_numbers_are_unique_within_the_day_and_start_again_the_next_day(desk, consultant, frozen):
    for _ in range(3):
        _register(desk)
    frozen.shift(dt.timedelta(days=1))
    _register(desk)

    assert list(Visit.objects.order_by("arrived_at", "id").values_list("batch_no", flat=True)) == [
        "20260314-001", "20260314-002", "20260314-003", "20260315-001",
    ]


def test_registering_through_htmx_answers_a_fresh_form_and_tells_the_board_to_refresh(desk, consultant, colleague):
    response = _register(desk, htmx=True, mobile="13800138000")

    assert response.status_code == 200 and response["HX-Trigger"] == "visits-changed"
    html = response.content.decode()
    assert 'id="register-card"' in html and 'data-testid="registered"' in html
    assert response.context["next_in_turn"] == colleague  # the first consultant is now with the customer


def test_a_wrong_mobile_is_shown_at_the_field_and_nothing_is_registered(desk, consultant):
    response = _register(desk, htmx=True, mobile="12345")

    assert response.status_code == 422
    assert 'data-field-error="mobile"' in response.content.decode()
    assert not Visit.objects.exists()


def test_a_party_size_of_zero_is_refused_at_the_field(desk, consultant):
    response = _register(desk, party_size=0)

    assert response.status_code == 200 and "party_size" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_the_match_shows_the_masked_name_masked_mobile_consultant_and_repeat_visit_and_no_history(
    desk, store, receptionist, consultant
):
    customer = CustomerFactory(store=store, owner=consultant, name="张三丰", mobile="13800138000",
                               notes="家住朝阳区，预算五十万", wechat_id="zsf-wechat")
    LeadFactory(owner=consultant, customer=customer, models_of_interest="RS e-tron GT", notes="竞品：宝马 X5")
    visit_record_departure(actor=receptionist, visit=visit_register(actor=receptionist, mobile="13800138000"))

    response = desk.get(reverse("reception:match"), {"mobile": "+86 138-0013-8000"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "张**" in html and "138****8000" in html and "王小明" in html and "Repeat visit" in html
    for secret in ("张三丰", "13800138000", "朝阳", "五十万", "zsf-wechat", "RS e-tron GT", "宝马", "First contact"):
        assert secret not in html


def test_a_known_customer_who_never_visited_is_matched_without_a_repeat_visit(desk, store, consultant):
    CustomerFactory(store=store, owner=consultant, name="李雷", mobile="13800138000")

    html = desk.get(reverse("reception:match"), {"mobile": "13800138000"}).content.decode()

    assert "李*" in html and "Repeat visit" not in html and "Known customer, first showroom visit" in html


def test_a_mobile_of_another_store_or_unknown_matches_nobody_and_a_partial_number_shows_nothing(
    desk, other_store, outsider
):
    CustomerFactory(store=other_store, owner=outsider, name="王五", mobile="13800138000")

    unknown = desk.get(reverse("reception:match"), {"mobile": "13800138000"}).content.decode()
    partial = desk.get(reverse("reception:match"), {"mobile": "138001"}).content.decode()

    assert 'data-testid="no-match"' in unknown and "王" not in unknown
    assert partial.strip() == ""


def test_a_consultant_gets_403_on_the_board_the_registration_and_the_match(client, consultant):
    client.force_login(consultant)

    assert client.get(reverse("reception:board")).status_code == 403
    assert _register(client, mobile="13800138000").status_code == 403
    assert client.get(reverse("reception:match"), {"mobile": "13800138000"}).status_code == 403
    assert not Visit.objects.exists()


def test_a_manager_can_work_the_board(client, manager, consultant):
    client.force_login(manager)

    assert client.get(reverse("reception:board")).status_code == 200
    assert _register(client, mobile="13800138000").status_code == 302
    assert Visit.objects.get().registered_by == manager


def test_the_board_shows_who_is_in_the_showroom_for_how_long_and_refreshes_as_a_partial(
    desk, receptionist, consultant, frozen
):
    visit_register(actor=receptionist, mobile="13800138000", party_size=4)
    visit_register(actor=receptionist, purpose=VisitPurpose.COLLECT_CAR)
    frozen.shift(dt.timedelta(minutes=42))

    response = desk.get(reverse("reception:board"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "reception/_board.html"
    rows = response.context["in_showroom"]
    assert [(v.batch_no, v.minutes_in, v.party_size) for v in rows] == [("20260314-001", 42, 4), ("20260314-002", 42, 1)]
    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html and "Collecting a car" in html
    assert response.context["traffic"]["non_sales"] == 1 and response.context["traffic"]["people"] == 4


def test_the_receptionist_records_the_departure_from_the_board(desk, receptionist, consultant, frozen):
    visit = visit_register(actor=receptionist, mobile="13800138000")
    frozen.shift(dt.timedelta(minutes=50))

    response = desk.post(reverse("reception:depart", args=[visit.pk]), headers={"HX-Request": "true"})

    assert response.status_code == 200 and 'id="board"' in response.content.decode()
    visit.refresh_from_db()
    assert visit.left_at == NOW + dt.timedelta(minutes=50)
    assert response.context["in_showroom"] == [] and "left at 10:50" in response.content.decode()


def test_a_departure_before_the_arrival_is_refused_and_nothing_changes(desk, receptionist, consultant):
    visit = visit_register(actor=receptionist, mobile="13800138000")

    response = desk.post(reverse("reception:depart", args=[visit.pk]), {"left_at": "2026-03-14T09:30"},
                         headers={"HX-Request": "true"})

    assert response.status_code == 200 and 'data-refusal="left_before_arrival"' in response.content.decode()
    visit.refresh_from_db()
    assert visit.left_at is None


def test_the_visits_consultant_records_the_departure_from_the_workbench_and_goes_back_there(client, receptionist, consultant):
    visit = visit_register(actor=receptionist, mobile="13800138000")
    client.force_login(consultant)

    response = client.post(reverse("reception:depart", args=[visit.pk]), {"next": "/followups/workbench/"})

    assert response.status_code == 302 and response.url == "/followups/workbench/"
    visit.refresh_from_db()
    assert visit.left_at == NOW


@pytest.mark.parametrize("next_page", ["abc", "home", "https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_a_next_page_that_is_not_a_path_of_ours_goes_back_to_the_default_page_not_to_an_error(
        client, receptionist, consultant, next_page):
    visit = visit_register(actor=receptionist, mobile="13800138000")
    client.force_login(consultant)

    response = client.post(reverse("reception:depart", args=[visit.pk]), {"next": next_page})

    assert response.status_code == 302 and response.url == reverse("home")
    visit.refresh_from_db()
    assert visit.left_at == NOW


def test_a_colleague_and_an_outsider_get_404_on_the_departure_of_a_visit_that_is_not_theirs(
    client, receptionist, consultant, colleague, outsider
):
    visit = visit_register(actor=receptionist, mobile="13800138000", consultant=consultant)

    for user in (colleague, outsider):
        client.force_login(user)
        assert client.post(reverse("reception:depart", args=[visit.pk])).status_code == 404
    visit.refresh_from_db()
    assert visit.left_at is None


def test_a_receptionist_of_another_store_gets_404_on_the_departure(client, other_store, receptionist, consultant):
    visit = visit_register(actor=receptionist, mobile="13800138000")
    client.force_login(UserFactory(store=other_store, role=Role.RECEPTIONIST))

    assert client.post(reverse("reception:depart", args=[visit.pk])).status_code == 404


def test_reception_hands_a_batch_to_another_consultant(desk, receptionist, consultant, colleague):
    visit = visit_register(actor=receptionist, mobile="13800138000")

    response = desk.post(reverse("reception:reassign", args=[visit.pk]), {"consultant": colleague.pk},
                         headers={"HX-Request": "true"})

    assert response.status_code == 200 and "handed to 李四" in response.content.decode()
    visit.refresh_from_db()
    assert visit.consultant == colleague and visit.lead.owner == colleague


def test_handing_a_batch_to_someone_who_is_not_a_consultant_of_the_store_is_refused(desk, receptionist, consultant, outsider):
    visit = visit_register(actor=receptionist, mobile="13800138000")

    response = desk.post(reverse("reception:reassign", args=[visit.pk]), {"consultant": outsider.pk},
                         headers={"HX-Request": "true"})

    assert 'data-refusal="consultant_invalid"' in response.content.decode()
    visit.refresh_from_db()
    assert visit.consultant == consultant


def test_a_consultant_cannot_hand_over_their_walk_in(client, receptionist, consultant, colleague):
    visit = visit_register(actor=receptionist, mobile="13800138000")
    client.force_login(consultant)

    assert client.post(reverse("reception:reassign", args=[visit.pk]), {"consultant": colleague.pk}).status_code == 403


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reception:board")).status_code == 200
    return len(queries)


def test_the_board_runs_the_same_number_of_queries_for_2_and_for_20_batches(desk, store, receptionist, consultant):
    for n in range(2):
        visit_register(actor=receptionist, mobile=f"1380013{n:04d}", consultant=consultant)
    with_two = _board_queries(desk)
    for n in range(2, 20):
        visit_register(actor=receptionist, mobile=f"1380013{n:04d}" if n % 3 else "",
                       purpose=VisitPurpose.SALES if n % 4 else VisitPurpose.SERVICE, consultant=consultant)

    assert _board_queries(desk) == with_two
