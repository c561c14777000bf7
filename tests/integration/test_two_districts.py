"""Two districts on one machine: the district design of deploy/ proven with the real broker.

Kubernetes cannot run here, so the proof is what the manifests stand for: two districts' full
suites (all five services each) on two vhosts of the local RabbitMQ, with separate databases
(applications on PostgreSQL, the rest on SQLite) and their own ports, plus a city vhost fed
by dynamic shovels. The district-side topology (the <service>.events exchanges, the
city.forward.<service> queues, their bindings and the shovels) is not written by hand here: it is
the rendered deploy/overlays/gulou manifests, declared through the management API the way the
messaging topology operator declares them.

Shown: district A's events never reach district B's services; A's officer token is refused by
B; a city subscriber receives both districts' events, each once, with the right district;
stopping A's suite does not disturb B (B keeps serving and consuming), and A, restarted,
consumes what arrived for it while it was down.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from urllib.parse import quote

import eventlet
import pytest
import requests
from databases import create_database, drop_database, pg_name
from deploy.manifests import DEPLOY, by_kind, render
from kombu import Connection, Exchange, Queue
from polling import eventually
from sqlalchemy import select

from services.allocation.service import AllocationService
from services.applications import models as app_models
from services.applications.service import ApplicationsService
from services.assistance.service import AssistanceService
from services.common.config import SERVICES
from services.common.db import Store
from services.common.migrations import upgrade
from services.finance.service import FinanceService
from services.notify.service import NotifyService

pytestmark = pytest.mark.integration

MANAGEMENT = os.environ.get("ANJU_TEST_RABBIT_MANAGEMENT", "http://127.0.0.1:15672")
AUTH = ("guest", "guest")
CLASSES = {"applications": ApplicationsService, "allocation": AllocationService, "finance": FinanceService,
           "assistance": AssistanceService, "notify": NotifyService}
SUFFIX = uuid.uuid4().hex[:6]
DISTRICTS = {"gulou": f"anju2d-gulou-{SUFFIX}", "taijiang": f"anju2d-taijiang-{SUFFIX}"}  # code -> vhost
CITY = f"anju2d-city-{SUFFIX}"


def api(method: str, path: str, **kw) -> requests.Response:
    resp = requests.request(method, f"{MANAGEMENT}/api/{path}", auth=AUTH, timeout=10, **kw)
    assert resp.status_code < 300, f"{method} /api/{path}: {resp.status_code} {resp.text}"
    return resp


def enable_shovel_plugin() -> None:
    """Idempotent; leaves the broker as usable as before (it only adds the plugins)."""
    if requests.get(f"{MANAGEMENT}/api/shovels", auth=AUTH, timeout=5).status_code == 200:
        return
    tool = shutil.which("rabbitmq-plugins")
    if tool is None:
        pytest.fail("the shovel plugin is off and rabbitmq-plugins is not on PATH: run "
                    "`rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management`", pytrace=False)
    proc = subprocess.run([tool, "enable", "rabbitmq_shovel", "rabbitmq_shovel_management"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    ok = eventually(lambda: requests.get(f"{MANAGEMENT}/api/shovels", auth=AUTH, timeout=5).status_code == 200,
                    timeout=30)
    assert ok, "the shovel management API did not come up"


def camel_to_kebab(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower()


def declare(doc: dict, vhost: str, uris: dict) -> None:
    """A topology-operator resource, declared as the operator would (its spec → the management API)."""
    spec, v = doc["spec"], quote(vhost, safe="")
    if doc["kind"] == "Exchange":
        api("PUT", f"exchanges/{v}/{quote(spec['name'], safe='')}",
            json={"type": spec["type"], "durable": spec["durable"], "auto_delete": spec["autoDelete"]})
    elif doc["kind"] == "Queue":
        api("PUT", f"queues/{v}/{quote(spec['name'], safe='')}",
            json={"durable": spec["durable"], "auto_delete": spec["autoDelete"],
                  "arguments": {"x-queue-type": spec["type"]}})
    elif doc["kind"] == "Binding":
        api("POST", f"bindings/{v}/e/{quote(spec['source'], safe='')}/q/{quote(spec['destination'], safe='')}",
            json={"routing_key": spec["routingKey"]})
    elif doc["kind"] == "Shovel":
        skip = {"name", "vhost", "uriSecret", "rabbitmqClusterReference", "deletionPolicy"}
        value = {camel_to_kebab(k): val for k, val in spec.items() if k not in skip}
        value.update({"src-uri": uris["srcUri"], "dest-uri": uris["destUri"]})
        api("PUT", f"parameters/shovel/{v}/{quote(spec['name'], safe='')}",
            json={"component": "shovel", "vhost": vhost, "name": spec["name"], "value": value})
    else:
        raise AssertionError(f"not declared here: {doc['kind']}")


@pytest.fixture
def broker():
    """Three vhosts (two districts, the city) with the deploy/ topology; deleted afterwards."""
    enable_shovel_plugin()
    made = []
    try:
        for vhost in [*DISTRICTS.values(), CITY]:
            api("PUT", f"vhosts/{quote(vhost, safe='')}")
            made.append(vhost)
            api("PUT", f"permissions/{quote(vhost, safe='')}/guest",
                json={"configure": ".*", "write": ".*", "read": ".*"})
        city = render(DEPLOY / "overlays" / "city")
        for doc in by_kind(city, "Exchange"):
            declare(doc, CITY, {})
        suite = render(DEPLOY / "overlays" / "gulou")  # the same for every district but the vhost
        for vhost in DISTRICTS.values():
            # the shovel secret's URIs: the district's own node (direct, no credentials) and the city's
            # vhost; in Kubernetes destUri is the city broker's Service with the shovel user's password
            uris = {"srcUri": f"amqp:///{quote(vhost, safe='')}", "destUri": f"amqp:///{quote(CITY, safe='')}"}
            for kind in ("Exchange", "Queue", "Binding", "Shovel"):  # bindings need their exchange and queue
                for doc in by_kind(suite, kind):
                    declare(doc, vhost, uris)

        def running():
            shovels = api("GET", "shovels").json()
            ours = [s for s in shovels if s["vhost"] in DISTRICTS.values()]
            return len(ours) == len(SERVICES) * len(DISTRICTS) and all(s["state"] == "running" for s in ours)

        assert eventually(running, timeout=20), api("GET", "shovels").json()
        yield suite
    finally:
        for vhost in made:  # deleting a vhost deletes its shovels, queues and exchanges
            requests.delete(f"{MANAGEMENT}/api/vhosts/{quote(vhost, safe='')}", auth=AUTH, timeout=30)


@pytest.fixture
def district_databases(tmp_path):
    """Per district: applications on PostgreSQL, the other four on SQLite files; migrated."""
    made_pg = []
    urls = {}
    try:
        for code in DISTRICTS:
            urls[code] = {}
            for service in SERVICES:
                if service == "applications":
                    name = pg_name(f"twodistricts_{code}_{service}")
                    url = create_database(name)
                    made_pg.append(name)
                else:
                    (tmp_path / code).mkdir(exist_ok=True)
                    url = f"sqlite:///{tmp_path / code / service}.db"
                upgrade(service, url)
                urls[code][service] = url
        yield urls
    finally:
        drop_database(*made_pg)


class CitySubscriber:
    """A city-level system: one queue on the city vhost bound to every service's exchange."""

    def __init__(self):
        self.conn = Connection(f"pyamqp://guest:guest@127.0.0.1:5672/{quote(CITY, safe='')}")
        channel = self.conn.default_channel
        self.queue = Queue(f"city-audit-{SUFFIX}", durable=False, auto_delete=True, channel=channel)
        self.queue.declare()
        for service in SERVICES:
            self.queue.bind_to(Exchange(f"{service}.events", type="topic", durable=True), routing_key="#")
        self.received: list[dict] = []

    def poll(self) -> list[dict]:
        while (message := self.queue.get(no_ack=True)) is not None:
            self.received.append(json.loads(message.body))
        return self.received

    def of_type(self, event_type: str) -> list[dict]:
        return [e for e in self.poll() if e["event_type"] == event_type]

    def close(self):
        self.conn.release()


def resident_id(body17: str) -> str:
    """A resident ID number with its GB 11643 check digit."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights, strict=True)) % 11]


def hardship_refs(url: str) -> set[str]:
    store = Store(url, app_models.metadata)
    try:
        with store.engine.connect() as conn:
            return set(conn.execute(select(app_models.HardshipStatus.person_ref)).scalars())
    finally:
        store.dispose()


def test_two_districts_and_the_city(broker, district_databases, service_config, container_factory, dev_token):
    suite_manifests = broker
    configs = {code: {s: service_config(s, district_databases[code][s], DISTRICT=code,
                                        AMQP_URI=f"pyamqp://guest:guest@127.0.0.1:5672/{quote(vhost, safe='')}")
                      for s in SERVICES}
               for code, vhost in DISTRICTS.items()}
    city = CitySubscriber()

    def start(code, service):
        container = container_factory(CLASSES[service], configs[code][service])
        container.start()
        return container

    def base(code, service):
        return f"http://{configs[code][service]['WEB_SERVER_ADDRESS']}"

    def register(code, id_number, token_district=None):
        return requests.post(f"{base(code, 'assistance')}/hardship-households",
                             headers=dev_token("district_officer", token_district or code),
                             json={"id_number": id_number, "name": "王五", "category": "sanwu"}, timeout=10)

    try:
        running = {(code, s): start(code, s) for code in DISTRICTS for s in SERVICES}

        # The queues KEDA scales on are the ones the running services declared.
        for code, vhost in DISTRICTS.items():
            declared = {q["name"] for q in api("GET", f"queues/{quote(vhost, safe='')}").json()}
            for so in by_kind(suite_manifests, "ScaledObject"):
                for trigger in so["spec"]["triggers"]:
                    if trigger["type"] == "rabbitmq":
                        assert trigger["metadata"]["queueName"] in declared, (code, trigger["metadata"]["queueName"])

        # 1. Each district's events reach its own services only.
        a1 = register("gulou", resident_id("35010219800101001"))
        b1 = register("taijiang", resident_id("35010319800101002"))
        assert a1.status_code == 201 and b1.status_code == 201, (a1.text, b1.text)
        ref_a1, ref_b1 = a1.json()["person_ref"], b1.json()["person_ref"]
        apps_a, apps_b = district_databases["gulou"]["applications"], district_databases["taijiang"]["applications"]
        assert eventually(lambda: ref_a1 in hardship_refs(apps_a))
        assert eventually(lambda: ref_b1 in hardship_refs(apps_b))

        # 2. The city receives both, each once, with its district.
        def city_has(*refs):
            got = {e["data"]["person_ref"] for e in city.of_type("hardship.registered")}
            return set(refs) <= got

        assert eventually(lambda: city_has(ref_a1, ref_b1), timeout=15), city.poll()

        # 3. A district officer of gulou is refused by taijiang's admin endpoints (and a city
        #    officer, whose role spans districts, is not).
        refused = register("taijiang", resident_id("35010319800101003"), token_district="gulou")
        assert refused.status_code == 403 and "gulou" in refused.json()["detail"], refused.text
        review = requests.get(f"{base('taijiang', 'applications')}/review-queue?level=district",
                              headers=dev_token("district_officer", "gulou"), timeout=10)
        assert review.status_code == 403
        assert requests.get(f"{base('taijiang', 'applications')}/review-queue?level=district",
                            headers=dev_token("city_officer", "city"), timeout=10).status_code == 200

        # 4. Gulou goes down: first its applications (so an event waits for it), then the rest.
        running[("gulou", "applications")].stop()
        a2 = register("gulou", resident_id("35010219800101004"))
        assert a2.status_code == 201
        ref_a2 = a2.json()["person_ref"]
        assert eventually(lambda: city_has(ref_a2), timeout=15)  # the relay published it, the city has it
        for s in SERVICES:
            if s != "applications":
                running[("gulou", s)].stop()
        for s in SERVICES:
            with pytest.raises(requests.ConnectionError):
                requests.get(f"{base('gulou', s)}/health", timeout=2)

        # ... and taijiang keeps serving and consuming.
        for s in SERVICES:
            assert requests.get(f"{base('taijiang', s)}/ready", timeout=5).status_code == 200
        b2 = register("taijiang", resident_id("35010319800101005"))
        assert b2.status_code == 201
        ref_b2 = b2.json()["person_ref"]
        assert eventually(lambda: ref_b2 in hardship_refs(apps_b))
        assert eventually(lambda: city_has(ref_b2), timeout=15)

        # 5. Gulou restarts and catches up: the event that arrived while it was down is applied.
        assert ref_a2 not in hardship_refs(apps_a)
        for s in SERVICES:
            running[("gulou", s)] = start("gulou", s)
        assert eventually(lambda: ref_a2 in hardship_refs(apps_a), timeout=15)
        for s in SERVICES:
            assert requests.get(f"{base('gulou', s)}/ready", timeout=5).status_code == 200

        # Nothing crossed: each applications database holds exactly its own district's people.
        assert hardship_refs(apps_a) == {ref_a1, ref_a2}
        assert hardship_refs(apps_b) == {ref_b1, ref_b2}

        # The city saw each event exactly once, with the district that produced it.
        eventlet.sleep(1.0)  # let any duplicate arrive before counting
        events = city.of_type("hardship.registered")
        by_ref = {}
        for e in events:
            by_ref.setdefault(e["data"]["person_ref"], []).append(e)
        assert {ref: [e["district"] for e in es] for ref, es in by_ref.items()} == {
            ref_a1: ["gulou"], ref_a2: ["gulou"], ref_b1: ["taijiang"], ref_b2: ["taijiang"]}
        assert len({e["event_id"] for e in events}) == len(events) == 4
        assert all(e["producer"] == "assistance" for e in events)
    finally:
        city.close()
