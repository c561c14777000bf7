"""The demo district's people, stock and money, generated from a seed (no I/O).

Same seed and size → the same values, byte for byte: every choice comes from one
``random.Random(seed)`` drawn in a fixed order. Sizes follow the programme's proportions: about
30 enterprises, one household per worker, 6 projects of different programmes and supply modes
with about 0.3 units per worker (1,500 for 5,000), a hardship registry of about 3% of households.

Households are sized 1–4 and units are shaped so every unit of a programme fits every
household that programme takes (bed spaces for single workers; family flats of 2–3 rooms, 2
persons a room): how many are matched in a round then follows from the counts alone, not from
who won the lottery, so the same seed gives the same summary.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.common.identity import check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "桂兰",
         "建华", "志强", "海燕", "晓明", "丽娟", "国庆", "春梅"]
REGIONS = ("350102", "350103", "350104", "350105", "350111")  # 福州 鼓楼/台江/仓山/马尾/晋安
INDUSTRIES = ("机械", "纺织", "电子", "物流", "建筑", "食品", "环卫", "公交", "医药", "商贸")
HARDSHIP_CATEGORIES = ("dibao", "dibao_bianyuan", "sanwu", "kunnan_laomo", "youfu", "temporary")
FUND_SOURCES = ("finance_bureau", "central_subsidy", "union_funds", "social_capital", "donation")


@dataclass(frozen=True)
class Enterprise:
    code: str
    name: str


@dataclass(frozen=True)
class Member:
    relation: str
    name: str
    id_number: str
    monthly_income_fen: int


@dataclass(frozen=True)
class Worker:
    """One worker and their household (one application each)."""

    index: int
    name: str
    id_number: str
    phone: str
    enterprise: str
    hire_date: date
    union_member: bool
    frontline: bool
    honour: str | None
    members: tuple[Member, ...]
    monthly_household_income_fen: int
    housing_kind: str
    housing_area_m2: str
    programme: str
    hardship: str | None  # the category registered with assistance, if any

    @property
    def household_size(self) -> int:
        return 1 + len(self.members)


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    programme: str
    supply_mode: str
    address: str
    units: tuple[dict, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Receipt:
    source: str
    amount_fen: int
    reference: str
    for_relief: bool


@dataclass(frozen=True)
class District:
    seed: int
    start: date
    enterprises: tuple[Enterprise, ...]
    workers: tuple[Worker, ...]
    projects: tuple[Project, ...]
    receipts: tuple[Receipt, ...]
    relief_budget_fen: int  # the year's cash relief budget (finance and assistance)

    @property
    def unit_count(self) -> int:
        return sum(len(p.units) for p in self.projects)


PROJECTS = (  # id, name, programme, supply mode, address, share of the stock, rooms (0: bed spaces)
    ("GR1", "安居苑", "public_rental", "new_build", "鼓楼区安居路1号", 0.30, (2, 3)),
    ("GR2", "和谐家园", "public_rental", "stock_conversion", "台江区和谐路8号", 0.15, (2, 3)),
    ("ZG1", "职工之家公寓", "staff_apartment", "government_enterprise", "仓山区工业路20号", 0.20, (0,)),
    ("RC1", "人才公寓", "talent_apartment", "new_build", "马尾区科创路5号", 0.10, (1,)),
    ("GY1", "共有产权苑", "shared_ownership", "new_build", "晋安区福新路66号", 0.15, (2, 3)),
    ("HQ1", "回迁安置小区", "relocation", "stock_conversion", "鼓楼区旧城改造片区", 0.10, (2, 3)),
)
FAMILY_PROGRAMMES = ("public_rental", "public_rental", "public_rental", "shared_ownership", "relocation")
SINGLE_PROGRAMMES = ("staff_apartment", "staff_apartment", "talent_apartment")


def resident_id(rng: random.Random, born: date, taken: set[str]) -> str:
    """A valid 18-digit number (region, birth date, sequence, ISO 7064 check digit), unique."""
    while True:
        first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = first17 + check_digit(first17)
        if number not in taken:
            taken.add(number)
            return number


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _birth(rng: random.Random, start: date, youngest: int, oldest: int) -> date:
    return start - timedelta(days=rng.randrange(youngest * 365 + 10, oldest * 365 - 10))


def generate(workers: int, seed: int, start: date) -> District:
    """The demo district for ``workers`` households, from ``seed``, its year beginning ``start``."""
    if workers < 10:
        raise ValueError("workers: at least 10")
    rng = random.Random(seed)
    taken: set[str] = set()
    enterprises = tuple(Enterprise(f"E{i + 1:02d}", f"{rng.choice(INDUSTRIES)}{i + 1:02d}厂工会") for i in range(30))
    people = []
    for index in range(workers):
        size = rng.choices((1, 2, 3, 4), weights=(35, 22, 30, 13))[0]
        born = _birth(rng, start, 22, 58)
        members = []
        if size >= 2:
            members.append(Member("spouse", _name(rng), resident_id(rng, _birth(rng, start, 22, 58), taken),
                                  rng.randrange(0, 2800) * 100))
        for _ in range(size - len(members) - 1):
            members.append(Member("child", _name(rng), resident_id(rng, _birth(rng, start, 1, 17), taken), 0))
        own = rng.randrange(1800, 3100 if size == 1 else 4800) * 100  # 元 a month, in fen
        income = own + sum(m.monthly_income_fen for m in members)
        housing = rng.choices(("rented", "shared", "none", "substandard"), weights=(50, 25, 15, 10))[0]
        area = "0" if housing == "none" else f"{rng.randrange(60, 153 * size) / 10:.2f}"
        hired_years = rng.choices((0, 1, 3, 8, 15), weights=(3, 12, 30, 35, 20))[0]
        hire = start - timedelta(days=hired_years * 365 + rng.randrange(30, 330))
        people.append(Worker(
            index=index, name=_name(rng), id_number=resident_id(rng, born, taken),
            phone=f"13{rng.randrange(10**8, 10**9):09d}", enterprise=rng.choice(enterprises).code,
            hire_date=hire, union_member=rng.random() > 0.02, frontline=rng.random() < 0.4,
            honour=rng.choices((None, "city", "provincial", "national"), weights=(94, 4, 1.5, 0.5))[0],
            members=tuple(members), monthly_household_income_fen=income, housing_kind=housing,
            housing_area_m2=area,
            programme=rng.choice(SINGLE_PROGRAMMES if size == 1 else FAMILY_PROGRAMMES),
            hardship=rng.choice(HARDSHIP_CATEGORIES) if rng.random() < 0.03 else None))
    total_units = max(12, round(workers * 0.3))
    projects = []
    for pid, name, programme, mode, address, share, rooms in PROJECTS:
        units = []
        for n in range(max(2, round(total_units * share))):
            r = rng.choice(rooms)
            floor, number = 1 + n // 8 % 30, f"{1 + n // 8 % 30}{n % 8 + 1:02d}"
            units.append({"building": f"{n // 240 + 1}号楼", "floor": floor, "number": number,
                          "rooms": max(r, 1), "beds": 1 if r == 0 else 0,
                          "area_m2": f"{(12 if r == 0 else 25 + 22 * r) + rng.randrange(0, 80) / 10:.1f}",
                          "rent_fen": (30_000 if r == 0 else 45_000 * r) + rng.randrange(0, 20) * 1000,
                          "category": programme, "accessible": n % 25 == 0})
        projects.append(Project(pid, name, programme, mode, address, tuple(units)))
    scale = max(1, workers // 100)
    receipts = tuple(Receipt(source, amount * scale, f"DEMO-{seed}-{i + 1:02d}", relief)
                     for i, (source, amount, relief) in enumerate((
                         ("finance_bureau", 50_000_000, False), ("central_subsidy", 30_000_000, False),
                         ("union_funds", 12_000_000, False), ("social_capital", 8_000_000, False),
                         ("donation", 1_500_000, True), ("union_funds", 3_000_000, True))))
    return District(seed, start, enterprises, tuple(people), tuple(projects), receipts,
                    relief_budget_fen=1_500_000 * scale)
