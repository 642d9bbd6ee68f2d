"""Demo data of the testdrives app (see settings.DEMO_EXTENSIONS): the store's routes, bookings today and this week
for leads at or before the test drive, completed drives (signed, with feedback) on leads past it, one drive under
way, a no-show and a decline. Everything goes through the services; no lead is moved backwards."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from showroom.accounts.models import User
from showroom.core import clock
from showroom.core.errors import DomainError
from showroom.leads.models import Lead, Stage, Status

from . import services
from .selectors import slot_starts, store_policy, test_drive_cars
from .signature import as_data_url, drawn_signature

ROUTES = (
    ("城市综合路线", "起步加速、连续弯道、减速带、紧急制动演示，回店前体验自动泊车。", "8.5", 25, True),
    ("快速路体验路线", "上高架并线加速，体验自适应巡航与车道保持，感受高速风噪与胎噪。", "15.0", 30, True),
    ("短途试乘路线", "顾问驾驶、客户试乘：后排乘坐舒适性、静谧性与空间，适合实习期客户。", "4.0", 15, True),
    ("老城区路线", "老城区窄路与掉头（道路施工，暂停使用）。", "6.0", 20, False),
)
COMMENTS = ("加速很有劲，转向精准", "后排空间比预期大，家人坐着舒服", "隔音不错，高速上很安静", "辅助驾驶很好用，跟车平顺",
            "底盘有点硬，过减速带有感觉", "整体满意，想再比较一下价格")
NOTES = ("客户对四驱很感兴趣，下一步报价", "家人一起来，关注后排和安全配置", "对比过宝马5系，重点讲操控",
         "关注油耗和保养成本", "太太拍板，安排周末再来谈价格")


def _consultants() -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(username__in=("sales1", "sales2", "sales3", "keyaccount"))}


def _leads(store, sellers, stages) -> list[Lead]:
    return list(Lead.objects.filter(store=store, status=Status.OPEN, owner_id__in=list(sellers), stage__in=stages,
                                    loss_pending=False).select_related("customer").order_by("pk"))


def _scores(rng) -> dict:
    overall = rng.choice((4, 4, 5, 5, 3))
    return {name: max(1, min(5, overall + rng.choice((-1, 0, 0, 1)))) for name in (
        "score_acceleration", "score_handling", "score_comfort", "score_quietness", "score_assistance", "score_space")
            } | {"score_overall": overall}


def _attempt(step) -> bool:
    """Run one demo story in a savepoint: a refusal (a slot already taken) leaves nothing of it behind."""
    try:
        with transaction.atomic():
            step()
    except DomainError:
        return False
    return True


def _drive(*, actor, booking, route, rng, start: dt.datetime, minutes: int, finish: bool) -> None:
    """Licence, signature, out and (if `finish`) back with feedback, at the booked time."""
    day = timezone.localtime(start).date()
    services.testdrive_check_licence(
        actor=actor, booking=booking, number=f"1101051{rng.randint(10**10, 10**11 - 1)}",
        licence_class=rng.choice(("C1", "C1", "C2")), valid_until=dt.date(day.year + rng.randint(1, 8), rng.randint(1, 12), 1),
        first_issued=dt.date(rng.randint(2008, 2022), rng.randint(1, 12), 1), today=day)
    services.testdrive_sign_agreement(actor=actor, booking=booking, signer_name=booking.lead.customer.name,
                                      signature_data_url=as_data_url(drawn_signature(booking.pk)), accepted=True,
                                      route=route, now=start)
    odometer = rng.randint(800, 9000)
    services.testdrive_start(actor=actor, booking=booking, odometer_start=odometer, now=start)
    if finish:
        services.testdrive_complete(actor=actor, booking=booking, odometer_end=odometer + rng.randint(6, 16),
                                    scores=_scores(rng), customer_comments=rng.choice(COMMENTS),
                                    consultant_notes=rng.choice(NOTES), now=start + dt.timedelta(minutes=minutes))


def seed(*, store, rng) -> list[str]:
    manager = User.objects.get(username="manager")
    admin = User.objects.get(username="admin")
    policy = store_policy(store.pk)
    services.policy_save(actor=admin, opens_at=policy.opens_at, closes_at=policy.closes_at, slot_minutes=policy.slot_minutes,
                         probationary_may_drive=False, agreement_text=policy.agreement_text)
    routes = [services.route_save(actor=manager, name=n, description=d, distance_km=km, typical_minutes=m, active=a)
              for n, d, km, m, a in ROUTES]
    in_use = [r for r in routes if r.active]
    cars = list(test_drive_cars(manager).filter(store=store))
    sellers = _consultants()
    counts = {"booked": 0, "completed": 0, "under_way": 0, "no_show": 0, "declined": 0}
    now, today = clock.now(), clock.today()
    policy = store_policy(store.pk)

    before = _leads(store, sellers, (Stage.NEEDS_ANALYSIS, Stage.PRESENTATION, Stage.TEST_DRIVE))
    past = _leads(store, sellers, (Stage.NEGOTIATION,))
    rng.shuffle(before)
    rng.shuffle(past)

    if cars:
        # Completed drives in the past two weeks on leads already at the quote (they stay there).
        for lead in past[:8]:
            actor = sellers[lead.owner_id]
            day = today - dt.timedelta(days=rng.randint(1, 14))
            start = rng.choice(slot_starts(policy, day)[:-2])
            car, route = rng.choice(cars), rng.choice(in_use)

            def complete(lead=lead, actor=actor, start=start, car=car, route=route):
                booking = services.testdrive_book(actor=actor, lead=lead, vehicle=car, starts_at=start, slots=2,
                                                  route=route, now=start - dt.timedelta(days=1))
                _drive(actor=actor, booking=booking, route=route, rng=rng, start=start, minutes=rng.randint(20, 40),
                       finish=True)
            counts["completed"] += _attempt(complete)

        # A customer who did not come yesterday.
        for lead in before[:1]:
            start = slot_starts(policy, today - dt.timedelta(days=1))[4]

            def no_show(lead=lead, start=start):
                booking = services.testdrive_book(actor=sellers[lead.owner_id], lead=lead, vehicle=cars[0],
                                                  starts_at=start, now=start - dt.timedelta(days=2))
                services.testdrive_no_show(actor=sellers[lead.owner_id], booking=booking, reason="电话未接，微信已留言改约",
                                           now=start + dt.timedelta(minutes=40))
            counts["no_show"] += _attempt(no_show)

        # One drive under way right now, if the store is open.
        current = [s for s in slot_starts(policy, today) if s <= now < s + dt.timedelta(minutes=policy.slot_minutes)]
        upcoming_leads = before[1:]
        if current and upcoming_leads:
            lead = upcoming_leads.pop(0)

            def under_way(lead=lead):
                booking = services.testdrive_book(actor=sellers[lead.owner_id], lead=lead, vehicle=cars[-1],
                                                  starts_at=current[0], slots=2, route=in_use[0])
                _drive(actor=sellers[lead.owner_id], booking=booking, route=in_use[0], rng=rng, start=now, minutes=0,
                       finish=False)
            counts["under_way"] += _attempt(under_way)

        # Bookings for the rest of today and this week.
        for lead in upcoming_leads[:12]:
            for _try in range(6):
                day = today + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 4, 5, 6)))
                starts = [s for s in slot_starts(policy, day)[:-1] if s > now]
                if not starts:
                    continue
                booked = _attempt(lambda lead=lead, day=day, starts=starts: services.testdrive_book(
                    actor=sellers[lead.owner_id], lead=lead, vehicle=rng.choice(cars), starts_at=rng.choice(starts),
                    slots=rng.choice((1, 2, 2)), route=rng.choice([*in_use, None])))
                if booked:
                    counts["booked"] += 1
                    break

    # A customer at the presentation who declines: the lead moves on to the quote with the reason.
    declining = [lead for lead in _leads(store, sellers, (Stage.PRESENTATION,))
                 if not lead.test_drives.exists()][:1]
    for lead in declining:
        services.testdrive_decline(actor=sellers[lead.owner_id], lead=lead, reason="上周已在别家店试驾过同款，直接谈价格")
        counts["declined"] += 1

    return [
        f"Test drives: {len(in_use)} routes in use, {len(cars)} test-drive cars; {counts['booked']} booked today and this "
        f"week, {counts['under_way']} under way, {counts['completed']} completed with signed agreement and feedback, "
        f"{counts['no_show']} no-show, {counts['declined']} declined"
        + ("" if cars else " (no test-drive cars in the stock yet)"),
    ]
