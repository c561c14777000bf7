"""The checkers are not rubber stamps: an unknown field, a wrong enum, a wrong apiVersion or
kind, a five-field cron fails. Each case mutates one rendered document."""

import copy
from unittest import mock

import pytest

from .manifests import DEPLOY, KubectlMissing, deploygen, errors, named, render


def gulou(kind, name):
    docs = render(DEPLOY / "overlays" / "gulou") + render(DEPLOY / "overlays" / "gulou" / "migrate")
    return copy.deepcopy(named(docs, kind, name))


def city(kind, name):
    return copy.deepcopy(named(render(DEPLOY / "overlays" / "city"), kind, name))


def set_path(doc, path, value):
    *parents, last = path
    node = doc
    for key in parents:
        node = node[key]
    node[last] = value
    return doc


CASES = [
    # built-in kinds: the Kubernetes schemas, strict
    ("Deployment", "notify", ["spec", "replica"], 2, "'replica' was unexpected"),
    ("Deployment", "notify", ["spec", "template", "spec", "containers", 0, "livenessProbe", "httpGett"], {},
     "'httpGett' was unexpected"),
    ("Deployment", "notify", ["spec", "template", "spec", "containers", 0, "imagePullPolicy"], 7, "is not of type"),
    ("NetworkPolicy", "anju-services-admin", ["spec", "podSelector"], "all", "is not of type 'object'"),
    ("NetworkPolicy", "anju-services-admin", ["spec", "ingress", 0, "source"], [], "'source' was unexpected"),
    ("PodDisruptionBudget", "notify", ["spec", "minAvailable"], [1], "is not valid under any"),
    ("Job", "migrate-notify", ["spec", "template", "spec", "restartpolicy"], "Never", "was unexpected"),
    # custom resources: deploy/schemas
    ("Vhost", "anju", ["spec", "defaultQueueType"], "quorom", "is not one of ['quorum', 'classic', 'stream']"),
    ("Vhost", "anju", ["spec", "defaultQueuetype"], "quorum", "'defaultQueuetype' was unexpected"),
    ("Shovel", "city-notify", ["spec", "ackMode"], "on-commit", "is not one of"),
    ("Shovel", "city-notify", ["spec", "srcUri"], "amqp://", "'srcUri' was unexpected"),
    ("Policy", "anju-consumer-queues", ["spec", "applyTo"], "quorum-queues", "is not one of"),
    ("Policy", "anju-consumer-queues", ["spec", "definition", "overflow"], "reject", "is not one of"),
    ("Policy", "anju-consumer-queues", ["spec", "definition", "x-delivery-limit"], 4, "was unexpected"),
    ("User", "anju-keda", ["spec", "tags"], ["monitor"], "is not one of"),
    ("RabbitmqCluster", "anju-rabbitmq", ["spec", "rabbitmq", "additionalPlugins"], ["rabbitmq-shovel"],
     "does not match"),
    ("RabbitmqCluster", "anju-rabbitmq", ["spec", "plugins"], ["rabbitmq_shovel"], "'plugins' was unexpected"),
    ("Cluster", "anju-pg", ["spec", "backup"], {"barmanObjectStore": {"destinationPath": "s3://x/"}},
     "'backup' was unexpected"),
    ("Cluster", "anju-pg", ["spec", "primaryUpdateStrategy"], "automatic", "is not one of"),
    ("Cluster", "anju-pg", ["spec", "plugins", 0, "name"], "barman-cloud", "was expected"),
    ("ScheduledBackup", "anju-pg-nightly", ["spec", "schedule"], "0 2 * * *", "does not match"),
    ("ScheduledBackup", "anju-pg-nightly", ["spec", "method"], "barmanObjectStore", "is not one of"),
    ("ObjectStore", "anju-backups", ["spec", "configuration", "wal", "compression"], "zip", "is not one of"),
    ("ObjectStore", "anju-backups", ["spec", "retentionPolicy"], "30 days", "does not match"),
    ("Database", "anju-notify", ["spec", "databaseReclaimPolicy"], "keep", "is not one of"),
    ("ScaledObject", "notify", ["spec", "triggers", 0, "metadata", "mode"], "MessageRate", "is not valid under any"),
    ("ScaledObject", "notify", ["spec", "triggers", 0, "metadata", "queueLength"], "5", "is not valid under any"),
    ("ScaledObject", "notify", ["spec", "minReplicas"], 2, "'minReplicas' was unexpected"),
    ("TriggerAuthentication", "anju-rabbitmq-keda", ["spec", "secretTargetRef", 0, "parameter"], "user",
     "is not one of"),
    ("ServiceMonitor", "anju-services", ["spec", "endpoints", 0, "interval"], "30 seconds", "does not match"),
    ("ServiceMonitor", "anju-services", ["spec", "endpoints", 0, "targetport"], 80, "was unexpected"),
]


@pytest.mark.parametrize("kind,name,path,value,expected", CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_checker_rejects(kind, name, path, value, expected):
    doc = gulou(kind, name)
    assert not errors(doc), "the unmodified document must pass"
    problems = errors(set_path(doc, path, value))
    assert any(expected in p for p in problems), problems


def test_wrong_api_version_or_kind_is_rejected():
    doc = gulou("Vhost", "anju")
    doc["apiVersion"] = "rabbitmq.com/v1"
    assert any("not a custom resource we have a schema for" in p for p in errors(doc))
    doc = gulou("Shovel", "city-notify")
    doc["kind"] = "Shovels"
    assert any("not a custom resource we have a schema for" in p for p in errors(doc))
    doc = gulou("Deployment", "notify")
    doc["apiVersion"] = "extensions/v1beta1"
    assert errors(doc)
    cpu_scaled = next((s for s in deploygen.services() if not deploygen.consumers(s)), None)
    if cpu_scaled is not None:
        doc = gulou("HorizontalPodAutoscaler", cpu_scaled)
    else:  # every service consumes events (KEDA): the HPA deploygen writes for one that does not
        with mock.patch.object(deploygen, "consumers", return_value=[]):
            doc = deploygen.autoscaler("notify")
    doc["apiVersion"] = "autoscaling/v2beta2"  # removed in Kubernetes 1.26
    assert any("is not a kind of Kubernetes" in p for p in errors(doc))


def test_prometheus_rule_checked():
    rule = city("PrometheusRule", "anju-alerts")
    assert not errors(rule)
    rule["spec"]["groups"][0]["rules"][0]["labels"]["severity"] = "page"
    assert any("is not one of" in p for p in errors(rule))


def test_missing_kubectl_is_a_clear_failure(monkeypatch):
    from . import manifests

    monkeypatch.setattr(manifests.shutil, "which", lambda name: None)
    with pytest.raises(KubectlMissing, match="kubectl is not on PATH.*cannot install it"):
        manifests.kubectl()
