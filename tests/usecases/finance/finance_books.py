"""Shortcuts for finance's use-case tests: an in-memory SQLite unit of work (models + the
journal's SQLite triggers) and the clock's two readings fixed."""

import itertools
import json
from datetime import UTC, date, datetime

from sqlalchemy import select

from services.finance import funds, ledger, reliefs, repository

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 on 1 December in Asia/Shanghai
TODAY = date(2026, 12, 1)
WANG, LI = "finance_officer:wang", "finance_officer:li"


class Books:
    """The finance database of one test and shortcuts to its use cases."""

    def __init__(self, store):
        self.store = store
        self.now, self.today = NOW, TODAY
        self._refs = itertools.count(1)

    def run(self, use_case, *args, **kwargs):
        """``use_case(uow, now, today, …)`` in its own committed unit of work."""
        with self.store.uow() as uow:
            result = use_case(uow, self.now, self.today, *args, **kwargs)
            uow.commit()
        return result

    def read(self):
        return self.store.worker_db().read()

    def receipt(self, amount_fen, source="finance_bureau", *, project=None, relief=False, on=None, **kw):
        return self.run(funds.record_receipt, source, amount_fen, f"BANK-{next(self._refs)}", on or self.today, WANG,
                        earmark_project_id=project, for_relief=relief, **kw)

    def budget(self, project, amount_fen):
        with self.store.uow() as uow:
            funds.set_project_budget(uow, self.now, project, amount_fen, WANG)
            uow.commit()

    def request(self, amount_fen, source="finance_bureau", *, project="P1", earmark=None, by=WANG, **kw):
        return self.run(funds.request_disbursement, source=source, amount_fen=amount_fen, purpose="工程款",
                        requested_by=by, project_id=project, earmark_project_id=earmark, **kw)[0]

    def relief(self, relief_id, amount_fen, *, event_id=None, year=2026, category="dibao", kind="cash"):
        data = {"relief_id": relief_id, "household_id": f"H-{relief_id}", "person_ref": f"pref-{relief_id}",
                "kind": kind, "category": category, "amount_fen": amount_fen, "year": year, "approved_at": self.now}
        return self.run(reliefs.receive_approved_relief, event_id or f"ev-{relief_id}", data)

    def balance(self, code) -> int:
        """The natural balance of an account (0 when never used)."""
        with self.read() as s:
            accounts, balances = repository.load_accounts(s, [code])
        return accounts[code].natural(balances[code]) if code in accounts else 0

    def outbox(self, event_type=None) -> list[dict]:
        with self.store.engine.connect() as conn:
            events = [json.loads(r.body) for r in conn.execute(select(self.store.store.tables.outbox)
                                                              .order_by(self.store.store.tables.outbox.c.id))]
        return [e for e in events if event_type is None or e["event_type"] == event_type]

    def verify(self) -> dict:
        with self.read() as s:
            return ledger.verify_in_place(s, "demo")

    def trial(self, as_of=None) -> dict:
        with self.read() as s:
            return ledger.trial_balance(s, as_of)


class _Reader:
    def __init__(self, engine):
        self.engine = engine

    def read(self):
        import contextlib

        from sqlalchemy.orm import Session

        @contextlib.contextmanager
        def session():
            s = Session(self.engine)
            try:
                yield s
            finally:
                s.close()

        return session()


class FreshStore:
    """What the `memory_store` fixture gives, made anew for each hypothesis example."""

    def __init__(self):
        from services.common.db import Store
        from services.finance import models

        self.store = Store("sqlite://", models.metadata)
        self.engine = self.store.engine
        models.metadata.create_all(self.engine)

    def uow(self):
        from services.common.db import UnitOfWork

        return UnitOfWork(self.store, district="demo", producer="finance")

    def worker_db(self):
        return _Reader(self.engine)

    def dispose(self):
        self.store.dispose()
