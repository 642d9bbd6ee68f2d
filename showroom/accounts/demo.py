"""The demo store: a person for every role and a believable two months of prospects, built through the services.

Every state is reached the way the product reaches it — leads filed, contacted, graded, advanced, lost and
approved, visits registered — by calling the same services the pages and the API call, so the demo can only
show states a real store can be in. History is placed in the past with the explicit times the services
accept (`occurred_at`, `arrived_at`, `left_at`, `now`). The times the services stamp themselves (created_at
and the like) are moved afterwards: each step runs inside `_Backdater.at(moment)`, and once everything is
built every row stamped during that step is moved to that moment (see `_Backdater.apply`).

Names are made up with Faker (zh_CN) and mobile numbers count up from 139 0000 0001, so they are clearly fake.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from showroom.accounts.models import DealerGroup, Role, Store, User
from showroom.accounts.services import store_create
from showroom.audit.models import AuditEntry
from showroom.core import clock
from showroom.core.choices import Channel, Source
from showroom.customers import services as customers
from showroom.customers.models import (
    ConsentKind,
    ConsentMethod,
    ConsentRecord,
    Customer,
    CustomerKind,
    Gender,
)
from showroom.customers.pinyin import pinyin_keys
from showroom.followups import services as followups
from showroom.followups.models import Activity, ContactChannel, Direction, Outcome, Task, TaskKind, TaskStatus
from showroom.leads import services as leads
from showroom.leads.models import (
    DEFAULT_GRADE_POLICIES,
    Grade,
    Lead,
    LossReason,
    LossRequest,
    LossRequestStatus,
    Stage,
    StageTransition,
    Status,
)
from showroom.reception import services as reception
from showroom.reception.models import Visit, VisitPurpose

GROUP_NAME = "广华汽车集团"
STORE_NAME = "广华奥迪 4S 店"
STORE_CODE = "guanghua-audi"
URL = "http://127.0.0.1:8000"
MIN_CUSTOMERS = 50
FIRST_MOBILE = 13900000001  # 139 0000 0001 upwards: valid in form, obviously made up


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def demo_password() -> str:
    """The demo users' password: $SHOWROOM_DEMO_PASSWORD, or the documented default."""
    return os.environ.get("SHOWROOM_DEMO_PASSWORD", "").strip() or settings.SHOWROOM_DEMO_PASSWORD_DEFAULT


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    full_name: str
    starts_on: str
    admin: bool = False


_WORKBENCH = "Workbench: today's and overdue follow-ups, appointments, walk-ins, my pipeline"
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", Role.STORE_ADMIN, "周建国", "Manager dashboard, store settings; Django admin at /admin/", admin=True),
    DemoUser("manager", Role.MANAGER, "陈志强",
             "Manager dashboard: pipeline by consultant, overdue follow-ups, loss approvals, today's traffic"),
    DemoUser("reception", Role.RECEPTIONIST, "刘婷婷", "Showroom board: register walk-ins, who is in the showroom now"),
    DemoUser("sales1", Role.CONSULTANT, "王磊", _WORKBENCH),
    DemoUser("sales2", Role.CONSULTANT, "李娜", _WORKBENCH),
    DemoUser("sales3", Role.CONSULTANT, "张伟", _WORKBENCH),
    DemoUser("keyaccount", Role.KEY_ACCOUNT, "赵明远", "Workbench with the company (key-account) customers"),
    DemoUser("service", Role.SERVICE_ADVISOR, "孙浩", "New-lead form: refer a service customer who wants a new car"),
    DemoUser("platform", Role.INTEGRATION, "汽车之家线索对接",
             "API only: POST /api/v1/auth/token, then post online leads to /api/v1/"),
)
SALES = ("sales1", "sales2", "sales3")


# --- The Audi line-up and its rivals (domain file §6 and §7) -------------------------------------------

@dataclass(frozen=True)
class Car:
    name: str
    trims: tuple[str, ...]
    deal: tuple[int, int]  # typical transaction price range, in 万 (10,000 yuan)
    weight: int
    rivals: tuple[tuple[str, str, int], ...]  # (brand, model, guide price in yuan)
    electric: bool = False


_A5L_RIVALS = (("BMW", "3 Series Li", 300000), ("Mercedes-Benz", "C-Class L", 330000), ("Lexus", "ES", 300000))
_Q5L_RIVALS = (("BMW", "X3", 390000), ("Mercedes-Benz", "GLC L", 430000), ("Li Auto", "L6", 249800),
               ("Volvo", "XC60", 370000))
LINE_UP: tuple[Car, ...] = (
    Car("A5L", ("40 TFSI 豪华动感型", "45 TFSI quattro 臻选动感型"), (21, 27), 14, _A5L_RIVALS),
    Car("Q5L", ("40 TFSI 豪华动感型", "45 TFSI quattro 臻选动感型"), (32, 42), 14, _Q5L_RIVALS),
    Car("A6L", ("45 TFSI 臻选动感型", "45 TFSI quattro 尊享致雅型"), (36, 50), 12,
        (("BMW", "5 Series Li", 440000), ("Mercedes-Benz", "E-Class L", 450000), ("Volvo", "S90", 410000))),
    Car("E5 Sportback", ("后驱 先锋型", "四驱 旗舰型"), (22, 30), 10,
        (("Tesla", "Model 3", 235500), ("Xiaomi", "SU7", 215900), ("Zeekr", "007", 209900), ("NIO", "ET5", 298000)),
        electric=True),
    Car("Q6L e-tron", ("后驱 性能型", "quattro 豪华型"), (34, 39), 8,
        (("Tesla", "Model Y L", 339000), ("Xiaomi", "YU7", 253500), ("NIO", "ES6", 338000)), electric=True),
    Car("Q3", ("35 TFSI 时尚动感型", "40 TFSI quattro 豪华动感型"), (22, 30), 8,
        (("Tesla", "Model Y", 263500), ("Li Auto", "L6", 249800))),
    Car("A3L", ("Limousine 35 TFSI 时尚致雅型",), (14, 19), 5, (("Xiaomi", "SU7", 215900), ("Zeekr", "007", 209900))),
    Car("A5L Sportback", ("40 TFSI 豪华动感型",), (23, 27), 4, _A5L_RIVALS),
    Car("Q5L Sportback", ("40 TFSI 豪华型",), (34, 42), 4, _Q5L_RIVALS),
    Car("Q2L", ("35 TFSI 进取动感型",), (18, 22), 4, (("Tesla", "Model 3", 235500), ("Xiaomi", "SU7", 215900))),
    Car("A7L", ("45 TFSI quattro 黑武士版",), (38, 55), 3, (("BMW", "5 Series Li", 440000), ("Mercedes-Benz", "E-Class L", 450000))),
    Car("Q6", ("45 TFSI quattro 齐云型 7座",), (40, 55), 3, (("AITO", "M8", 369800), ("Li Auto", "i8", 321800))),
    Car("Q7", ("55 TFSI quattro 豪华型",), (58, 75), 2, (("AITO", "M9", 469800), ("Li Auto", "i8", 321800))),
    Car("Q5 e-tron", ("40 e-tron 星耀型 7座",), (26, 33), 2, (("Tesla", "Model Y", 263500), ("Li Auto", "L6", 249800)),
        electric=True),
    Car("A8L", ("50 TFSI quattro 豪华型",), (75, 110), 1, (("Mercedes-Benz", "S-Class L", 1000000), ("AITO", "M9", 469800))),
)
_FLEET_CARS = ("A6L", "A6L", "Q5L", "A8L", "Q7", "A5L")

DISTRICTS = (("朝阳区", 24), ("海淀区", 18), ("丰台区", 10), ("通州区", 9), ("昌平区", 8), ("大兴区", 7), ("东城区", 5),
             ("西城区", 5), ("顺义区", 5), ("石景山区", 3), ("房山区", 3), ("门头沟区", 1), ("怀柔区", 1), ("密云区", 1))
GIVEN_MALE = ("伟", "磊", "强", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "浩", "宇", "建国", "志强",
              "海涛", "晓东", "俊杰", "文博", "子轩", "国庆", "振华", "天翔", "立新", "建华", "永刚", "宏伟")
GIVEN_FEMALE = ("芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "颖", "琳", "洁", "倩", "欣怡", "雨桐", "丽华",
                "秀英", "晓燕", "桂英", "淑芬", "佳琪", "思雨", "婉清", "梦瑶", "慧敏", "海燕", "玉兰", "春梅", "晓琳")
PLATFORMS = {Source.AUTOHOME: ("汽车之家", "AH"), Source.DONGCHEDI: ("懂车帝", "DCD"), Source.YICHE: ("易车", "YC"),
             Source.PCAUTO: ("太平洋汽车", "PC"), Source.OEM_ONLINE: ("奥迪官网小程序", "OEM"),
             Source.DOUYIN: ("抖音直播间", "DY"), Source.XIAOHONGSHU: ("小红书", "XHS"), Source.WECHAT: ("微信公众号", "WX"),
             Source.OTHER: ("团购网站", "OT")}

HOUSEHOLD = ("三口之家，孩子刚上小学", "二胎家庭，周末常带老人出门", "新婚，计划明年要孩子", "单身，平时自己开",
             "家里已有一台车，这台主要是爱人开", "孩子在读高中，周末常去郊区")
CURRENT_CAR = ("2016款大众迈腾", "2015款奥迪A4L", "2017款本田雅阁", "2014款丰田卡罗拉", "2018款宝马X1", "2019款别克GL8",
               "2016款奥迪Q5", "2013款奥迪A6L")
PURPOSE_BY_CAR = {"2015款奥迪A4L": "想置换", "2016款奥迪Q5": "想置换", "2013款奥迪A6L": "想置换"}
CONCERNS = ("油耗和保养成本", "后排空间", "智能驾驶", "保值率", "内饰质感", "金融政策", "交车时间", "车机是否好用")
EV_CONCERNS = ("续航和充电", "冬季续航衰减", "电池质保", "智能驾驶")
USAGE = ("每天通勤单程三十公里左右", "主要是市区代步", "经常跑京津高速", "周末带家人去郊区")
PARKING = ("小区有固定车位，可以装充电桩", "单位有充电桩，家里没有", "没有固定车位，充电要去公共桩")
DECIDERS = ("买车主要是爱人拍板", "本人决策", "需要和父母商量", "首付父母支持，车由本人选")
PAYMENTS = ("倾向贷款，想了解0息政策", "全款", "首付三成、其余贷款", "考虑融资租赁")
FEATURES = ("矩阵式LED大灯", "quattro四驱", "虚拟座舱和MMI车机", "后排空间和座椅舒适性", "48V轻混系统", "B&O音响",
            "空气悬架", "底盘调校")
EV_FEATURES = ("800V快充", "华为乾崑智驾", "续航表现", "后排空间和座椅舒适性", "车机和语音交互")
FEEDBACK = ("动力充沛，底盘很扎实", "静音效果很好，比现在的车安静很多", "转向精准，高速很稳", "智驾辅助比预期好用",
            "加速很猛，刹车脚感需要适应一下", "座椅稍硬，其他都满意")
FINANCE = ("两年0息", "五年低息、月供约五千", "首付三成、三年0息", "全款另享置换补贴")
GIFTS = ("全车贴膜和脚垫", "行车记录仪", "两次免费保养", "两年延保")
COLOURS = ("冰川白", "星河蓝", "传奇黑", "探戈红", "云母灰")
FLEET_USE = ("公务接待用车", "高管用车", "商务接待")
LOSS_NOTES = {
    LossReason.COMPETITOR: "客户已在{brand}店下订{model}，主要原因：{why}。",
    LossReason.OTHER_DEALER: "客户在天津一家奥迪店下订了同款，对方多优惠一万五。",
    LossReason.PRICE: "落地价比客户心理价位高八千左右，经理已让过一次价，最终没谈拢。",
    LossReason.BUDGET_OR_LOAN: "贷款审批没通过，客户预算不够，先不买了。",
    LossReason.POSTPONED: "客户工作有变动，购车计划推迟到明年。",
    LossReason.NO_PLATE: "客户京牌摇号没中，燃油车暂时买不了，明年再看。",
    LossReason.FAMILY: "家里商量后决定先买一台MPV，这次不考虑轿车。",
    LossReason.PRODUCT: "客户需要七座且想要插混，现有车型不满足。",
    LossReason.DELIVERY_TIME: "客户要求两周内提车，想要的颜色要等三个月。",
    LossReason.SERVICE: "客户对上次保养等候时间太长不满意，不愿在本店购车。",
    LossReason.UNREACHABLE: "连续几次电话未接通，短信和微信都没有回复，号码疑似无效。",
    LossReason.DUPLICATE: "与其爱人名下已有线索重复，已在那条线索上跟进。",
}
LOSS_WHY = ("对方优惠更大", "家人更认可对方品牌", "对方交车更快", "更喜欢对方的内饰和配置")
EV_LOSS_WHY = ("对方续航更长", "更喜欢对方的智能座舱", "对方优惠更大")
LOSS_WEIGHTS = ((LossReason.COMPETITOR, 44), (LossReason.PRICE, 12), (LossReason.OTHER_DEALER, 8),
                (LossReason.POSTPONED, 8), (LossReason.NO_PLATE, 6), (LossReason.FAMILY, 5), (LossReason.BUDGET_OR_LOAN, 5),
                (LossReason.PRODUCT, 4), (LossReason.DELIVERY_TIME, 3), (LossReason.UNREACHABLE, 3), (LossReason.SERVICE, 1),
                (LossReason.DUPLICATE, 1))
SKIP_REASONS = {
    Stage.NEEDS_ANALYSIS: "客户需求很明确（指定车型和配置），直接安排看车",
    Stage.PRESENTATION: "老车主置换，对车型很熟悉，无需绕车介绍",
    Stage.TEST_DRIVE: "客户上周已在其他奥迪门店试驾过同款，直接进入报价",
}
TAGS = ("置换客户", "新能源意向", "二胎家庭", "老客户推荐", "京牌已中签", "关注金融政策")

# Outcomes of a lead's story.
OPEN, WON, LOST, PENDING, REJECTED, DORMANT, POOL = "open", "won", "lost", "pending", "rejected", "dormant", "pool"
# When an open lead's next follow-up falls.
OVERDUE, TODAY, UPCOMING, APPOINTMENT = "overdue", "today", "upcoming", "appointment"


@dataclass
class Spec:
    """What one prospect's story should end as; the story is then played through the services."""

    channel: str
    source: str
    outcome: str
    stage: int = Stage.FIRST_CONTACT
    grade: str = Grade.N
    bucket: str = UPCOMING
    owner: str = ""  # who works it; "" lets the product decide (rotation, round robin) or picks a consultant
    skip: bool = False
    reason: str = ""
    scene: str = ""  # a part in today's scenes at the showroom


@dataclass
class Step:
    kind: str  # create, attempt, first, stage, contact, final, request
    stage: int = 0
    visit: str = ""  # "new": the customer arrives for this step; "same": still there from the step before
    follow: tuple[int, int] | None = None  # minutes after the step before, on the same day
    at: dt.datetime | None = None
    gap: dt.timedelta = dt.timedelta(minutes=15)


@dataclass
class Story:
    spec: Spec
    car: Car
    trim: str
    rival: tuple[str, str, int]
    name: str
    honorific: str
    gender: str
    company: str = ""
    lead: Lead | None = None
    customer: Customer | None = None
    owner: User | None = None
    creator: str = ""
    visit: Visit | None = None
    request: LossRequest | None = None
    steps: list[Step] = field(default_factory=list)


# --- Placing history in the past ------------------------------------------------------------------

class _Backdater:
    """Moves what the services stamped with "now" during a step to the moment the step is meant to have happened."""

    # Timestamps the services set from the clock, creation time first. Contact times are passed in explicitly;
    # they are listed too, so that a service that stamps one with "now" is still moved (only stamps taken
    # during a step are moved; explicit times lie before the seeding started and stay as they are).
    STAMPS: tuple[tuple[type, tuple[str, ...]], ...] = (
        (Customer, ("created_at", "updated_at")),
        (ConsentRecord, ("recorded_at",)),
        (Lead, ("created_at", "updated_at", "first_contacted_at", "last_contacted_at")),
        (StageTransition, ("created_at",)),
        (LossRequest, ("requested_at", "decided_at")),
        (Activity, ("created_at", "occurred_at")),
        (Task, ("created_at", "updated_at", "completed_at")),
        (Visit, ("created_at",)),
        (AuditEntry, ("created_at",)),
    )

    def __init__(self) -> None:
        self.started = clock.now()
        self._last = self.started
        self.spans: list[tuple[dt.datetime, dt.datetime, dt.datetime]] = []

    @contextmanager
    def at(self, moment: dt.datetime) -> Iterator[None]:
        start = clock.now()
        for _attempt in range(1_000_000):  # spans must not touch, or a stamp would belong to two of them
            if start > self._last:
                break
            start = clock.now()
        else:
            raise RuntimeError("seed_demo needs a running clock (time_machine with tick=True in tests).")
        yield
        self._last = clock.now()
        self.spans.append((start, self._last, moment))

    def _span(self, value: dt.datetime | None) -> tuple[dt.datetime, dt.datetime, dt.datetime] | None:
        if value is None or value < self.started:
            return None
        i = bisect_right(self._starts, value) - 1
        if i >= 0 and value <= self.spans[i][1]:
            return self.spans[i]
        return None

    def apply(self) -> None:
        self._starts = [s for s, _e, _m in self.spans]
        for model, fields in self.STAMPS:
            recent = Q()
            for name in fields:
                recent |= Q(**{f"{name}__gte": self.started})
            rows = list(model.objects.filter(recent))
            for row in rows:
                created = self._span(getattr(row, fields[0]))
                for name in fields:
                    span = self._span(getattr(row, name))
                    if span is not None:
                        setattr(row, name, getattr(row, name) + (span[2] - span[0]))
                if created is not None:
                    self._move_deadlines(row, created)
            derived = {Lead: ("first_response_due_at",), Task: ("due_at",)}.get(model, ())
            self._write(model, rows, (*fields, *derived))

    @staticmethod
    def _write(model, rows: list, names: tuple[str, ...]) -> None:
        """Save the moved times in one prepared statement (bulk_update's CASE per row is slow at this size)."""
        if not rows:
            return
        quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
        columns = ", ".join(f"{quote(model._meta.get_field(name).column)} = %s" for name in names)
        sql = f"UPDATE {quote(model._meta.db_table)} SET {columns} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608 - names from the model
        with connection.cursor() as cursor:
            cursor.executemany(sql, [[adapt(getattr(row, name)) for name in names] + [row.pk] for row in rows])

    @staticmethod
    def _move_deadlines(row, created: tuple[dt.datetime, dt.datetime, dt.datetime]) -> None:
        """Deadlines a service derived from "now" when it created the row move with it: the first-response
        deadline, the pool's first follow-up, a task due at once (after a rejected loss request)."""
        start, end, moment = created
        if isinstance(row, Lead) and row.first_response_due_at and row.first_response_due_at >= start:
            row.first_response_due_at += moment - start
        if isinstance(row, Task) and row.due_at >= start and (
            row.kind == TaskKind.FIRST_RESPONSE or row.owner_id is None or row.due_at <= end
        ):
            row.due_at += moment - start


# --- The seeder -------------------------------------------------------------------------------------

@dataclass
class Summary:
    seconds: float
    counts: dict[str, int]
    stages: dict[str, int]
    grades: dict[str, int]
    channels: dict[str, int]
    extensions: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        c = self.counts
        return [
            f"Demo data loaded in {self.seconds:.1f} s: {STORE_NAME} ({GROUP_NAME}), {c['users']} users, "
            f"{c['customers']} customers ({c['companies']} companies), {c['leads']} leads.",
            f"  leads: {c['open']} open, {c['won']} won, {c['lost']} lost, {c['dormant']} dormant; "
            f"{c['pool']} in the unassigned pool; {c['loss_pending']} loss requests awaiting approval",
            "  by stage: " + ", ".join(f"{k} {v}" for k, v in self.stages.items()),
            "  by grade: " + ", ".join(f"{k} {v}" for k, v in self.grades.items()),
            "  by channel: " + ", ".join(f"{k} {v}" for k, v in self.channels.items()),
            f"  {c['activities']} activities over the past 60 days; open tasks: {c['due_today']} due today, "
            f"{c['overdue']} overdue, {c['appointments_today']} appointments today",
            f"  showroom today: {c['visits_today']} batches, {c['in_showroom']} in the showroom now",
            *self.extensions,
        ]


class DemoDataPresent(Exception):
    """The database already holds a store."""


def database_is_empty() -> bool:
    return not Store.objects.exists()


def seed_demo(*, customers: int = 300, seed: int = 42, password: str | None = None) -> Summary:
    """Fill an empty database with the demo store; all or nothing."""
    if customers < MIN_CUSTOMERS:
        raise ValueError(f"The demo needs at least {MIN_CUSTOMERS} customers to show every stage, grade and channel.")
    if not database_is_empty():
        raise DemoDataPresent
    taken = sorted(User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list("username", flat=True))
    if taken:
        raise DemoDataPresent(", ".join(taken))
    started = time.monotonic()
    with translation.override("zh-hans"), transaction.atomic():
        seeder = _Seeder(customers=customers, seed=seed, password=password or demo_password())
        seeder.run()
    summary = summarise(seconds=time.monotonic() - started)
    summary.extensions = seeder.extension_lines
    return summary


def seed_extensions(*, store: Store, seed: int) -> list[str]:
    """The demo data of the later sales steps (settings.DEMO_EXTENSIONS), on top of the prospect core."""
    lines: list[str] = []
    for path in settings.DEMO_EXTENSIONS:
        lines.extend(import_string(path)(store=store, rng=random.Random(f"{seed}:{path}")))
    return lines


class _Seeder:
    def __init__(self, *, customers: int, seed: int, password: str) -> None:
        from faker import Faker  # a dev dependency: `uv sync` installs it, `make demo` runs after it

        self.n = customers
        self.seed = seed
        self.extension_lines: list[str] = []
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.password = password
        self.now = clock.now()
        self.today = clock.today()
        self.cap = self.now - dt.timedelta(minutes=2)  # nothing in the demo happens later than this
        self.visit_cap = min(self.cap, clock.at_local(self.today - dt.timedelta(days=1), 20, 30))
        self.bd = _Backdater()
        self.mobile = FIRST_MOBILE
        self.refs: Counter[str] = Counter()
        self.won_customers: list[Customer] = []
        self.by_scene: dict[str, Story] = {}
        self.dormant: list[dt.datetime] = []
        # Today's window: from opening time (or earlier, when the demo is loaded before the doors open) to now.
        opening = clock.at_local(self.today, 9, 0)
        if self.cap - opening < dt.timedelta(hours=2):
            opening = max(clock.start_of_day(self.today), self.cap - dt.timedelta(hours=2))
        self.opening = opening

    # -- helpers --

    def pick(self, weighted):
        items, weights = zip(*weighted, strict=True)
        return self.rng.choices(items, weights=weights)[0]

    def today_at(self, fraction: float) -> dt.datetime:
        """A moment in today's window so far (0 = opening, 1 = now), on a whole minute."""
        moment = self.opening + (self.cap - self.opening) * fraction
        return max(self.opening, moment.replace(second=0, microsecond=0))

    def day_at(self, days_ago: int, hour: int | None = None, minute: int | None = None) -> dt.datetime:
        hour = self.rng.randint(9, 17) if hour is None else hour
        minute = self.rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50)) if minute is None else minute
        return min(clock.at_local(self.today - dt.timedelta(days=days_ago), hour, minute), self.cap)

    def next_working_day(self, moment: dt.datetime) -> dt.datetime:
        """Some time the next day, during opening hours (and never after now)."""
        later = clock.at_local(_day(moment) + dt.timedelta(days=1), self.rng.randint(9, 17), self.rng.choice((0, 20, 40)))
        return max(min(later, self.cap), moment + dt.timedelta(minutes=1))

    def next_mobile(self) -> str:
        mobile, self.mobile = str(self.mobile), self.mobile + 1
        return mobile

    def user(self, username: str) -> User:
        return self.users[username]

    # -- the run --

    def run(self) -> None:
        self.create_store_and_users()
        specs = self.plan()
        stories = [self.cast(spec) for spec in specs]
        for story in sorted(stories, key=lambda s: s.steps[0].at):
            self.play(story)
        for moment in sorted(self.dormant):
            with self.bd.at(moment):
                leads.leads_mark_dormant(now=moment)
        self.today_at_the_showroom()
        followups.tasks_mark_overdue()
        # The later steps' demo data works on the story so far; what it stamps on the core records (stage moves,
        # tasks, audit entries) is moved with the rest to just before "now", so nothing lies in the future.
        with self.bd.at(self.cap):
            self.extension_lines = seed_extensions(store=self.store, seed=self.seed)
        self.bd.apply()
        self.tidy()

    def create_store_and_users(self) -> None:
        group = DealerGroup.objects.create(name=GROUP_NAME)
        self.store = store_create(group=group, name=STORE_NAME, code=STORE_CODE, city="北京")
        self.users: dict[str, User] = {}
        hashed = make_password(self.password)  # one Argon2 run for the one shared, documented password
        for demo in DEMO_USERS:
            user = User(username=demo.username, store=self.store, role=demo.role, full_name=demo.full_name,
                        language="zh-hans", is_staff=demo.admin, is_superuser=demo.admin, password=hashed)
            user.save()
            self.users[demo.username] = user
        self.manager = self.users["manager"]
        self.reception = self.users["reception"]

    # -- planning: which stories, so that every stage, grade, channel and source is there --

    def plan(self) -> list[Spec]:
        S, C, G = Source, Channel, Grade
        forced = [
            Spec(C.SHOWROOM, S.WALK_IN, OPEN, Stage.NEEDS_ANALYSIS, G.B, TODAY),
            Spec(C.SHOWROOM, S.INVITED_VISIT, OPEN, Stage.PRESENTATION, G.A, APPOINTMENT),
            Spec(C.PHONE, S.INBOUND_CALL, OPEN, Stage.PRESENTATION, G.A, APPOINTMENT, owner="sales1", scene="appt_a"),
            Spec(C.ONLINE, S.AUTOHOME, OPEN, Stage.FIRST_CONTACT, G.N, OVERDUE),
            Spec(C.ONLINE, S.DONGCHEDI, OPEN, Stage.TEST_DRIVE, G.H, TODAY),
            Spec(C.ONLINE, S.YICHE, LOST, Stage.NEEDS_ANALYSIS, reason=LossReason.COMPETITOR, scene="reactivate"),
            Spec(C.ONLINE, S.PCAUTO, OPEN, Stage.NEEDS_ANALYSIS, G.C, UPCOMING, scene="invite_today"),
            Spec(C.ONLINE, S.OEM_ONLINE, WON, Stage.DELIVERED),
            Spec(C.ONLINE, S.DOUYIN, PENDING, Stage.PRESENTATION, reason=LossReason.COMPETITOR),
            Spec(C.ONLINE, S.XIAOHONGSHU, DORMANT, Stage.NEEDS_ANALYSIS, G.C),
            Spec(C.ONLINE, S.WECHAT, OPEN, Stage.NEGOTIATION, G.H, OVERDUE),
            Spec(C.ONLINE, S.OTHER, OPEN, Stage.FIRST_CONTACT, G.C, UPCOMING),
            Spec(C.PHONE, S.INBOUND_CALL, OPEN, Stage.ORDER, G.O, TODAY, owner="sales1", scene="paperwork"),
            Spec(C.PHONE, S.OUTBOUND_CALL, OPEN, Stage.FIRST_CONTACT, G.B, OVERDUE, owner="sales2"),
            Spec(C.PHONE, S.REFERRAL, WON, Stage.FOLLOW_UP, owner="sales2"),
            Spec(C.PHONE, S.OTHER, LOST, Stage.NEGOTIATION, reason=LossReason.PRICE, owner="sales3"),
            Spec(C.PHONE, S.INBOUND_CALL, PENDING, Stage.NEEDS_ANALYSIS, reason=LossReason.NO_PLATE, owner="sales1"),
            Spec(C.PHONE, S.INBOUND_CALL, REJECTED, Stage.PRESENTATION, reason=LossReason.COMPETITOR, owner="sales2"),
            Spec(C.PROACTIVE, S.TARGET_LIST, OPEN, Stage.FIRST_CONTACT, G.C, OVERDUE, owner="sales3"),
            Spec(C.PROACTIVE, S.EXHIBITION, POOL),
            Spec(C.PROACTIVE, S.TARGET_LIST, POOL),
            Spec(C.PROACTIVE, S.EXISTING_OWNER, OPEN, Stage.NEGOTIATION, G.A, TODAY, owner="sales3", skip=True),
            Spec(C.PROACTIVE, S.KEY_ACCOUNT, OPEN, Stage.NEEDS_ANALYSIS, G.B, TODAY, owner="keyaccount"),
            Spec(C.PROACTIVE, S.KEY_ACCOUNT, OPEN, Stage.NEGOTIATION, G.A, OVERDUE, owner="keyaccount"),
            Spec(C.PROACTIVE, S.KEY_ACCOUNT, WON, Stage.DELIVERED, owner="keyaccount"),
            Spec(C.PROACTIVE, S.KEY_ACCOUNT, OPEN, Stage.PRESENTATION, G.B, APPOINTMENT, owner="keyaccount"),
            Spec(C.PROACTIVE, S.SERVICE_CUSTOMER, POOL),
            Spec(C.PROACTIVE, S.SERVICE_CUSTOMER, OPEN, Stage.NEEDS_ANALYSIS, G.B, UPCOMING, owner="sales1"),
            Spec(C.PROACTIVE, S.REFERRAL, OPEN, Stage.PRESENTATION, G.B, UPCOMING),
            Spec(C.PROACTIVE, S.OTHER, OPEN, Stage.FIRST_CONTACT, G.N, TODAY, owner="sales2"),
            Spec(C.SHOWROOM, S.REFERRAL, OPEN, Stage.TEST_DRIVE, G.A, OVERDUE, owner="sales1"),
            Spec(C.SHOWROOM, S.EXISTING_OWNER, WON, Stage.FOLLOW_UP),
            Spec(C.SHOWROOM, S.SERVICE_CUSTOMER, OPEN, Stage.PRESENTATION, G.C, UPCOMING),
            Spec(C.SHOWROOM, S.OTHER, LOST, Stage.FIRST_CONTACT, reason=LossReason.UNREACHABLE),
            Spec(C.PROACTIVE, S.EXISTING_OWNER, OPEN, Stage.TEST_DRIVE, G.H, APPOINTMENT, owner="sales2", scene="appt_b"),
            Spec(C.PHONE, S.INBOUND_CALL, OPEN, Stage.NEGOTIATION, G.H, APPOINTMENT, owner="sales3", scene="appt_c"),
            Spec(C.SHOWROOM, S.WALK_IN, DORMANT, Stage.PRESENTATION, G.B),
            Spec(C.SHOWROOM, S.WALK_IN, OPEN, Stage.NEGOTIATION, G.H, UPCOMING, skip=True),
            Spec(C.ONLINE, S.DONGCHEDI, OPEN, Stage.ORDER, G.O, OVERDUE),
            Spec(C.PHONE, S.OUTBOUND_CALL, OPEN, Stage.TEST_DRIVE, G.A, TODAY, owner="sales3"),
        ]
        # Today's newcomers (three walk-ins, two online leads) are customers too.
        total = self.n - 5
        specs = forced + [self.random_spec() for _ in range(total - len(forced))]
        return specs

    def random_spec(self) -> Spec:
        S, C = Source, Channel
        channel = self.pick(((C.SHOWROOM, 35), (C.ONLINE, 35), (C.PHONE, 15), (C.PROACTIVE, 15)))
        source = self.pick({
            C.SHOWROOM: ((S.WALK_IN, 62), (S.INVITED_VISIT, 10), (S.REFERRAL, 12), (S.EXISTING_OWNER, 10),
                         (S.SERVICE_CUSTOMER, 3), (S.OTHER, 3)),
            C.ONLINE: ((S.AUTOHOME, 25), (S.DONGCHEDI, 22), (S.YICHE, 12), (S.PCAUTO, 5), (S.OEM_ONLINE, 14),
                       (S.DOUYIN, 12), (S.XIAOHONGSHU, 6), (S.WECHAT, 8), (S.OTHER, 1)),
            C.PHONE: ((S.INBOUND_CALL, 60), (S.OUTBOUND_CALL, 20), (S.REFERRAL, 15), (S.OTHER, 5)),
            C.PROACTIVE: ((S.TARGET_LIST, 18), (S.EXHIBITION, 20), (S.EXISTING_OWNER, 18), (S.KEY_ACCOUNT, 30),
                          (S.SERVICE_CUSTOMER, 10), (S.REFERRAL, 4)),
        }[channel])
        outcome = self.pick(((OPEN, 67), (WON, 10), (LOST, 9), (PENDING, 2), (DORMANT, 7), (POOL, 3)))
        if outcome == POOL and source not in (S.EXHIBITION, S.SERVICE_CUSTOMER, S.TARGET_LIST):
            outcome = OPEN
        spec = Spec(channel, source, outcome)
        if outcome == OPEN:
            spec.stage = self.pick(((Stage.FIRST_CONTACT, 22), (Stage.NEEDS_ANALYSIS, 20), (Stage.PRESENTATION, 16),
                                    (Stage.TEST_DRIVE, 14), (Stage.NEGOTIATION, 14), (Stage.ORDER, 14)))
            spec.grade = self.pick({
                Stage.FIRST_CONTACT: ((Grade.N, 20), (Grade.C, 40), (Grade.B, 32), (Grade.A, 8)),
                Stage.NEEDS_ANALYSIS: ((Grade.C, 30), (Grade.B, 45), (Grade.A, 20), (Grade.H, 5)),
                Stage.PRESENTATION: ((Grade.C, 15), (Grade.B, 40), (Grade.A, 35), (Grade.H, 10)),
                Stage.TEST_DRIVE: ((Grade.B, 20), (Grade.A, 45), (Grade.H, 35)),
                Stage.NEGOTIATION: ((Grade.A, 40), (Grade.H, 60)),
                Stage.ORDER: ((Grade.O, 1),),
            }[spec.stage])
            buckets = ((OVERDUE, 24), (TODAY, 18), (UPCOMING, 50), (APPOINTMENT, 8))
            spec.bucket = self.pick(buckets[:3] if spec.stage == Stage.ORDER else buckets)
            spec.skip = spec.stage >= Stage.TEST_DRIVE and self.rng.random() < 0.08
        elif outcome == WON:
            spec.stage = self.pick(((Stage.DELIVERED, 6), (Stage.FOLLOW_UP, 4)))
        elif outcome in (LOST, PENDING):
            spec.stage = self.pick(((Stage.FIRST_CONTACT, 20), (Stage.NEEDS_ANALYSIS, 30), (Stage.PRESENTATION, 20),
                                    (Stage.TEST_DRIVE, 18), (Stage.NEGOTIATION, 12)))
            spec.reason = self.pick(LOSS_WEIGHTS)
            if spec.reason == LossReason.UNREACHABLE:
                spec.stage = Stage.FIRST_CONTACT
        elif outcome == DORMANT:
            spec.stage = self.pick(((Stage.FIRST_CONTACT, 40), (Stage.NEEDS_ANALYSIS, 40), (Stage.PRESENTATION, 20)))
            spec.grade = self.pick(((Grade.C, 60), (Grade.B, 40)))
        if source == S.KEY_ACCOUNT:
            spec.owner = "keyaccount"
        return spec

    # -- casting: who the customer is, and when each step of the story happens --

    def cast(self, spec: Spec) -> Story:
        car = self.pick([(c, c.weight) for c in LINE_UP])
        if spec.source == Source.KEY_ACCOUNT:
            fleet = self.rng.choice(_FLEET_CARS)
            car = next(c for c in LINE_UP if c.name == fleet)
        male = self.rng.random() < 0.62
        surname = self.fake.last_name()
        name = surname + self.rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
        honorific = surname + ("先生" if male else "女士")
        story = Story(spec=spec, car=car, trim=self.rng.choice(car.trims), rival=self.rng.choice(car.rivals), name=name,
                      honorific=honorific, gender=Gender.MALE if male else Gender.FEMALE)
        if spec.source == Source.KEY_ACCOUNT:
            company = self.fake.company()
            story.company = company if company.startswith("北京") else f"北京{company}"
        elif spec.channel == Channel.ONLINE and self.rng.random() < 0.3:
            story.name = honorific  # platforms often pass only "王先生"
        creator = self.creator(spec)
        if not spec.owner and creator not in ("platform", "reception") and spec.outcome != POOL:
            spec.owner = self.pick((("sales1", 38), ("sales2", 34), ("sales3", 28)))
        story.creator = spec.owner if creator == "owner" else creator
        story.steps = self.steps(spec)
        self.schedule(story)
        return story

    def creator(self, spec: Spec) -> str:
        """Who files the lead: a role's demo user, or "owner" for the consultant who works it."""
        if spec.outcome == POOL:
            return "service" if spec.source == Source.SERVICE_CUSTOMER else "manager"
        if spec.channel == Channel.ONLINE:
            return "platform"
        if spec.channel == Channel.SHOWROOM and spec.source in (Source.WALK_IN, Source.INVITED_VISIT):
            return "reception"
        if spec.source == Source.SERVICE_CUSTOMER and spec.channel == Channel.PROACTIVE:
            return "service"  # the service advisor refers; the manager assigns
        if spec.source == Source.EXHIBITION and self.rng.random() < 0.5:
            return "manager"  # filed from the show's sheet into the pool; a consultant claims it
        return "owner"

    def steps(self, spec: Spec) -> list[Step]:
        walk_in = spec.channel == Channel.SHOWROOM and spec.source in (Source.WALK_IN, Source.INVITED_VISIT)
        steps = [Step("create", visit="new" if walk_in else "")]
        if spec.outcome == POOL:
            return steps
        if spec.reason == LossReason.UNREACHABLE:
            steps += [Step("attempt", follow=(20, 120) if spec.channel == Channel.ONLINE else None), Step("attempt"),
                      Step("attempt"), Step("request")]
            return steps
        if spec.channel == Channel.ONLINE and self.rng.random() < 0.35:
            steps.append(Step("attempt", follow=(10, 40)))
            steps.append(Step("first", follow=(60, 240)))
        elif spec.channel == Channel.ONLINE:
            steps.append(Step("first", follow=(12, 90)))
        elif walk_in:
            steps.append(Step("first", visit="same", follow=(15, 30)))
        elif spec.channel == Channel.PHONE and spec.source == Source.INBOUND_CALL:
            steps.append(Step("first", follow=(1, 5)))
        else:
            steps.append(Step("first", follow=(30, 180)))
        # A won story ends at the delivery; the after-sales follow-up comes after it (after_delivery).
        path = Stage.between(Stage.FIRST_CONTACT, min(spec.stage, Stage.DELIVERED) + 1)
        if spec.skip:
            candidates = [s for s in (Stage.TEST_DRIVE, Stage.PRESENTATION, Stage.NEEDS_ANALYSIS) if s in path[:-1]]
            if candidates:
                path.remove(candidates[0])
        previous_visit = walk_in
        for stage in path:
            visit = ""
            if stage == Stage.NEEDS_ANALYSIS:
                visit = "same" if previous_visit else ""
            elif stage == Stage.PRESENTATION:
                visit = "same" if previous_visit and self.rng.random() < 0.7 else "new"
            elif stage == Stage.TEST_DRIVE:
                visit = "same" if previous_visit and self.rng.random() < 0.6 else "new"
            elif stage == Stage.NEGOTIATION:
                visit = ("same" if previous_visit else "new") if self.rng.random() < 0.55 else ""
            elif stage == Stage.ORDER:
                visit = "same" if previous_visit and self.rng.random() < 0.4 else "new"
            elif stage == Stage.DELIVERED:
                visit = "new"
            step = Step("stage", stage=stage, visit=visit, follow=(20, 50) if visit == "same" else None)
            steps.append(step)
            previous_visit = bool(visit)
            if stage < Stage.ORDER and self.rng.random() < 0.35:
                steps.append(Step("contact"))
                previous_visit = False
        if spec.outcome in (LOST, PENDING, REJECTED):
            steps.append(Step("request"))
        elif spec.outcome in (OPEN, DORMANT):
            steps.append(Step("final"))
        return steps

    def anchor(self, spec: Spec) -> dt.datetime:
        """When the last step of the story happens: it decides when the next follow-up falls due."""
        rng = self.rng
        if spec.outcome == POOL:
            return self.day_at(rng.randint(0, 4))
        if spec.outcome == WON:
            days = rng.choice((1, 1, 1, 2)) if spec.stage == Stage.DELIVERED else rng.randint(5, 40)
            return self.day_at(days, rng.randint(10, 17))
        if spec.outcome == LOST:
            return self.day_at(rng.randint(3, 25))
        if spec.outcome == PENDING:
            return self.day_at(rng.randint(0, 2))
        if spec.outcome == REJECTED:
            return self.day_at(rng.randint(4, 6), rng.randint(9, 12))
        if spec.outcome == DORMANT:
            return self.day_at(rng.randint(62, 100))
        if spec.bucket == APPOINTMENT:
            return self.day_at(rng.randint(1, 3))
        interval = DEFAULT_GRADE_POLICIES[spec.grade][1]
        due_in = {OVERDUE: -rng.randint(1, 6), TODAY: 0, UPCOMING: rng.randint(1, max(1, interval))}[spec.bucket]
        return self.day_at(interval - due_in, rng.randint(9, 18))

    def schedule(self, story: Story) -> None:
        """Give every step a moment: spread over days, same-visit steps minutes apart, visits before today."""
        steps, spec, rng = story.steps, story.spec, self.rng
        last = self.anchor(spec)
        day_steps = [i for i, s in enumerate(steps) if s.follow is None]
        if spec.outcome == DORMANT:
            span_days = rng.randint(5, 40)
        else:  # everything open happened in the last two months
            wanted = rng.randint(2, 5) * max(1, len(day_steps) - 1) + rng.randint(0, 6)
            span_days = min(wanted, max(0, 58 - (self.today - _day(last)).days))
        first_day = _day(last) - dt.timedelta(days=span_days)
        for j, i in enumerate(day_steps):
            offset = round(j * span_days / (len(day_steps) - 1)) if len(day_steps) > 1 else 0
            steps[i].at = clock.at_local(first_day + dt.timedelta(days=offset), rng.randint(9, 17),
                                         rng.choice((0, 10, 20, 30, 40, 50)))
        steps[day_steps[-1]].at = last
        for k in range(1, len(steps)):
            step, before = steps[k], steps[k - 1]
            if step.follow is not None:
                step.gap = dt.timedelta(minutes=rng.randint(*step.follow))
                step.at = before.at + step.gap
            else:
                step.gap = dt.timedelta(minutes=80 if before.visit else 15)
                if k != day_steps[-1]:
                    step.at = max(step.at, before.at + step.gap)
        for k in range(len(steps) - 1, -1, -1):  # nothing after now, no visit today, each step after the one before
            limit = self.visit_cap if steps[k].visit else self.cap
            if k + 1 < len(steps):
                limit = min(limit, steps[k + 1].at - steps[k + 1].gap)
            steps[k].at = min(steps[k].at, limit)

    # -- playing a story through the services --

    def play(self, story: Story) -> None:
        spec, steps = story.spec, story.steps
        for k, step in enumerate(steps):
            with self.bd.at(step.at):
                getattr(self, f"do_{step.kind}")(story, step)
            following = steps[k + 1] if k + 1 < len(steps) else None
            if story.visit is not None and (following is None or following.visit != "same"):
                self.depart(story, step, following)
        end = steps[-1].at
        if spec.outcome == LOST:
            self.decide_loss(story, approve=True, at=self.next_working_day(end))
        elif spec.outcome == REJECTED:
            decided = self.next_working_day(end)
            self.decide_loss(story, approve=False, at=decided)
            self.work_rejected(story, at=self.next_working_day(decided))
        elif spec.outcome == WON:
            self.after_delivery(story, end)
        elif spec.outcome == DORMANT:
            self.dormant.append(min(end + dt.timedelta(days=61, hours=self.rng.randint(1, 8)), self.cap))
        if spec.scene:
            self.by_scene[spec.scene] = story

    def customer_fields(self, story: Story) -> dict:
        spec = story.spec
        fields = {"name": story.company or story.name, "mobile": self.next_mobile(), "city": "北京",
                  "source": spec.source}
        if story.company:
            fields.update(kind=CustomerKind.COMPANY, contact_name=story.name,
                          notes=f"大客户：{self.rng.randint(2, 6)}台{story.car.name}，需开增值税专用发票")
        else:
            fields["gender"] = story.gender
            if spec.channel != Channel.ONLINE or self.rng.random() < 0.4:
                fields["district"] = self.pick(DISTRICTS)
            if spec.source == Source.EXISTING_OWNER:
                fields["notes"] = f"老车主，现开{self.rng.choice(('2015款奥迪A4L', '2016款奥迪Q5', '2013款奥迪A6L'))}"
        return fields

    def lead_fields(self, story: Story) -> dict:
        car, spec = story.car, story.spec
        interest = car.name
        if self.rng.random() < 0.2:
            other = self.pick([(c, c.weight) for c in LINE_UP if c is not car])
            interest = f"{car.name}、{other.name}"
        low, high = car.deal
        budget_min = Decimal(max(10, low - self.rng.randint(0, 2)) * 10000)
        budget_max = Decimal((high + self.rng.randint(0, 3)) * 10000)
        fields = {"channel": spec.channel, "source": spec.source, "models_of_interest": interest,
                  "budget_min": budget_min if self.rng.random() < 0.8 else None, "budget_max": budget_max}
        horizon = DEFAULT_GRADE_POLICIES.get(spec.grade, (None, 0))[0]
        if horizon and spec.outcome == OPEN:
            fields["expected_purchase_date"] = self.today + dt.timedelta(days=self.rng.randint(2, horizon))
        if story.company:
            fields["models_of_interest"] = f"{car.name} {story.trim}"
            fields["notes"] = f"{self.rng.choice(FLEET_USE)}，年内采购"
        return fields

    def do_create(self, story: Story, step: Step) -> None:
        spec, creator = story.spec, story.creator
        if creator == "reception":
            fields = self.customer_fields(story)
            story.visit = reception.visit_register(
                actor=self.reception, party_size=self.rng.choice((1, 1, 2, 2, 2, 3, 4)), mobile=fields["mobile"],
                name=story.name, invited=spec.source == Source.INVITED_VISIT, models_of_interest=story.car.name,
                arrived_at=step.at,
            )
            story.lead = Lead.objects.get(pk=story.visit.lead_id)
            story.customer = story.lead.customer
            if story.lead.owner_id is None:  # nobody free: the manager hands the batch to a consultant
                story.lead = leads.lead_assign(actor=self.manager, lead=story.lead, owner=self.user(spec.owner or "sales1"),
                                               reason="前台忙，经理指派")
            story.owner = User.objects.get(pk=story.lead.owner_id)
            return
        actor = self.user(creator)
        external_ref = ""
        if spec.channel == Channel.ONLINE:
            prefix = PLATFORMS[spec.source][1]
            self.refs[prefix] += 1
            external_ref = f"{prefix}{timezone.localtime(step.at):%y%m%d}{self.refs[prefix]:04d}"
        referrer = self.rng.choice(self.won_customers) if spec.source == Source.REFERRAL and self.won_customers else None
        story.lead, _created = leads.lead_create(
            actor=actor, customer_fields=self.customer_fields(story), lead_fields=self.lead_fields(story),
            referrer=referrer, external_ref=external_ref,
        )
        story.customer = story.lead.customer
        if spec.outcome == POOL:
            self.consent(story, actor=self.manager, method=ConsentMethod.PAPER if creator == "manager" else ConsentMethod.VERBAL)
            return
        if story.lead.owner_id is None:
            owner = self.user(spec.owner)
            if creator == "service":
                story.lead = leads.lead_assign(actor=self.manager, lead=story.lead, owner=owner,
                                               reason="服务顾问推荐的保养客户，有置换意向")
            else:
                story.lead = leads.lead_claim(actor=owner, lead=story.lead)
        story.owner = User.objects.get(pk=story.lead.owner_id)

    def consent(self, story: Story, *, actor: User, method: str) -> None:
        customers.customer_record_consent(actor=actor, customer=story.customer, kind=ConsentKind.CONTACT, granted=True,
                                          method=method)
        if self.rng.random() < 0.5:
            customers.customer_record_consent(actor=actor, customer=story.customer, kind=ConsentKind.MARKETING,
                                              granted=True, method=method, note="同意接收活动和新车资讯")

    def log(self, story: Story, step: Step, channel: str, summary: str, *, outcome: str = Outcome.REACHED,
            direction: str = Direction.OUTBOUND, grade: str = "", next_step: str = "", next_step_at=None) -> None:
        followups.activity_log(actor=story.owner, lead=story.lead, channel=channel, outcome=outcome, summary=summary,
                               direction=direction, occurred_at=step.at, grade=grade, next_step=next_step,
                               next_step_at=next_step_at)

    def do_attempt(self, story: Story, step: Step) -> None:
        if self.rng.random() < 0.7:
            self.log(story, step, ContactChannel.PHONE, "电话未接通，已发短信告知门店地址和本人微信号。", outcome=Outcome.NO_ANSWER)
        else:
            self.log(story, step, ContactChannel.PHONE, f"{story.honorific}说在开会，晚点再联系。", outcome=Outcome.BUSY)

    def do_first(self, story: Story, step: Step) -> None:
        spec, car, h = story.spec, story.car.name, story.honorific
        concern = self.rng.choice(EV_CONCERNS if story.car.electric else CONCERNS)
        grade = self.first_grade(story)
        channel, direction = ContactChannel.PHONE, Direction.OUTBOUND
        if spec.channel == Channel.ONLINE:
            platform = PLATFORMS[spec.source][0]
            text = f"首次致电{h}：在{platform}留资咨询{car}，主要关心{concern}。已加微信，发了配置表和门店定位。"
            method = ConsentMethod.ONLINE
        elif story.visit is not None:
            channel, direction, method = ContactChannel.SHOWROOM, Direction.INBOUND, ConsentMethod.PAPER
            invited = "邀约到店" if spec.source == Source.INVITED_VISIT else "自然到店"
            text = (f"{h}{invited}，先看了{car}展车。{self.rng.choice(HOUSEHOLD)}，现开{self.rng.choice(CURRENT_CAR)}，"
                    f"关注{concern}。已留电话、加微信，送了车型手册。")
        elif spec.source == Source.KEY_ACCOUNT:
            channel, method = ContactChannel.HOME_VISIT, ConsentMethod.PAPER
            text = (f"拜访{story.company}，与行政部{story.name}沟通年度用车更新：计划采购几台{car}作"
                    f"{self.rng.choice(FLEET_USE)}，需要大客户报价和开票方案。")
        elif spec.source == Source.INBOUND_CALL:
            direction, method = Direction.INBOUND, ConsentMethod.PHONE
            text = f"{h}来电咨询{car}的价格和现车，{self.rng.choice(HOUSEHOLD)}，关心{concern}。已加微信发资料。"
        elif spec.source == Source.REFERRAL:
            direction, method = Direction.INBOUND, ConsentMethod.PHONE
            who = f"老客户{story.lead.referrer.name}" if story.lead.referrer_id else "朋友"
            text = f"{h}经{who}介绍来电，想看{car}，关心{concern}。约了到店时间再定。"
        elif spec.source == Source.EXISTING_OWNER:
            method = ConsentMethod.PHONE
            text = f"老车主回访：{h}的车快开满八年，有置换{car}的想法，想了解置换补贴和旧车评估。"
        elif spec.source == Source.SERVICE_CUSTOMER:
            method = ConsentMethod.PHONE
            text = f"服务顾问孙浩推荐：{h}来店保养时问过{car}。电话确认有换车打算，关心{concern}。"
        elif spec.source == Source.EXHIBITION:
            method = ConsentMethod.PHONE
            text = f"车展后回访{h}：展台上看过{car}，对{self.rng.choice(FEATURES)}印象很深，想找时间到店细看。"
        elif spec.source == Source.TARGET_LIST:
            method = ConsentMethod.PHONE
            text = f"名单外呼{h}：近期有换车打算，对{car}有兴趣，同意加微信了解活动。"
        elif spec.channel == Channel.SHOWROOM:
            channel, direction, method = ContactChannel.SHOWROOM, Direction.INBOUND, ConsentMethod.PAPER
            text = f"{h}到店看{car}，{self.rng.choice(HOUSEHOLD)}，关注{concern}。已留电话、加微信。"
        else:
            channel, direction, method = ContactChannel.WECHAT, Direction.INBOUND, ConsentMethod.WECHAT
            text = f"{h}通过微信咨询{car}的配置和价格，关心{concern}。发了配置表和本月政策。"
        self.log(story, step, channel, text, direction=direction, grade=grade)
        if story.visit is not None or self.rng.random() < 0.35:
            fields = {"wechat_id": self.wechat_id(story)}
            if not story.company and not story.customer.district:
                fields["district"] = self.pick(DISTRICTS)
            if not story.company and story.visit is not None:  # reception wrote down only the name and mobile
                fields.update(gender=story.gender, city="北京")
            story.customer = customers.customer_update(actor=story.owner, customer=story.customer, fields=fields,
                                                       expected_version=None)
        if story.visit is not None:  # what reception could not know: budget, timing, the exact interest
            wanted = {k: v for k, v in self.lead_fields(story).items() if k not in ("channel", "source")}
            story.lead = leads.lead_update(actor=story.owner, lead=story.lead, fields=wanted, expected_version=None)
        self.consent(story, actor=story.owner, method=method)
        if self.rng.random() < 0.25:
            tag = "新能源意向" if story.car.electric else self.rng.choice(TAGS)
            customers.customer_set_tags(actor=story.owner, customer=story.customer, names=[tag])

    def wechat_id(self, story: Story) -> str:
        if self.rng.random() < 0.5 or story.name == story.honorific:
            return "wxid_" + "".join(self.rng.choices("abcdefghijkmnpqrstuvwxyz23456789", k=10))
        full, _initials = pinyin_keys(story.name)
        return f"{full[:12]}{self.rng.randint(70, 99)}"

    def first_grade(self, story: Story) -> str:
        spec = story.spec
        if spec.outcome == OPEN and spec.grade == Grade.N:
            return ""
        if spec.outcome in (OPEN, DORMANT) and spec.stage == Stage.FIRST_CONTACT:
            return spec.grade
        return self.rng.choice((Grade.C, Grade.B, Grade.B))

    def stage_grade(self, story: Story, stage: int) -> str:
        grade = {Stage.NEEDS_ANALYSIS: (Grade.C, Grade.B), Stage.PRESENTATION: (Grade.B, Grade.A),
                 Stage.TEST_DRIVE: (Grade.A, Grade.H), Stage.NEGOTIATION: (Grade.H,)}.get(stage)
        return self.rng.choice(grade) if grade else ""

    def do_stage(self, story: Story, step: Step) -> None:
        stage = Stage(step.stage)
        if step.visit == "new":
            purpose = VisitPurpose.COLLECT_CAR if stage == Stage.DELIVERED else VisitPurpose.SALES
            story.visit = reception.visit_register(
                actor=self.reception, party_size=self.rng.choice((1, 2, 2, 3)), purpose=purpose,
                mobile=story.customer.mobile, invited=purpose == VisitPurpose.SALES, models_of_interest=story.car.name,
                arrived_at=step.at,
            )
        skipped = Stage.between(self.current_stage(story), stage)
        reason = SKIP_REASONS[skipped[0]] if skipped else ""
        story.lead = leads.lead_advance_stage(actor=story.owner, lead=story.lead, to=stage, skip_reason=reason)
        text, channel, outcome = self.stage_text(story, stage, at_showroom=bool(step.visit))
        self.log(story, step, channel, text, outcome=outcome, direction=Direction.INBOUND if step.visit else Direction.OUTBOUND,
                 grade=self.stage_grade(story, stage))

    def current_stage(self, story: Story) -> int:
        return Lead.objects.values_list("stage", flat=True).get(pk=story.lead.pk)

    def stage_text(self, story: Story, stage: Stage, *, at_showroom: bool) -> tuple[str, str, str]:
        car, trim, h, rng = story.car, story.trim, story.honorific, self.rng
        where = ContactChannel.SHOWROOM if at_showroom else ContactChannel.PHONE
        price = rng.randint(*car.deal) + rng.choice((0.28, 0.58, 0.88))
        if stage == Stage.NEEDS_ANALYSIS:
            if story.company:
                return (f"与{story.name}确认采购需求：{rng.randint(2, 6)}台{car.name}，单台预算{car.deal[1]}万以内，"
                        f"要求季度内交车，付款走对公转账。", where, Outcome.REACHED)
            current = rng.choice(CURRENT_CAR)
            ev = f"{rng.choice(PARKING)}；" if car.electric else ""
            return (f"详细沟通需求：{rng.choice(HOUSEHOLD)}，现开{current}，{PURPOSE_BY_CAR.get(current, '想增购一台')}；"
                    f"{rng.choice(USAGE)}；{ev}预算{car.deal[0]}到{car.deal[1]}万，{rng.choice(PAYMENTS)}；{rng.choice(DECIDERS)}。",
                    where, Outcome.REACHED)
        if stage == Stage.PRESENTATION:
            features = rng.sample(EV_FEATURES if car.electric else FEATURES, 2)
            return (f"{h}到店，六方位绕车介绍{car.name}，重点讲了{features[0]}、{features[1]}。客户对{features[0]}很满意，"
                    f"顾虑是{rng.choice(EV_CONCERNS if car.electric else CONCERNS)}。", ContactChannel.SHOWROOM, Outcome.REACHED)
        if stage == Stage.TEST_DRIVE:
            return (f"试乘试驾{car.name} {trim}：先试乘后换手，路线含快速路、弯道和减速带约25分钟，{h}反馈"
                    f"{rng.choice(FEEDBACK)}。已签试驾协议、填写反馈表。", ContactChannel.SHOWROOM, Outcome.REACHED)
        if stage == Stage.NEGOTIATION:
            if at_showroom:
                return (f"出具报价单：{car.name} {trim}裸车价{price:.2f}万，{rng.choice(FINANCE)}，送{rng.choice(GIFTS)}。"
                        f"客户希望再优惠{rng.choice((3000, 5000, 8000, 10000))}元，答应请示经理后回复。",
                        ContactChannel.SHOWROOM, Outcome.REACHED)
            brand, model, _price = story.rival
            return (f"微信发送{car.name} {trim}正式报价单（裸车价{price:.2f}万，{rng.choice(FINANCE)}），客户说要和"
                    f"{brand} {model}的报价对比一下再定。", ContactChannel.WECHAT, Outcome.MESSAGE_SENT)
        if stage == Stage.ORDER:
            deposit = rng.choice((5000, 10000, 20000))
            if story.company:
                return (f"{story.company}签订采购合同，{car.name} {trim}，已付定金{deposit * 2}元，开票信息已确认。",
                        where, Outcome.REACHED)
            return (f"{h}签订购车合同并交定金{deposit}元：{car.name} {trim}，{rng.choice(COLOURS)}，"
                    f"{rng.choice(FINANCE)}，预计{rng.randint(2, 6)}周到车。", where, Outcome.REACHED)
        if stage == Stage.DELIVERED:
            return (f"交车：按PDI检查单和{h}逐项确认，讲解车机、驾驶辅助和保养常识，介绍服务顾问孙浩并约好首保，"
                    f"交车仪式拍照送花。", ContactChannel.SHOWROOM, Outcome.REACHED)
        return (f"交车后回访：{h}说用车顺利，{rng.choice(('油耗比预期低', '家里人都很喜欢', '车机已经绑定好了'))}，"
                f"对交车过程满意，表示会推荐朋友来看车。", ContactChannel.PHONE, Outcome.REACHED)

    def do_contact(self, story: Story, step: Step) -> None:
        car, h, rng = story.car.name, story.honorific, self.rng
        brand, model, _price = story.rival
        roll = rng.random()
        if roll < 0.4:
            self.log(story, step, ContactChannel.WECHAT,
                     f"微信发送{car}本月政策（{rng.choice(FINANCE)}），{h}回复“收到，周末和家人商量一下”。",
                     outcome=Outcome.MESSAGE_SENT)
        elif roll < 0.55:
            self.log(story, step, ContactChannel.PHONE, "电话未接通，稍后再打。", outcome=Outcome.NO_ANSWER)
        elif roll < 0.65 and not story.company:
            self.log(story, step, ContactChannel.EVENT, f"邀请{h}参加本周末{car}品鉴会，客户表示有兴趣，看时间安排。")
        else:
            self.log(story, step, ContactChannel.PHONE,
                     f"电话跟进，{h}还在对比{brand} {model}，更认可{car}的{rng.choice(FEATURES)}，"
                     f"顾虑{rng.choice(CONCERNS)}。约好下周再沟通。")

    def do_final(self, story: Story, step: Step) -> None:
        spec, car, h, rng = story.spec, story.car.name, story.honorific, self.rng
        grade = "" if spec.grade in (Grade.N, Grade.O) else spec.grade
        if spec.bucket == APPOINTMENT:
            self.book_appointment(story, step, grade)
            return
        if spec.stage == Stage.ORDER:
            text = f"跟进到车进度：{car}已在途，预计下周到店，提醒{h}准备尾款和上牌资料。"
            self.log(story, step, ContactChannel.PHONE, text)
            return
        if story.company:
            self.log(story, step, ContactChannel.EMAIL,
                     f"邮件发送{story.company}大客户报价方案（含集团采购政策和三年保养套餐），对方在走内部比价流程。",
                     outcome=Outcome.MESSAGE_SENT, grade=grade)
            return
        texts = (
            (ContactChannel.PHONE, f"电话回访{h}，购车计划没变，还在等年终奖，对{car}的意向比较明确。"),
            (ContactChannel.WECHAT, f"微信问候{h}，发了{car}到店实拍视频和最新金融政策，客户回复说再考虑一下。"),
            (ContactChannel.PHONE, f"电话跟进，{h}最近出差，回来后再约看车。"),
            (ContactChannel.PHONE, f"回访{h}：家里人更倾向{car}，想等周末一起来店再看一次。"),
        )
        channel, text = rng.choice(texts)
        outcome = Outcome.MESSAGE_SENT if channel == ContactChannel.WECHAT else Outcome.REACHED
        self.log(story, step, channel, text, outcome=outcome, grade=grade)

    def appointment_time(self, story: Story) -> dt.datetime:
        scene = story.spec.scene
        if scene in ("appt_a", "appt_b"):  # they come at about the agreed time (today_at_the_showroom)
            return max(self.opening, self.today_at(0.12 if scene == "appt_a" else 0.72) - dt.timedelta(minutes=5))
        if scene == "appt_c":
            later = max((self.now + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0),
                        clock.at_local(self.today, 10, 0))
            if _day(later) == self.today and timezone.localtime(later).hour <= 21:
                return later  # later today
            return self.today_at(0.5)  # missed: the customer has not come
        day = self.today + dt.timedelta(days=self.rng.randint(1, 4))
        return clock.at_local(day, self.rng.choice((10, 11, 14, 15, 16)), self.rng.choice((0, 30)))

    def book_appointment(self, story: Story, step: Step, grade: str) -> None:
        car, h = story.car.name, story.honorific
        purpose = {Stage.FIRST_CONTACT: "到店看车", Stage.NEEDS_ANALYSIS: "到店看车", Stage.PRESENTATION: "到店试驾",
                   Stage.TEST_DRIVE: "到店谈购车方案", Stage.NEGOTIATION: "到店签约"}[story.spec.stage]
        when = self.appointment_time(story)
        self.log(story, step, ContactChannel.PHONE,
                 f"电话邀约成功：{h}确认{timezone.localtime(when):%m月%d日 %H:%M}{purpose}，已预留{car}展车和试驾车。",
                 outcome=Outcome.APPOINTMENT, grade=grade, next_step=f"{purpose}：{car}",
                 next_step_at=when if when > clock.now() else clock.now() + dt.timedelta(days=1))
        if when <= clock.now():  # booked for a time already past today: the consultant moved it to the agreed time
            task = Task.objects.get(lead=story.lead, status=TaskStatus.OPEN, kind=TaskKind.NEXT_STEP)
            followups.task_reschedule(actor=story.owner, task=task, due_at=when)

    def do_request(self, story: Story, step: Step) -> None:
        reason = story.spec.reason
        brand, model, price = story.rival
        why = self.rng.choice(EV_LOSS_WHY if story.car.electric else LOSS_WHY)
        notes = LOSS_NOTES[reason].format(brand=brand, model=model, why=why)
        competitor = {}
        if reason == LossReason.COMPETITOR:
            competitor = {"competitor_brand": brand, "competitor_model": model,
                          "competitor_price": Decimal(price - self.rng.choice((0, 10000, 20000, 30000)))}
        story.request = leads.lead_request_loss(actor=story.owner, lead=story.lead, reason=reason, notes=notes, **competitor)

    def decide_loss(self, story: Story, *, approve: bool, at: dt.datetime) -> None:
        comment = "" if approve else "客户只是在比价，还有机会。先别放弃，邀约周末再来试驾一次。"
        with self.bd.at(at):
            leads.lead_decide_loss(actor=self.manager, request=story.request, approve=approve,
                                   comment=comment or self.rng.choice(("同意", "原因明确，同意战败", "")))

    def work_rejected(self, story: Story, *, at: dt.datetime) -> None:
        task = Task.objects.filter(lead=story.lead, status=TaskStatus.OPEN, kind=TaskKind.MANUAL).first()
        with self.bd.at(at):  # what task_complete does, at a time in the past
            followups.activity_log(actor=story.owner, lead=story.lead, task=task, channel=ContactChannel.PHONE,
                                   outcome=Outcome.REACHED, occurred_at=at, grade=Grade.B,
                                   summary=f"按经理意见再次联系{story.honorific}，客户愿意周末再来试驾对比一次。")

    def after_delivery(self, story: Story, delivered: dt.datetime) -> None:
        self.won_customers.append(story.customer)
        if story.spec.stage == Stage.DELIVERED:
            due = clock.at_local(timezone.localtime(delivered).date() + dt.timedelta(days=1), 10, 30)
            with self.bd.at(delivered + dt.timedelta(minutes=90)):
                followups.task_create(actor=story.owner, lead=story.lead, title="交车24小时感谢回访", due_at=due)
            return
        call = Step("stage", stage=Stage.FOLLOW_UP,
                    at=min(clock.at_local(timezone.localtime(delivered).date() + dt.timedelta(days=1), 10, 30), self.cap))
        with self.bd.at(call.at):
            text, channel, outcome = self.stage_text(story, Stage.FOLLOW_UP, at_showroom=False)
            self.log(story, call, channel, text, outcome=outcome)
            story.lead = leads.lead_advance_stage(actor=story.owner, lead=story.lead, to=Stage.FOLLOW_UP)
            due = clock.at_local(timezone.localtime(delivered).date() + dt.timedelta(days=30), 10, 0)
            followups.task_create(actor=story.owner, lead=story.lead, title="交车30天回访：提醒首保", due_at=due)

    def depart(self, story: Story, step: Step, following: Step | None) -> None:
        left = step.at + dt.timedelta(minutes=self.rng.randint(30, 70))
        if following is not None:
            left = min(left, following.at - dt.timedelta(minutes=5))
        left = max(min(left, self.cap), story.visit.arrived_at + dt.timedelta(minutes=1))
        with self.bd.at(left):
            reception.visit_record_departure(actor=self.reception, visit=story.visit, left_at=left)
        story.visit = None

    # -- today at the showroom --

    def today_at_the_showroom(self) -> None:
        """Today's log: walk-ins and appointments, some still here, one without a mobile, some not sales at all."""
        at = self.today_at
        register = self.register_today
        # The manager reopens a lost lead the customer called back about.
        lost = self.by_scene.get("reactivate")
        if lost is not None:
            with self.bd.at(at(0.03)):
                leads.lead_reactivate(actor=self.manager, lead=lost.lead,
                                      reason=f"{lost.honorific}主动来电，{lost.rival[0]}交车要等很久，想重新看看{lost.car.name}。")
            with self.bd.at(at(0.08)):
                followups.activity_log(actor=lost.owner, lead=lost.lead, channel=ContactChannel.PHONE,
                                       outcome=Outcome.APPOINTMENT, occurred_at=at(0.08), grade=Grade.B,
                                       summary=f"重新激活后回电{lost.honorific}，客户周末想带家人来看{lost.car.name}。",
                                       next_step=f"到店看车：{lost.car.name}",
                                       next_step_at=clock.at_local(self.today + dt.timedelta(days=3), 10, 30))
        first = self.newcomer(Gender.MALE)
        visit = register(at(0.05), mobile=first["mobile"], name=first["name"], party_size=2, models="Q5L")
        self.serve_newcomer(visit, at(0.2), Stage.NEEDS_ANALYSIS, "Q5L")
        self.leave(visit, at(0.25))
        appt = self.by_scene.get("appt_a")
        if appt is not None:
            visit = register(at(0.12), mobile=appt.customer.mobile, invited=True, models=appt.car.name)
            task = Task.objects.get(lead=appt.lead, status=TaskStatus.OPEN, is_appointment=True)
            with self.bd.at(at(0.3)):  # the appointment kept: what task_complete does, at its time
                leads.lead_advance_stage(actor=appt.owner, lead=appt.lead, to=Stage.TEST_DRIVE)
                followups.activity_log(actor=appt.owner, lead=appt.lead, task=task, channel=ContactChannel.SHOWROOM,
                                       outcome=Outcome.REACHED, direction=Direction.INBOUND, occurred_at=at(0.3),
                                       grade=Grade.A,
                                       summary=f"{appt.honorific}按约到店，试驾{appt.car.name} {appt.trim}约30分钟，"
                                               f"对{self.rng.choice(FEATURES)}很满意，回去和家人商量。")
            self.leave(visit, at(0.32))
        visit = register(at(0.22), party_size=1, models="A5L", notes="随便看看，未留电话")
        self.leave(visit, at(0.3))
        ordered = self.by_scene.get("paperwork")
        if ordered is not None:
            visit = register(at(0.35), mobile=ordered.customer.mobile, purpose=VisitPurpose.PAPERWORK,
                             notes="来店补签贷款资料")
            self.leave(visit, at(0.45))
        visit = register(at(0.45), purpose=VisitPurpose.SERVICE, notes="来店保养，在客休区等车")
        self.leave(visit, at(0.6))
        invited = self.by_scene.get("invite_today")
        if invited is not None:
            visit = register(at(0.55), mobile=invited.customer.mobile, invited=True, party_size=2, models=invited.car.name)
            with self.bd.at(at(0.6)):
                leads.lead_advance_stage(actor=invited.owner, lead=invited.lead, to=Stage.PRESENTATION)
                followups.activity_log(
                    actor=invited.owner, lead=invited.lead, channel=ContactChannel.SHOWROOM, outcome=Outcome.REACHED,
                    direction=Direction.INBOUND, occurred_at=at(0.6), grade=Grade.B,
                    summary=f"{invited.honorific}线上留资后第一次到店，六方位绕车介绍{invited.car.name}，对后排空间很满意。")
            self.leave(visit, at(0.7))
        late = self.by_scene.get("appt_b")
        if late is not None:
            register(at(0.72), mobile=late.customer.mobile, invited=True, party_size=3, models=late.car.name)
        second = self.newcomer(Gender.FEMALE)
        register(at(0.8), mobile=second["mobile"], name=second["name"], models="E5 Sportback")
        third = self.newcomer(Gender.MALE)
        register(at(0.9), mobile=third["mobile"], name=third["name"], party_size=3, models="Q6L e-tron、Q5L")
        # Two online leads came in through the platform today; nobody has called them yet.
        platform = self.user("platform")
        for moment, source in ((max(self.opening, self.cap - dt.timedelta(hours=3)), Source.AUTOHOME),
                               (self.cap - dt.timedelta(minutes=8), Source.DONGCHEDI)):
            person = self.newcomer(self.rng.choice((Gender.MALE, Gender.FEMALE)))
            prefix = PLATFORMS[source][1]
            self.refs[prefix] += 1
            with self.bd.at(moment):
                leads.lead_create(actor=platform, customer_fields={"name": person["honorific"], "mobile": person["mobile"],
                                                                   "city": "北京", "source": source},
                                  lead_fields={"channel": Channel.ONLINE, "source": source, "models_of_interest": "Q6L e-tron",
                                               "budget_max": Decimal(400000)},
                                  external_ref=f"{prefix}{timezone.localtime(moment):%y%m%d}{self.refs[prefix]:04d}")

    def newcomer(self, gender: str) -> dict:
        surname = self.fake.last_name()
        male = gender == Gender.MALE
        return {"name": surname + self.rng.choice(GIVEN_MALE if male else GIVEN_FEMALE),
                "honorific": surname + ("先生" if male else "女士"), "mobile": self.next_mobile()}

    def register_today(self, moment: dt.datetime, *, mobile: str = "", name: str = "", party_size: int = 1,
                       invited: bool = False, purpose: str = VisitPurpose.SALES, models: str = "", notes: str = "") -> Visit:
        with self.bd.at(moment):
            return reception.visit_register(actor=self.reception, party_size=party_size, purpose=purpose, mobile=mobile,
                                            name=name, invited=invited, models_of_interest=models, notes=notes,
                                            arrived_at=moment)

    def serve_newcomer(self, visit: Visit, moment: dt.datetime, stage: int, model: str) -> None:
        lead = Lead.objects.select_related("owner", "customer").get(pk=visit.lead_id)
        with self.bd.at(moment):
            followups.activity_log(
                actor=lead.owner, lead=lead, channel=ContactChannel.SHOWROOM, outcome=Outcome.REACHED,
                direction=Direction.INBOUND, occurred_at=moment, grade=Grade.B,
                summary=f"自然到店，两人一起来看{model}。{self.rng.choice(HOUSEHOLD)}，现开{self.rng.choice(CURRENT_CAR)}，"
                        f"预算三十五万左右，计划一个月内定车。")
            leads.lead_advance_stage(actor=lead.owner, lead=lead, to=stage)
            customers.customer_record_consent(actor=lead.owner, customer=lead.customer, kind=ConsentKind.CONTACT,
                                              granted=True, method=ConsentMethod.PAPER)

    def leave(self, visit: Visit, moment: dt.datetime) -> None:
        moment = max(moment, visit.arrived_at + dt.timedelta(minutes=1))
        with self.bd.at(moment):
            reception.visit_record_departure(actor=self.reception, visit=visit, left_at=min(moment, self.cap))

    # -- after the backdating --

    def tidy(self) -> None:
        """Number each past day's batches in arrival order, and keep each lead's next follow-up in step with its tasks."""
        start_today = clock.start_of_day(self.today)
        visits = list(Visit.objects.filter(store=self.store, arrived_at__lt=start_today).order_by("arrived_at", "id"))
        for visit in visits:
            visit.batch_no = f"T{visit.pk}"
        Visit.objects.bulk_update(visits, ["batch_no"], batch_size=500)
        counter: Counter[dt.date] = Counter()
        for visit in visits:
            day = timezone.localtime(visit.arrived_at).date()
            counter[day] += 1
            visit.batch_no = f"{day:%Y%m%d}-{counter[day]:03d}"
        Visit.objects.bulk_update(visits, ["batch_no"], batch_size=500)
        due = dict(Task.objects.filter(store=self.store, status=TaskStatus.OPEN).values("lead_id")
                   .annotate(due=Min("due_at")).values_list("lead_id", "due"))
        stale = []
        for lead in Lead.objects.filter(store=self.store).only("id", "next_follow_up_at"):
            if lead.next_follow_up_at != due.get(lead.pk):
                lead.next_follow_up_at = due.get(lead.pk)
                stale.append(lead)
        Lead.objects.bulk_update(stale, ["next_follow_up_at"], batch_size=500)


def summarise(*, seconds: float = 0.0) -> Summary:
    """What the demo store holds now (printed by seed_demo)."""
    now = clock.now()
    start, end = clock.day_range()
    open_tasks = Task.objects.filter(status=TaskStatus.OPEN)
    by_status = dict(Lead.objects.values_list("status").annotate(n=Count("id")).order_by())
    counts = {
        "users": User.objects.count(),
        "customers": Customer.objects.count(),
        "companies": Customer.objects.filter(kind=CustomerKind.COMPANY).count(),
        "leads": Lead.objects.count(),
        "open": by_status.get(Status.OPEN, 0), "won": by_status.get(Status.WON, 0),
        "lost": by_status.get(Status.LOST, 0), "dormant": by_status.get(Status.DORMANT, 0),
        "pool": Lead.objects.filter(status=Status.OPEN, owner__isnull=True).count(),
        "loss_pending": LossRequest.objects.filter(status=LossRequestStatus.PENDING).count(),
        "activities": Activity.objects.count(),
        "due_today": open_tasks.filter(due_at__gte=start, due_at__lt=end).count(),
        "overdue": open_tasks.filter(due_at__lt=now).count(),
        "appointments_today": Task.objects.filter(is_appointment=True, due_at__gte=start, due_at__lt=end).count(),
        "visits_today": Visit.objects.filter(arrived_at__gte=start, arrived_at__lt=end).count(),
        "in_showroom": Visit.objects.filter(arrived_at__gte=start, arrived_at__lt=end, left_at__isnull=True).count(),
    }
    stages = dict(Lead.objects.values_list("stage").annotate(n=Count("id")).order_by())
    grades = dict(Lead.objects.values_list("grade").annotate(n=Count("id")).order_by())
    channels = dict(Lead.objects.values_list("channel").annotate(n=Count("id")).order_by())
    return Summary(
        seconds=seconds, counts=counts,
        stages={str(Stage(s).label): stages.get(s, 0) for s in Stage.values},
        grades={g: grades.get(g, 0) for g in Grade.values},
        channels={str(Channel(c).label): channels.get(c, 0) for c in Channel.values},
    )
