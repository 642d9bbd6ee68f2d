"""Online intake by sheet (线索导入): a platform's or the OEM's lead export (CSV or XLSX) becomes leads.

All or nothing: every row is checked first; if any row is refused, nothing is imported and the
report names each refused row, column and reason. Rows are matched to the customer file by mobile
(within the sheet and against the file): a known customer gets the lead attached, a customer with an
open lead is reported as an existing lead and not duplicated.

The rules are lead_create's, applied in bulk so that a 100,000-row sheet imports in seconds: the same
validation (the customer file's and the lead's own checks are called), the same duplicate handling,
the same owner (round robin among consultants on duty, or the pool), the same first-response deadline
and task, stage-history row and audit entries. Only the number of queries differs.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from showroom.accounts.capabilities import Capability, require
from showroom.accounts.models import LeadAssignment, Store, User
from showroom.accounts.selectors import consultants_on_duty
from showroom.audit import services as audit
from showroom.audit.models import AuditEntry
from showroom.core import clock, jobs
from showroom.core.choices import SOURCES_BY_CHANNEL, Channel, Source
from showroom.core.errors import Conflict, DomainError
from showroom.core.money import parse_money
from showroom.core.tasks import optimize_database
from showroom.customers import services as customer_rules
from showroom.customers.identity import normalise_mobile
from showroom.customers.models import Customer, CustomerKind
from showroom.customers.pinyin import pinyin_keys
from showroom.followups import cadence
from showroom.followups.models import Task, TaskKind
from showroom.leads import services as lead_rules
from showroom.leads.models import Grade, Lead, Stage, StageTransition, Status

MAX_ROWS = 200_000
CHUNK = 2_000  # rows planned and written together: one lookup query per kind and a few INSERTs per chunk
LOOKUP_CHUNK = 900  # values in one IN (...) list, safely under SQLite's variable limit


# --- The report -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """A refused row: its number in the sheet (the header is row 1), the column as headed there, why."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    filename: str
    rows: int = 0  # data rows read (blank rows are skipped)
    created: int = 0  # a new customer with a new lead
    attached: int = 0  # a known customer (no open lead) with a new lead
    existing: int = 0  # an open lead already there, or the platform's lead already imported: not duplicated
    duplicates_in_sheet: int = 0  # of `existing`: rows repeating an earlier row of the same sheet
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        """New leads opened by the import."""
        return self.created + self.attached

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Columns and values -----------------------------------------------------------------------------

# The template's headers (Chinese, as staff write them), in order; any alias below is read too.
TEMPLATE_COLUMNS = (
    ("name", "姓名"), ("mobile", "手机号"), ("channel", "渠道"), ("source", "来源"),
    ("models_of_interest", "意向车型"), ("budget", "预算"), ("expected_purchase_date", "预计购车时间"),
    ("city", "城市"), ("notes", "备注"), ("external_ref", "线索编号"),
)
COLUMN_LABELS = {
    "name": gettext_lazy("Name"), "mobile": gettext_lazy("Mobile"), "channel": gettext_lazy("Channel"),
    "source": gettext_lazy("Source"), "models_of_interest": gettext_lazy("Models of interest"),
    "budget": gettext_lazy("Budget"), "budget_min": gettext_lazy("Budget from"), "budget_max": gettext_lazy("Budget up to"),
    "expected_purchase_date": gettext_lazy("Expected purchase"), "city": gettext_lazy("City"),
    "wechat_id": gettext_lazy("WeChat ID"), "notes": gettext_lazy("Notes"), "external_ref": gettext_lazy("Platform reference"),
}
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "客户姓名", "客户名称", "客户", "名称", "联系人", "称呼", "name", "customer", "customer name", "full name"),
    "mobile": ("手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "联系方式", "mobile", "mobile phone", "phone", "tel",
               "cellphone"),
    "channel": ("渠道", "接触渠道", "首次接触渠道", "线索渠道", "channel", "first contact channel"),
    "source": ("来源", "线索来源", "来源平台", "平台", "媒体", "媒体来源", "source", "platform", "lead source"),
    "models_of_interest": ("意向车型", "车型", "关注车型", "感兴趣车型", "models of interest", "model", "models", "car model"),
    "budget": ("预算", "购车预算", "预算范围", "budget"),
    "budget_min": ("预算下限", "最低预算", "budget min", "budget from"),
    "budget_max": ("预算上限", "最高预算", "budget max", "budget up to", "budget to"),
    "expected_purchase_date": ("预计购车时间", "预计购车日期", "计划购车时间", "购车时间", "expected purchase", "expected purchase date",
                               "purchase date"),
    "city": ("城市", "所在城市", "地区", "city"),
    "wechat_id": ("微信", "微信号", "wechat", "wechat id"),
    "notes": ("备注", "留言", "说明", "客户留言", "notes", "note", "remark", "remarks", "comment"),
    # Not a bare "ID" or "编号": a row number taken for the platform's reference would skip next month's rows.
    "external_ref": ("线索编号", "线索id", "线索号", "平台线索编号", "平台线索id", "external ref", "lead id", "lead reference"),
}
_HEADER_NOISE = re.compile(r"[\s_\-*:：()（）\[\]【】/\\.]|必填|选填|required|optional")
_VALUE_NOISE = re.compile(r"[\s_\-/\\.·]")


BIG_IMPORT_ROWS = 1000

def _header_key(text: str) -> str:
    return _HEADER_NOISE.sub("", (text or "").lower())


def _value_key(text: str) -> str:
    return _VALUE_NOISE.sub("", (text or "").lower())


_HEADER_PARTS = re.compile(r"[/|()（）\s]+")
_COLUMN_BY_KEY = {_header_key(alias): name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}

CHANNEL_ALIASES: dict[str, tuple[str, ...]] = {
    Channel.ONLINE: ("在线", "线上", "网络", "网络线索", "互联网", "在线接触", "网销", "dcc", "idcc", "online", "internet"),
    Channel.PHONE: ("电话", "电话接触", "phone", "telephone", "call"),
    Channel.SHOWROOM: ("展厅", "展厅接触", "到店", "showroom", "walk in"),
    Channel.PROACTIVE: ("主动", "主动出击", "外拓", "主动外拓", "proactive", "outreach"),
}
SOURCE_ALIASES: dict[str, tuple[str, ...]] = {
    Source.AUTOHOME: ("汽车之家", "之家", "autohome"),
    Source.DONGCHEDI: ("懂车帝", "dongchedi", "dcd"),
    Source.YICHE: ("易车", "易车网", "易车app", "bitauto", "yiche"),
    Source.PCAUTO: ("太平洋汽车", "太平洋汽车网", "太平洋", "pcauto"),
    Source.OEM_ONLINE: ("官网", "厂家官网", "厂家", "主机厂", "厂家线索", "奥迪官网", "一汽奥迪官网", "上汽奥迪官网", "奥迪app", "myaudi",
                        "小程序", "厂家app", "oem", "oem website", "oem app"),
    Source.DOUYIN: ("抖音", "抖音直播", "douyin", "tiktok"),
    Source.XIAOHONGSHU: ("小红书", "xiaohongshu", "xhs", "rednote"),
    Source.WECHAT: ("微信", "公众号", "微信公众号", "视频号", "wechat"),
    Source.REFERRAL: ("转介绍", "推荐", "老带新", "referral"),
    Source.EXHIBITION: ("车展", "展会", "exhibition", "auto show"),
    Source.EXISTING_OWNER: ("保有客户", "老客户", "置换", "增换购", "existing owner"),
    Source.KEY_ACCOUNT: ("大客户", "key account"),
    Source.SERVICE_CUSTOMER: ("售后", "售后客户", "service customer"),
    Source.TARGET_LIST: ("名单", "目标名单", "target list"),
    Source.INBOUND_CALL: ("来电", "inbound call"),
    Source.OUTBOUND_CALL: ("去电", "外呼", "outbound call"),
    Source.WALK_IN: ("自然到店", "展厅自然到店", "walk in"),
    Source.INVITED_VISIT: ("邀约到店", "invited visit"),
    Source.OTHER: ("其他", "其它", "other"),
}


@lru_cache(maxsize=4)
def _vocabulary(language: str) -> tuple[dict[str, str], dict[str, str]]:
    """Channel and source names as a sheet may write them: codes, aliases, and the labels in English and the UI language."""
    channels = {_value_key(a): c for c, aliases in CHANNEL_ALIASES.items() for a in aliases}
    sources = {_value_key(a): s for s, aliases in SOURCE_ALIASES.items() for a in aliases}
    for lang in ("en", language):
        with translation.override(lang):
            channels.update({_value_key(str(label)): value for value, label in Channel.choices})
            sources.update({_value_key(str(label)): value for value, label in Source.choices})
    channels.update({_value_key(v): v for v in Channel.values})
    sources.update({_value_key(v): v for v in Source.values})
    return channels, sources


def _text(value) -> str:
    """A cell as text: numbers from Excel without ".0", Excel's ="0123" protection and invisible characters removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    # NUL too: some exports leave it in cells, and PostgreSQL cannot store it in text.
    text = str(value).replace("\ufeff", "").replace("\u200b", "").replace("\x00", "").strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    return text


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                 "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S")
_MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月")


def _date(value) -> dt.date | None:
    """A date cell or a date as staff type it; a month alone means the end of that month."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time of day
        except ValueError:
            continue
    for fmt in _MONTH_FORMATS:
        try:
            first = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
        return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    raise ValueError(text)


_RANGE = re.compile(r"\s*(?:-|~|～|－|—|–|至|到)\s*")
_OPEN_UPPER = ("以内", "以下", "之内", "内")
_OPEN_LOWER = ("以上", "起")


def _amount(text: str) -> Decimal | None:
    """An amount in yuan or 万; a car budget under 1,000 yuan is a missing unit ("30" for 30万), refused."""
    amount = parse_money(text)
    if amount is not None and amount < 1000:
        raise ValueError(text)
    return amount


def _budget(text: str) -> tuple[Decimal | None, Decimal | None]:
    """"30万" (up to), "25-30万", "25万-30万", "300,000", "50万以上" → (from, up to); ValueError if unreadable."""
    text = text.strip().replace("左右", "")
    lower_only = text.endswith(_OPEN_LOWER)
    for suffix in (*_OPEN_UPPER, *_OPEN_LOWER):
        text = text.removesuffix(suffix)
    parts = [p for p in _RANGE.split(text) if p]
    if len(parts) == 1:
        amount = _amount(parts[0])
        return (amount, None) if lower_only else (None, amount)
    if len(parts) != 2:
        raise ValueError(text)
    low, high = parts
    if high[-1:] in "万wW" and low[-1:] not in "万wW":
        low += high[-1]
    return _amount(low), _amount(high)


# --- Reading the file -------------------------------------------------------------------------------

def _unreadable(message) -> DomainError:
    return DomainError(message, code="sheet_unreadable", field="file")


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GBK/GB18030 (Chinese Excel's CSV)."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable(_("The file's text encoding could not be read: save it as CSV (UTF-8) or as an Excel workbook (.xlsx)."))


def _csv_rows(data: bytes) -> Iterator[list]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles some exporters leave out
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise _unreadable(_("The workbook could not be opened: save it again as .xlsx, or as CSV.")) from None
    try:
        if not book.worksheets:
            return
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def _rows(data: bytes, filename: str) -> Iterator:
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(data)
    if data[:4] == b"\xd0\xcf\x11\xe0" or name.endswith(".xls"):
        raise _unreadable(_("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV."))
    return _csv_rows(data)


# --- Checking the rows ------------------------------------------------------------------------------

@dataclass(slots=True)
class _Row:
    number: int
    name: str
    mobile: str
    city: str
    wechat_id: str
    external_ref: str
    lead_fields: dict  # channel, source, budget, date (checked by the lead rules; shared between equal rows)
    models_of_interest: str
    notes: str


class _Checker:
    """Checks each row with the customer file's and the lead's own rules; collects every refusal."""

    def __init__(self, columns: dict[str, int], headers: list[str], report: ImportReport, *,
                 default_source: str, default_channel: str):
        self.columns = columns
        self.headers = headers
        self.report = report
        self.default_source = default_source
        self.default_channel = default_channel
        self.channels, self.sources = _vocabulary(translation.get_language() or "en")
        self._lead_clean: dict[tuple, dict | DomainError] = {}

    def _fail(self, number: int, name: str, message, reported: set[str] | None = None) -> None:
        if reported is not None:
            reported.add(name)
        column = self.headers[self.columns[name]] if name in self.columns else str(COLUMN_LABELS.get(name, name))
        self.report.errors.append(RowError(number, column, str(message)))

    def _cell(self, values, name: str):
        index = self.columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    def check(self, number: int, values) -> _Row | None:
        errors = len(self.report.errors)
        text = {name: _text(self._cell(values, name)) for name in self.columns}
        get = text.get
        reported: set[str] = set()

        name = get("name", "")
        try:
            customer_rules.customer_clean_fields({"name": name})
        except DomainError as err:
            self._fail(number, "name", err.message)
        if len(name) > 100:
            self._fail(number, "name", _("At most 100 characters."))
        mobile = ""
        try:
            mobile = normalise_mobile(get("mobile", ""))
        except DomainError as err:
            self._fail(number, "mobile", err.message)
        for key, limit in (("city", 30), ("wechat_id", 50), ("models_of_interest", 200), ("notes", 5000)):
            if len(get(key, "")) > limit:
                self._fail(number, key, _("At most %(n)d characters.") % {"n": limit})

        channel, source = self._channel_and_source(number, get("channel", ""), get("source", ""), reported)
        budget_min = budget_max = None
        if get("budget"):
            try:
                budget_min, budget_max = _budget(get("budget"))
            except ValueError:
                self._fail(number, "budget", _("Write the budget in yuan or 万, e.g. 300000, 30万 or 25-30万."), reported)
        for key in ("budget_min", "budget_max"):
            if get(key):
                try:
                    amount = _amount(get(key))
                except ValueError:
                    self._fail(number, key, _("Write the budget in yuan or 万, e.g. 300000 or 30万."), reported)
                    continue
                budget_min, budget_max = (amount, budget_max) if key == "budget_min" else (budget_min, amount)
        expected = None
        try:
            expected = _date(self._cell(values, "expected_purchase_date"))
        except ValueError:
            self._fail(number, "expected_purchase_date", _("Write the date as 2026-05-31 (or a month, 2026-05)."), reported)

        lead_fields = self._lead_fields(number, channel, source, budget_min, budget_max, expected, reported=reported)
        if len(self.report.errors) > errors:
            return None
        return _Row(number=number, name=name, mobile=mobile, city=get("city", ""), wechat_id=get("wechat_id", ""),
                    external_ref=get("external_ref", "")[:64], lead_fields=lead_fields,
                    models_of_interest=get("models_of_interest", ""), notes=get("notes", ""))

    def _channel_and_source(self, number: int, channel_text: str, source_text: str, reported: set[str]) -> tuple[str, str]:
        channel = self.channels.get(_value_key(channel_text)) if channel_text else ""
        source = self.sources.get(_value_key(source_text)) if source_text else ""
        if channel_text and channel is None:
            platform = self.sources.get(_value_key(channel_text))
            if platform and not source_text:  # "渠道: 汽车之家" — the platform written in the channel column
                channel, source = "", platform
            else:
                channel = ""
                self._fail(number, "channel", _("“%(value)s” is not a channel: write online, phone, showroom or proactive "
                                                "(在线, 电话, 展厅, 主动).") % {"value": channel_text}, reported)
        if source_text and source is None:
            source = ""
            self._fail(number, "source", _("“%(value)s” is not a lead source we know, e.g. 汽车之家, 懂车帝, 易车, 太平洋汽车, "
                                           "官网, 抖音.") % {"value": source_text}, reported)
        source = source or self.default_source
        if not channel:
            channel = self.default_channel
            if source and source not in SOURCES_BY_CHANNEL.get(channel, ()):
                # The sheet names a source of another channel (来电 is a phone lead): take that channel.
                channel = next((c for c, sources in SOURCES_BY_CHANNEL.items() if source in sources), channel)
        return channel, source

    def _lead_fields(self, number, channel, source, budget_min, budget_max, expected, *, reported: set[str]) -> dict:
        key = (channel, source, budget_min, budget_max, expected)
        clean = self._lead_clean.get(key)
        if clean is None:
            try:
                clean = lead_rules.lead_clean_fields({"channel": channel, "source": source, "budget_min": budget_min,
                                           "budget_max": budget_max, "expected_purchase_date": expected})
            except DomainError as err:
                clean = err
            self._lead_clean[key] = clean
        if not isinstance(clean, DomainError):
            return clean
        name = self._column_of(clean)
        if name not in reported:
            self._fail(number, name, clean.message)
        if name in ("channel", "source"):
            # Check the budget and the date too, so that the report names every problem of the row.
            try:
                lead_rules.lead_clean_fields({"channel": Channel.ONLINE, "source": Source.OTHER, "budget_min": budget_min,
                                   "budget_max": budget_max, "expected_purchase_date": expected})
            except DomainError as err:
                if self._column_of(err) not in reported:
                    self._fail(number, self._column_of(err), err.message)
        return {}

    def _column_of(self, err: DomainError) -> str:
        """The column a lead rule's refusal belongs to (a range written in one "budget" column is that column)."""
        name = err.field or next(iter(err.fields), "")
        if name in ("budget_min", "budget_max") and name not in self.columns and "budget" in self.columns:
            return "budget"
        return name


def _map_columns(header: Iterable, report: ImportReport, *, row: int) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field, by its header in Chinese or English; unknown columns are ignored."""
    headers = [_text(h) for h in header]
    columns: dict[str, int] = {}
    for index, title in enumerate(headers):
        if not title:
            continue
        name = _COLUMN_BY_KEY.get(_header_key(title))
        if name is None:  # "姓名/Name", "手机号 (mobile)": either half will do
            name = next((_COLUMN_BY_KEY[k] for part in _HEADER_PARTS.split(title)
                         if (k := _header_key(part)) in _COLUMN_BY_KEY), None)
        if name is None:
            report.ignored_columns.append(title)
        elif name in columns:
            report.errors.append(RowError(row, title, _("The column “%(column)s” appears twice.") % {"column": title}))
        else:
            columns[name] = index
    for required in ("name", "mobile"):
        if required not in columns:
            label = str(COLUMN_LABELS[required])
            report.errors.append(RowError(row, label, _("The sheet has no column “%(column)s” (%(aliases)s).")
                                          % {"column": label, "aliases": "、".join(COLUMN_ALIASES[required][:3])}))
    return columns, headers


# --- Writing ----------------------------------------------------------------------------------------

class _Rotation:
    """lead_create's owner rule, replayed over many leads: the actor if they sell; online and phone leads in
    round robin among consultants on duty (longest since a new lead first), or the pool."""

    def __init__(self, *, actor, store: Store):
        self.actor_id = actor.pk if actor.sells else None
        self.users: dict[int, User] = {actor.pk: actor} if actor.sells else {}
        if store.lead_assignment == LeadAssignment.ROUND_ROBIN and self.actor_id is None:
            self.users = {u.pk: u for u in consultants_on_duty(store)}
            self.queue = deque(self.users)
        else:
            self.queue = deque()
        self.turns: dict[int, int] = {}
        self.count = 0

    def owner_for(self, channel: str) -> int | None:
        if self.actor_id is not None:
            return self.actor_id
        if channel not in (Channel.ONLINE, Channel.PHONE) or not self.queue:
            return None
        owner = self.queue.popleft()
        self.queue.append(owner)
        self.count += 1
        self.turns[owner] = self.count
        return owner

    def save(self, now: dt.datetime) -> None:
        """Stamp each consultant's last new lead so that the next lead continues the same rotation."""
        for owner, turn in self.turns.items():
            stamp = now - dt.timedelta(microseconds=self.count - turn)
            User.objects.filter(pk=owner).update(last_lead_assigned_at=stamp)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


_MISSING = object()


def _json_ready(data: dict) -> dict:
    """An audit entry's data as the audit service stores it (amounts and dates as text)."""
    return {k: str(v) if isinstance(v, Decimal) else v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}


class _Table:
    """Rows of one model written without a model instance per row (bulk_create spends ten times longer
    compiling 100,000 rows than the database spends storing them): the model's own defaults and column
    adapters, multi-row INSERTs on SQLite, COPY on PostgreSQL."""

    def __init__(self, model, now: dt.datetime):
        ops = connection.ops
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.defaults = {
            f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in self.fields
        }
        adapters = [self._adapter(f) for f in self.fields]
        self.columns = [
            (f.attname, adapt, adapt(self.defaults[f.attname]) if adapt and self.defaults[f.attname] is not None
             else self.defaults[f.attname])
            for f, adapt in zip(self.fields, adapters, strict=True)
        ]
        quote = ops.quote_name
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in self.fields)}) VALUES "  # noqa: S608 - names from the model, values bound
        self.row_sql = f"({', '.join(['%s'] * len(self.fields))})"
        self.sql_with_pk = self.sql.replace(" (", f" ({quote(model._meta.pk.column)}, ", 1)
        self.table = quote(model._meta.db_table)
        self.copy_columns = ", ".join(quote(f.column) for f in self.fields)
        self.copy_columns_with_pk = f"{quote(model._meta.pk.column)}, {self.copy_columns}"
        self.row_sql_with_pk = f"(%s, {self.row_sql[1:]}"
        self.returning = f" RETURNING {quote(model._meta.pk.column)}"
        limit = connection.features.max_query_params
        self.per_statement = max(1, min(1000, limit // len(self.fields))) if limit else 1000

    @staticmethod
    def _adapter(f):
        ops = connections[DEFAULT_DB_ALIAS].ops  # the connection itself, not the per-thread proxy, in the loops
        if isinstance(f, models.DateTimeField):
            cache: dict = {}

            def datetime_value(value):
                if value not in cache:
                    cache[value] = ops.adapt_datetimefield_value(value)
                return cache[value]
            return datetime_value
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        if isinstance(f, models.DecimalField):
            return lambda value: ops.adapt_decimalfield_value(value, f.max_digits, f.decimal_places)
        if isinstance(f, models.JSONField):
            return lambda value: ops.adapt_json_value(value, f.encoder)
        return None

    def record(self, values: dict, names) -> SimpleNamespace:
        """The row as the services' audit snapshots read a model instance (attributes, defaults filled in)."""
        return SimpleNamespace(**{n: values[n] if n in values else self.defaults[n] for n in names})

    def _prepared(self, rows: list[dict], *, with_pk: bool = False) -> list[tuple]:
        columns = self.columns
        pk = self.model._meta.pk.attname
        prepared = []
        for row in rows:
            values = [row[pk]] if with_pk else []
            for name, adapt, default in columns:
                value = row.get(name, _MISSING)
                if value is _MISSING:
                    value = default
                elif adapt is not None and value is not None:
                    value = adapt(value)
                values.append(value)
            prepared.append(tuple(values))
        return prepared

    def insert(self, rows: list[dict], *, with_pk: bool = False) -> None:
        if not rows:
            return
        prepared = self._prepared(rows, with_pk=with_pk)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: PostgreSQL parses every statement of an executemany anew (Django binds on the client).
                columns = self.copy_columns_with_pk if with_pk else self.copy_columns
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in prepared:
                        copy.write_row(row)
            else:
                cursor.executemany((self.sql_with_pk + self.row_sql_with_pk) if with_pk else (self.sql + self.row_sql), prepared)

    def insert_returning_ids(self, rows: list[dict]) -> list[int]:
        """Insert and return the new ids in the order of `rows`."""
        if not rows:
            return []
        if connection.vendor == "postgresql":
            # Take the ids from the sequence first, then COPY the rows with them (a multi-row INSERT … RETURNING
            # is parsed anew by psycopg on every call, which costs more than the insert itself).
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                               [self.model._meta.db_table, self.model._meta.pk.column, len(rows)])
                ids = [r[0] for r in cursor.fetchall()]
            pk = self.model._meta.pk.attname
            self.insert([{**row, pk: id_} for row, id_ in zip(rows, ids, strict=True)], with_pk=True)
            return ids
        ids = []
        with connection.cursor() as cursor:
            # One multi-row INSERT … RETURNING per batch; ids come back in the order of the rows, as bulk_create relies on.
            for batch in _chunks(self._prepared(rows), self.per_statement):
                cursor.execute(self.sql + ", ".join([self.row_sql] * len(batch)) + self.returning,
                               [v for row in batch for v in row])
                ids.extend(r[0] for r in cursor.fetchall())
        return ids


class _Writer:
    """Plans and writes the leads of one sheet, chunk by chunk, exactly as lead_create would row by row."""

    def __init__(self, *, actor, store: Store, report: ImportReport):
        self.actor_id = actor.pk if getattr(actor, "pk", None) else None
        self.store = store
        self.report = report
        self.now = now = clock.now()
        self.rotation = _Rotation(actor=actor, store=store)
        self.first_response = not actor.sells  # a consultant filing leads is already talking to the customers
        self.grade_interval = cadence.policy_for(store.pk, Grade.N)[1]
        self.sheet_leads: dict[str, int | dict] = {}  # mobile -> the lead this import opened for it
        self.known_refs: dict[tuple[str, str], int | dict] = {}  # (source, platform ref) -> lead
        self.seen: set[str] = set()  # mobiles of the rows before, to count the sheet's own repeats
        self.seen_refs: set[tuple[str, str]] = set()
        self.pinyin: dict[str, tuple[str, str]] = {}
        self.titles: dict[str, str] = {}
        self.customers = _Table(Customer, now)
        self.leads = _Table(Lead, now)
        self.transitions = _Table(StageTransition, now)
        self.tasks = _Table(Task, now)
        self.audit = _Table(AuditEntry, now)
        self.customer_type = ContentType.objects.get_for_model(Customer).pk
        self.lead_type = ContentType.objects.get_for_model(Lead).pk

    def write(self, rows: list[_Row]) -> None:
        for chunk in _chunks(rows, CHUNK):
            self._write_chunk(chunk)
        self.rotation.save(self.now)

    def _lookups(self, chunk: list[_Row]) -> tuple[dict, dict, set]:
        """What the customer file already holds for this chunk: one query per kind (and per 900 values)."""
        mobiles = list({r.mobile for r in chunk if r.mobile not in self.sheet_leads})
        customers: dict[str, tuple[int, int | None]] = {}
        for part in _chunks(mobiles, LOOKUP_CHUNK):
            customers.update((m, (pk, owner)) for pk, m, owner in
                             Customer.objects.filter(store=self.store, mobile__in=part).values_list("pk", "mobile", "owner_id"))
        open_leads: dict[int, int] = {}
        for part in _chunks([pk for pk, _owner in customers.values()], LOOKUP_CHUNK):
            # The latest open lead of each customer, as lead_create finds it. The status is checked here, not in
            # SQL: filtered by status, SQLite would walk the store's open leads instead of the customers' own.
            for customer_id, lead_id, status in (Lead.objects.filter(customer_id__in=part).order_by("created_at", "id")
                                                 .values_list("customer_id", "pk", "status")):
                if status == Status.OPEN:
                    open_leads[customer_id] = lead_id
        refs: set[tuple[str, str]] = set()
        by_source: dict[str, set[str]] = defaultdict(set)
        for r in chunk:
            if r.external_ref and (r.lead_fields["source"], r.external_ref) not in self.known_refs:
                by_source[r.lead_fields["source"]].add(r.external_ref)
        for source, values in by_source.items():
            for part in _chunks(list(values), LOOKUP_CHUNK):
                # exclude(""): the condition of the partial unique index, so that SQLite uses it
                refs.update((source, ref) for ref in Lead.objects.filter(
                    store=self.store, source=source, external_ref__in=part).exclude(external_ref="")
                    .values_list("external_ref", flat=True))
        return customers, open_leads, refs

    def _write_chunk(self, chunk: list[_Row]) -> None:
        customers, open_leads, db_refs = self._lookups(chunk)
        report = self.report
        new_customers: list[dict] = []
        new_leads: list[tuple[dict, dict | None]] = []
        repeats: list[tuple[int | dict, dict]] = []
        owners_to_set: dict[int, list[int]] = defaultdict(list)  # customers on file without a consultant
        attached: list[int] = []  # customers on file given a new lead: its consultant may not be theirs
        for row in chunk:
            fields = row.lead_fields
            ref_key = (fields["source"], row.external_ref)
            repeated = row.mobile in self.seen or (bool(row.external_ref) and ref_key in self.seen_refs)
            self.seen.add(row.mobile)
            if row.external_ref:
                self.seen_refs.add(ref_key)
            if row.external_ref and (ref_key in self.known_refs or ref_key in db_refs):
                report.existing += 1  # lead_create returns the platform's lead already filed, untouched
                report.duplicates_in_sheet += repeated
                continue
            repeat = {"channel": fields["channel"], "source": fields["source"], "external_ref": row.external_ref}
            lead_in_sheet = self.sheet_leads.get(row.mobile)
            if lead_in_sheet is not None:
                report.existing += 1
                report.duplicates_in_sheet += repeated
                repeats.append((lead_in_sheet, repeat))
                continue
            known = customers.get(row.mobile)
            if known is not None and known[0] in open_leads:
                report.existing += 1
                report.duplicates_in_sheet += repeated
                repeats.append((open_leads[known[0]], repeat))
                continue
            owner_id = self.rotation.owner_for(fields["channel"])
            customer = None
            if known is None:
                customer = self._customer(row, owner_id)
                new_customers.append(customer)
                report.created += 1
            else:
                if known[1] is None and owner_id is not None:
                    owners_to_set[owner_id].append(known[0])
                    customers[row.mobile] = (known[0], owner_id)
                attached.append(known[0])
                report.attached += 1
            lead = self._lead(row, owner_id, customer_id=known[0] if known else None)
            new_leads.append((lead, customer))
            self.sheet_leads[row.mobile] = lead
            if row.external_ref:
                self.known_refs[ref_key] = lead

        for customer, pk in zip(new_customers, self.customers.insert_returning_ids(new_customers), strict=True):
            customer["id"] = pk
        for lead, customer in new_leads:
            if customer is not None:
                lead["customer_id"] = customer["id"]
        leads = [lead for lead, _customer in new_leads]
        for lead, pk in zip(leads, self.leads.insert_returning_ids(leads), strict=True):
            lead["id"] = pk
        self.transitions.insert([
            {"lead_id": lead["id"], "from_stage": Stage.FIRST_CONTACT, "to_stage": Stage.FIRST_CONTACT,
             "from_status": Status.OPEN, "to_status": Status.OPEN, "actor_id": self.actor_id} for lead in leads])
        self.tasks.insert([task for task in (self._task(lead) for lead in leads) if task is not None])
        for owner_id, customer_ids in owners_to_set.items():
            for ids in _chunks(customer_ids, LOOKUP_CHUNK):
                Customer.objects.filter(pk__in=ids, owner__isnull=True).update(owner_id=owner_id)
        customer_rules.customers_sync_shared(attached)
        self._audit(new_customers, leads, repeats, owners_to_set)
        for mobile, lead in list(self.sheet_leads.items()):
            if isinstance(lead, dict):  # keep ids, not rows, for the chunks still to come
                self.sheet_leads[mobile] = lead["id"]
        for key, lead in list(self.known_refs.items()):
            if isinstance(lead, dict):
                self.known_refs[key] = lead["id"]

    def _audit(self, customers: list[dict], leads: list[dict], repeats: list, owners_to_set: dict) -> None:
        """The entries lead_create writes: the customer filed, the lead opened, an enquiry repeated, and a
        customer on file going with their new lead to its consultant."""
        entry = {"store_id": self.store.pk, "actor_id": self.actor_id}
        rows = [
            {**entry, "action": "customers.created", "target_type_id": self.customer_type, "target_id": c["id"],
             "data": _json_ready(customer_rules.customer_audit_snapshot(self.customers.record(c, customer_rules.AUDITED_FIELDS)))}
            for c in customers
        ]
        rows += [
            {**entry, "action": "leads.created", "target_type_id": self.lead_type, "target_id": lead["id"],
             "data": _json_ready(lead_rules.lead_audit_snapshot(self.leads.record(lead, lead_rules.AUDITED_FIELDS)))}
            for lead in leads
        ]
        rows += [
            {**entry, "action": "customers.owner_changed", "target_type_id": self.customer_type, "target_id": customer_id,
             "data": {"from": None, "to": self.rotation.users[owner_id].display_name, "from_id": None, "to_id": owner_id}}
            for owner_id, customer_ids in owners_to_set.items() for customer_id in customer_ids
        ]
        rows += [
            {**entry, "action": "leads.enquiry_repeated", "target_type_id": self.lead_type,
             "target_id": target["id"] if isinstance(target, dict) else target, "data": data}
            for target, data in repeats
        ]
        self.audit.insert(rows)

    def _customer(self, row: _Row, owner_id: int | None) -> dict:
        keys = self.pinyin.get(row.name)
        if keys is None:
            keys = self.pinyin[row.name] = pinyin_keys(row.name, person=True)
        return {
            "store_id": self.store.pk, "kind": CustomerKind.PERSON, "name": row.name, "mobile": row.mobile,
            "mobile_last4": row.mobile[-4:], "city": row.city, "wechat_id": row.wechat_id,
            "source": row.lead_fields["source"], "name_pinyin": keys[0], "name_initials": keys[1], "owner_id": owner_id,
            "created_by_id": self.actor_id,
        }

    def _lead(self, row: _Row, owner_id: int | None, *, customer_id: int | None) -> dict:
        fields = row.lead_fields
        needs_response = self.first_response and fields["channel"] in (Channel.ONLINE, Channel.PHONE)
        due = self.now + dt.timedelta(hours=self.store.first_response_hours) if needs_response else None
        if due is not None:
            follow_up = due
        elif self.grade_interval is not None:
            follow_up = self.now + dt.timedelta(days=self.grade_interval)
        else:
            follow_up = None
        return {
            "store_id": self.store.pk, "customer_id": customer_id, "owner_id": owner_id, "grade": Grade.N,
            "external_ref": row.external_ref, "first_response_due_at": due, "next_follow_up_at": follow_up,
            "created_by_id": self.actor_id, "updated_by_id": self.actor_id, "models_of_interest": row.models_of_interest,
            "notes": row.notes, **fields,
        }

    def _task(self, lead: dict) -> dict | None:
        """The lead's first task: the first response for online and phone leads, else the grade's follow-up."""
        common = {"store_id": lead["store_id"], "lead_id": lead["id"], "owner_id": lead["owner_id"],
                  "created_by_id": self.actor_id}
        if lead["first_response_due_at"] is not None:
            channel = lead["channel"]
            if channel not in self.titles:
                self.titles[channel] = (
                    _("First response to the new %(channel)s lead") % {"channel": Channel(channel).label})[:200]
            return {**common, "kind": TaskKind.FIRST_RESPONSE, "title": self.titles[channel],
                    "due_at": lead["first_response_due_at"]}
        if lead["next_follow_up_at"] is None:
            return None
        return {**common, "kind": TaskKind.CADENCE, "title": (_("Follow up (grade %(grade)s)") % {"grade": Grade.N})[:200],
                "due_at": lead["next_follow_up_at"]}


# --- The service ------------------------------------------------------------------------------------

def leads_import_sheet(*, actor, data: bytes, filename: str, default_source: str = "",
                       default_channel: str = Channel.ONLINE) -> ImportReport:
    """Import a lead sheet from a platform or the OEM: every row is checked first, and one refused row
    imports nothing. Known mobiles get the lead attached; an open lead is not duplicated."""
    require(actor, Capability.IMPORT_LEADS)
    store = actor.store
    if store is None:
        raise DomainError(_("Your account has no store."), code="store_required", field="store")
    if default_source and default_source not in Source.values:
        raise DomainError(_("Choose the lead source."), code="source_invalid", field="default_source")
    if default_channel not in Channel.values:
        raise DomainError(_("Choose the first-contact channel."), code="channel_invalid", field="default_channel")
    report = ImportReport(filename=filename)
    if not data:
        raise _unreadable(_("The file is empty."))

    rows = enumerate(_rows(data, filename), start=1)  # numbered as the sheet shows them
    header_row, header = next(rows, (0, None))
    while header is not None and not any(_text(v) for v in header):
        header_row, header = next(rows, (0, None))  # exports sometimes start with blank lines
    if header is None:
        raise _unreadable(_("The sheet is empty: the first row must name the columns (姓名, 手机号, 来源 …)."))
    columns, headers = _map_columns(header, report, row=header_row)
    if report.errors:
        return report
    checker = _Checker(columns, headers, report, default_source=default_source, default_channel=default_channel)
    checked: list[_Row] = []
    for number, values in rows:
        if not any(_text(v) for v in values):
            continue
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise DomainError(_("The sheet has more than %(n)s rows: split it into smaller sheets.") % {"n": f"{MAX_ROWS:,}"},
                              code="sheet_too_large", field="file")
        row = checker.check(number, values)
        if row is not None:
            checked.append(row)
    if report.errors:
        return report
    if not checked:
        raise _unreadable(_("The sheet has no rows below its header."))

    try:
        with transaction.atomic():
            locked = Store.objects.select_for_update().get(pk=store.pk)  # serialises the round robin, as lead_create
            _Writer(actor=actor, store=locked, report=report).write(checked)
            audit.record(actor=actor, action="leads.sheet_imported", target=locked, store_id=locked.pk, data={
                "filename": filename, "rows": report.rows, "created": report.created, "attached": report.attached,
                "existing": report.existing,
            })
            if report.created >= BIG_IMPORT_ROWS:  # the data grew a lot: refresh the planner's statistics
                transaction.on_commit(lambda: jobs.enqueue(optimize_database))
    except IntegrityError:
        # Someone filed one of these mobiles (or platform references) while the sheet was being written.
        raise Conflict(_("The customer file changed while the sheet was being imported. Import it again."),
                       code="import_conflict", field="file") from None
    return report


def template_workbook() -> bytes:
    """The import template: the headers the importer reads, and a second sheet explaining them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "leads"
    sheet.append([header for _name, header in TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (name, _header) in enumerate(TEMPLATE_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = 16 if name != "notes" else 40
        if name == "mobile":
            sheet.column_dimensions["B"].number_format = "@"
    notes = book.create_sheet("help")
    notes.append([_("Column"), _("Also read as"), _("What to write")])
    explanations = {
        "name": _("Required. The customer's name."),
        "mobile": _("Required. Mainland mobile number, 11 digits; rows are matched to the customer file by it."),
        "channel": _("Optional, online by default: online, phone, showroom or proactive (在线, 电话, 展厅, 主动)."),
        "source": _("The platform: 汽车之家, 懂车帝, 易车, 太平洋汽车, 官网, 抖音, 小红书, 微信 …"),
        "models_of_interest": _("E.g. Q5L, A6L."),
        "budget": _("In yuan or 万: 300000, 30万 (up to), 25-30万, 50万以上."),
        "expected_purchase_date": _("A date (2026-05-31) or a month (2026-05)."),
        "city": _("Optional."),
        "notes": _("Optional: the customer's message."),
        "external_ref": _("The platform's lead number: a lead already imported with it is not imported again."),
    }
    for name, header in TEMPLATE_COLUMNS:
        notes.append([header, ", ".join(a for a in COLUMN_ALIASES[name] if a != header), explanations[name]])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 50
    notes.column_dimensions["C"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
