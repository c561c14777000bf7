"""Fixtures of allocation's use-case tests: an in-memory SQLite store (tests/conftest.py's
`memory_store`), what it wrote to the outbox, and the scenario of allocation_usecase_helpers
stocked and drawn."""

from __future__ import annotations

import pytest
from allocation_usecase_helpers import APPLICANTS, NOW, ON, PROJECT, PUBLIC, UNITS, Outbox, approved, open_round

from services.allocation import pool, rounds, stock


@pytest.fixture
def store(memory_store):
    return memory_store("allocation")


@pytest.fixture
def outbox(store):
    return Outbox(store)


@pytest.fixture
def stocked(store):
    """Project P1, its three units and the five applicants in the pool."""
    with store.uow() as uow:
        stock.create_project(uow, NOW, PROJECT)
        stock.add_units(uow, NOW, "P1", UNITS)
        for app_id, points, size in APPLICANTS:
            pool.add_approved(uow, NOW, approved(app_id, points, size))
        uow.commit()
    return store


@pytest.fixture
def drawn(stocked):
    """The round opened and drawn on ON: {application id: offer row}, and the draw's reply."""
    round_ = open_round(stocked)
    with stocked.uow() as uow:
        out = rounds.draw_round(uow, NOW, ON, round_.id, PUBLIC, None)
        uow.commit()
    with stocked.worker_db().read() as s:
        offers = {o.application_id: o for o in rounds.offers_of(s, round_.id)}
    return offers, out
