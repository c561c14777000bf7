"""Who may do what in allocation, per capability (groups from services.common.roles).

Everything allocation changes — stock, rounds, offers, tenancies, violations, complaints — is a
district's day-to-day operation (区级执行), so every write is granted to DISTRICT_OPS: a city
officer reads everything (READERS) and writes nothing here (the city rule in
services/common/roles.py, held by tests/unit/test_city_rule.py)."""

from __future__ import annotations

from services.common.roles import DISTRICT_OPS, READERS

# 房源 stock: projects, units, maintenance
MANAGE_STOCK = DISTRICT_OPS
SEE_STOCK = READERS

# 轮候库 the pool
SEE_POOL = READERS

# 配租轮次 rounds: open, draw; see and export them
RUN_ROUNDS = DISTRICT_OPS
SEE_ROUNDS = READERS

# 配租通知 offers: record answers, expire, move in
ANSWER_OFFERS = DISTRICT_OPS
SEE_OFFERS = READERS

# 租赁 tenancies: move-out, notices, violations; occupancy
MANAGE_TENANCIES = DISTRICT_OPS
SEE_TENANCIES = READERS

# 投诉与满意度 feedback: complaints, satisfaction; the service report
RECORD_FEEDBACK = DISTRICT_OPS
SEE_FEEDBACK = READERS
