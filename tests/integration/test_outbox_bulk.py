"""UnitOfWork.publish_many on both databases: a bulk batch (COPY on PostgreSQL, from
db._COPY_FROM events) writes the same outbox rows as a small one (executemany), awkward text
included, and commits with the change or not at all."""

import json

import pytest
from marshmallow import Schema, fields
from sqlalchemy import MetaData, select

from services.common import db as common_db
from services.common.db import Store, UnitOfWork
from services.common.events.contracts import contract, encode
from services.common.tables import platform_tables

AWKWARD = ["tab\there", "new\nline", "back\\slash", "cr\rhere", "\\N", 'quo"te', "com,ma", "张三", ""]


@contract("bulk.tested", producer="bulktest", description="test-only")
class BulkTested(Schema):
    n = fields.Integer(required=True, strict=True)
    label = fields.String(required=True)


metadata = MetaData()
platform_tables(metadata)


@pytest.fixture
def store(scratch_db):
    s = Store(scratch_db(metadata), metadata)
    yield s
    s.dispose()


def _rows(store):
    outbox = store.tables.outbox
    with store.engine.connect() as conn:
        return {r.event_id: r for r in conn.execute(select(outbox.c.event_id, outbox.c.event_type, outbox.c.body,
                                                           outbox.c.created_at))}


@pytest.mark.parametrize("count", [common_db._COPY_FROM - 1, common_db._COPY_FROM])
def test_bulk_and_small_batches_write_the_same_outbox_rows(store, count):
    payloads = [{"n": i, "label": AWKWARD[i % len(AWKWARD)]} for i in range(count)]
    with UnitOfWork(store, district="demo", producer="bulktest") as uow:
        envelopes = uow.publish_many("bulk.tested", payloads)
        uow.commit()
    rows = _rows(store)
    assert len(rows) == count
    for e in envelopes:
        row = rows[e["event_id"]]
        assert row.event_type == "bulk.tested"
        assert row.body == encode(e) and json.loads(row.body)["data"] == payloads[e["data"]["n"]]
    assert len({r.created_at for r in rows.values()}) == 1


def test_a_bulk_batch_rolled_back_leaves_no_outbox_rows(store):
    with UnitOfWork(store, district="demo", producer="bulktest") as uow:
        uow.publish_many("bulk.tested", [{"n": i, "label": "x"} for i in range(common_db._COPY_FROM)])
    assert _rows(store) == {}
