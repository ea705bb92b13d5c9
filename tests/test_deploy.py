"""The JupyterHub deployment files: the image recipe, the Zero-to-JupyterHub values and the guide that names them."""

import os
import re
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
VALUES = DEPLOY / "jupyterhub" / "values.yaml"
COURSE_ID = "dae-keras"  # autograder.course.COURSE_ID, spelled out: the hub must use the same


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load(VALUES.read_text())


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


def test_every_profile_names_an_image_with_a_tag(values):
    image = values["singleuser"]["image"]
    assert image["name"] and image["tag"]
    for slug, profile in profiles_by_slug(values).items():
        assert re.fullmatch(r"[\w.\-/:]+:[\w.\-]+", profile["kubespawner_override"]["image"]), slug


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


def test_single_user_nbgrader_config_uses_the_hub_and_a_course_exchange(values):
    files = values["singleuser"]["extraFiles"]
    (config,) = [f for f in files.values() if f["mountPath"] == "/etc/jupyter/nbgrader_config.py"]
    c = run_config(config["stringData"])
    assert c.Exchange.path_includes_course is True
    assert c.Exchange.root == "/srv/nbgrader/exchange"
    from nbgrader.auth import Authenticator, JupyterHubAuthPlugin

    assert isinstance(Authenticator(config=c).plugin, JupyterHubAuthPlugin)


def test_exchange_volume_is_mounted_from_a_shared_claim(values):
    storage = values["singleuser"]["storage"]
    (volume,) = storage["extraVolumes"]
    (mount,) = storage["extraVolumeMounts"]
    assert mount == {"name": volume["name"], "mountPath": "/srv/nbgrader/exchange"}
    claim_name = volume["persistentVolumeClaim"]["claimName"]
    manifests = list(yaml.safe_load_all((DEPLOY / "jupyterhub" / "exchange-pvc.yaml").read_text()))
    (claim,) = [m for m in manifests if m["kind"] == "PersistentVolumeClaim"]
    assert claim["metadata"]["name"] == claim_name
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]


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
