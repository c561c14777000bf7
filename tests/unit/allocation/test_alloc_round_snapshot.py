"""The frozen round snapshot (columnar JSON) gives back exactly the domain objects frozen."""

from services.allocation import models
from services.allocation.domain.ranking import PoolEntry
from services.allocation.snapshots import entries_json, frozen_entries, frozen_unit_ids, frozen_units, units_json


def test_snapshot_round_trip():
    entries = [PoolEntry("A-1", "r1", 875, 3, "public_rental", ("P1", "public_rental"),
                         frozenset({"hardship", "frontline"}), True),
               PoolEntry("A-2", "r2", 0, 1, "public_rental", (), frozenset(), False),
               PoolEntry("A-3", "r3", 10, 2, "public_rental", ("鼓楼-1",), frozenset({"model_worker"}), False)]
    unit = models.Unit(id="P1/A/101", project_id="P1", building="A", number="101", floor=1, rooms=2,
                       area_tenths=655, beds=0, rent_fen=90000, category="public_rental", accessible=True,
                       status="vacant")
    round_ = models.Round(snapshot=entries_json(entries), units_snapshot=units_json([unit]))
    assert frozen_entries(round_) == entries
    (u,) = frozen_units(round_)
    assert (u.unit_id, u.area_tenths, u.accessible, u.status.value) == ("P1/A/101", 655, True, "vacant")
    assert frozen_unit_ids(round_.units_snapshot) == ["P1/A/101"]
