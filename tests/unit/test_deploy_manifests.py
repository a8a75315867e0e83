"""The deployment files, read as data: the Kubernetes manifests, the Dockerfile, and the nginx
configuration `python -m ui.hall` writes (checked by `nginx -t` when nginx is installed)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from ui import hall

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
HEALTH = "/_stcore/health"
APP_PORT = 8501
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def manifests() -> dict[str, dict]:
    """Every Kubernetes object under deploy/kubernetes, by kind."""
    objects = {}
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            assert document["kind"] not in objects, f"two {document['kind']} objects"
            objects[document["kind"]] = document
    return objects


def app_container() -> dict:
    (container,) = manifests()["Deployment"]["spec"]["template"]["spec"]["containers"]
    return container


def memory_mib(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    for suffix, factor in units.items():
        if quantity.endswith(suffix):
            return float(quantity[: -len(suffix)]) * factor
    return float(quantity) / 2**20


def test_the_manifests_are_a_deployment_a_service_and_an_ingress():
    objects = manifests()
    assert set(objects) == {"Deployment", "Service", "Ingress", "Kustomization"}
    assert sorted(objects["Kustomization"]["resources"]) == ["deployment.yaml", "ingress.yaml", "service.yaml"]
    deployment = objects["Deployment"]
    assert deployment["apiVersion"] == "apps/v1"
    assert deployment["spec"]["replicas"] == 3
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert objects["Service"]["spec"]["selector"].items() <= labels.items()


def test_the_probes_ask_streamlit_health_on_the_app_port():
    container = app_container()
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": APP_PORT}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        check = container[probe]["httpGet"]
        assert check["path"] == HEALTH, probe
        assert ports.get(check["port"], check["port"]) == APP_PORT, probe


def test_the_container_has_resource_requests_and_limits_and_runs_as_non_root():
    resources = app_container()["resources"]
    requests, limits = resources["requests"], resources["limits"]
    assert set(requests) == set(limits) == {"cpu", "memory"}
    assert memory_mib(requests["memory"]) <= memory_mib(limits["memory"])
    assert memory_mib(requests["memory"]) >= 768, "one server with every page opened once takes over 600 MiB"
    security = manifests()["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    assert security["runAsNonRoot"] is True and security["runAsUser"] != 0
    assert "command" not in app_container() and "args" not in app_container(), "the image's CMD starts the app"


def test_the_service_and_the_ingress_lead_to_the_app_port():
    objects = manifests()
    (service_port,) = objects["Service"]["spec"]["ports"]
    assert service_port["targetPort"] == "http"
    (rule,) = objects["Ingress"]["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert path["path"] == "/" and path["pathType"] == "Prefix"
    backend = path["backend"]["service"]
    assert backend["name"] == objects["Service"]["metadata"]["name"]
    assert backend["port"]["name"] == service_port["name"]


def test_the_ingress_keeps_a_browser_on_one_pod_and_its_websocket_open():
    annotations = manifests()["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "affinity"] == "cookie"
    assert annotations[prefix + "session-cookie-name"]
    assert annotations[prefix + "session-cookie-path"] == "/"
    assert annotations[prefix + "session-cookie-change-on-failure"] == "true"
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(annotations[prefix + timeout]) >= 3600, timeout
    assert all(isinstance(value, str) for value in annotations.values()), "annotation values must be strings"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        keyword, _, arguments = pending.strip().partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        pending = ""
    return instructions


def dockerfile(keyword: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile_instructions() if instruction == keyword]


def test_the_dockerfile_builds_on_python_slim_with_the_cpu_torch_index():
    assert dockerfile_instructions()[0] == ("FROM", "python:3.11-slim")
    (install,) = [run for run in dockerfile("RUN") if "pip install" in run]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in install
    assert "-r requirements.txt" in install


def test_the_dockerfile_serves_the_app_on_8501_with_a_health_check_as_a_non_root_user():
    assert dockerfile("EXPOSE") == [str(APP_PORT)]
    (healthcheck,) = dockerfile("HEALTHCHECK")
    assert f"http://127.0.0.1:{APP_PORT}{HEALTH}" in healthcheck
    (command,) = dockerfile("CMD")
    serve = ["python", "-m", "ui.serve", "app.py", "--server.address", "0.0.0.0", "--server.port", str(APP_PORT)]
    assert json.loads(command) == serve
    users = dockerfile("USER")
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    names = [instruction for instruction, _ in dockerfile_instructions()]
    assert names.index("USER") > max(i for i, name in enumerate(names) if name == "RUN"), "USER after the last RUN"


def test_the_image_gets_the_app_and_not_the_virtual_environment():
    copied = " ".join(dockerfile("COPY"))
    for part in ("app.py", "core/", "ui/", "pages/", "locales/", "assets/", ".streamlit/"):
        assert part in copied, part
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "tests"} <= set(ignored)


def hall_config(tmp_path: Path, ports: list[int]) -> str:
    return hall.nginx_config(tmp_path, "127.0.0.1", 8600, ports, upload_mb=5)


def test_the_hall_config_routes_by_cookie_with_every_other_process_as_backup(tmp_path):
    config = hall_config(tmp_path, [8601, 8602, 8603])
    assert "map $cookie_hall_route $hall_pool" in config
    assert config.count("proxy_pass http://$hall_pool;") == 2, "pages, uploads, media and the websocket alike"
    first_visits = config.split("upstream hall_any {")[1].split("}")[0]
    assert first_visits.count("max_fails=1 fail_timeout=10s;") == 3
    sticky = config.split("upstream hall_1 {")[1].split("}")[0].split(";")
    assert [line.strip() for line in sticky if line.strip()] == [
        "server 127.0.0.1:8602 max_fails=0",
        "server 127.0.0.1:8601 backup max_fails=0",
        "server 127.0.0.1:8603 backup max_fails=0",
    ]
    assert "proxy_next_upstream error timeout;" in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config and "proxy_read_timeout 3600s;" in config
    assert "add_header Set-Cookie $hall_route_cookie always;" in config, "the websocket handshake sets the cookie"
    assert "add_header Set-Cookie $hall_first_visit_cookie always;" in config
    assert "client_max_body_size 6m;" in config
    assert str(tmp_path / "nginx.pid") in config and "daemon off;" in config


@pytest.mark.skipif(not Path(NGINX).exists(), reason=f"nginx is not installed at {NGINX} (make test installs it)")
def test_nginx_accepts_the_hall_config(tmp_path):
    (tmp_path / "nginx.conf").write_text(hall_config(tmp_path, [8601, 8602]))
    result = subprocess.run(hall.nginx_command(NGINX, tmp_path, "-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_hall_takes_the_first_free_ports():
    taken = hall.free_ports("127.0.0.1", 20000, 1)[0]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", taken))
        ports = hall.free_ports("127.0.0.1", taken, 2)
    assert taken not in ports and ports == sorted(ports) and ports[0] > taken
