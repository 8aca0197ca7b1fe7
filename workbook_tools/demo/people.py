"""Demo customers (people, companies, shops, public bodies) and staff."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from ..ids import USCC_CHARS, uscc_check_char
from .catalog import HABITS_COMPANY, HABITS_PERSON
from .context import Ctx
from .names import BRANDS, EMAIL_COMPANY_LOCAL, EMAIL_FREE, GIVEN, INDUSTRIES, INSTITUTIONS, SHOP_KINDS, SURNAMES
from .places import BUILDINGS, CITIES, COMMUNITIES, MOBILE_PREFIXES, ROADS, City

HK_ROADS = ("弥敦道", "皇后大道中", "轩尼诗道", "德辅道中", "观塘道", "告士打道")
_CITY_WEIGHTS = [c.weight for c in CITIES]
#: Share of each kind of customer, and how much a customer of that kind tends to buy.
KINDS = (
    ("person", 0.40, 0.0, 0.8),
    ("company", 0.45, 0.8, 1.0),
    ("shop", 0.10, 0.4, 0.8),
    ("institution", 0.05, 0.6, 0.8),
)


@dataclass(slots=True)
class Customer:
    kind: str
    name: str
    contact: str | None
    phone: str
    email: str | None
    city: City
    address: str
    tax_id: str | None
    weight: float
    sales: str
    habits: list[str]
    id: str = ""
    created_on: date | None = None
    first_day: int | None = None
    orders: int = 0
    tier: str | None = None
    tier_rank: int = 0
    pay_method: str = ""
    categories: dict[str, int] = field(default_factory=dict)
    notes: str | None = None

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


def person_name(rng: random.Random) -> tuple[str, str]:
    """A Chinese full name and its pinyin (for e-mail addresses)."""
    s, sp = SURNAMES[min(int(rng.expovariate(1 / 22)), len(SURNAMES) - 1)]
    g1, gp1 = rng.choice(GIVEN)
    if rng.random() < 0.7:
        g2, gp2 = rng.choice(GIVEN)
        return s + g1 + g2, sp + gp1 + gp2
    return s + g1, sp + gp1


def staff_names(rng: random.Random, k: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < k:
        name, _ = person_name(rng)
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + _digits(rng, 8)


def landline(rng: random.Random, city: City, ext: bool = False) -> str:
    if city.area_code.startswith("+"):
        return f"{city.area_code} {rng.choice('23')}{_digits(rng, city.local_len - 1)}"
    local = f"{rng.randint(2, 8)}{_digits(rng, city.local_len - 1)}"
    return f"{city.area_code}-{local}" + (f"-{rng.randint(801, 8999)}" if ext else "")


def _phone(rng: random.Random, kind: str, city: City) -> str:
    if city.area_code.startswith("+"):
        return f"{city.area_code} {rng.choice('569')}{_digits(rng, city.local_len - 1)}"
    r = rng.random()
    if kind == "person":
        return mobile(rng) if r < 0.96 else landline(rng, city)
    if kind == "institution":
        return landline(rng, city, ext=r < 0.4)
    return landline(rng, city, ext=r < 0.05) if r < 0.5 else mobile(rng)


def _org_code(body: str) -> str:
    """GB 11714 organisation code: 8 characters plus their check character."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, weights))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc(rng: random.Random, prefix: str, admin: str) -> str:
    """A well-formed 统一社会信用代码: department + category, region, organisation code, check."""
    if rng.random() < 0.65:  # registered after 2015: "MA" + 6 characters
        body = "MA" + "".join(rng.choice(USCC_CHARS) for _ in range(6))
    else:
        body = _digits(rng, 8)
    first17 = prefix + admin + f"{rng.randint(1, 12):02d}" + _org_code(body)
    return first17 + uscc_check_char(first17)


def _address(rng: random.Random, city: City, district: str, kind: str) -> str:
    road = rng.choice(HK_ROADS if city.area_code.startswith("+") else ROADS)
    no = rng.randint(1, 399)
    if kind == "person":
        if rng.random() < 0.75:
            return (
                f"{district}{road}{no}号{rng.choice(COMMUNITIES)}{rng.randint(1, 30)}幢"
                f"{rng.randint(1, 4)}单元{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
            )
        return f"{district}{rng.choice(COMMUNITIES)}{rng.randint(1, 40)}栋{rng.randint(1, 33)}{rng.randint(1, 6):02d}室"
    r = rng.random()
    if r < 0.5:
        return f"{district}{road}{no}号{rng.choice(BUILDINGS)}{rng.randint(2, 32)}楼{rng.randint(1, 30):02d}室"
    if r < 0.75:
        return f"{district}{road}{no}号{rng.randint(1, 12)}幢{rng.randint(1, 6)}{rng.randint(1, 20):02d}室"
    return f"{district}{road}{no}号"


def _customer(
    ctx: Ctx, kind: str, mu: float, sigma: float, names: set[str], phones: set[str], tax_ids: set[str]
) -> Customer:
    rng = ctx.rng
    city = rng.choices(CITIES, _CITY_WEIGHTS)[0]
    abroad = city.area_code.startswith("+")
    short = city.name.removesuffix("市")
    district = rng.choice(city.districts)
    contact, py = person_name(rng)
    tax_id: str | None = None
    email: str | None = None
    for _ in range(50):
        if kind == "person":
            name = contact
            break
        if kind == "company":
            (brand, bpy), (industry, tag) = rng.choice(BRANDS), rng.choice(INDUSTRIES)
            suffix = "" if industry.endswith("所") else ("股份有限公司" if rng.random() < 0.08 else "有限公司")
            name = short + brand + industry + suffix
            prefix = "31" if industry == "律师事务所" else "91"
        elif kind == "shop":
            (brand, bpy), shop = rng.choice(BRANDS), rng.choice(SHOP_KINDS)
            name, prefix = district + brand + shop, "92"
        else:
            (inst, domain) = rng.choice(INSTITUTIONS)
            name, prefix = city.name + district + inst, "12"
        if name not in names:
            break
    names.add(name)
    if kind != "person" and not abroad:
        while (made := uscc(rng, prefix, city.admin)) in tax_ids:
            pass
        tax_ids.add(made)
        tax_id = made
    while (phone := _phone(rng, kind, city)) in phones:
        pass
    phones.add(phone)
    r = rng.random()
    if kind == "company" and r < 0.88:
        domain = f"{city.abbr}{bpy}{tag}" if rng.random() < 0.5 else f"{bpy}{tag}"
        tld = ".com.hk" if abroad else rng.choice((".com", ".com.cn", ".cn"))
        local = py if rng.random() < 0.4 else rng.choice(EMAIL_COMPANY_LOCAL)
        email = f"{local}@{domain}{tld}"
    elif kind == "institution" and r < 0.8:
        email = f"{rng.choice(('office', 'bgs', 'caigou'))}@{city.abbr}{domain}"
    elif kind in ("person", "shop") and r < 0.7:
        if rng.random() < 0.45:
            email = f"{rng.randint(10_000_000, 3_999_999_999)}@qq.com"
        else:
            tail = rng.choice(("", str(rng.randint(1, 999)), str(rng.randint(1970, 2005))))
            email = f"{py}{tail}@{rng.choice(EMAIL_FREE)}"
    habits = HABITS_PERSON if kind == "person" else HABITS_COMPANY
    return Customer(
        kind=kind,
        name=name,
        contact=None if kind == "person" else contact,
        phone=phone,
        email=email,
        city=city,
        address=_address(rng, city, district, kind),
        tax_id=tax_id,
        weight=rng.lognormvariate(mu, sigma),
        sales=rng.choice(ctx.sales),
        habits=rng.sample(habits, rng.choice((0, 1, 1, 2)) if kind == "person" else rng.choice((1, 1, 2))),
    )


def make_customers(ctx: Ctx, n: int) -> list[Customer]:
    rng = ctx.rng
    names: set[str] = set()
    phones: set[str] = set()
    tax_ids: set[str] = set()
    picks = rng.choices(KINDS, [k[1] for k in KINDS], k=n)
    return [_customer(ctx, kind, mu, sigma, names, phones, tax_ids) for kind, _, mu, sigma in picks]
