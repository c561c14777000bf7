"""The hardship registry's rules on an in-memory database: one active household per person
(however the ID is written), found again by category, status or person_ref, shown by real name
only to district officers."""

from datetime import UTC, datetime, timedelta

import pytest

from services.assistance import hardship, views
from services.common.auth import Principal
from services.common.errors import Conflict

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
KEY = b"district-key"
ID_A, ID_B = "11010519491231002X", "110105198503121234"


def register(db, id_number, name="李四", category="dibao", at=NOW):
    with db.uow() as uow:
        household = hardship.register_household(uow, at, id_number, name, category, "district_officer:u1", KEY)
        uow.commit()
    return household


def test_a_second_registration_of_the_same_person_is_refused_naming_the_first(memory_store):
    db = memory_store("assistance")
    first = register(db, ID_A)
    for spelling in (ID_A, ID_A.lower(), "１１０１０５１９４９１２３１００２Ｘ"):
        with pytest.raises(Conflict, match=first.id) as refused:
            register(db, spelling, name="另一个名字")
        assert refused.value.errors == {"id_number": [f"registered as household {first.id}"]}
    register(db, ID_B)  # another person is fine


def test_households_are_found_again_newest_first_with_filters(memory_store):
    db = memory_store("assistance")
    a = register(db, ID_A, category="sanwu")
    b = register(db, ID_B, category="dibao", at=NOW + timedelta(hours=1))
    with db.worker_db().read() as s:
        assert [h.id for h in hardship.find_households(s, category=None, status=None, person_ref=None,
                                                       page=1, page_size=10)[1]] == [b.id, a.id]
        total, rows = hardship.find_households(s, category="sanwu", status="active", person_ref=None,
                                               page=1, page_size=10)
        assert (total, [h.id for h in rows]) == (1, [a.id])
        assert hardship.find_households(s, category=None, status=None, person_ref=b.person_ref, page=1,
                                        page_size=10)[0] == 1
        total, rows = hardship.find_households(s, category=None, status=None, person_ref=None, page=2, page_size=1)
        assert (total, [h.id for h in rows]) == (2, [a.id])


@pytest.mark.parametrize("role, full", [("district_officer", True), ("city_officer", False), ("auditor", False)])
def test_real_names_are_shown_only_to_district_officers(memory_store, role, full):
    db = memory_store("assistance")
    h = register(db, ID_A, name="张小三")
    view = views.household_view(h, Principal("u", role, "demo"))
    assert (view["name"], view["id_number"], view["masked"]) == (
        ("张小三", ID_A, False) if full else ("张*三", "110105********002X", True))
