"""deploy/k8s/: every manifest valid for a pinned Kubernetes version in kubernetes-validate's strict mode (its bundled
schemas, no cluster), and the settings that matter checked one by one."""

from __future__ import annotations

import base64
import copy
import os
import secrets
from pathlib import Path
from typing import Any, cast

import kubernetes_validate
import pytest
from support.deploy import K8S_DIR, load_yaml_documents, settings_variables

from sentia_server.config import Environment, Settings
from sentia_server.routes.health import health_routes
from sentia_server.runtime import Runtime

KUBERNETES_VERSION = "1.33.0"
KINDS = {
    "Namespace",
    "ConfigMap",
    "Deployment",
    "Service",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "PersistentVolumeClaim",
    "CronJob",
}


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict[str, Any]]:
    """Every resource by kind (each kind appears once)."""
    by_kind: dict[str, dict[str, Any]] = {}
    for path in sorted(K8S_DIR.glob("*.yaml")):
        for document in load_yaml_documents(path):
            assert document["kind"] not in by_kind, f"{path.name}: a second {document['kind']}"
            by_kind[document["kind"]] = document
    return by_kind


def test_every_manifest_is_valid_in_strict_mode(manifests):
    assert set(manifests) == KINDS
    for kind, resource in manifests.items():
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        if kind != "Namespace":
            assert resource["metadata"]["namespace"] == manifests["Namespace"]["metadata"]["name"]


def test_strict_mode_rejects_unknown_and_mistyped_fields(manifests):
    unknown = copy.deepcopy(manifests["Deployment"])
    unknown["spec"]["template"]["spec"]["containers"][0]["readinessprobe"] = {}
    mistyped = copy.deepcopy(manifests["HorizontalPodAutoscaler"])
    mistyped["spec"]["minReplicas"] = "two"
    for resource in (unknown, mistyped):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def _server(manifests: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return cast(dict[str, Any], manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0])


def test_the_deployment_runs_two_replicas_of_the_http_server(manifests):
    deployment = manifests["Deployment"]
    assert deployment["spec"]["replicas"] == 2
    container = _server(manifests)
    assert container["command"] == ["sentia-server", "serve", "--transport", "http"]
    assert container["ports"][0]["containerPort"] == int(manifests["ConfigMap"]["data"]["SENTIA_PORT"])
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert {source.get("secretRef", {}).get("name") for source in container["envFrom"]} >= {"sentia-server-secrets"}


def test_probes_hit_the_health_routes_with_an_allowed_host(manifests):
    paths = {route.path for route in health_routes(cast(Runtime, None))}
    container = _server(manifests)
    allowed = manifests["ConfigMap"]["data"]["SENTIA_ALLOWED_HOSTS"].split(",")
    probes = {name: container[name]["httpGet"] for name in ("startupProbe", "livenessProbe", "readinessProbe")}
    assert probes["livenessProbe"]["path"] == "/health"
    assert probes["readinessProbe"]["path"] == "/health/ready"
    for probe in probes.values():
        assert probe["path"] in paths
        hosts = [header["value"] for header in probe["httpHeaders"] if header["name"] == "Host"]
        assert hosts and hosts[0] in allowed


def test_the_pods_meet_the_restricted_pod_security_standard(manifests):
    assert manifests["Namespace"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    pods = [
        manifests["Deployment"]["spec"]["template"]["spec"],
        manifests["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"],
    ]
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert context["seccompProfile"]["type"] == "RuntimeDefault"
            assert context["runAsNonRoot"] is True


def test_the_autoscaler_targets_60_percent_cpu_and_70_percent_memory(manifests):
    hpa = manifests["HorizontalPodAutoscaler"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 10)
    targets = {metric["resource"]["name"]: metric["resource"]["target"] for metric in hpa["spec"]["metrics"]}
    assert targets == {
        "cpu": {"type": "Utilization", "averageUtilization": 60},
        "memory": {"type": "Utilization", "averageUtilization": 70},
    }
    assert hpa["spec"]["scaleTargetRef"]["name"] == manifests["Deployment"]["metadata"]["name"]


def test_service_budget_and_policy_select_the_server_pods(manifests):
    labels = manifests["Deployment"]["spec"]["template"]["metadata"]["labels"]
    selectors = [
        manifests["Service"]["spec"]["selector"],
        manifests["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
        manifests["NetworkPolicy"]["spec"]["podSelector"]["matchLabels"],
        manifests["Deployment"]["spec"]["selector"]["matchLabels"],
    ]
    for selector in selectors:
        assert selector.items() <= labels.items()
    assert manifests["PodDisruptionBudget"]["spec"]["minAvailable"] == 1
    assert manifests["Service"]["spec"]["ports"][0]["targetPort"] == "http"


def test_the_network_policy_allows_only_the_needed_traffic(manifests):
    policy = manifests["NetworkPolicy"]["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    port = int(manifests["ConfigMap"]["data"]["SENTIA_PORT"])
    (ingress,) = policy["ingress"]
    assert ingress["ports"] == [{"protocol": "TCP", "port": port}]
    sources = {peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for peer in ingress["from"]}
    assert sources == {"ingress-nginx", "monitoring"}
    egress_ports = {(port["protocol"], port["port"]) for rule in policy["egress"] for port in rule["ports"]}
    assert egress_ports == {("UDP", 53), ("TCP", 53), ("TCP", 5432), ("TCP", 6379), ("TCP", 443)}


def test_the_backup_cronjob_runs_the_backup_command(manifests):
    cronjob = manifests["CronJob"]
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert len(cronjob["spec"]["schedule"].split()) == 5
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["containers"][0]["command"] == ["sentia-server", "backup", "create"]
    claim = next(volume for volume in pod["volumes"] if "persistentVolumeClaim" in volume)
    assert claim["persistentVolumeClaim"]["claimName"] == manifests["PersistentVolumeClaim"]["metadata"]["name"]
    assert pod["containers"][0]["image"] == _server(manifests)["image"]


def test_the_configmap_with_the_documented_secret_is_a_valid_production_configuration(
    manifests, tmp_path: Path, monkeypatch
):
    """The ConfigMap plus the keys docs/deployment.md puts in the Secret pass the real Settings checks."""
    data = manifests["ConfigMap"]["data"]
    assert set(data) <= settings_variables()
    secret = {
        "SENTIA_DATABASE_URL": "postgresql://sentia:pw@postgres.example.internal:5432/sentia",
        "SENTIA_REDIS_URL": "redis://redis.example.internal:6379/0",
        "SENTIA_JWT_SECRET": secrets.token_urlsafe(48),
        "SENTIA_API_KEY_HASH_KEY": secrets.token_urlsafe(48),
        "SENTIA_ENCRYPTION_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    guide = (K8S_DIR.parents[1] / "docs" / "deployment.md").read_text(encoding="utf-8")
    for key in secret:
        assert f"`{key}`" in guide, f"docs/deployment.md does not say that the Secret holds {key}"
    for name in list(os.environ):
        if name.startswith("SENTIA_"):
            monkeypatch.delenv(name)
    for key, value in {**data, **secret, "SENTIA_DATA_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)
    assert settings.environment is Environment.PRODUCTION
    assert settings.port == 3001
