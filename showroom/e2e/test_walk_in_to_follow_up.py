"""A Saturday morning, end to end in Chromium: reception registers a walk-in, the consultant finds it on
the workbench, logs the call and schedules the follow-up."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from showroom.accounts.models import Role
from showroom.accounts.tests.factories import StoreFactory, UserFactory
from showroom.core import clock
from showroom.core.choices import Channel, Source
from showroom.followups.models import Activity, Task, TaskStatus
from showroom.followups.services import task_create
from showroom.leads.models import Grade, Lead
from showroom.leads.services import lead_create, lead_set_grade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "workbench.png"


def _a_working_day(consultant):
    """Prospects the consultant already has, so the workbench looks like a real day."""
    now = clock.now()
    people = [
        ("李娜", "13911112222", Source.AUTOHOME, Channel.ONLINE, "Q5L 40 TFSI", Grade.A, -26),
        ("陈建国", "13922223333", Source.INBOUND_CALL, Channel.PHONE, "A6L", Grade.H, -3),
        ("赵敏", "13933334444", Source.WALK_IN, Channel.SHOWROOM, "Q6L e-tron", Grade.B, 2),
        ("北京某某科技有限公司", "13944445555", Source.KEY_ACCOUNT, Channel.PROACTIVE, "A6L ×3", Grade.B, 5),
        ("孙浩", "13955556666", Source.DONGCHEDI, Channel.ONLINE, "E5 Sportback", Grade.C, 7),
    ]
    for name, mobile, source, channel, models, grade, hours in people:
        lead, _ = lead_create(actor=consultant, customer_fields={"name": name, "mobile": mobile},
                              lead_fields={"channel": channel, "source": source, "models_of_interest": models})
        lead_set_grade(actor=consultant, lead=lead, grade=grade)
        task_create(actor=consultant, lead=lead, title=f"回访：确认{models}的试驾时间", due_at=now + dt.timedelta(hours=hours))


def test_a_walk_in_registered_at_reception_reaches_the_consultant_who_logs_a_call_and_schedules_the_follow_up(
    open_page, live_server
):
    store = StoreFactory(name="广华奥迪 4S 店")
    receptionist = UserFactory(store=store, role=Role.RECEPTIONIST, username="reception", full_name="周晓燕",
                               language="zh-hans")
    consultant = UserFactory(store=store, role=Role.CONSULTANT, username="sales1", full_name="王磊", language="zh-hans")
    _a_working_day(consultant)

    # 10 a.m.: the receptionist registers a couple who walk in, asking about the Q5L.
    reception = open_page(receptionist)
    reception.goto(f"{live_server.url}/reception/")
    reception.fill("[data-testid=visit-mobile]", "138 0013 8000")
    reception.fill("#id_name", "张先生")
    reception.fill("#id_party_size", "2")
    reception.fill("#id_models_of_interest", "Q5L")
    expect(reception.locator("[data-testid=next-in-turn]")).to_have_text("王磊")
    reception.click("[data-testid=register-visit]")
    expect(reception.locator("[data-testid=registered]")).to_be_visible()
    lead = Lead.objects.get(customer__mobile="13800138000")
    batch = lead.visits.get().batch_no
    expect(reception.locator(f"tr:has-text('{batch}')").first).to_contain_text("王磊")
    assert lead.owner == consultant and lead.channel == Channel.SHOWROOM

    # The consultant sees the walk-in on the workbench (in Chinese) and opens the lead from it.
    desk = open_page(consultant)
    desk.goto(f"{live_server.url}/followups/workbench/")
    walk_ins = desk.locator("#walk-ins")
    expect(walk_ins).to_contain_text("张先生")
    expect(desk.locator("#due-tasks")).to_contain_text("李娜")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    desk.screenshot(path=str(SCREENSHOT), full_page=True)
    walk_ins.get_by_role("link", name="张先生").click()
    expect(desk.locator("[data-testid=customer-card]")).to_contain_text("138****8000")

    # After the visit: the thank-you call, and an agreed test drive on Monday at ten.
    monday = clock.today() + dt.timedelta(days=(7 - clock.today().weekday()) or 7)
    form = desk.locator("[data-testid=log-contact]")
    form.locator("select[name=outcome]").select_option("appointment")
    form.locator("textarea[name=summary]").fill("感谢到店。客户对Q5L很满意，周一上午带家人来试驾。")
    form.locator("input[name=next_step]").fill("周一10点试驾Q5L")
    form.locator("input[name=next_step_at]").fill(f"{monday:%Y-%m-%d}T10:00")
    form.locator("button[type=submit]").click()

    expect(desk.locator("[data-testid=lead-tasks]")).to_contain_text("周一10点试驾Q5L")
    expect(desk.locator("[data-testid=timeline]")).to_contain_text("感谢到店")
    activity = Activity.objects.get(lead=lead)
    assert activity.actor == consultant and activity.outcome == "appointment"
    follow_up = Task.objects.get(lead=lead, status=TaskStatus.OPEN, kind="next_step")
    assert clock.local_now().tzinfo is not None
    assert follow_up.due_at.astimezone(clock.local_now().tzinfo).date() == monday
    assert follow_up.is_appointment
