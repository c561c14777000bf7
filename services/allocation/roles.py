"""Who may do what in allocation, per capability (groups from services.common.roles):
officers (district, city) change things; readers (officers and auditors) see them."""

from __future__ import annotations

from services.common.roles import OFFICERS, READERS

# 房源 stock: projects, units, maintenance
MANAGE_STOCK = OFFICERS
SEE_STOCK = READERS

# 轮候库 the pool
SEE_POOL = READERS

# 配租轮次 rounds: open, draw; see and export them
RUN_ROUNDS = OFFICERS
SEE_ROUNDS = READERS

# 配租通知 offers: record answers, expire, move in
ANSWER_OFFERS = OFFICERS
SEE_OFFERS = READERS

# 租赁 tenancies: move-out, notices, violations; occupancy
MANAGE_TENANCIES = OFFICERS
SEE_TENANCIES = READERS

# 投诉与满意度 feedback: complaints, satisfaction; the service report
RECORD_FEEDBACK = OFFICERS
SEE_FEEDBACK = READERS
