"""The JupyterHub deployment files: the image recipe, the Zero-to-JupyterHub values and the guide that names them."""

import os
import re
import sys
import types
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
VALUES = DEPLOY / "jupyterhub" / "values.yaml"
NGSHARE_VALUES = DEPLOY / "jupyterhub" / "ngshare-values.yaml"
COURSE_ID = "dae-keras"  # autograder.course.COURSE_ID, spelled out: the hub must use the same


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load(VALUES.read_text())


@pytest.fixture(scope="module")
def ngshare_values():
    return yaml.safe_load(NGSHARE_VALUES.read_text())


def profiles_by_slug(values):
    return {profile["slug"]: profile for profile in values["singleuser"]["profileList"]}


def resource_requests(profile):
    """Every extra resource a profile asks for, limits and guarantees together."""
    override = profile.get("kubespawner_override", {})
    return {**override.get("extra_resource_guarantees", {}), **override.get("extra_resource_limits", {})}


def run_config(source):
    """Run a JupyterHub or nbgrader config snippet as they do, with ``c`` and ``get_config``; return ``c``."""
    c = Config()
    exec(compile(source, "<config>", "exec"), {"c": c, "get_config": lambda: c})
    return c


def test_course_id_is_the_autograders():
    from autograder.course import COURSE_ID as configured

    assert configured == COURSE_ID


def test_gpu_profile_requests_exactly_one_gpu(values):
    gpu = profiles_by_slug(values)["gpu"]
    assert resource_requests(gpu) == {"nvidia.com/gpu": "1"}


def test_cpu_profile_requests_no_gpu_and_is_the_default(values):
    profiles = profiles_by_slug(values)
    assert set(profiles) == {"cpu", "gpu"}
    assert not any("gpu" in name for name in resource_requests(profiles["cpu"]))
    assert [slug for slug, profile in profiles.items() if profile.get("default")] == ["cpu"]


class FakeSpawner:
    """What the image hook reads of a KubeSpawner: its user's groups; and the image it sets."""

    def __init__(self, *groups):
        self.user = types.SimpleNamespace(groups=[types.SimpleNamespace(name=group) for group in groups])
        self.image = None


def image_for(values, *groups):
    c = run_config("\n".join(values["hub"]["extraConfig"].values()))
    spawner = FakeSpawner(*groups)
    c.KubeSpawner.pre_spawn_hook(spawner)
    return spawner.image


def test_students_get_the_student_image_and_instructors_the_instructor_image(values):
    image = values["singleuser"]["image"]
    student_image = f"{image['name']}:{image['tag']}"
    assert image["name"] == "SITE-registry/dae-keras-student"
    assert image_for(values, f"nbgrader-{COURSE_ID}") == student_image
    assert image_for(values) == student_image  # in no group yet: a student
    assert image_for(values, f"formgrade-{COURSE_ID}") == "SITE-registry/dae-keras-instructor:v1"
    assert image_for(values, f"formgrade-{COURSE_ID}", f"nbgrader-{COURSE_ID}") == "SITE-registry/dae-keras-instructor:v1"
    assert image_for(values, "formgrade-another-course") == student_image


def test_no_profile_overrides_the_chosen_image(values):
    for slug, profile in profiles_by_slug(values).items():
        assert "image" not in profile["kubespawner_override"], slug


def test_no_profile_forces_the_training_profile(values):
    # $DAE_PROFILE would override the device rule and nbgrader's smoke profile
    environments = [values["singleuser"].get("extraEnv", {})]
    environments += [p["kubespawner_override"].get("environment", {}) for p in values["singleuser"]["profileList"]]
    assert not any("DAE_PROFILE" in environment for environment in environments)


def test_hub_creates_the_nbgrader_groups(values):
    snippets = values["hub"]["extraConfig"]
    c = run_config("\n".join(snippets.values()))
    groups = c.JupyterHub.load_groups
    assert set(groups) == {f"formgrade-{COURSE_ID}", f"nbgrader-{COURSE_ID}"}
    assert groups[f"formgrade-{COURSE_ID}"]["users"], "no instructor in the formgrade group"
    assert set(groups[f"formgrade-{COURSE_ID}"]["users"]) <= set(values["hub"]["config"]["Authenticator"]["admin_users"])


def test_roles_let_servers_read_groups_and_instructors_manage_students(values):
    roles = values["hub"]["loadRoles"]
    assert roles["server"]["scopes"] == ["inherit"]
    instructors = [role for role in roles.values() if f"formgrade-{COURSE_ID}" in role.get("groups", [])]
    assert len(instructors) == 1
    assert f"groups!group=nbgrader-{COURSE_ID}" in instructors[0]["scopes"]


def servers_nbgrader_config(values):
    files = values["singleuser"]["extraFiles"]
    (config,) = [f for f in files.values() if f["mountPath"] == "/etc/jupyter/nbgrader_config.py"]
    return config["stringData"]


def run_with_ngshare_exchange_recorded(source, monkeypatch):
    """Run an nbgrader config that calls ngshare_exchange.configureExchange; return ``c`` and the URLs it was given.

    ngshare-exchange is installed by `make e2e` only (its stale pins need --no-deps), so a stand-in records the call;
    the end-to-end tests run the same lines with the real package.
    """
    urls = []
    stand_in = types.ModuleType("ngshare_exchange")
    stand_in.configureExchange = lambda c, url=None: urls.append(url)
    monkeypatch.setitem(sys.modules, "ngshare_exchange", stand_in)
    return run_config(source), urls


def test_servers_use_the_ngshare_exchange_and_the_hubs_groups(values, monkeypatch):
    c, urls = run_with_ngshare_exchange_recorded(servers_nbgrader_config(values), monkeypatch)
    assert urls == [values["hub"]["services"]["ngshare"]["url"] + "/services/ngshare"]
    assert c.Exchange.path_includes_course is True
    assert "root" not in c.Exchange  # no shared folder
    from nbgrader.auth import Authenticator, JupyterHubAuthPlugin

    assert isinstance(Authenticator(config=c).plugin, JupyterHubAuthPlugin)


def test_servers_nbgrader_config_is_the_one_the_end_to_end_tests_ran(values):
    from tests.e2e.hub import exchange_config

    tested = exchange_config("URL").splitlines()
    deployed = [line.split("#")[0].strip() for line in servers_nbgrader_config(values).splitlines()]
    for line in tested:
        code = line.split("#")[0].strip()
        if "URL" in code:
            assert any(re.fullmatch(re.escape(code).replace("'URL'", '"[^"]+"'), d) for d in deployed), line
        else:
            assert code in deployed, line


def test_no_shared_exchange_volume_is_left(values):
    assert "storage" not in values["singleuser"] or not values["singleuser"]["storage"].get("extraVolumes")
    assert not (DEPLOY / "jupyterhub" / "exchange-pvc.yaml").exists()
    assert "/srv/nbgrader/exchange" not in VALUES.read_text()


def test_ngshare_is_a_hub_service_with_no_role_and_no_token_in_the_file(values):
    service = values["hub"]["services"]["ngshare"]
    assert set(service) == {"url"}, "its token comes from the command line, and it needs no admin flag"
    for name, role in values["hub"]["loadRoles"].items():
        assert "ngshare" not in role.get("services", []), name


def test_ngshare_chart_values_match_the_hubs(values, ngshare_values):
    host = urlparse(values["hub"]["services"]["ngshare"]["url"]).hostname
    release, namespace = host.split(".")[:2]
    assert release == "ngshare" and namespace == "dae"  # the release and namespace the guide installs
    settings = ngshare_values["ngshare"]
    assert settings["debug"] is False
    assert settings["admins"] and set(settings["admins"]) <= set(values["hub"]["config"]["Authenticator"]["admin_users"])
    assert urlparse(settings["hub_api_url"]).hostname == "hub"
    assert "hub_api_token" not in settings


def test_network_policy_lets_servers_reach_ngshare_and_ngshare_reach_the_hub(values):
    port = urlparse(values["hub"]["services"]["ngshare"]["url"]).port
    ngshare_pods = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "ngshare"}}}
    (egress,) = values["singleuser"]["networkPolicy"]["egress"]
    assert egress["to"] == [ngshare_pods] and egress["ports"] == [{"port": port, "protocol": "TCP"}]
    (ingress,) = values["hub"]["networkPolicy"]["ingress"]
    assert ingress["from"] == [ngshare_pods]


def test_servers_start_in_the_home_folder_and_prefer_the_users_config(values):
    assert values["hub"]["config"]["KubeSpawner"]["working_dir"] == "/home/jovyan"
    assert values["singleuser"]["extraEnv"]["JUPYTER_PREFER_ENV_PATH"] == "0"


def test_environment_installs_the_project_with_the_gpu_extra():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = environment["dependencies"]
    assert any(str(d).startswith("python=3.") for d in dependencies)
    (pip,) = [d["pip"] for d in dependencies if isinstance(d, dict)]
    (project,) = [line for line in pip if line.startswith("-e .")]
    extras = set(re.fullmatch(r"-e \.\[([\w,]+)\]", project).group(1).split(","))
    assert extras == {"gpu", "course", "test"}


def test_repo2docker_files_are_in_place():
    assert "dataset-fashion-mnist" in (ROOT / "apt.txt").read_text().split()
    post_build = ROOT / "postBuild"
    assert os.access(post_build, os.X_OK) and post_build.read_text().startswith("#!/bin/bash")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()  # they would hide the files above
    assert not (ROOT / "Dockerfile").exists()  # repo2docker would build it instead


def relative_links(markdown):
    """Relative paths the guide names: Markdown link targets and back-quoted paths of this repository."""
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", markdown)
    links = [link for link in links if "://" not in link]
    quoted = re.findall(r"`((?:deploy|benchmarks|autograder|solutions|dae_reference|tests)/[\w./-]+)`", markdown)
    return links, quoted


def test_every_path_the_guide_names_exists():
    links, quoted = relative_links((DEPLOY / "README.md").read_text())
    assert "jupyterhub/values.yaml" in links and quoted
    for link in links:
        assert (DEPLOY / link).exists(), link
    for path in quoted:
        assert (ROOT / path).exists(), path


def test_the_readme_points_to_the_guide():
    readme = (ROOT / "README.md").read_text()
    assert "deploy/README.md" in readme and "benchmarks/gpu_train.py" in readme
