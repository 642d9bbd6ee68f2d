"""Importing a lead sheet (CSV or XLSX): all rows checked first, nothing imported from a refused sheet,
duplicates matched by mobile, and the same leads, owners, deadlines, tasks and audit as lead_create."""

import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from showroom.accounts.models import LeadAssignment, Role
from showroom.accounts.tests.factories import StoreFactory, UserFactory
from showroom.audit.models import AuditEntry
from showroom.core.choices import Channel, Source
from showroom.core.errors import DomainError, PermissionDenied
from showroom.customers.models import Customer
from showroom.customers.tests.factories import CustomerFactory
from showroom.followups.models import Task, TaskKind, TaskStatus
from showroom.leads.models import Grade, Lead, Stage, StageTransition, Status
from showroom.leads.services import lead_create
from showroom.leads.tests.factories import LeadFactory
from showroom.reception.intake import leads_import_sheet, template_workbook

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join(",".join(str(v) for v in row) for row in rows).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHEET = [
    ["姓名", "手机号", "来源", "意向车型", "预算", "备注", "线索编号"],
    ["张伟", "13800138000", "汽车之家", "Q5L", "30-40万", "想周末试驾", "AH-1"],
    ["王芳", "139 0013 9000", "懂车帝", "A6L", "45万", "", "DCD-7"],
    ["李娜", "+86 137-0013-7000", "易车", "Q3", "", "", ""],
]


def test_a_utf8_csv_with_a_bom_becomes_online_leads_with_a_first_response_deadline_in_round_robin(
    store, manager, consultant, colleague
):
    report = leads_import_sheet(actor=manager, data=csv_bytes(SHEET), filename="autohome.csv")

    assert report.ok and (report.rows, report.created, report.attached, report.existing) == (3, 3, 0, 0)
    leads = list(Lead.objects.select_related("customer").order_by("id"))
    assert [(x.customer.name, x.customer.mobile, x.source) for x in leads] == [
        ("张伟", "13800138000", Source.AUTOHOME), ("王芳", "13900139000", Source.DONGCHEDI),
        ("李娜", "13700137000", Source.YICHE),
    ]
    assert [x.owner for x in leads] == [consultant, colleague, consultant]
    first = leads[0]
    assert (first.channel, first.stage, first.status, first.grade) == (Channel.ONLINE, Stage.FIRST_CONTACT, Status.OPEN, Grade.N)
    assert (first.budget_min, first.budget_max) == (Decimal("300000.00"), Decimal("400000.00"))
    assert leads[1].budget_max == Decimal("450000.00") and leads[1].budget_min is None
    assert first.external_ref == "AH-1" and first.notes == "想周末试驾" and first.models_of_interest == "Q5L"
    assert first.first_response_due_at == NOW + dt.timedelta(hours=2) == first.next_follow_up_at
    assert first.customer.owner == consultant and first.customer.name_initials == "zw"
    task = Task.objects.get(lead=first)
    assert (task.kind, task.owner, task.due_at, task.status) == (TaskKind.FIRST_RESPONSE, consultant, first.first_response_due_at,
                                                                TaskStatus.OPEN)
    assert StageTransition.objects.count() == 3
    actions = Counter(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {"customers.created": 3, "leads.created": 3, "leads.sheet_imported": 1}


def test_a_gbk_csv_as_chinese_excel_saves_it_is_read(manager, consultant):
    report = leads_import_sheet(actor=manager, data=csv_bytes(SHEET, encoding="gbk"), filename="导出.csv")

    assert report.ok and report.created == 3
    assert sorted(Customer.objects.values_list("name", flat=True)) == sorted(["张伟", "王芳", "李娜"])


def test_an_xlsx_with_english_headers_numbers_and_dates_as_excel_stores_them_is_read(store, manager, consultant):
    sheet = [
        ["Name", "Mobile", "Channel", "Source", "Models of interest", "Budget min", "Budget max", "Expected purchase", "City"],
        ["Zhang Wei", 13800138000, "online", "pcauto", "Q5L", 300000, 350000.0, dt.datetime(2026, 5, 31), "北京"],
        ["赵敏", 13900139000.0, "电话", "来电", "", "", "", "2026-06", ""],
    ]

    report = leads_import_sheet(actor=manager, data=xlsx_bytes(sheet), filename="leads.xlsx")

    assert report.ok and report.created == 2
    web, phone = Lead.objects.select_related("customer").order_by("id")
    assert (web.customer.mobile, web.source, web.budget_min, web.budget_max) == (
        "13800138000", Source.PCAUTO, Decimal("300000.00"), Decimal("350000.00"))
    assert web.expected_purchase_date == dt.date(2026, 5, 31) and web.customer.city == "北京"
    assert (phone.customer.mobile, phone.channel, phone.source) == ("13900139000", Channel.PHONE, Source.INBOUND_CALL)
    assert phone.expected_purchase_date == dt.date(2026, 6, 30)


def test_one_refused_row_imports_nothing_and_the_report_names_each_row_and_column(manager, consultant):
    sheet = [*SHEET, ["赵敏", "12345", "汽车之家", "", "", "", ""], ["", "13600136000", "百度", "", "很多", "", ""]]

    report = leads_import_sheet(actor=manager, data=csv_bytes(sheet), filename="bad.csv")

    assert not report.ok and report.imported == 0
    assert [(e.row, e.column) for e in report.errors] == [(5, "手机号"), (6, "姓名"), (6, "来源"), (6, "预算")]
    assert "not a mainland China mobile number" in report.errors[0].message
    assert "百度" in report.errors[2].message
    assert not Customer.objects.exists() and not Lead.objects.exists() and not Task.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_source_of_another_channel_and_a_budget_upside_down_are_refused_with_the_lead_rules_message(manager, consultant):
    sheet = [["姓名", "手机号", "渠道", "来源", "预算下限", "预算上限"],
             ["张伟", "13800138000", "online", "来电", "", ""],
             ["王芳", "13900139000", "", "", "50万", "40万"]]

    report = leads_import_sheet(actor=manager, data=csv_bytes(sheet), filename="x.csv")

    assert [(e.row, e.column) for e in report.errors] == [(2, "来源"), (3, "来源"), (3, "预算上限")]
    assert "does not belong to the channel" in report.errors[0].message
    assert "Choose the lead source." in report.errors[1].message
    assert not Lead.objects.exists()


def test_a_sheet_without_a_mobile_column_is_refused_at_the_header(manager):
    report = leads_import_sheet(actor=manager, data=csv_bytes([["姓名", "来源"], ["张伟", "汽车之家"]]), filename="x.csv")

    assert [(e.row, e.column) for e in report.errors] == [(1, "Mobile")]
    assert report.rows == 0 and not Lead.objects.exists()


def test_a_mobile_repeated_in_the_sheet_opens_one_lead_and_the_repeat_is_reported_as_an_existing_lead(manager, consultant):
    sheet = [*SHEET, ["张伟（重复）", "138-0013-8000", "懂车帝", "", "", "", "DCD-9"]]

    report = leads_import_sheet(actor=manager, data=csv_bytes(sheet), filename="x.csv")

    assert (report.created, report.existing, report.duplicates_in_sheet, report.imported) == (3, 1, 1, 3)
    assert Customer.objects.filter(mobile="13800138000").get().name == "张伟"
    lead = Lead.objects.get(customer__mobile="13800138000")
    assert AuditEntry.objects.filter(action="leads.enquiry_repeated", target_id=lead.pk).count() == 1


def test_a_customer_already_on_file_gets_the_lead_attached_and_one_with_an_open_lead_is_not_duplicated(
    store, manager, consultant, colleague
):
    pooled = CustomerFactory(store=store, owner=None, name="老客户", mobile="13800138000")
    working = LeadFactory(owner=colleague, customer=CustomerFactory(store=store, owner=colleague, mobile="13900139000"))

    report = leads_import_sheet(actor=manager, data=csv_bytes(SHEET), filename="x.csv")

    assert (report.created, report.attached, report.existing, report.duplicates_in_sheet) == (1, 1, 1, 0)
    assert Customer.objects.count() == 3
    attached = Lead.objects.get(customer=pooled)
    assert attached.owner == consultant and attached.source == Source.AUTOHOME
    pooled.refresh_from_db()
    assert pooled.name == "老客户" and pooled.owner == consultant
    assert Lead.objects.filter(customer=working.customer).get() == working
    repeated = AuditEntry.objects.get(action="leads.enquiry_repeated")
    assert repeated.target_id == working.pk and repeated.data["source"] == Source.DONGCHEDI


def test_a_platform_lead_already_imported_is_not_imported_again(manager, consultant):
    leads_import_sheet(actor=manager, data=csv_bytes(SHEET), filename="monday.csv")

    again = leads_import_sheet(actor=manager, data=csv_bytes(SHEET), filename="monday.csv")

    assert again.ok and (again.imported, again.existing) == (0, 3)
    assert Lead.objects.count() == 3


def test_a_consultant_may_not_import_leads(consultant):
    with pytest.raises(PermissionDenied):
        leads_import_sheet(actor=consultant, data=csv_bytes(SHEET), filename="x.csv")
    assert not Lead.objects.exists()


@pytest.mark.parametrize(("data", "filename"), [
    (b"", "x.csv"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls"), (b"PK\x03\x04broken", "x.xlsx"),
    (csv_bytes([["姓名", "手机号"]]), "x.csv"),
])
def test_an_empty_unreadable_or_old_excel_file_is_refused_with_a_message(manager, data, filename):
    with pytest.raises(DomainError) as refused:
        leads_import_sheet(actor=manager, data=data, filename=filename)
    assert refused.value.field == "file"


def test_the_default_source_fills_rows_without_one(manager, consultant):
    sheet = [["姓名", "手机号"], ["张伟", "13800138000"]]

    leads_import_sheet(actor=manager, data=csv_bytes(sheet), filename="dcd.csv", default_source=Source.DONGCHEDI)

    assert Lead.objects.get().source == Source.DONGCHEDI


def test_the_platform_written_in_the_channel_column_is_read_as_the_source(manager, consultant):
    sheet = [["客户姓名", "联系电话", "渠道"], ["张伟", "13800138000", "太平洋汽车"]]

    leads_import_sheet(actor=manager, data=csv_bytes(sheet), filename="x.csv")

    lead = Lead.objects.get()
    assert (lead.channel, lead.source) == (Channel.ONLINE, Source.PCAUTO)


def test_a_store_that_keeps_new_leads_in_the_pool_gets_them_unassigned(store, manager, consultant):
    store.lead_assignment = LeadAssignment.POOL
    store.save()

    leads_import_sheet(actor=manager, data=csv_bytes(SHEET), filename="x.csv")

    assert set(Lead.objects.values_list("owner", flat=True)) == {None}
    assert set(Task.objects.values_list("owner", flat=True)) == {None}


def test_the_template_has_the_headers_the_importer_reads(manager, consultant):
    book = load_workbook(io.BytesIO(template_workbook()), read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    row = ["张伟", "13800138000", "", "汽车之家", "Q5L", "30万", "2026-06", "北京", "", "AH-1"]

    report = leads_import_sheet(actor=manager, data=xlsx_bytes([list(header), row]), filename="template.xlsx")

    assert header[:2] == ("姓名", "手机号") and report.ok and not report.ignored_columns and report.created == 1


def test_the_import_runs_a_few_queries_per_thousand_rows_not_one_per_row(manager, consultant, colleague):
    rows = [["姓名", "手机号", "来源"]] + [[f"客户{n}", f"1380013{n:04d}", "汽车之家"] for n in range(600)]

    with CaptureQueriesContext(connection) as queries:
        report = leads_import_sheet(actor=manager, data=csv_bytes(rows), filename="big.csv")

    assert report.created == 600
    assert len(queries) < 60


# --- The bulk path keeps lead_create's rules ------------------------------------------------------------

ROWS = [  # name, mobile, channel, source, budget from, budget to
    ("张伟", "13800138000", "online", "autohome", "300000", "400000"),
    ("王芳", "13900139000", "online", "dongchedi", "", ""),
    ("张伟", "13800138000", "online", "yiche", "", ""),  # the same mobile again
    ("李娜", "13700137000", "phone", "inbound_call", "", "250000"),
    ("陈静", "13600136000", "showroom", "walk_in", "", ""),  # not online or phone: the pool, the grade's follow-up
    ("老客户", "13500135000", "online", "douyin", "", ""),  # on file, no open lead
    ("在跟进", "13300133000", "online", "wechat", "", ""),  # on file with an open lead
    ("刘洋", "13200132000", "online", "xiaohongshu", "", ""),
    ("赵敏", "13100131000", "online", "oem_online", "", ""),
]


def _store_with_people():
    store = StoreFactory()
    manager = UserFactory(store=store, role=Role.MANAGER)
    consultants = [UserFactory(store=store, role=Role.CONSULTANT) for _ in range(3)]
    UserFactory(store=store, role=Role.CONSULTANT, on_duty=False)
    CustomerFactory(store=store, owner=None, name="老客户", mobile="13500135000")
    LeadFactory(owner=consultants[2], customer=CustomerFactory(store=store, owner=consultants[2], name="在跟进", mobile="13300133000"))
    return store, manager, consultants


def _after(when, lead):
    """A deadline as time after the lead was opened (row by row, each lead is opened a second later)."""
    return None if when is None else when - lead.created_at


def _outcome(store, consultants) -> dict:
    who = {c.pk: f"c{i}" for i, c in enumerate(consultants)} | {None: None}
    leads = Lead.objects.filter(store=store).select_related("customer").order_by("customer__mobile", "id")
    return {
        "customers": sorted((c.mobile, c.name, c.name_pinyin, c.name_initials, c.source, who[c.owner_id], c.version)
                            for c in Customer.objects.filter(store=store)),
        "leads": [(x.customer.mobile, who[x.owner_id], x.channel, x.source, x.budget_min, x.budget_max, x.stage, x.status,
                   x.grade, _after(x.first_response_due_at, x), _after(x.next_follow_up_at, x), x.version) for x in leads],
        "tasks": sorted((t.lead.customer.mobile, t.kind, t.title, _after(t.due_at, t.lead), who[t.owner_id], t.status)
                        for t in Task.objects.filter(store=store).select_related("lead__customer")),
        "transitions": StageTransition.objects.filter(lead__store=store).count(),
        "audit": Counter(a for a in AuditEntry.objects.filter(store=store).values_list("action", flat=True)
                         if a != "leads.sheet_imported"),
        "lead_audit": sorted(
            (e.data["source"], e.data["channel"], e.data["budget_min"], e.data["budget_max"], who[e.data["owner_id"]],
             e.data["stage"], e.data["status"], e.data["grade"])
            for e in AuditEntry.objects.filter(store=store, action="leads.created")
        ),
        "customer_audit": sorted(
            (e.action, tuple(sorted(
                (k, who.get(v, v) if k in ("owner_id", "to_id") else v) for k, v in e.data.items() if k not in ("from", "to"))))
            for e in AuditEntry.objects.filter(store=store, action__startswith="customers.")
        ),
    }


def test_the_bulk_import_leaves_exactly_what_lead_create_row_by_row_leaves(db, frozen):
    by_sheet, sheet_manager, sheet_consultants = _store_with_people()
    by_service, service_manager, service_consultants = _store_with_people()
    sheet = [["姓名", "手机号", "渠道", "来源", "预算下限", "预算上限"], *[list(row) for row in ROWS]]

    report = leads_import_sheet(actor=sheet_manager, data=csv_bytes(sheet), filename="x.csv")
    for name, mobile, channel, source, low, high in ROWS:
        frozen.shift(dt.timedelta(seconds=1))  # the round robin goes by the time of each consultant's last lead
        lead_create(actor=service_manager, customer_fields={"name": name, "mobile": mobile, "source": source},
                    lead_fields={"channel": channel, "source": source, "budget_min": low, "budget_max": high,
                                 "models_of_interest": "", "notes": ""})

    assert (report.created, report.attached, report.existing) == (6, 1, 2)
    assert _outcome(by_sheet, sheet_consultants) == _outcome(by_service, service_consultants)
    # The rotation continues where the import left it, exactly as after lead_create.
    frozen.shift(dt.timedelta(minutes=1))
    after_sheet, _ = lead_create(actor=sheet_manager, customer_fields={"name": "下一位", "mobile": "13000130000"},
                                 lead_fields={"channel": "online", "source": "autohome"})
    after_service, _ = lead_create(actor=service_manager, customer_fields={"name": "下一位", "mobile": "13000130000"},
                                   lead_fields={"channel": "online", "source": "autohome"})
    assert sheet_consultants.index(after_sheet.owner) == service_consultants.index(after_service.owner)


def test_bilingual_headers_are_read_and_unknown_columns_are_reported_as_not_read(manager, consultant):
    sheet = [["姓名/Name", "手机号 (mobile)", "来源 Source", "客户等级"], ["张伟", "13800138000", "抖音", "A"]]

    report = leads_import_sheet(actor=manager, data=csv_bytes(sheet), filename="x.csv")

    assert report.ok and report.created == 1 and report.ignored_columns == ["客户等级"]
    assert Lead.objects.get().source == Source.DOUYIN


@pytest.mark.parametrize(("written", "low", "high"), [
    ("30万", None, "300000.00"), ("25-30万", "250000.00", "300000.00"), ("25万~30万", "250000.00", "300000.00"),
    ("￥300000元", None, "300000.00"), ("50万以上", "500000.00", None), ("40万以内", None, "400000.00"), ("", None, None),
])
def test_budgets_are_read_as_chinese_staff_write_them(manager, consultant, written, low, high):
    sheet = [["姓名", "手机号", "来源", "预算"], ["张伟", "13800138000", "汽车之家", written]]

    leads_import_sheet(actor=manager, data=csv_bytes(sheet), filename="x.csv")

    lead = Lead.objects.get()
    assert (lead.budget_min, lead.budget_max) == (low and Decimal(low), high and Decimal(high))


@pytest.mark.parametrize("written", ["30-40", "很多", "30万-abc", "1-2-3万", "1e30", "1e26万"])
def test_a_budget_without_its_unit_or_unreadable_is_refused(manager, consultant, written):
    sheet = [["姓名", "手机号", "来源", "预算"], ["张伟", "13800138000", "汽车之家", written]]

    report = leads_import_sheet(actor=manager, data=csv_bytes(sheet), filename="x.csv")

    assert [(e.row, e.column) for e in report.errors] == [(2, "预算")] and not Lead.objects.exists()


def test_nul_characters_an_export_left_in_the_cells_are_dropped(manager, consultant):
    sheet = [["姓名", "手机号", "来源", "备注"], ["张\x00伟", "13800138000", "汽车之家", "想看\x00Q5L"]]

    report = leads_import_sheet(actor=manager, data=csv_bytes(sheet), filename="x.csv")

    assert report.ok and report.imported == 1
    lead = Lead.objects.select_related("customer").get()
    assert (lead.customer.name, lead.notes) == ("张伟", "想看Q5L")
