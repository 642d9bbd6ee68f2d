"""Two consultants grab the same pooled lead at the same moment: exactly one gets it."""

import threading

import pytest
from django.db import connection

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError
from showroom.leads.models import Lead
from showroom.leads.services import lead_claim, lead_create


def _race(*calls):
    """Run the calls in real threads, released together; returns ("ok", result) or ("refused", error) per call."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", call())
        except DomainError as exc:
            results[i] = ("refused", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_consultants_claiming_the_same_pooled_lead_at_once_one_wins_and_the_other_is_refused(store, consultant, colleague,
                                                                                                   attempt):
    store.lead_assignment = LeadAssignment.POOL
    store.save()
    platform = UserFactory(store=store, role=Role.INTEGRATION)
    lead, _ = lead_create(actor=platform, customer_fields={"name": "张三", "mobile": "13800138000"},
                          lead_fields={"channel": Channel.ONLINE, "source": Source.AUTOHOME})

    results = _race(lambda: lead_claim(actor=consultant, lead=lead), lambda: lead_claim(actor=colleague, lead=lead))

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["ok", "refused"], results
    winner = consultant if results[0][0] == "ok" else colleague
    refused = next(value for kind, value in results if kind == "refused")
    assert refused.code in ("not_found", "already_owned")  # once taken, the lead has left the loser's view
    lead = Lead.objects.select_related("customer").get(pk=lead.pk)
    assert lead.owner == winner and lead.customer.owner_id == winner.pk and lead.version == 2
    assert AuditEntry.objects.filter(action="leads.claimed").count() == 1
