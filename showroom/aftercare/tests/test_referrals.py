"""Asking the owner for referrals: asked, declined, or the referred person filed as a new lead linked to the owner."""

import pytest
from django.urls import reverse

from showroom.aftercare import services
from showroom.aftercare.models import Referral, ReferralOutcome
from showroom.audit.models import AuditEntry
from showroom.core.choices import Source
from showroom.core.errors import DomainError, NotFound
from showroom.leads.models import Lead

WANG = {"name": "王五", "mobile": "13700137000", "models_of_interest": "Q5L"}


def test_a_referral_given_opens_a_lead_with_source_referral_and_the_owner_as_referrer(consultant, owned):
    referral = services.referral_record(actor=consultant, owned_car=owned, outcome=ReferralOutcome.GIVEN,
                                        prospect=WANG, notes="同事，下月看车")
    lead = referral.referred_lead
    assert lead.source == Source.REFERRAL and lead.referrer_id == owned.customer_id
    assert lead.owner == consultant and lead.customer.name == "王五" and lead.models_of_interest == "Q5L"
    assert "张三" in lead.notes
    assert AuditEntry.objects.filter(action="aftercare.referral_recorded", target_id=owned.pk).exists()


def test_a_manager_recording_a_referral_gives_the_lead_to_the_owners_consultant(consultant, manager, owned):
    referral = services.referral_record(actor=manager, owned_car=owned, outcome=ReferralOutcome.GIVEN, prospect=WANG)
    assert referral.referred_lead.owner == consultant


def test_asked_and_declined_are_recorded_without_a_lead(consultant, owned):
    services.referral_record(actor=consultant, owned_car=owned, outcome=ReferralOutcome.ASKED, notes="会帮忙留意")
    services.referral_record(actor=consultant, owned_car=owned, outcome=ReferralOutcome.DECLINED)
    assert [r.outcome for r in Referral.objects.order_by("pk")] == ["asked", "declined"]
    assert Lead.objects.filter(source=Source.REFERRAL).count() == 0


def test_a_referral_given_needs_the_name_and_mobile_and_refuses_a_known_prospect(consultant, owned):
    from showroom.deliveries.tests.conftest import WALK_IN
    from showroom.leads.services import lead_create

    lead_create(actor=consultant, customer_fields={"name": "李雷", "mobile": "13900139000"}, lead_fields=WALK_IN)
    with pytest.raises(DomainError) as refused:
        services.referral_record(actor=consultant, owned_car=owned, outcome=ReferralOutcome.GIVEN, prospect={"name": "王五"})
    assert refused.value.field == "mobile"
    with pytest.raises(DomainError) as known:
        services.referral_record(actor=consultant, owned_car=owned, outcome=ReferralOutcome.GIVEN,
                                 prospect={"name": "李雷", "mobile": "13900139000"})
    assert (known.value.field, known.value.code) == ("mobile", "prospect_exists")
    with pytest.raises(DomainError) as themselves:
        services.referral_record(actor=consultant, owned_car=owned, outcome=ReferralOutcome.GIVEN,
                                 prospect={"name": "张三", "mobile": "13800138000"})
    assert themselves.value.code == "referral_self"
    assert not Referral.objects.exists()


def test_a_colleague_cannot_record_a_referral_for_anothers_owner(colleague, outsider, owned):
    for user in (colleague, outsider):
        with pytest.raises(NotFound):
            services.referral_record(actor=user, owned_car=owned, outcome=ReferralOutcome.ASKED)


def test_both_lead_pages_show_the_link(client, consultant, owned):
    referral = services.referral_record(actor=consultant, owned_car=owned, outcome=ReferralOutcome.GIVEN, prospect=WANG)
    client.force_login(consultant)
    owner_page = client.get(reverse("leads:detail", args=[owned.lead_id])).content.decode()
    assert reverse("leads:detail", args=[referral.referred_lead_id]) in owner_page and "王五" in owner_page
    referred_page = client.get(reverse("leads:detail", args=[referral.referred_lead_id])).content.decode()
    assert 'data-testid="referred-by"' in referred_page
    assert reverse("leads:detail", args=[owned.lead_id]) in referred_page


def test_the_referral_form_on_the_page_opens_the_new_lead(client, consultant, owned):
    client.force_login(consultant)
    response = client.post(reverse("aftercare:referral", args=[owned.pk]), {"outcome": "given", **WANG})
    lead = Lead.objects.get(source=Source.REFERRAL)
    assert response.status_code == 302 and response["Location"] == reverse("leads:detail", args=[lead.pk])
    refused = client.post(reverse("aftercare:referral", args=[owned.pk]), {"outcome": "given", "name": "赵六"})
    assert refused.status_code == 422 and "Enter the referred person&#x27;s mobile." in refused.content.decode()
