"""A lead platform (an integration account such as 汽车之家) reads back the leads it posted and their customers,
and nothing of the deal the store makes on them: quotes, negotiation, order, delivery, owner, calls, surveys."""

import pytest
from django.urls import reverse

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.core.choices import Channel, Source
from showroom.core.testing.fixtures import NOW, issue_quote
from showroom.deliveries import services as deliveries
from showroom.deliveries.tests.conftest import ready
from showroom.inventory.tests.factories import VehicleFactory, vin_for
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_assign, lead_create
from showroom.orders import services as orders
from showroom.orders.selectors import balance_of

API = "/api/v1"


@pytest.fixture
def platform(store):
    return UserFactory(store=store, role=Role.INTEGRATION, username="autohome", full_name="汽车之家")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_lead_platform_reads_back_its_lead_but_none_of_the_deal_made_on_it(client, consultant, manager, platform, advisor,
                                                                                trim, frozen, quote_settings):
    # 汽车之家 posts an online lead; the consultant takes it all the way to delivery.
    lead = lead_create(actor=platform, customer_fields={"name": "网络客户", "mobile": "13700001111"},
                       lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})[0]
    lead = lead_assign(actor=manager, lead=lead, owner=consultant, reason="分配")
    for step in (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE):
        lead = lead_advance_stage(actor=consultant, lead=lead, to=step)
    q = issue_quote(consultant, lead, trim)
    order = orders.order_sign(actor=consultant, quote=q)
    car = VehicleFactory(store=lead.store, trim=trim, vin=vin_for(777), plate="")
    order = orders.order_allocate(actor=consultant, order=order, vehicle=car)
    orders.payment_record(actor=consultant, order=order, kind="deposit", method="cash", amount=order.deposit_amount)
    orders.payment_record(actor=consultant, order=order, kind="balance", method="cash", amount=balance_of(order).outstanding)
    d = deliveries.delivery_schedule(actor=consultant, lead=lead, scheduled_at=NOW, place="交车区", service_advisor=advisor)
    ready(consultant, d, advisor)
    owned = deliveries.delivery_complete(actor=consultant, delivery=d).owned_car

    client.force_login(platform)
    leaked = {}
    for path in (f"/leads/{lead.pk}/quotes", f"/quotes/{q.pk}", f"/leads/{lead.pk}/negotiation-rounds",
                 f"/deliveries/{d.pk}", "/deliveries", "/owned-cars", f"/owned-cars/{owned.pk}/calls", "/surveys"):
        r = client.get(API + path)
        leaked[path] = r.status_code
    pages = {url: client.get(url).status_code for url in (reverse("quotes:detail", args=[q.pk]),
                                                           reverse("deliveries:detail", args=[d.pk]))}
    assert set(leaked.values()) <= {403, 404} or all(  # the lists answer 200, empty
        client.get(API + path).json() in ([], {"items": [], "count": 0}) for path in leaked if leaked[path] == 200), leaked
    assert set(pages.values()) <= {403, 404}, pages
    assert client.get(f"{API}/leads/{lead.pk}").status_code == 200  # its own lead, read back
