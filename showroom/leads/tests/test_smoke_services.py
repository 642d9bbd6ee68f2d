import pytest

from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError
from showroom.followups.models import Task
from showroom.leads.models import Stage
from showroom.leads.services import lead_advance_stage, lead_create


def test_a_consultant_files_a_walk_in_and_moves_it_to_needs_analysis(consultant):
    lead, created = lead_create(
        actor=consultant,
        customer_fields={"name": "张三", "mobile": "+86 138-0013-8000"},
        lead_fields={"channel": Channel.SHOWROOM, "source": Source.WALK_IN},
    )
    assert created and lead.owner == consultant
    assert lead.customer.mobile == "13800138000"
    assert lead.customer.name_initials == "zs"
    assert Task.objects.filter(lead=lead).count() == 1
    lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEEDS_ANALYSIS)
    with pytest.raises(DomainError) as refused:
        lead_advance_stage(actor=consultant, lead=lead, to=Stage.NEGOTIATION)
    assert refused.value.field == "skip_reason"
