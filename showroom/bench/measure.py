"""Timing what people wait for, through Django's test client against the real URLs, views and API.

Each case runs `warmup` times, then `repeat` times timed (server time: the request through every
middleware, the view and the template, in this process). Every query is counted through
`connection.execute_wrapper` (like CaptureQueriesContext, but with the exact parameters the driver got
and without a DEBUG cursor in the timed path), which also keeps the SQL of a few captured runs: the
slowest SELECT of the first one is "the main query", re-run raw on the same connection with the same
parameters for the raw-SQL column, and explained (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) when a target
is missed. Query counts are compared with the same request where few rows exist (the consultant with
five leads, the lead with the fewest activities): more rows must never mean more queries.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import resource
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import NoReverseMatch, reverse

from . import generate

LIST_TARGET_MS = 50.0  # issue 2 §7, on SQLite at the default size: lists and the workbench
# Customer lookups: the request that finds the customers, made by the search box as staff type or press Enter
# (htmx: the results table), by an integration (the API), and the selector beneath both. The whole customer page
# opened with a search in its address (a reload, a bookmark) is the customer list page: a page, with the lists.
LOOKUP_TARGET_MS = 10.0
STAGE = 20  # the lists are filtered by owner and this stage (needs analysis)
CAPTURE_RUNS = 5
IMPORT_SOURCES = ("汽车之家", "懂车帝", "易车", "官网", "抖音", "小红书")
TARGETS = {"list": LIST_TARGET_MS, "lookup": LOOKUP_TARGET_MS}


class BenchError(Exception):
    """A request did not answer as it should: the case reports the error, never a time."""


class Recorder:
    """Counts every query of a request; on captured runs keeps (sql, params, many, seconds) too."""

    def __init__(self):
        self.count = 0
        self.keep = False
        self.queries: list[tuple[str, object, bool, float]] = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if not self.keep:
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, many, time.perf_counter() - started))


@dataclass
class Case:
    key: str
    title: str
    via: str  # what was measured: "page GET /leads/?…", "selector …", "API POST /api/v1/leads"
    run: Callable[[int], object] | None  # one request (variant i); None: not available
    target: str | None = None  # "list" or "lookup": the p95 target
    small: Callable[[], object] | None = None  # the same request where few rows exist
    note: str = ""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _is_select(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def explain(sql: str, params) -> list[str]:
    """The database's plan for a query (PostgreSQL runs it: EXPLAIN ANALYZE)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            depth: dict[int, int] = {0: -1}
            lines = []
            for node, parent, _unused, detail in cursor.fetchall():
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
            return lines
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


class Watchdog:
    """Interrupts the database when one request runs longer than `timeout` seconds.

    A plan that scans a million rows for each row of a page can take hours; the case is then
    reported as a timeout instead of holding up the bench. The check runs in its own thread and
    costs the timed path nothing but setting `started`."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.started: float | None = None
        self.fired = False
        self.raw = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _watch(self):
        while not self._stop.wait(0.2):
            started = self.started
            if started is not None and time.perf_counter() - started > self.timeout:
                self.fired = True
                self.started = None
                # sqlite3.Connection.interrupt and psycopg's Connection.cancel are made to be called from another thread.
                (self.raw.interrupt if connection.vendor == "sqlite" else self.raw.cancel)()

    def run(self, func, *args):
        self.started = time.perf_counter()
        try:
            return func(*args)
        finally:
            self.started = None


def measure(case: Case, *, repeat: int, warmup: int, timeout: float = 60.0, budget: float = 60.0) -> dict:
    """Time one case; a case that is not available, fails or times out says so instead of giving figures.

    `budget` bounds the timed runs of one case in seconds (the warm-up gets a quarter of it, the raw
    re-runs half): a slow case stops early and reports how many runs it made (`n`)."""
    result: dict = {"title": case.title, "via": case.via, "target_p95_ms": TARGETS.get(case.target or "")}
    if case.run is None:
        return {**result, "status": "not available", "note": case.note}
    recorder = Recorder()
    times: list[float] = []
    counts: list[int] = []
    try:
        with connection.execute_wrapper(recorder), Watchdog(timeout) as watchdog:
            try:
                warm_started = time.perf_counter()
                for i in range(warmup):
                    watchdog.run(case.run, i)
                    if time.perf_counter() - warm_started > budget / 4:
                        break  # a slow case is warm after one run
                loop_started = time.perf_counter()
                for i in range(repeat):
                    recorder.count = 0
                    watchdog.started = started = time.perf_counter()
                    case.run(warmup + i)
                    times.append(time.perf_counter() - started)
                    watchdog.started = None
                    counts.append(recorder.count)
                    if time.perf_counter() - loop_started > budget:
                        break
                recorder.keep = True
                captured = []
                for i in range(CAPTURE_RUNS if sum(times) / len(times) < 1 else 1):
                    recorder.queries = []
                    watchdog.run(case.run, warmup + repeat + i)
                    captured.append(list(recorder.queries))
                recorder.keep = False
                small_count = None
                if case.small is not None:
                    watchdog.run(case.small)  # warm too: a first request may write once (a token's last use, a session)
                    recorder.count = 0
                    watchdog.run(case.small)
                    small_count = recorder.count
                raw = _main_query(captured, len(times), watchdog, budget / 2)
            except Exception:
                if watchdog.fired:
                    note = f"a request ran longer than {timeout:.0f} s and was interrupted"
                    if times:
                        note += f" (after {len(times)} timed runs, p50 {_ms(percentile(times, 0.5)):,.1f} ms)"
                    return {**result, "status": "timeout", "note": note, "verdict": "MISS", "misses": [note]}
                raise
    except BenchError as err:
        return {**result, "status": "error", "note": str(err)}
    except Exception as err:  # a view that crashes is reported in the table, and the other cases still run
        return {**result, "status": "error", "note": f"{type(err).__name__}: {err}"}

    usual = Counter(counts).most_common(1)[0][0]
    result.update({
        "status": "ok", "n": len(times),
        "p50_ms": _ms(percentile(times, 0.50)), "p95_ms": _ms(percentile(times, 0.95)),
        "mean_ms": _ms(sum(times) / len(times)), "max_ms": _ms(max(times)),
        "queries": usual, "queries_min": min(counts), "queries_max": max(counts), "queries_small": small_count,
        # Constant in rows: the request over many rows never needs more queries than the one over a few (a search
        # that finds nothing visible may need fewer: no page to fetch).
        "queries_constant": None if small_count is None else max(counts) <= small_count,
        "raw_sql": raw,
    })
    result["verdict"], result["misses"] = verdict(result)
    if result["misses"] and raw:
        try:
            with Watchdog(timeout) as watchdog:
                raw["plan"] = watchdog.run(explain, raw["sql"], raw["params"])
        except Exception as err:  # PostgreSQL's EXPLAIN ANALYZE runs the query: it may time out too
            raw["plan"] = [f"(no plan: {type(err).__name__}: {err})"]
    return result


def _main_query(captured: list[list[tuple]], repeat: int, watchdog: Watchdog, budget: float) -> dict | None:
    """The slowest SELECT of the first captured run (and the same statement of the other runs), re-run raw."""
    first = captured[0]
    selects = [n for n, q in enumerate(first) if _is_select(q[0]) and not q[2]]
    if not selects:
        return None
    position = max(selects, key=lambda n: first[n][3])
    mains = [(run[position][0], run[position][1]) for run in captured
             if len(run) > position and run[position][0] == first[position][0]]
    times = []
    loop_started = time.perf_counter()
    with connection.cursor() as cursor:
        for i in range(repeat):
            sql, params = mains[i % len(mains)]
            watchdog.started = started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append(time.perf_counter() - started)
            watchdog.started = None
            if time.perf_counter() - loop_started > budget:
                break
    sql, params = mains[0]
    db_ms = [sum(q[3] for q in run) * 1000 for run in captured]
    return {
        "p50_ms": _ms(percentile(times, 0.50)), "p95_ms": _ms(percentile(times, 0.95)), "n": len(times),
        "sql": sql, "params": _plain(params), "query_position": position + 1,
        "all_queries_ms_median": round(sorted(db_ms)[len(db_ms) // 2], 3),
    }


def _plain(params):
    """Parameters as JSON can hold them."""
    if params is None:
        return None
    return [p if isinstance(p, int | float | str | bool) or p is None else str(p) for p in params]


def verdict(result: dict) -> tuple[str, list[str]]:
    """PASS, MISS or "—" (no target) with the reasons of a miss."""
    misses = []
    target = result.get("target_p95_ms")
    if target is not None and result["p95_ms"] > target:
        misses.append(f"p95 {result['p95_ms']:.1f} ms > {target:.0f} ms")
    if result.get("queries_constant") is False:
        misses.append(f"queries {result['queries_small']} with few rows, up to {result['queries_max']} with many")
    if misses:
        return "MISS", misses
    if target is None and result.get("queries_constant") is None:
        return "—", []
    return "PASS", []


# --- The people and the records the cases use ------------------------------------------------------------

@dataclass
class Cast:
    manager: object
    consultant: object  # the busiest consultant
    newhire: object  # five leads
    size: int


def cast(size: int) -> Cast:
    from showroom.accounts.models import User
    from showroom.leads.models import Lead

    users = {u.username: u for u in User.objects.filter(username__in=generate.USERNAMES.values())}
    busiest = (Lead.objects.filter(owner__username__startswith="bench_c").values("owner_id")
               .annotate(n=Count("id")).order_by("-n", "owner_id").first())
    return Cast(manager=users[generate.USERNAMES["manager"]], consultant=User.objects.get(pk=busiest["owner_id"]),
                newhire=users[generate.USERNAMES["newhire"]], size=size)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _token(user) -> str:
    response = Client().post("/api/v1/auth/token", {"username": user.username, "password": generate.PASSWORD},
                             content_type="application/json")
    if response.status_code != 200:
        raise BenchError(f"POST /api/v1/auth/token answered {response.status_code}")
    return response.json()["token"]


def _get(client: Client, url: str, headers: dict | None = None, status: int = 200):
    response = client.get(url, headers=headers or {})
    if response.status_code != status:
        raise BenchError(f"GET {url} answered {response.status_code}")
    return response


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- The cases ---------------------------------------------------------------------------------------------

def lead_list_cases(c: Cast) -> list[Case]:
    from django.core.paginator import Paginator

    from showroom.leads.selectors import LeadFilters, lead_list

    base = _url("leads:list")
    manager, consultant, newhire = _client(c.manager), _client(c.consultant), _client(c.newhire)
    if base:
        by_manager = f"{base}?owner={c.consultant.pk}&stage={STAGE}"
        small = f"{base}?owner={c.newhire.pk}&stage={STAGE}"
        own = f"{base}?stage={STAGE}"
        by_follow_up = f"{base}?order=next_follow_up_at"
        names, few = _initials_of(c.consultant, 20), _initials_of(c.newhire, 1)[0]
        return [
            Case("lead_list_manager", "Lead list, 1st page, by owner and stage (manager)", f"page GET {by_manager}",
                 lambda i: _get(manager, by_manager), "list", small=lambda: _get(manager, small)),
            Case("lead_list_consultant", "Lead list, 1st page, own leads by stage (consultant)", f"page GET {own}",
                 lambda i: _get(consultant, own), "list", small=lambda: _get(newhire, own)),
            # What a consultant opens most: all their open leads, newest first, or by the next follow-up.
            Case("lead_list_consultant_all", "Lead list, 1st page, all own open leads (consultant)", f"page GET {base}",
                 lambda i: _get(consultant, base), "list", small=lambda: _get(newhire, base)),
            Case("lead_list_consultant_follow_up", "Lead list, 1st page, own leads by next follow-up (consultant)",
                 f"page GET {by_follow_up}", lambda i: _get(consultant, by_follow_up), "list",
                 small=lambda: _get(newhire, by_follow_up)),
            Case("lead_list_consultant_search", "Lead list searched by pinyin initials (consultant)",
                 f"page GET {base}?q=…", lambda i: _get(consultant, f"{base}?q={names[i % len(names)]}"), "list",
                 small=lambda: _get(newhire, f"{base}?q={few}")),
        ]

    def first_page(actor, owner_id):
        """What the page will run: the count for the pager and the first page."""
        qs = lead_list(actor, LeadFilters(owner_id=owner_id, stage=STAGE, status="open"))
        page = Paginator(qs, 25).get_page(1)
        return list(page.object_list)

    via = "selector leads.selectors.lead_list + Paginator (the page leads:list does not exist yet)"
    return [
        Case("lead_list_manager", "Lead list, 1st page, by owner and stage (manager)", via,
             lambda i: first_page(c.manager, c.consultant.pk), "list", small=lambda: first_page(c.manager, c.newhire.pk)),
        Case("lead_list_consultant", "Lead list, 1st page, own leads by stage (consultant)", via,
             lambda i: first_page(c.consultant, None), "list", small=lambda: first_page(c.newhire, None)),
    ]


def _initials_of(user, count: int) -> list[str]:
    """The first two pinyin initials of some of the user's customers: what a consultant types to find a lead."""
    from showroom.customers.models import Customer

    found = Customer.objects.filter(owner=user).exclude(name_initials="").values_list("name_initials", flat=True)
    return [initials[:2] for initials in found[:count]] or ["zs"]


def lookup_samples(c: Cast, rng: random.Random) -> dict[str, list[str]]:
    """What staff type: mobiles, last four digits and pinyin initials of customers the consultant may see
    (one in five a number of another consultant's customer: a lookup that finds nothing visible)."""
    from showroom.customers.models import Customer

    def sample(user, count):
        ids = list(Customer.objects.filter(owner=user).values_list("id", flat=True))
        chosen = rng.sample(ids, min(count, len(ids)))
        return list(Customer.objects.filter(id__in=chosen).values_list("mobile", "name_initials"))

    own = sample(c.consultant, 200)
    mobiles = [m for m, _i in own[:40]] + [generate.mobile_for(rng.randint(1, c.size)) for _ in range(10)]
    initials = [i[:2] for _m, i in own if len(i) >= 2][:50] or ["zs"]
    return {"mobile": mobiles, "last4": [m[-4:] for m in mobiles], "initials": initials}


def newhire_samples(c: Cast) -> dict[str, str]:
    """The same kinds of lookup by the new hire, for one of their five customers: the few-rows request."""
    from showroom.customers.models import Customer

    mobile, initials = Customer.objects.filter(owner=c.newhire).values_list("mobile", "name_initials").first()
    return {"mobile": mobile, "last4": mobile[-4:], "initials": initials[:2]}


def lookup_cases(c: Cast, rng: random.Random) -> list[Case]:
    from showroom.customers.selectors import customer_pages

    samples, few = lookup_samples(c, rng), newhire_samples(c)
    consultant, newhire, api_client = _client(c.consultant), _client(c.newhire), Client()  # the API: bearer only
    token, small_token = _token(c.consultant), _token(c.newhire)
    bearer, small_bearer = {"Authorization": f"Bearer {token}"}, {"Authorization": f"Bearer {small_token}"}
    page = _url("customers:list")
    titles = {"mobile": "full mobile", "last4": "last four digits", "initials": "pinyin initials"}
    cases = []
    for kind, values in samples.items():
        def selector(i, values=values, actor=c.consultant):
            return customer_pages(actor, query=values[i % len(values)]).rows_and_count(0, 25)

        def api(i, values=values, client=api_client, headers=bearer):
            return _get(client, f"/api/v1/customers?q={values[i % len(values)]}", headers)

        key, title = f"customer_lookup_{kind}", f"Customer lookup by {titles[kind]}"
        small_values = [few[kind]]
        cases.append(Case(key, f"{title} (selector)", "selector customers.selectors.customer_pages: first 25 and the count",
                          selector, "lookup", small=lambda v=small_values: selector(0, v, c.newhire)))
        if page:
            def on_page(i, values=values, client=consultant):
                return _get(client, f"{page}?q={values[i % len(values)]}")

            cases.append(Case(f"{key}_page", f"{title} (whole page)", f"page GET {page}?q=…", on_page, "list",
                              small=lambda v=small_values: on_page(0, v, newhire)))

            def live(i, values=values, client=consultant):
                return _get(client, f"{page}?q={values[i % len(values)]}", {"HX-Request": "true"})

            # What staff get while typing: the search box swaps the table in (htmx), not the whole page.
            cases.append(Case(f"{key}_live", f"{title} (live search, htmx)", f"htmx GET {page}?q=…", live, "lookup",
                              small=lambda v=small_values: live(0, v, newhire)))
        else:
            cases.append(Case(f"{key}_page", f"{title} (page)", "page GET /customers/?q=…", None,
                              note="not available: the page customers:list does not exist yet"))
        cases.append(Case(f"{key}_api", f"{title} (API)", "API GET /api/v1/customers?q=… (bearer token)", api, "lookup",
                          small=lambda v=small_values: api(0, v, Client(), small_bearer)))
    return cases


def workbench_case(c: Cast) -> Case:
    url = _url("followups:workbench")
    if url is None:
        return Case("workbench", "Workbench (consultant)", "page followups:workbench", None,
                    note="not available: followups:workbench does not exist")
    consultant, newhire = _client(c.consultant), _client(c.newhire)
    return Case("workbench", "Workbench (consultant)", f"page GET {url}", lambda i: _get(consultant, url), "list",
                small=lambda: _get(newhire, url))


def workbench_cards_case(c: Cast) -> Case:
    """The later steps' cards, which the workbench loads right after itself (htmx) and every minute."""
    url = _url("followups:workbench_cards")
    consultant, newhire = _client(c.consultant), _client(c.newhire)
    return Case("workbench_cards", "Workbench cards of steps 5-7 (htmx, after the page)", f"page GET {url}",
                lambda i: _get(consultant, url, {"HX-Request": "true"}), "list",
                small=lambda: _get(newhire, url, {"HX-Request": "true"}))


def lead_detail_case(c: Cast) -> Case:
    from showroom.leads.models import Lead, Status
    from showroom.leads.selectors import lead_timeline

    def busiest_lead(user):
        return (Lead.objects.filter(owner=user, status=Status.OPEN).annotate(n=Count("activities"))
                .order_by("-n", "-id").values_list("id", flat=True).first())

    big = busiest_lead(c.consultant)
    small = (Lead.objects.filter(owner=c.newhire).annotate(n=Count("activities")).order_by("n", "id")
             .values_list("id", flat=True).first())
    url, small_url = _url("leads:detail", big), _url("leads:detail", small)
    if url:
        consultant, newhire = _client(c.consultant), _client(c.newhire)
        return Case("lead_detail", "Lead detail page (consultant)", f"page GET {url}", lambda i: _get(consultant, url),
                    small=lambda: _get(newhire, small_url))

    def detail(actor, pk):
        from showroom.core.scoping import get_visible

        return lead_timeline(get_visible(Lead, actor, pk, select_related=("customer", "owner")))

    return Case("lead_detail", "Lead detail (consultant)",
                "selector get_visible + leads.selectors.lead_timeline (the page leads:detail does not exist yet)",
                lambda i: detail(c.consultant, big), small=lambda: detail(c.newhire, small))


def lead_create_case(c: Cast, rng: random.Random, count: int) -> Case:
    from showroom.customers.models import Customer

    mobiles: list[str] = []
    while len(mobiles) < count:
        batch = {f"{generate.API_PREFIX}{rng.randrange(10**8):08d}" for _ in range(count)}
        batch -= set(Customer.objects.filter(mobile__in=batch).values_list("mobile", flat=True))
        mobiles += sorted(batch - set(mobiles))
    names = generate.name_pool(rng, 200)
    client, headers = Client(), {"Authorization": f"Bearer {_token(c.consultant)}"}

    def create(i):
        body = {"customer": {"name": names[i % len(names)][0], "mobile": mobiles[i]}, "channel": "phone",
                "source": "inbound_call", "models_of_interest": "Q5L", "grade": "A"}
        response = client.post("/api/v1/leads", json.dumps(body), content_type="application/json", headers=headers)
        if response.status_code != 201:
            raise BenchError(f"POST /api/v1/leads answered {response.status_code}: {response.content[:200]!r}")
        return response

    return Case("lead_create_api", "Create a lead through the API (consultant)", "API POST /api/v1/leads (bearer token)",
                create)


# --- The import --------------------------------------------------------------------------------------------

STOCK_SIZE = 10_000  # issue 3: catalog search/filter and the stock list at 10,000 vehicles
SMALL_STORE = "bench-small"


def _small_store_consultant(c: Cast):
    """A consultant of a second store of the group with five cars: the few-rows run of the stock cases."""
    from showroom.accounts.models import Role, Store, User
    from showroom.accounts.services import store_create
    from showroom.inventory.benchmark import generate_stock

    store = Store.objects.filter(code=SMALL_STORE).first()
    if store is None:
        store = store_create(group=c.consultant.store.group, name="小店", code=SMALL_STORE, city="上海")
        generate_stock(store=store, count=5)
    user, _created = User.objects.get_or_create(username="bench_small", defaults={
        "store": store, "role": Role.CONSULTANT, "full_name": "小店顾问"})
    return user


def stock_cases(c: Cast) -> list[Case]:
    """Catalog search and filters and the stock list, as pages and API requests, with 10,000 cars in the store."""
    from showroom.inventory.benchmark import generate_stock, urls
    from showroom.inventory.models import Vehicle

    store = c.consultant.store
    have = Vehicle.objects.filter(store=store).count()
    if have < STOCK_SIZE:
        generate_stock(store=store, count=STOCK_SIZE - have)
    consultant, small = _client(c.consultant), _client(_small_store_consultant(c))
    cases = []
    for n, (title, url) in enumerate(urls()):
        kind = "api" if url.startswith("/api/") else "page"
        cases.append(Case(f"stock_{n}_{kind}", f"{title[:36]} ({STOCK_SIZE:,} cars)", f"{kind} GET {url} (consultant)",
                          lambda i, url=url: _get(consultant, url), "list", small=lambda url=url: _get(small, url)))
    return cases


def quote_cases(c: Cast) -> list[Case]:
    """The quote page (the sheet with every cost item) and the form's live recalculation, on a lead of the busiest
    consultant, with the catalog of the stock cases."""
    from decimal import Decimal

    from showroom.catalog.models import Trim
    from showroom.inventory.benchmark import ensure_catalog
    from showroom.leads.models import Lead, Stage, Status
    from showroom.quotes import services as quotes
    from showroom.quotes.models import Quote

    ensure_catalog(c.consultant.store.group_id)
    quote = Quote.objects.filter(lead__owner=c.consultant).order_by("id").first()
    lead = (quote.lead if quote else Lead.objects.filter(owner=c.consultant, status=Status.OPEN, stage=Stage.NEGOTIATION)
            .order_by("id").first())
    trim = Trim.objects.filter(series__brand__group_id=c.consultant.store.group_id, series__name="Q5L").order_by("id").first()
    fields = {"trim": trim.pk, "discount": Decimal(15000), "commercial_insurance_mode": "entered",
              "commercial_insurance_amount": Decimal(9200), "payment_method": "loan", "loan_lender": "大众汽车金融",
              "loan_term_months": 36, "loan_annual_rate": Decimal("0.0399"), "loan_down_payment_ratio": Decimal("0.3")}
    if quote is None:
        quote = quotes.quote_create(actor=c.consultant, lead=lead, fields=fields, lines=[])
    client = _client(c.consultant)
    detail = _url("quotes:detail", quote.pk)
    preview = _url("quotes:preview", lead.pk)
    form = {k: str(v) for k, v in fields.items()}

    def post_preview(i):
        response = client.post(preview, form, headers={"HX-Request": "true"})
        if response.status_code != 200:
            raise BenchError(f"POST {preview} answered {response.status_code}")
        return response

    return [
        Case("quote_page", "Quote page: the sheet with every cost item", f"page GET {detail} (consultant)",
             lambda i: _get(client, detail), "list"),
        Case("quote_preview", "Quote form: live recalculation (htmx)", f"htmx POST {preview} (consultant)",
             post_preview, "list"),
    ]


def import_sheet(size: int, rows: int, rng: random.Random, fmt: str = "csv") -> tuple[bytes, dict]:
    """A platform's export: ~5% mobiles already in the file, ~2% repeated within the sheet, the rest new."""
    header = ["姓名", "手机号", "来源", "意向车型", "预算", "城市", "备注", "线索编号"]
    names = generate.name_pool(rng, 2_000)
    sheet, seen = [], []
    mix = Counter()
    for n in range(rows):
        roll = rng.random()
        if roll < 0.05:
            mobile, kind = generate.mobile_for(rng.randint(1, size)), "in_file"
        elif roll < 0.07 and seen:
            mobile, kind = rng.choice(seen), "repeated_in_sheet"
        else:
            mobile, kind = f"{generate.IMPORT_PREFIX}{(n * 7_919 + 1) % 10**8:08d}", "new"
        mix[kind] += 1
        seen.append(mobile)
        sheet.append([names[n % len(names)][0], mobile, IMPORT_SOURCES[n % len(IMPORT_SOURCES)],
                      generate.MODELS[n % len(generate.MODELS)], rng.choice(("", "30万", "25-30万", "50万以上")), "上海",
                      "想了解最新优惠", f"BENCH{n:08d}"])
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        ws = book.create_sheet("leads")
        ws.append(header)
        for row in sheet:
            ws.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), dict(mix)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(sheet)
    return out.getvalue().encode("utf-8"), dict(mix)


def measure_import(c: Cast, rows: int, rng: random.Random, fmt: str) -> dict:
    """Import the sheet through the real service, time it, then roll it back (the data set stays as generated)."""
    title = f"Import a {rows:,}-row sheet ({fmt.upper()})"
    via = "showroom.reception.intake.leads_import_sheet (manager), rolled back afterwards"
    try:
        from showroom.reception.intake import leads_import_sheet
    except ImportError:
        return {"title": title, "via": via, "status": "not available",
                "note": "not available: showroom.reception.intake does not exist yet"}
    data, mix = import_sheet(c.size, rows, rng, fmt)
    recorder = Recorder()
    with connection.execute_wrapper(recorder), transaction.atomic():
        started = time.perf_counter()
        report = leads_import_sheet(actor=c.manager, data=data, filename=f"bench.{fmt}")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    result = {"title": title, "via": via, "rows": rows, "sheet_mix": mix, "target_p95_ms": None,
              "seconds": round(seconds, 3), "rows_per_second": round(rows / seconds, 1), "queries": recorder.count,
              "report": {"rows": report.rows, "created": report.created, "attached": report.attached,
                         "existing": report.existing, "duplicates_in_sheet": report.duplicates_in_sheet,
                         "errors": len(report.errors)}}
    if report.errors:
        first = report.errors[0]
        return {**result, "status": "error", "note": f"the sheet was refused: row {first.row} {first.column}: {first.message}"}
    return {**result, "status": "ok", "verdict": "—", "misses": []}


def peak_memory_mb() -> float:
    """This process's peak resident memory (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_all(*, size: int, repeat: int, warmup: int, import_rows: int, import_format: str, seed: int,
            only: list[str] | None = None, timeout: float = 60.0, budget: float = 60.0, progress=print) -> dict:
    """Every case, in order; returns {key: result}."""
    rng = random.Random(seed)
    c = cast(size)
    results: dict[str, dict] = {}

    def wanted(key: str) -> bool:
        return not only or any(key.startswith(prefix) for prefix in only)

    builders = [
        ("lead_list", lambda: lead_list_cases(c)),
        ("customer_lookup", lambda: lookup_cases(c, rng)),
        ("workbench", lambda: [workbench_case(c), workbench_cards_case(c)]),
        ("lead_detail", lambda: [lead_detail_case(c)]),
        ("lead_create_api", lambda: [lead_create_case(c, rng, repeat + warmup + CAPTURE_RUNS + 1)]),
        ("stock", lambda: stock_cases(c)),
        ("quote", lambda: quote_cases(c)),
    ]
    for prefix, build in builders:
        if only and not any(prefix.startswith(p) or p.startswith(prefix) for p in only):
            continue
        for case in build():
            if not wanted(case.key):
                continue
            progress(f"  {case.title} …")
            results[case.key] = measure(case, repeat=repeat, warmup=warmup, timeout=timeout, budget=budget)
    results["peak_memory_requests"] = {"title": "Server process peak memory after the requests", "status": "ok",
                                       "max_rss_mb": peak_memory_mb(), "via": "resource.getrusage(RUSAGE_SELF).ru_maxrss"}
    if wanted("import_sheet"):
        progress(f"  Import of {import_rows:,} rows …")
        results["import_sheet"] = measure_import(c, import_rows, rng, import_format)
    results["peak_memory"] = {"title": "Server process peak memory (after the import)", "status": "ok",
                              "max_rss_mb": peak_memory_mb(), "via": "resource.getrusage(RUSAGE_SELF).ru_maxrss"}
    return results
