"""Points recomputation after a points-policy change: N approved applications in PostgreSQL →
recompute + persist + application.points_changed events (outbox), in one transaction, as
`PUT /policies/points` does it. Prints the split (load, compute, persist, events, commit).

    .venv/bin/python bench/applications_points.py [--count 200000] [--quick]

Target (issue 4): 200,000 approved applications in under 10 s.
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

import psycopg2  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from services.applications import models, points, schemas  # noqa: E402, F401 - schemas: the event contracts
from services.applications.domain.policy import DEFAULT_POINTS_POLICY, PointsPolicy  # noqa: E402
from services.common.clock import Calendar  # noqa: E402
from services.common.db import Store, UnitOfWork  # noqa: E402
from services.common.events.contracts import utc_now  # noqa: E402
from services.common.migrations import upgrade  # noqa: E402
from services.common.stopwatch import Stopwatch  # noqa: E402

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB = "anju_bench_applications_points"
URL = PG_ADMIN.rsplit("/", 1)[0] + "/" + DB

SEED = """
INSERT INTO applicants (id, district, person_ref, name, name_masked, id_number, birth_date, updated_at)
SELECT 'a' || i, 'demo', 'p_' || md5(i::text), '测试' , '测*', '000000000000000000', DATE '1985-01-01', now()
FROM generate_series(1, :n) AS i;
INSERT INTO applications (id, version, applicant_id, person_ref, district, programme, state, active_key,
  enterprise, hire_date, union_member, honour, frontline, needs_accessible, monthly_household_income_fen,
  household_size, housing_kind, housing_area_hundredths, policy_version, needs_city_review, notice_period_days,
  first_submitted_at, open_objections, objections_filed, approved_at, created_by, created_at, updated_at)
SELECT md5('app' || i)::uuid::text, 1, 'a' || i, 'p_' || md5(i::text), 'demo', 'public_rental', 'approved',
  'p_' || md5(i::text) || chr(58) || 'public_rental', 'E' || (i % 50), DATE '1995-01-01' + (i % 9000), true,
  CASE WHEN i % 100 = 0 THEN 'city' END, i % 3 = 0, false, 400000, 1 + i % 5, 'rented', 1000, 1, false, 7,
  now() - make_interval(days => i % 900), 0, 0, now(), 'bench', now(), now()
FROM generate_series(1, :n) AS i;
INSERT INTO application_points (application_id, policy_version, as_of, years_of_service, household_size,
  hardship_category, honour, frontline, months_waiting, total_tenths, computed_at)
SELECT id, 1, CURRENT_DATE, 0, household_size, NULL, honour, frontline, 0, 0, now() FROM applications;
INSERT INTO hardship_status (person_ref, category, household_id, updated_at)
SELECT 'p_' || md5(i::text), 'dibao', 'H' || i, now() FROM generate_series(20, :n, 20) AS i;
"""


def fresh_database() -> None:
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{DB}"')
    conn.close()
    upgrade("applications", URL)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 applications (smoke run)")
    args = parser.parse_args()
    n = 20_000 if args.quick else args.count
    fresh_database()
    store = Store(URL, models.metadata)
    started = time.perf_counter()
    with store.engine.begin() as conn:
        for statement in SEED.split(";\n"):
            if statement.strip():
                conn.execute(text(statement), {"n": n})
        conn.execute(text("ANALYZE"))
    print(f"seeded {n:,} approved applications in {time.perf_counter() - started:.1f} s")
    policy = PointsPolicy.from_dict({**DEFAULT_POINTS_POLICY.to_dict(), "version": 2, "per_service_year_tenths": 12})
    now = utc_now()
    started = time.perf_counter()
    with UnitOfWork(store, district="demo", producer="applications") as uow:
        watch = Stopwatch()
        calendar = Calendar()
        outcome = points.recompute_points(uow, policy, calendar.date_of(now), now, "policy_change", calendar,
                                          watch=watch)
        before_commit = time.perf_counter()
        uow.commit()
    total = time.perf_counter() - started
    with store.engine.connect() as conn:
        outbox = conn.execute(select(func.count()).select_from(store.tables.outbox)).scalar()
        v2 = conn.execute(select(func.count()).select_from(models.ApplicationPoints)
                          .where(models.ApplicationPoints.policy_version == 2)).scalar()
    store.dispose()
    split = watch.laps
    print(f"recomputed {outcome['recomputed']:,}, changed {outcome['changed']:,}, "
          f"{outcome['events']} points_changed events ({outbox} outbox rows), {v2:,} rows at policy v2")
    print("split: " + ", ".join(f"{k} {v:.2f} s" for k, v in split.items())
          + f", commit {total - (before_commit - started):.2f} s")
    verdict = "met" if total < 10 or n != 200_000 else "MISSED"
    print(f"total {total:.2f} s for {n:,} applications (target < 10 s for 200,000: {verdict})")
    from report import record  # the one report (bench/report.py)

    record("applications_points", f"recompute points of {n:,} approved applications", total, "s",
           target=("<", 10) if n == 200_000 else None, note=", ".join(f"{k} {v:.2f} s" for k, v in split.items()))
    assert v2 == n and outcome["recomputed"] == n
    return 0


if __name__ == "__main__":
    sys.exit(main())
