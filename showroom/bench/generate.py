"""The bench data set: one store, ~50 consultants, N customers and leads, 5×N activities, and what hangs off them
(the stage history, an audit entry per lead, a showroom visit per walk-in lead, a done follow-up task for every
other contact and one open task per open lead).

The schema is the real one (`migrate` on the bench database, every index and constraint in place); rows
go in with bulk SQL (executemany on SQLite, COPY on PostgreSQL) in primary-key order, so the indexes are
maintained as they would be in production. Derived columns are filled the way the services fill them:
pinyin keys through customers.pinyin.pinyin_keys (computed once per name of a pool), mobile_last4 from
the mobile. Columns this module does not know get the model field's default, so a new column with a
default does not break the bench.

Run by `python -m showroom.bench` in a child process (so the generator's memory does not count as the
server's peak), or alone: `python -m showroom.bench.generate --size 1000` with SHOWROOM_BENCH_DATABASE_URL set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path

SIZE_DEFAULT = 1_000_000
ACTIVITIES_PER_LEAD = 5
CONSULTANTS = 50
NEWHIRE_LEADS = 5  # the one consultant with almost no leads: query counts must match the busy consultant's
CHUNK = 10_000
META_TABLE = "bench_meta"
PASSWORD = "bench-password-not-secret"  # noqa: S105 - users of the throw-away bench database only
USERNAMES = {"manager": "bench_manager", "reception": "bench_reception", "newhire": "bench_newhire"}

# Mobile prefixes of the generated customers; 166 is kept for leads created during the run, 147 for
# the import sheet's new numbers, so neither can collide with the file.
PREFIXES = [str(p) for p in (*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, *range(180, 190),
                             176, 177, 178, 198, 199)]
API_PREFIX = "166"
IMPORT_PREFIX = "147"
_MOBILE_MULTIPLIER = 48_271  # coprime with 10**8: i -> suffix is a bijection, so every mobile is unique

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖"
    "贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解区查翟乐缪盖"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞波宇浩然欣怡子轩梓涵一诺思远嘉豪雨泽晨阳佳琪雪梅建国志强海燕"
    "文博俊杰晓东丹凯琳婷倩颖斌辉鑫亮晶慧婧琦瑶蕾薇瑞祥福安康宁健德昊天天佑若曦梦洁诗雨语嫣子墨浩宇睿哲铭泽晓峰立新春生秋菊冬梅"
)
COMPANY_WORDS = ("华信", "中远", "金茂", "恒瑞", "东方", "锦江", "申通", "宏达", "新元", "浦江", "汇丰", "联创", "天和", "瑞丰", "中科")
COMPANY_KINDS = ("科技有限公司", "贸易有限公司", "投资有限公司", "物流有限公司", "建设工程有限公司", "咨询有限公司")
DISTRICTS = ("浦东新区", "闵行区", "徐汇区", "静安区", "长宁区", "普陀区", "杨浦区", "宝山区", "嘉定区", "松江区", "青浦区", "奉贤区")
MODELS = ("A3", "A4L", "A5", "A6L", "A7L", "A8L", "Q2L", "Q3", "Q4 e-tron", "Q5L", "Q5 e-tron", "Q6", "Q7", "Q8", "e-tron GT")
SUMMARIES = (
    "客户对Q5L的空间比较满意，关心置换补贴。", "电话未接通，稍后再联系。", "已发送A6L配置单和金融方案。",
    "客户周末来店试驾，已预约。", "客户在对比宝马X3，价格是主要顾虑。", "微信沟通了交车时间。", "客户表示近期不考虑。",
    "邀请参加新车上市活动。", "确认了贷款方案，等待家人商量。", "短信告知本月优惠政策。",
)

# Realistic mixes (weights): status, stage by status, first-contact channel, sources by channel.
STATUS_MIX = (("open", 35), ("won", 15), ("lost", 30), ("dormant", 20))
STAGE_MIX = {
    "open": ((10, 30), (20, 25), (30, 15), (40, 12), (50, 10), (60, 8)),
    "won": ((70, 60), (80, 40)),
    "lost": ((10, 30), (20, 25), (30, 20), (40, 15), (50, 10)),
    "dormant": ((10, 50), (20, 30), (30, 20)),
}
OPEN_GRADE_MIX = (("N", 8), ("H", 10), ("A", 20), ("B", 32), ("C", 30))
CHANNEL_MIX = (("showroom", 35), ("online", 40), ("phone", 15), ("proactive", 10))
ACTIVITY_CHANNEL_MIX = (("phone", 50), ("wechat", 25), ("showroom", 10), ("sms", 8), ("email", 2), ("home_visit", 2),
                        ("mailing", 1), ("event", 2))
OUTCOME_MIX = (("reached", 45), ("no_answer", 20), ("busy", 8), ("appointment", 10), ("not_interested", 5),
               ("message_sent", 11), ("invalid", 1))
ACTIVITY_COUNTS = (1, 2, 3, 4, 5, 5, 6, 7, 8, 9)  # cycled with a stride coprime with 10: exactly 5 per lead on average

DAY = 86_400


def mobile_for(index: int) -> str:
    """The unique mobile of generated customer number `index` (1-based)."""
    prefix = PREFIXES[index % len(PREFIXES)]
    return f"{prefix}{(index * _MOBILE_MULTIPLIER + 12_345) % 100_000_000:08d}"


def _expand(mix) -> list:
    """A list to draw from with rng.choice, each value repeated by its weight."""
    return [value for value, weight in mix for _ in range(weight)]


def name_pool(rng: random.Random, size: int = 40_000) -> list[tuple[str, str, str, str]]:
    """(name, full pinyin, initials, gender) for people: keys computed once per name, as the services compute them."""
    from showroom.customers.pinyin import pinyin_keys

    surnames = [s for rank, s in enumerate(SURNAMES) for _ in range(max(1, 40 // (rank // 4 + 1)))]
    seen: dict[str, tuple[str, str, str, str]] = {}
    while len(seen) < size:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(surnames) + given
        if name not in seen:
            pinyin, initials = pinyin_keys(name, person=True)
            seen[name] = (name, pinyin, initials, "male" if rng.random() < 0.55 else "female")
    return list(seen.values())


def company_pool() -> list[tuple[str, str, str]]:
    from showroom.customers.pinyin import pinyin_keys

    names = [f"上海{word}{kind}" for word in COMPANY_WORDS for kind in COMPANY_KINDS]
    return [(name, *pinyin_keys(name, person=False)) for name in names]


# --- The database ---------------------------------------------------------------------------------------

def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def ensure_database() -> None:
    """Create the PostgreSQL database if it does not exist yet (SQLite creates its file on connect)."""
    from django.db import OperationalError, connection

    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        return
    try:
        connection.ensure_connection()
    except OperationalError:
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')


def read_meta() -> dict | None:
    """The bench's notes in its database; None for a database the bench did not make.

    A database with customers but no notes is someone's real data: the bench refuses to touch it."""
    from django.db import connection

    tables = connection.introspection.table_names()
    if META_TABLE in tables:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT key, value FROM {META_TABLE}")
            return {key: json.loads(value) for key, value in cursor.fetchall()}
    if "customers_customer" in tables:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM customers_customer LIMIT 1")
            if cursor.fetchone() is not None:
                raise SystemExit(
                    f"{connection.settings_dict['NAME']} holds customers and was not made by the bench: refusing to "
                    "overwrite it. Name another database with --database-url."
                )
    return None


def write_meta(values: dict) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for key, value in values.items():
            cursor.execute(f"DELETE FROM {META_TABLE} WHERE key = %s", [key])
            cursor.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)", [key, json.dumps(value)])


def wipe() -> None:
    """Start from an empty database (only ever called on a bench database or an empty one)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


# --- Writing rows in bulk ----------------------------------------------------------------------------------

class Table:
    """INSERTs for one model: the generated columns first, then every other column with the field's default."""

    def __init__(self, model, generated: tuple[str, ...]):
        from django.db import connection
        from django.utils import timezone

        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in generated if name not in fields]
        if unknown:
            raise RuntimeError(f"The bench writes columns {model._meta.label} no longer has: {unknown}")
        # Ids the bench does not set are the database's to give.
        rest = [f for name, f in fields.items() if name not in generated and not f.primary_key]
        defaults = []
        for field in rest:
            value = field.get_default()
            if value is None and not field.null:
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    value = timezone.now()
                else:
                    raise RuntimeError(f"The bench does not know how to fill {model._meta.label}.{field.name}")
            defaults.append(field.get_db_prep_save(value, connection))
        self.table = model._meta.db_table
        self.columns = [fields[name].column for name in generated] + [f.column for f in rest]
        self.defaults = tuple(defaults)
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row + self.defaults)

    def flush(self) -> None:
        if not self.rows:
            return
        from django.db import connection

        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        raw = connection.connection
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f"COPY {connection.ops.quote_name(self.table)} ({columns}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(self.columns))
            cursor = raw.cursor()
            cursor.executemany(f"INSERT INTO {connection.ops.quote_name(self.table)} ({columns}) VALUES ({marks})", self.rows)
            cursor.close()
        self.count += len(self.rows)
        self.rows.clear()


class Clock:
    """Times as the database driver wants them: naive UTC text on SQLite (as Django writes it), aware on PostgreSQL."""

    def __init__(self, now: dt.datetime, vendor: str):
        self.now_ts = int(now.timestamp())
        self.text = vendor == "sqlite"
        utc_epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        # SQLite: Django stores naive UTC text ("2025-01-31 08:00:00"); str() of a naive datetime writes just that.
        self.epoch = utc_epoch.replace(tzinfo=None) if self.text else utc_epoch

    def at(self, ts: float | None):
        if ts is None:
            return None
        value = self.epoch + dt.timedelta(seconds=int(ts))
        return str(value) if self.text else value

    def day(self, ts: float):
        value = (self.epoch + dt.timedelta(seconds=int(ts) + 8 * 3600)).date()  # the local (Asia/Shanghai) date
        return str(value) if self.text else value


# --- The data set ------------------------------------------------------------------------------------------

def create_people():
    """The store (opened by its service: grade cadence and call scripts) and its people."""
    from django.contrib.auth.hashers import make_password

    from showroom.accounts.models import DealerGroup, Role, User
    from showroom.accounts.services import store_create

    group = DealerGroup.objects.create(name="奥迪经销集团（基准测试）")
    store = store_create(group=group, name="上海浦东奥迪展厅", code="bench", city="上海")
    password = make_password(PASSWORD)  # hashed once (Argon2 is slow on purpose), shared by every bench user
    people = [
        User(username=USERNAMES["manager"], store=store, role=Role.MANAGER, full_name="赵经理", password=password),
        User(username=USERNAMES["reception"], store=store, role=Role.RECEPTIONIST, full_name="前台小林", password=password),
        User(username=USERNAMES["newhire"], store=store, role=Role.CONSULTANT, full_name="新人小周", password=password),
    ]
    people += [
        User(username=f"bench_c{n:02d}", store=store, role=Role.CONSULTANT, full_name=f"顾问{n:02d}", password=password)
        for n in range(1, CONSULTANTS + 1)
    ]
    User.objects.bulk_create(people)
    users = {u.username: u for u in User.objects.filter(store=store)}
    consultants = [users[f"bench_c{n:02d}"] for n in range(1, CONSULTANTS + 1)]
    return store, users, consultants


def activity_counts(size: int) -> list[int]:
    """Activities per lead: 1 to 9, exactly ACTIVITIES_PER_LEAD × size in all."""
    counts = [ACTIVITY_COUNTS[(i * 7) % len(ACTIVITY_COUNTS)] for i in range(size)]
    gap = ACTIVITIES_PER_LEAD * size - sum(counts)
    i = size - 1
    while gap and i >= 0:
        step = max(-counts[i], min(gap, 9))
        counts[i] += step
        gap -= step
        i -= 1
    return counts


def generate(size: int, *, seed: int = 7, progress=print) -> dict:
    """Write the data set into the (migrated, empty) bench database; returns the row counts."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from showroom.audit.models import AuditEntry
    from showroom.core import clock
    from showroom.core.choices import SOURCES_BY_CHANNEL
    from showroom.customers.models import Customer
    from showroom.followups.models import Activity, Task
    from showroom.leads.models import Lead, StageTransition
    from showroom.reception.models import Visit

    rng = random.Random(seed)
    store, users, consultants = create_people()
    newhire, reception = users[USERNAMES["newhire"]], users[USERNAMES["reception"]]
    # Some consultants carry more than others (seniority): weights 1 to 3.
    owner_draw = [c.pk for c in consultants for _ in range(1 + (c.pk * 7) % 3)]
    people, companies = name_pool(rng), company_pool()
    lead_type = ContentType.objects.get_for_model(Lead).pk
    tick = Clock(clock.now(), connection.vendor)
    now = tick.now_ts
    statuses, channels = _expand(STATUS_MIX), _expand(CHANNEL_MIX)
    stages = {status: _expand(mix) for status, mix in STAGE_MIX.items()}
    open_grades, act_channels, outcomes = _expand(OPEN_GRADE_MIX), _expand(ACTIVITY_CHANNEL_MIX), _expand(OUTCOME_MIX)
    sources = {ch: [s for n, s in enumerate(options) for _ in range(len(options) - n)] for ch, options in SOURCES_BY_CHANNEL.items()}
    counts = activity_counts(size)
    newhire_ids = set(range(max(1, size - NEWHIRE_LEADS + 1), size + 1))

    customers = Table(Customer, (
        "id", "store_id", "kind", "name", "contact_name", "mobile", "mobile_last4", "wechat_id", "gender", "city", "district",
        "source", "owner_id", "name_pinyin", "name_initials", "consent_contact", "consent_marketing", "created_by_id",
        "created_at", "updated_at", "updated_by_id", "shared",
    ))
    leads = Table(Lead, (
        "id", "store_id", "customer_id", "owner_id", "channel", "source", "models_of_interest", "budget_min", "budget_max",
        "expected_purchase_date", "stage", "status", "grade", "next_follow_up_at", "first_response_due_at",
        "first_contacted_at", "last_contacted_at", "external_ref", "created_by_id", "created_at", "updated_at",
        "updated_by_id",
    ))
    transitions = Table(StageTransition, (
        "lead_id", "from_stage", "to_stage", "from_status", "to_status", "reason", "actor_id", "created_at",
    ))
    audits = Table(AuditEntry, ("store_id", "actor_id", "action", "target_type_id", "target_id", "data", "created_at"))
    visits = Table(Visit, (
        "store_id", "batch_no", "arrived_at", "left_at", "party_size", "is_first_visit", "customer_id", "lead_id",
        "captured", "consultant_id", "models_of_interest", "registered_by_id", "created_at",
    ))
    activities = Table(Activity, (
        "store_id", "lead_id", "actor_id", "channel", "direction", "outcome", "summary", "occurred_at", "created_at",
    ))
    tasks = Table(Task, (
        "store_id", "lead_id", "owner_id", "kind", "title", "due_at", "status", "is_appointment", "overdue_since",
        "completed_at", "outcome", "created_by_id", "created_at", "updated_at",
    ))
    tables = (customers, leads, transitions, audits, visits, activities, tasks)
    today_start = clock.day_range()[0].timestamp()
    sid = store.pk
    started = time.monotonic()
    next_report = 0.1

    for chunk_start in range(1, size + 1, CHUNK):
        for i in range(chunk_start, min(size, chunk_start + CHUNK - 1) + 1):
            status = statuses[int(rng.random() * 100)]
            stage = rng.choice(stages[status])
            if i in newhire_ids:
                status, stage = "open", 20  # the new hire's few leads show on the same filtered list as the busiest's
            if status == "open":
                created = now - rng.random() * 180 * DAY
                grade = "O" if stage == 60 else rng.choice(open_grades)
                if grade == "N" and stage > 10:
                    grade = "C"
            else:
                created = now - (30 + rng.random() * 1_065) * DAY
                grade = {"won": "D", "lost": "F", "dormant": rng.choice("BC")}[status]
            if i in newhire_ids:
                owner = newhire.pk
            elif status == "open" and rng.random() < 0.01:
                owner = None  # the store's unassigned pool
            else:
                owner = rng.choice(owner_draw)
            channel = channels[int(rng.random() * 100)]
            source = rng.choice(sources[channel])
            model = rng.choice(MODELS)
            # Closed leads stopped being worked some time after they were created.
            end = now if status == "open" else min(now, created + (20 + rng.random() * 120) * DAY)
            span = max(end - created, 600)
            n_act = counts[i - 1]
            times = sorted(created + 300 + rng.random() * span for _ in range(n_act))
            last = times[-1] if times else None
            online = channel in ("online", "phone")
            first_due = created + 2 * 3600 if online else None
            first_contact = times[0] if times and (not online or rng.random() < 0.97) else None
            follow_up = None
            if status == "open":
                roll = rng.random()
                if roll < 0.15:
                    follow_up = today_start - (0.1 + rng.random() * 10) * DAY  # overdue
                elif roll < 0.25:
                    follow_up = today_start + rng.random() * DAY  # due today
                else:
                    follow_up = today_start + (1 + rng.random() * 30) * DAY
            acting = owner or consultants[i % CONSULTANTS].pk
            created_at, updated_at = tick.at(created), tick.at(last or created)

            if rng.random() < 0.04:
                cname, pinyin, initials = rng.choice(companies)
                kind, contact, gender = "company", rng.choice(people)[0], ""
            else:
                cname, pinyin, initials, gender = rng.choice(people)
                kind, contact = "person", ""
            mobile = mobile_for(i)
            # One customer in 200 is another consultant's, who filed them first: their lead here shares them.
            customer_owner = owner
            if owner is not None and i not in newhire_ids and rng.random() < 0.005:
                customer_owner = rng.choice([c.pk for c in consultants if c.pk != owner] or [owner])
            customers.add((
                i, sid, kind, cname, contact, mobile, mobile[-4:], f"wx_{mobile[-6:]}{i % 97}" if rng.random() < 0.3 else "",
                gender, "上海", rng.choice(DISTRICTS), source, customer_owner, pinyin, initials, rng.random() < 0.9,
                rng.random() < 0.4, acting, created_at, updated_at, acting, customer_owner != owner,
            ))
            budget = rng.choice((None, (200_000, 300_000), (300_000, 450_000), (450_000, 700_000), (700_000, 1_200_000)))
            leads.add((
                i, sid, i, owner, channel, source, model, budget and budget[0], budget and budget[1],
                tick.day(created + (30 + rng.random() * 150) * DAY) if rng.random() < 0.5 else None,
                stage, status, grade, tick.at(follow_up), tick.at(first_due), tick.at(first_contact), tick.at(last),
                f"P{i:010d}" if channel == "online" else "", acting, created_at, updated_at, acting,
            ))
            transitions.add((i, 10, 10, "open", "open", "", acting, created_at))
            if stage > 10 or status != "open":
                transitions.add((i, 10, stage, "open", status, "", acting, updated_at))
            audits.add((sid, acting, "leads.created", lead_type, i,
                        json.dumps({"stage": 10, "status": "open", "grade": "N", "channel": channel}), created_at))
            if channel == "showroom":
                visits.add((sid, f"B{i:010d}", created_at, tick.at(created + 3600), 1 + int(rng.random() * 3), True, i, i,
                            True, acting, model, reception.pk, created_at))
            for n, ts in enumerate(times):
                at = tick.at(ts)
                outcome = rng.choice(outcomes)
                activities.add((sid, i, acting, rng.choice(act_channels), "outbound" if rng.random() < 0.8 else "inbound",
                                outcome, rng.choice(SUMMARIES), at, at))
                if n % 2:  # every other contact closed a follow-up task: the history a real task table carries
                    tasks.add((sid, i, owner, "cadence", f"按级别回访（{grade}级）", at, "done", False, None, at, outcome,
                               acting, at, at))
            if follow_up is not None:
                overdue = follow_up < today_start
                tasks.add((sid, i, owner, "cadence", f"按级别回访（{grade}级）", tick.at(follow_up), "open",
                           not overdue and rng.random() < 0.05, tick.at(follow_up) if overdue else None, None, "", acting,
                           updated_at, updated_at))
        with transaction.atomic():
            for table in tables:
                table.flush()
        done = min(size, chunk_start + CHUNK - 1) / size
        if done >= next_report or done == 1:
            elapsed = time.monotonic() - started
            progress(f"  {done:5.0%}  {leads.count:,} leads, {activities.count:,} activities  ({elapsed:,.0f} s)")
            next_report = done + 0.1
    _reset_sequences()
    return {t.table: t.count for t in tables}


def _reset_sequences() -> None:
    """PostgreSQL identity columns do not see COPY's explicit ids: move them past the rows."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from showroom.customers.models import Customer
    from showroom.leads.models import Lead

    with connection.cursor() as cursor:
        for model in (Customer, Lead):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}")


def analyze() -> None:
    """PostgreSQL's autovacuum gathers planner statistics after a bulk load by itself; do it now rather than later."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def prepare(size: int, *, reuse: bool, seed: int, progress=print) -> dict:
    """Make sure the bench database holds a data set of `size`; returns what was done and how long it took."""
    from django.core.management import call_command
    from django.db import connection

    ensure_database()
    meta = read_meta()
    if reuse and meta and meta.get("complete") and meta.get("size") == size:
        progress(f"Reusing the data set of {size:,} in {connection.settings_dict['NAME']} (applying new migrations).")
        call_command("migrate", interactive=False, verbosity=0)
        return {"generated": False, **meta}
    wipe()
    started = time.monotonic()
    progress(f"Generating {size:,} customers and leads, {ACTIVITIES_PER_LEAD * size:,} activities "
             f"in {connection.settings_dict['NAME']} …")
    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {META_TABLE} (key varchar(50) PRIMARY KEY, value text NOT NULL)")
    write_meta({"size": size, "complete": False, "seed": seed})
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Loader-only settings of this connection (not of the schema): a big page cache, no fsync per commit.
            cursor.execute("PRAGMA cache_size=-1000000")
            cursor.execute("PRAGMA synchronous=OFF")
    rows = generate(size, seed=seed, progress=progress)
    analyze()
    seconds = round(time.monotonic() - started, 1)
    meta = {"size": size, "complete": True, "seed": seed, "rows": rows, "generation_seconds": seconds,
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    write_meta(meta)
    connection.close()
    progress(f"Generated in {seconds:,.1f} s: " + ", ".join(f"{n:,} {t}" for t, n in rows.items()))
    return {"generated": True, **meta}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m showroom.bench.generate")
    parser.add_argument("--size", type=int, default=SIZE_DEFAULT)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--report-file", help="write what was done as JSON here")
    args = parser.parse_args(list(argv) if argv is not None else None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "showroom.bench.settings")
    import django

    django.setup()
    result = prepare(args.size, reuse=args.reuse, seed=args.seed, progress=lambda line: print(line, flush=True))
    if args.report_file:
        Path(args.report_file).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
