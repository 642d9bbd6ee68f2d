from decimal import Decimal

import pytest

from showroom.catalog.tests.factories import TrimFactory
from showroom.core.errors import NotFound
from showroom.needs.services import needs_record
from showroom.presentations import selectors


def rows(table):
    return {row.key: row for row in table["rows"]}


def test_differences_are_marked_by_how_our_car_fares(q5l_trim, x3_trim):
    table = selectors.comparison(q5l_trim, [x3_trim])
    by_key = rows(table)
    price = by_key["guide_price"].others[0]
    assert (price.text, price.verdict, price.note) == ("¥458,900", "ours_better", "dearer ¥30,100")
    wheelbase = by_key["wheelbase_mm"].others[0]
    assert (wheelbase.verdict, wheelbase.note) == ("ours_worse", "longer 67 mm")
    sprint = by_key["acceleration_s"].others[0]
    assert (sprint.verdict, sprint.note) == ("ours_worse", "faster 0.4 s")
    assert by_key["seats"].others[0].verdict == "same"
    assert by_key["guide_price"].own_leads and not by_key["wheelbase_mm"].own_leads
    equipment = {row.label: row.others[0].verdict for row in table["equipment_rows"]}
    assert equipment == {"矩阵式LED大灯": "ours_better", "全景天窗": "same", "quattro四驱": "ours_better",
                         "抬头显示": "ours_worse"}


def test_a_missing_figure_gets_no_verdict(q5l_trim, x3_trim):
    x3_trim.range_km = 80
    assert rows(selectors.comparison(q5l_trim, [x3_trim]))["range_km"].others[0].verdict == ""


def test_the_trims_must_be_of_our_group_and_ours_on_the_left(consultant, q5l_trim, x3_trim, outsider):
    own, others = selectors.comparison_trims(consultant, q5l_trim.pk, [x3_trim.pk, x3_trim.pk, 999999])
    assert own == q5l_trim and others == [x3_trim]
    with pytest.raises(NotFound):
        selectors.comparison_trims(consultant, x3_trim.pk, [])
    with pytest.raises(NotFound):
        selectors.comparison_trims(outsider, q5l_trim.pk, [x3_trim.pk])


def test_the_lead_prefills_our_model_and_the_competitors_it_named(consultant, lead, q5l_trim, x3_trim):
    TrimFactory(series=q5l_trim.series, name="顶配", guide_price=Decimal("500000"))
    lead.models_of_interest = "Q5L"
    analysis = needs_record(actor=consultant, lead=lead, answers={"competitors": "宝马 X3"})
    assert selectors.comparison_prefill(consultant, lead, analysis=analysis) == (q5l_trim.pk, [x3_trim.pk])


def test_without_a_named_competitor_the_nearest_in_price_of_the_same_body_are_offered(consultant, lead, q5l_trim, x3_trim):
    from showroom.catalog.models import BodyType
    from showroom.catalog.tests.factories import SeriesFactory

    sedan = TrimFactory(series=SeriesFactory(brand=x3_trim.series.brand, name="5系", body_type=BodyType.SEDAN),
                        guide_price=Decimal("428000"))
    far = TrimFactory(series=x3_trim.series, name="M40i", guide_price=Decimal("700000"))
    lead.models_of_interest = "Q5L"
    own, others = selectors.comparison_prefill(consultant, lead)
    assert own == q5l_trim.pk and others == [x3_trim.pk]
    assert sedan.pk not in others and far.pk not in others
