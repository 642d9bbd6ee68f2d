"""Demo data of the catalog app (see settings.DEMO_EXTENSIONS): the Audi line-up a FAW-Audi dealer sells in
2026 and the competitors consultants compare against (domain reference §6 and §7; names fixed by the demo
brief), entered through the catalog services by the demo store's admin. Prices are guide prices in yuan,
within the ranges of the reference; specifications are typical values for each trim."""

from __future__ import annotations

from decimal import Decimal

from showroom.accounts.models import User

from . import services
from .models import Brand

FAW, SAIC, IMPORT = "一汽奥迪", "上汽奥迪", "进口"
_1_4T, _2_0T, _3_0T = 1395, 1984, 2995

# (trim name, guide price, powertrain, cc, kWh, km, seats, drive, kW, 0-100 s, key equipment)
AUDI: list[tuple[str, str, str, tuple[int, int], list[tuple]]] = [
    ("A3L", FAW, "sedan", (4528, 2680), [
        ("35 TFSI 进取致雅型", 203100, "petrol", _1_4T, None, None, 5, "fwd", 110, "8.9", "LED大灯\n10.1英寸触控屏\n倒车影像"),
        ("35 TFSI 时尚致雅型", 221100, "petrol", _1_4T, None, None, 5, "fwd", 110, "8.9", "矩阵式LED大灯\n全景天窗\n无钥匙进入"),
        ("35 TFSI 豪华致雅型", 239800, "petrol", _1_4T, None, None, 5, "fwd", 110, "8.9", "全景天窗\n自适应巡航\n座椅加热"),
    ]),
    ("A5L", FAW, "sedan", (4903, 2923), [
        ("40 TFSI 豪华动感型", 239800, "petrol", _2_0T, None, None, 5, "fwd", 150, "7.9", "华为乾崑智驾ADS\n数字座舱\n矩阵式LED大灯"),
        ("40 TFSI quattro 豪华动感型", 259800, "petrol", _2_0T, None, None, 5, "awd", 150, "7.4", "quattro四驱\n华为乾崑智驾ADS\n全景天窗"),
        ("45 TFSI quattro 臻选动感型", 289800, "petrol", _2_0T, None, None, 5, "awd", 200, "6.1", "quattro四驱\n空气净化\nB&O音响"),
    ]),
    ("A6L", FAW, "sedan", (5050, 3024), [
        ("40 TFSI 豪华动感型", 429800, "petrol", _2_0T, None, None, 5, "fwd", 150, "8.4", "48V轻混\n矩阵式LED大灯\n四区空调"),
        ("45 TFSI quattro 臻选动感型", 479800, "petrol", _2_0T, None, None, 5, "awd", 195, "6.8", "quattro四驱\n全景天窗\n自适应巡航"),
        ("55 TFSI quattro 旗舰致雅型", 655800, "petrol", _3_0T, None, None, 5, "awd", 250, "5.6", "3.0T V6\n后轮转向\nB&O 3D音响"),
    ]),
    ("Q2L", FAW, "suv", (4268, 2628), [
        ("35 TFSI 进取动感型", 216800, "petrol", _1_4T, None, None, 5, "fwd", 110, "9.1", "LED大灯\n倒车影像\n定速巡航"),
        ("35 TFSI 豪华致雅型", 249800, "petrol", _1_4T, None, None, 5, "fwd", 110, "9.1", "全景天窗\n虚拟座舱\n电动尾门"),
    ]),
    ("Q3", FAW, "suv", (4481, 2680), [
        ("35 TFSI 时尚动感型", 288800, "petrol", _1_4T, None, None, 5, "fwd", 110, "9.2", "全景天窗\n电动尾门\n虚拟座舱"),
        ("40 TFSI quattro 豪华动感型", 348800, "petrol", _2_0T, None, None, 5, "awd", 137, "7.6", "quattro四驱\n矩阵式LED大灯\n自适应巡航"),
    ]),
    ("Q5L", FAW, "suv", (4770, 2908), [
        ("40 TFSI 豪华动感型", 398800, "petrol", _2_0T, None, None, 5, "awd", 150, "8.1", "48V轻混\nquattro四驱\n全景天窗"),
        ("45 TFSI quattro 臻选动感型", 458800, "petrol", _2_0T, None, None, 5, "awd", 183, "6.9", "矩阵式LED大灯\n自适应巡航\n座椅通风"),
        ("45 TFSI quattro 尊享时尚型", 498800, "petrol", _2_0T, None, None, 5, "awd", 183, "6.9", "空气悬架\nB&O音响\n抬头显示"),
    ]),
    ("Q5L Sportback", FAW, "coupe_suv", (4689, 2907), [
        ("40 TFSI 豪华型", 418800, "petrol", _2_0T, None, None, 5, "awd", 150, "8.1", "轿跑溜背造型\n全景天窗\n矩阵式LED大灯"),
        ("45 TFSI quattro 臻选型", 478800, "petrol", _2_0T, None, None, 5, "awd", 183, "6.9", "运动座椅\nB&O音响\n自适应巡航"),
    ]),
    ("Q6L e-tron", FAW, "suv", (4904, 2998), [
        ("后驱 星耀型", 369800, "bev", None, "83", 643, 5, "rwd", 225, "6.2", "PPE平台800V快充\n华为乾崑智驾ADS\n数字OLED尾灯"),
        ("四驱 星耀型", 399800, "bev", None, "107", 770, 5, "awd", 380, "4.4", "quattro电四驱\n800V快充\nAR-HUD"),
    ]),
    ("Q7", IMPORT, "suv", (5072, 2999), [
        ("45 TFSI quattro 豪华型", 689800, "petrol", _2_0T, None, None, 7, "awd", 195, "7.4", "七座\n空气悬架\n四区空调"),
        ("55 TFSI quattro 尊享型", 849800, "petrol", _3_0T, None, None, 7, "awd", 250, "5.9", "3.0T V6\n后轮转向\nB&O 3D音响"),
    ]),
    ("e-tron GT", IMPORT, "coupe", (4989, 2900), [
        ("quattro", 999800, "bev", None, "93.4", 550, 4, "awd", 390, "4.1", "800V快充\n空气悬架\n碳纤维车顶"),
        ("RS e-tron GT", 1459800, "bev", None, "93.4", 520, 4, "awd", 475, "3.3", "RS专属调校\n陶瓷制动\n矩阵式激光大灯"),
    ]),
]

COMPETITORS: list[tuple[str, list[tuple[str, str, str, tuple[int, int], list[tuple]]]]] = [
    ("宝马", [
        ("3系", "华晨宝马", "sedan", (4838, 2961), [
            ("325Li M运动套装", 349900, "petrol", 1998, None, None, 5, "rwd", 135, "7.1", "M运动套装\n后驱\n曲面屏")]),
        ("5系", "华晨宝马", "sedan", (5175, 3105), [
            ("525Li 豪华套装", 449900, "petrol", 1998, None, None, 5, "rwd", 155, "7.5", "后驱\n曲面屏\n座椅通风")]),
        ("X3", "华晨宝马", "suv", (4865, 2975), [
            ("xDrive25L 豪华套装", 399900, "petrol", 1998, None, None, 5, "awd", 140, "7.9", "xDrive四驱\n全景天窗\n曲面屏")]),
    ]),
    ("奔驰", [
        ("C级", "北京奔驰", "sedan", (4882, 2954), [
            ("C 260 L 运动版", 337800, "petrol", 1496, None, None, 5, "rwd", 150, "7.7", "48V轻混\n中控大屏\n氛围灯")]),
        ("E级", "北京奔驰", "sedan", (5092, 3094), [
            ("E 300 L 豪华型", 499800, "petrol", 1999, None, None, 5, "rwd", 190, "6.6", "超联屏\n柏林之声音响\n后排舒适")]),
        ("GLC", "北京奔驰", "suv", (4826, 2977), [
            ("GLC 300 L 4MATIC 豪华型", 459800, "petrol", 1999, None, None, 5, "awd", 190, "6.9", "4MATIC四驱\n全景天窗\n氛围灯")]),
    ]),
    ("特斯拉", [
        ("Model 3", "特斯拉中国", "sedan", (4720, 2875), [
            ("后轮驱动版", 235500, "bev", None, "60", 634, 5, "rwd", 194, "6.1", "15.4英寸中控屏\nAutopilot\n玻璃车顶")]),
        ("Model Y", "特斯拉中国", "suv", (4797, 2890), [
            ("后轮驱动版", 263500, "bev", None, "62.5", 593, 5, "rwd", 220, "5.9", "Autopilot\n玻璃车顶\n后排屏"),
            ("Model Y L 六座版", 339000, "bev", None, "82", 751, 6, "awd", 331, "4.5", "六座\n二排电动座椅\n加长轴距")]),
    ]),
    ("小米", [
        ("SU7", "小米汽车", "sedan", (4997, 3000), [
            ("标准版", 215900, "bev", None, "73.6", 700, 5, "rwd", 220, "5.3", "澎湃OS\n智能驾驶\n无框车门"),
            ("Max", 299900, "bev", None, "101", 800, 5, "awd", 495, "2.8", "双电机四驱\n空气悬架\n激光雷达")]),
        ("YU7", "小米汽车", "suv", (4999, 3000), [
            ("标准版", 253500, "bev", None, "96.3", 835, 5, "rwd", 235, "5.9", "澎湃OS\n天际屏\n激光雷达")]),
    ]),
    ("理想", [
        ("L6", "理想汽车", "suv", (4925, 2920), [
            ("Pro", 249800, "erev", 1496, "36.8", 212, 5, "awd", 300, "5.4", "增程动力\n双电机四驱\n空气悬架选装")]),
    ]),
    ("沃尔沃", [
        ("XC60", "沃尔沃亚太", "suv", (4708, 2865), [
            ("B5 四驱 智远豪华版", 399900, "petrol", 1969, None, None, 5, "awd", 184, "7.2", "48V轻混\n四驱\n宝华韦健音响")]),
    ]),
    ("雷克萨斯", [
        ("ES", "进口", "sedan", (4975, 2870), [
            ("ES 300h 豪华版", 319000, "hev", 2487, None, None, 5, "fwd", 160, "8.9", "油电混合\nMark Levinson音响\n座椅通风")]),
    ]),
    ("蔚来", [
        ("ES6", "蔚来", "suv", (4854, 2915), [
            ("75kWh", 338000, "bev", None, "75", 490, 5, "awd", 360, "4.5", "换电\n双电机四驱\nNOMI")]),
    ]),
]

EXTERIOR = [("冰川白", "2Y2Y", 0), ("传奇黑", "A2A2", 0), ("天云灰", "6D6D", 8000), ("探索蓝", "2D2D", 12000),
            ("罗兰紫", "4G4G", 12000), ("星辰银", "L5L5", 8000)]
INTERIOR = [("黑色", "", 0), ("棕色", "", 5000), ("灰色", "", 3000)]
OPTIONS = {
    "A5L": [("驾驶辅助包", 12000, "自适应巡航、车道保持、360全景影像"), ("B&O音响包", 15000, "B&O 3D音响")],
    "A6L": [("豪华舒适包", 28000, "座椅通风按摩、四区空调、电吸门"), ("驾驶辅助包", 18000, "自适应巡航、车道保持、夜视"),
            ("运动外观包", 9800, "S line外观、20英寸轮毂")],
    "Q3": [("科技包", 9800, "虚拟座舱、无线充电")],
    "Q5L": [("豪华舒适包", 22000, "空气悬架、座椅通风"), ("驾驶辅助包", 15000, "自适应巡航、车道保持"),
            ("B&O音响包", 16000, "B&O 3D音响")],
    "Q6L e-tron": [("智驾包", 20000, "华为乾崑智驾ADS高阶功能"), ("舒适包", 15000, "座椅按摩、电吸门")],
    "Q7": [("七座舒适包", 25000, "二排电动座椅、四区空调")],
}
ACCESSORIES = [
    ("全包围脚垫", "内饰", 1280, None), ("后备箱垫", "内饰", 680, None), ("行车记录仪", "电子", 2580, None),
    ("车载冰箱", "电子", 3980, None), ("迎宾灯", "电子", 1580, None), ("儿童安全座椅", "安全", 4580, None),
    ("前挡防爆膜", "贴膜", 3800, None), ("全车隔热膜", "贴膜", 6800, None), ("隐形车衣TPU", "贴膜", 16800, None),
    ("原厂车衣", "外饰", 2800, None), ("20英寸锻造轮毂套装", "外饰", 19800, "A6L"), ("车顶行李架", "外饰", 3200, "Q5L"),
    ("家用充电桩及安装", "充电", 4999, "Q6L e-tron"), ("电动牵引钩", "外饰", 6800, "Q7"), ("碳纤维后视镜罩", "外饰", 8800, "e-tron GT"),
]


def _trim_fields(row, dims) -> dict:
    name, price, powertrain, cc, kwh, km, seats, drive, kw, accel, equipment = row
    return {"name": name, "model_year": 2026, "guide_price": Decimal(price), "powertrain": powertrain, "displacement_cc": cc,
            "battery_kwh": kwh, "range_km": km, "seats": seats, "drive": drive, "power_kw": kw, "acceleration_s": accel,
            "length_mm": dims[0], "wheelbase_mm": dims[1], "key_equipment": equipment}


def seed(*, store, rng) -> list[str]:
    """The group's catalog, entered by the demo store's admin through the catalog services."""
    if Brand.objects.filter(group_id=store.group_id).exists():
        return []
    admin = User.objects.get(username="admin")
    counts = {"trims": 0, "colours": 0, "options": 0}
    audi = services.brand_create(actor=admin, fields={"name": "奥迪", "is_own": True, "sort_order": 0})
    series_by_name = {}
    for order, (name, maker, body, dims, trims) in enumerate(AUDI):
        series = services.series_create(actor=admin, brand=audi, fields={"name": name, "maker": maker, "body_type": body,
                                                                          "sort_order": order})
        series_by_name[name] = series
        for row in trims:
            services.trim_create(actor=admin, series=series, fields=_trim_fields(row, dims))
            counts["trims"] += 1
        # Each series offers the standard paints and some of the premium ones (a shuffled but seeded pick).
        premium = rng.sample(EXTERIOR[2:], k=rng.randint(2, 3))
        for colour_name, code, surcharge in [*EXTERIOR[:2], *premium]:
            services.colour_create(actor=admin, series=series, fields={"kind": "exterior", "name": colour_name,
                                                                       "code": code, "surcharge": surcharge})
            counts["colours"] += 1
        for colour_name, code, surcharge in INTERIOR[:2 if name in ("A3L", "Q2L") else 3]:
            services.colour_create(actor=admin, series=series, fields={"kind": "interior", "name": colour_name,
                                                                       "code": code, "surcharge": surcharge})
            counts["colours"] += 1
        for option_name, price, description in OPTIONS.get(name, []):
            services.option_create(actor=admin, series=series, fields={"name": option_name, "price": price,
                                                                       "description": description})
            counts["options"] += 1
    for accessory_name, category, price, series_name in ACCESSORIES:
        services.accessory_create(actor=admin, brand=audi, fields={
            "name": accessory_name, "category": category, "price": price,
            "series": series_by_name[series_name] if series_name else None})
    competitors = 0
    for order, (brand_name, lines) in enumerate(COMPETITORS, start=1):
        brand = services.brand_create(actor=admin, fields={"name": brand_name, "is_own": False, "sort_order": order})
        for series_order, (name, maker, body, dims, trims) in enumerate(lines):
            series = services.series_create(actor=admin, brand=brand, fields={"name": name, "maker": maker,
                                                                               "body_type": body, "sort_order": series_order})
            for row in trims:
                services.trim_create(actor=admin, series=series, fields=_trim_fields(row, dims))
                competitors += 1
    return [
        f"Catalog: 奥迪 with {len(AUDI)} series, {counts['trims']} trims, {counts['colours']} colours, "
        f"{counts['options']} option packages, {len(ACCESSORIES)} accessories",
        f"Catalog: {len(COMPETITORS)} competitor brands with {competitors} trims",
    ]
