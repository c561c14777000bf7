"""What applications' use-case tests share (not a test module): fixed instants, principals, a
request body as the schema loads it, and short ways to run a use case in its own unit of work
and to read what was written."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from services.applications import intake, models, notice, review, schemas
from services.common.auth import Principal
from services.common.clock import Calendar
from services.common.identity import check_digit

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
KEY = b"usecase-tests-person-ref-key"
NOTICE_DAYS = 5
ENTERPRISE = "E-steel"
CALENDAR = Calendar("Asia/Shanghai")  # the district's calendar: business dates

EO = Principal("eo1", "enterprise_officer", "demo", ENTERPRISE)
DO = Principal("do1", "district_officer", "demo")
CO = Principal("co1", "city_officer", "city")
REVIEWERS = {"enterprise": EO, "district": DO, "city": CO}


def resident_id(birth: str = "19850312", seq: str = "123", region: str = "110105") -> str:
    first17 = region + birth + seq
    return first17 + check_digit(first17)


def body(seq: str = "123", programme: str = "shared_ownership", submit: bool = False, **over) -> dict:
    """An ApplicationIn body as the endpoint receives it (validated and loaded by the schema).
    The spouse's and child's ID numbers follow from `seq`, so each applicant's household is
    their own (a person may be in one active household per programme)."""
    spouse, child = f"{(int(seq) + 101) % 1000:03d}", f"{(int(seq) + 208) % 1000:03d}"
    raw = {
        "applicant": {"name": "张小三", "id_number": resident_id(seq=seq), "phone": "13812341234",
                      "email": "zxs@example.cn", "enterprise": ENTERPRISE, "hire_date": "2012-03-01",
                      "union_member": True, "honour": "city", "frontline": True},
        "programme": programme,
        "members": [{"relation": "spouse", "name": "李四", "id_number": resident_id("19870101", spouse),
                     "monthly_income_fen": 200000},
                    {"relation": "child", "name": "张小小", "id_number": resident_id("20150601", child)}],
        "monthly_household_income_fen": 500000,
        "housing": {"kind": "rented", "area_m2": "18.50"},
        "preferences": ["P1", "P2"],
        "submit": submit,
    }
    raw.update(over)
    return schemas.ApplicationIn().load(raw)


def run(store, use_case, *args, **kwargs):
    """`use_case(uow, *args)` in a unit of work that commits; returns (result, events published)."""
    with store.uow() as uow:
        result = use_case(uow, *args, **kwargs)
        uow.commit()
    return result, [(e["event_type"], e["data"]) for e in uow.published]


def create(store, at=T0, **over) -> dict:
    view, _ = run(store, intake.create_application, at, CALENDAR.date_of(at), new(**over), EO, NOTICE_DAYS)
    return view


def new(**over) -> intake.NewApplication:
    """A create request checked by `intake.new_application`, as the entrypoint hands it on."""
    return intake.new_application(body(**over), EO, KEY)


def submitted(store, at=T0, **over) -> str:
    """A new application, submitted directly at `at`: its id."""
    return create(store, at, submit=True, **over)["application_id"]


def pass_reviews(store, application_id: str, at, levels=("enterprise", "district", "city")):
    for level in levels:
        version = row(store, application_id).version
        run(store, review.review_application, at, CALENDAR, application_id, level, "pass", version, [],
            REVIEWERS[level])


def row(store, application_id: str) -> models.Application:
    with store.worker_db().read() as session:
        return session.get(models.Application, application_id)


def count(store, model) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model.__table__)).scalar()


def outbox(store) -> list[str]:
    """The event types in the outbox, in the order written."""
    table = store.store.tables.outbox
    with store.engine.connect() as conn:
        return list(conn.execute(select(table.c.event_type).order_by(table.c.id)).scalars())


def approved(store, seq: str = "123", at=T0, **over) -> str:
    """A public-rental application (two review levels) submitted and passed at `at`, its notice
    closed when the period ends: its id."""
    app_id = submitted(store, at, seq=seq, programme="public_rental", **over)
    pass_reviews(store, app_id, at, levels=("enterprise", "district"))
    assert notice.close_due_notices(store.worker_db(), row(store, app_id).notice_ends_at, CALENDAR) == [app_id]
    return app_id
