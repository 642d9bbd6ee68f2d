import datetime as dt
import random
from decimal import Decimal

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import UserFactory
from showroom.catalog.models import BodyType
from showroom.catalog.tests.factories import BrandFactory, SeriesFactory, TrimFactory
from showroom.core import clock
from showroom.leads.models import Lead, Stage
from showroom.leads.services import lead_advance_stage
from showroom.leads.tests.factories import LeadFactory
from showroom.needs import demo as needs_demo
from showroom.needs.models import NeedsAnalysis
from showroom.presentations import demo
from showroom.presentations.models import Position, Presentation, WalkaroundPoint


def test_the_demo_scripts_its_series_and_records_steps_without_moving_a_lead_back_or_on(store, consultant):
    UserFactory(store=store, role=Role.MANAGER, username="manager")
    audi = BrandFactory(group=store.group, name="奥迪", is_own=True)
    a6l = SeriesFactory(brand=audi, name="A6L", body_type=BodyType.SEDAN)  # Q3, A5L… are missing: skipped
    TrimFactory(series=a6l, guide_price=Decimal("428800"))
    stages = [Stage.FIRST_CONTACT, Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE, Stage.NEGOTIATION]
    leads = {}
    for stage in stages:
        lead = LeadFactory(owner=consultant, models_of_interest="A6L")
        if stage > Stage.FIRST_CONTACT:
            lead = lead_advance_stage(actor=consultant, lead=lead, to=stage,
                                      skip_reason="演示" if stage > Stage.NEEDS_ANALYSIS else "")
        leads[stage] = lead

    assert needs_demo.seed(store=store, rng=random.Random(1))
    assert demo.seed(store=store, rng=random.Random(1))

    counts = {p: WalkaroundPoint.objects.filter(series=a6l, position=p).count() for p in Position}
    assert all(n >= 2 for n in counts.values())
    assert {lead.pk: lead.stage for lead in Lead.objects.all()} == {lead.pk: lead.stage for lead in leads.values()}
    analysed = set(NeedsAnalysis.objects.values_list("lead_id", flat=True))
    assert analysed == {leads[s].pk for s in stages[1:]}
    assert NeedsAnalysis.objects.filter(number=2).exists()  # some customers revised their answers
    presented = {p.lead_id: p.is_completed for p in Presentation.objects.all()}
    assert presented == {leads[Stage.PRESENTATION].pk: False, leads[Stage.TEST_DRIVE].pk: True,
                         leads[Stage.NEGOTIATION].pk: True}
    assert all(p.covered_points.exists() for p in Presentation.objects.all())
    # Dated from the lead's history, not from the moment the demo is loaded.
    loaded = clock.now() - dt.timedelta(minutes=4)
    assert all(a.created_at < loaded for a in NeedsAnalysis.objects.all())
    assert all(p.created_at < loaded and (p.completed_at is None or p.completed_at < loaded)
               for p in Presentation.objects.all())
    # A second run adds nothing.
    demo.seed(store=store, rng=random.Random(2))
    assert WalkaroundPoint.objects.count() == sum(counts.values()) and Presentation.objects.count() == 3
