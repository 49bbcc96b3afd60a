"""security/container-security-policy.yaml held against what actually runs the server: the Dockerfile, the Compose
stack, the Kubernetes manifests and CI's Trivy scan."""

from __future__ import annotations

import re
from typing import Any

import pytest
from support.deploy import COMPOSE_FILE, DOCKERFILE, K8S_DIR, POLICY_FILE, REPO_ROOT, load_yaml, load_yaml_documents

SERVER_SERVICES = ("server", "migrate", "simulators")


@pytest.fixture(scope="module")
def policy() -> dict[str, Any]:
    document = load_yaml(POLICY_FILE)
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml(COMPOSE_FILE)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def pods() -> list[dict[str, Any]]:
    """The pod specs of every workload in deploy/k8s/."""
    specs = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        for resource in load_yaml_documents(path):
            if resource["kind"] == "Deployment":
                specs.append(resource["spec"]["template"]["spec"])
            elif resource["kind"] == "CronJob":
                specs.append(resource["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    assert len(specs) == 2
    return specs


def test_the_dockerfile_runs_as_the_policy_user_with_a_healthcheck(policy):
    text = DOCKERFILE.read_text(encoding="utf-8")
    runtime = text[text.index("AS runtime") :]
    user = policy["runtime"]["user"]
    assert re.search(rf"^USER {user['uid']}:{user['gid']}$", runtime, flags=re.MULTILINE)
    assert f"--uid {user['uid']}" in runtime and f"--gid {user['gid']}" in runtime
    assert ("HEALTHCHECK" in runtime) is policy["image"]["healthcheck_required"]
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", text, flags=re.MULTILINE)
    assert base is not None
    name, _, tag = base.group(1).partition(":")
    expected_name, _, expected_flavour = policy["image"]["base"].partition(":")
    version, _, flavour = expected_flavour.partition("-")
    assert name == expected_name and tag.startswith(version) and flavour in tag
    assert not re.search(r"^(ENV|ARG)\s+\S*(SECRET|PASSWORD|TOKEN)", text, flags=re.MULTILINE | re.IGNORECASE)


def test_kubernetes_pods_satisfy_the_runtime_policy(policy, pods):
    runtime = policy["runtime"]
    for pod in pods:
        assert pod["securityContext"]["runAsUser"] == runtime["user"]["uid"]
        assert pod["securityContext"]["runAsGroup"] == runtime["user"]["gid"]
        assert pod["securityContext"]["runAsNonRoot"] is runtime["user"]["run_as_non_root"]
        assert pod["securityContext"]["seccompProfile"]["type"] == runtime["seccomp_profile"]
        assert not any(pod.get(key) for key in ("hostNetwork", "hostPID", "hostIPC")) or runtime["host_namespaces"]
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is runtime["read_only_root_filesystem"]
            assert context["privileged"] is runtime["privileged"]
            assert context["allowPrivilegeEscalation"] is runtime["allow_privilege_escalation"]
            assert context["capabilities"].get("drop") == runtime["capabilities"]["drop"]
            assert context["capabilities"].get("add", []) == runtime["capabilities"]["add"]
            _check_limits(policy, container["resources"]["limits"]["cpu"], container["resources"]["limits"]["memory"])


def test_compose_services_of_the_image_satisfy_the_runtime_policy(policy, compose):
    runtime = policy["runtime"]
    for name in SERVER_SERVICES:
        service = compose["services"][name]
        assert service["user"] == f"{runtime['user']['uid']}:{runtime['user']['gid']}", name
        assert service["read_only"] is runtime["read_only_root_filesystem"], name
        assert service.get("privileged", False) is runtime["privileged"], name
        assert service["cap_drop"] == runtime["capabilities"]["drop"], name
        assert service.get("cap_add", []) == runtime["capabilities"]["add"], name
        assert ("no-new-privileges:true" in service["security_opt"]) is not runtime["allow_privilege_escalation"]
        assert [mount.split(":")[0] for mount in service["tmpfs"]] == runtime["writable_paths"], name
        assert not service.get("volumes"), f"{name} writes only to tmpfs"
        limits = service["deploy"]["resources"]["limits"]
        _check_limits(policy, limits["cpus"], limits["memory"])


def _mebibytes(quantity: str) -> float:
    match = re.fullmatch(r"(\d+)(Mi|Gi|M|G)", quantity)
    assert match, f"unexpected memory quantity {quantity}"
    return int(match[1]) * (1024 if match[2].startswith("G") else 1)


def _check_limits(policy: dict[str, Any], cpu: str, memory: str) -> None:
    resources = policy["resources"]
    cores = float(cpu[:-1]) / 1000 if cpu.endswith("m") else float(cpu)
    assert 0 < cores <= resources["cpu"]["max_cores"]
    assert resources["memory"]["min_mib"] <= _mebibytes(memory) <= resources["memory"]["max_mib"]


def _registry_path(image: str) -> str:
    """The fully qualified form of an image reference (Docker Hub's implicit registry and library/ made explicit)."""
    first = image.split("/", 1)[0]
    if "/" not in image:
        return f"docker.io/library/{image}"
    if "." not in first and ":" not in first and first != "localhost":
        return f"docker.io/{image}"
    return image


def _images(compose: dict[str, Any]) -> list[str]:
    pulled = [service["image"] for service in compose["services"].values() if "build" not in service]
    for path in sorted(K8S_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        pulled += re.findall(r"^\s*image:\s*(\S+)$", text, flags=re.MULTILINE)
    return pulled


def test_images_come_from_allowed_registries_with_version_tags(policy, compose):
    images = _images(compose)
    assert len(images) >= 6
    allowed = tuple(policy["image"]["allowed_registries"])
    for image in images:
        assert _registry_path(image).startswith(allowed), f"{image} is not from an allowed registry"
        tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else "latest"
        assert tag != "latest" or not policy["image"]["forbid_latest_tag"], f"{image} has no version tag"


@pytest.mark.parametrize(
    ("image", "qualified"),
    [
        ("postgres:16", "docker.io/library/postgres:16"),
        ("prom/prometheus:v2", "docker.io/prom/prometheus:v2"),
        ("ghcr.io/sentia-manufacturing/sentia-server:0.1.0", "ghcr.io/sentia-manufacturing/sentia-server:0.1.0"),
        ("localhost/sentia:1", "localhost/sentia:1"),
    ],
)
def test_registry_paths_are_qualified_as_docker_does(image, qualified):
    assert _registry_path(image) == qualified


def test_ci_scans_the_image_with_the_policy_thresholds(policy):
    workflow = load_yaml(REPO_ROOT / ".github" / "workflows" / "ci.yml")
    steps = [step for job in workflow["jobs"].values() for step in job.get("steps", [])]
    (trivy,) = [step for step in steps if "aquasecurity/trivy-action" in step.get("uses", "")]
    scanning = policy["scanning"]
    assert trivy["with"]["severity"].split(",") == scanning["fail_on_severities"]
    assert trivy["with"]["vuln-type"].split(",") == scanning["scan_types"]
    assert trivy["with"]["ignore-unfixed"] is scanning["ignore_unfixed"]
    assert str(trivy["with"]["exit-code"]) == "1"
    assert scanning["dependency_audit"] in DOCKERFILE.read_text(encoding="utf-8")
