"""Concurrent requests for one scarce thing: the lead's next version number, and the one accepted quote."""

import threading

import pytest
from django.db import connection

from showroom.core.errors import DomainError
from showroom.quotes import services
from showroom.quotes.models import Quote, QuoteStatus

from .conftest import issued_quote, quote_fields

WORKERS = 8


def _run(workers, act):
    barrier = threading.Barrier(workers)
    outcomes = [None] * workers

    def attempt(i):
        try:
            barrier.wait(timeout=30)
            act(i)
            outcomes[i] = "ok"
        except DomainError as exc:
            outcomes[i] = exc.code
        except Exception as exc:  # noqa: BLE001 - reported in the assertions
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_new_quotes_on_one_lead_get_distinct_versions(consultant, lead, trim):
    outcomes = _run(WORKERS, lambda i: services.quote_create(actor=consultant, lead=lead, fields=quote_fields(trim)))
    assert outcomes == ["ok"] * WORKERS
    assert sorted(Quote.objects.values_list("version", flat=True)) == list(range(1, WORKERS + 1))


@pytest.mark.django_db(transaction=True)
def test_two_versions_accepted_at_once_leave_exactly_one_accepted(consultant, lead, trim):
    first = issued_quote(consultant, lead, trim)
    second = services.quote_create(actor=consultant, lead=lead, fields=quote_fields(trim))
    second = services.quote_issue(actor=consultant, quote=second)
    # issuing the second superseded the first; make both issued again to race them
    Quote.objects.filter(pk=first.pk).update(status=QuoteStatus.ISSUED)
    quotes = [first, second]
    outcomes = _run(2, lambda i: services.quote_accept(actor=consultant, quote=quotes[i]))
    assert sorted(outcomes, key=str) == sorted(["ok", "quote_superseded"], key=str), outcomes
    assert Quote.objects.filter(status=QuoteStatus.ACCEPTED).count() == 1
