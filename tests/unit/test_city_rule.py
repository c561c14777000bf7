"""The city rule (services/common/roles.py): a city officer reads everywhere but writes only the
city-level capabilities listed in CITY_OFFICER_MAY_WRITE; every other state-changing endpoint
is closed to the city role."""

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from services.cli import SERVICE_CLASSES, load_service_class
from services.common.http import Api
from services.common.roles import CITY_OFFICER, CITY_OFFICER_MAY_WRITE


def city_writes(service: str) -> set:
    cls = load_service_class(service)
    found = set()
    for name in dir(cls):
        for ep in getattr(getattr(cls, name, None), ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(ep, Api) and ep.roles and CITY_OFFICER in ep.roles:
                found |= {(service, m, ep.url) for m in ep.method.split(",") if m not in ("GET", "HEAD")}
    return found


@pytest.mark.parametrize("service", sorted(SERVICE_CLASSES))
def test_a_city_officer_writes_only_city_level_capabilities(service):
    assert city_writes(service) <= CITY_OFFICER_MAY_WRITE


def test_every_listed_city_capability_exists():
    listed = {s for s, _m, _u in CITY_OFFICER_MAY_WRITE}
    everything = set().union(*(city_writes(s) for s in listed))
    assert CITY_OFFICER_MAY_WRITE <= everything
