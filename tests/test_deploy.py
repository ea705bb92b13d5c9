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
DASK = DEPLOY / "dask"
MEASURED = ROOT / "results" / "grading_memory.json"  # benchmarks/grade_memory.py: what the grading workers are sized from
ROLE_LABEL = "dae-keras/role"  # the hub labels each server's pod with its user's role; the grading cluster admits instructors


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
    """What the image hook reads of a KubeSpawner: its user's groups and pod labels; and the image and labels it sets."""

    def __init__(self, *groups):
        self.user = types.SimpleNamespace(groups=[types.SimpleNamespace(name=group) for group in groups])
        self.image = None
        self.extra_labels = {"hub.jupyter.org/network-access-hub": "true"}  # as Zero to JupyterHub sets it


def spawned(values, *groups):
    """The spawner of a user in ``groups`` after the hub's pre-spawn hook."""
    c = run_config("\n".join(values["hub"]["extraConfig"].values()))
    spawner = FakeSpawner(*groups)
    c.KubeSpawner.pre_spawn_hook(spawner)
    return spawner


def image_for(values, *groups):
    return spawned(values, *groups).image


def test_students_get_the_student_image_and_instructors_the_instructor_image(values):
    image = values["singleuser"]["image"]
    student_image = f"{image['name']}:{image['tag']}"
    assert image["name"] == "SITE-registry/dae-keras-student"
    assert image_for(values, f"nbgrader-{COURSE_ID}") == student_image
    assert image_for(values) == student_image  # in no group yet: a student
    assert image_for(values, f"formgrade-{COURSE_ID}") == "SITE-registry/dae-keras-instructor:v1"
    assert image_for(values, f"formgrade-{COURSE_ID}", f"nbgrader-{COURSE_ID}") == "SITE-registry/dae-keras-instructor:v1"
    assert image_for(values, "formgrade-another-course") == student_image


def test_no_profile_overrides_the_chosen_image_or_labels(values):
    for slug, profile in profiles_by_slug(values).items():
        assert "image" not in profile["kubespawner_override"], slug
        assert "extra_labels" not in profile["kubespawner_override"], slug


def test_instructors_servers_are_labelled_instructor_and_everyone_elses_student(values):
    for groups, role in [((f"formgrade-{COURSE_ID}",), "instructor"), ((f"nbgrader-{COURSE_ID}",), "student"),
                         ((), "student"), (("formgrade-another-course",), "student")]:
        labels = spawned(values, *groups).extra_labels
        assert labels == {"hub.jupyter.org/network-access-hub": "true", ROLE_LABEL: role}, groups


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


# The grading workers on the cluster (deploy/dask/, deploy/README.md "Grading a class on the cluster") ------------------

MEMORY_MARGIN = 1.25  # the pod's memory over what its notebooks, zygote and Dask processes measured together
UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}


def to_bytes(quantity):
    """Bytes in a Kubernetes quantity (``9Gi``) or a Dask byte string (``9GiB``); binary units only."""
    number, unit = re.fullmatch(r"(\d+)([A-Za-z]+)", str(quantity)).groups()
    return int(number) * UNITS[unit]


@pytest.fixture(scope="module")
def grading_cluster():
    (cluster,) = yaml.safe_load_all((DASK / "grading-cluster.yaml").read_text())
    return cluster


@pytest.fixture(scope="module")
def grading_policies():
    return {policy["metadata"]["name"]: policy for policy in yaml.safe_load_all((DASK / "network-policy.yaml").read_text())}


@pytest.fixture(scope="module")
def measured():
    import json

    return json.loads(MEASURED.read_text())


@pytest.fixture(scope="module")
def guide():
    return (DEPLOY / "README.md").read_text()


def container(cluster, component):
    (only,) = cluster["spec"][component]["spec"]["containers"]
    return only


def worker_option(cluster, name):
    args = container(cluster, "worker")["args"]
    return args[args.index(name) + 1]


def notebooks_per_worker(guide):
    (number,) = re.findall(r"\*\*(\d+) notebooks at once\*\*", guide)
    return int(number)


def needed_mb(measured, notebooks, per_notebook=None):
    """What a worker grading ``notebooks`` at once needs, in MB, margin included."""
    once = measured["dask_worker"]["rss_mb"] + measured["zygote_rss_mb"]
    return (once + notebooks * (per_notebook or measured["notebook_peak_rss_mb"])) * MEMORY_MARGIN


def high_water_marks_mb(measured):
    """The largest sum of a notebook's kernel's and grading process's own peaks: a bound on missed readings."""
    return max(f["kernel_peak_rss_mb"] + f["grading_peak_rss_mb"] for f in measured["lessons"].values())


def test_grading_cluster_runs_the_instructors_image_of_the_hub(values, grading_cluster):
    instructor_image = image_for(values, f"formgrade-{COURSE_ID}")
    assert container(grading_cluster, "worker")["image"] == instructor_image
    assert container(grading_cluster, "scheduler")["image"] == instructor_image


def test_worker_grades_the_documented_number_of_notebooks_at_once_one_cpu_each(grading_cluster, guide):
    notebooks = notebooks_per_worker(guide)
    assert int(worker_option(grading_cluster, "--nthreads")) == notebooks
    resources = container(grading_cluster, "worker")["resources"]
    assert resources["requests"] == resources["limits"]  # Guaranteed: the node keeps the pod's CPUs and memory
    assert int(resources["limits"]["cpu"]) == notebooks
    assert f"dask worker --nthreads {notebooks}" in guide


def test_worker_memory_holds_its_notebooks_at_their_measured_peak(grading_cluster, measured):
    notebooks = int(worker_option(grading_cluster, "--nthreads"))
    limit = to_bytes(container(grading_cluster, "worker")["resources"]["limits"]["memory"])
    assert to_bytes(worker_option(grading_cluster, "--memory-limit")) == limit
    assert limit >= needed_mb(measured, notebooks) * 2**20
    assert limit >= needed_mb(measured, notebooks, high_water_marks_mb(measured)) * 2**20
    assert limit < (needed_mb(measured, notebooks) + 1024) * 2**20  # rounded up to whole GiB, no further


def test_measurement_covers_every_lesson_and_its_largest_figures(measured):
    from autograder.course import LESSONS

    lessons = measured["lessons"]
    assert set(lessons) == set(LESSONS)
    assert all(figures["score"] == figures["max_score"] for figures in lessons.values())  # the solutions graded whole
    for name in ("notebook_peak_rss_mb", "zygote_rss_mb"):
        assert measured[name] == max(figures[name] for figures in lessons.values()), name
    dask = measured["dask_worker"]
    assert abs(dask["rss_mb"] - dask["nanny_rss_mb"] - dask["worker_rss_mb"]) <= 1  # each rounded to the MB


def test_guide_quotes_the_measured_memory(measured, guide, grading_cluster):
    rows = {row[0].strip("` "): row[1:] for row in
            (line.strip("|").split("|") for line in guide.splitlines() if line.startswith("| `0"))}
    assert set(rows) == set(measured["lessons"])
    for lesson, cells in rows.items():
        figures = measured["lessons"][lesson]
        quoted = [int(cell.replace("MB", "").replace(",", "").strip()) for cell in cells]
        assert quoted == [figures["kernel_peak_rss_mb"], figures["grading_peak_rss_mb"], figures["notebook_peak_rss_mb"],
                          round(figures["cpu_seconds"])], lesson
    dask, zygote, peak = measured["dask_worker"]["rss_mb"], measured["zygote_rss_mb"], measured["notebook_peak_rss_mb"]
    notebooks = notebooks_per_worker(guide)
    limit_gib = to_bytes(container(grading_cluster, "worker")["resources"]["limits"]["memory"]) // 2**30
    guide = " ".join(guide.split())  # the prose, whatever its line breaks
    assert f"zygote, {zygote} MB" in guide
    assert f"{dask} MB (`distributed` {measured['dask_worker']['distributed']})" in guide
    assert f"{dask} + {zygote} + {notebooks} × {peak:,} = {dask + zygote + notebooks * peak:,} MB" in guide
    assert f"a quarter more is {round(needed_mb(measured, notebooks)):,} MB" in guide
    assert f"asks for {limit_gib} GiB ({limit_gib * 1024:,} MB)" in guide
    assert f"a node with {notebooks} free CPUs and {limit_gib} GiB" in guide
    pss = [figures["tree_peak_pss_mb"] for figures in measured["lessons"].values()]
    assert f"{min(pss):,} to {max(pss):,} MB" in guide
    assert f"at most {high_water_marks_mb(measured):,} MB" in guide
    assert f"memory = ({dask} + {zygote} + notebooks × {peak:,} MB)" in guide
    others = re.findall(r"(\d+) GiB and (\d+) CPUs for (\d+)", guide)
    assert len(others) == 2
    for other in others:
        gib, cpus, count = map(int, other)
        assert cpus == count and gib == -(-needed_mb(measured, count) // 1024), other


def test_worker_security_context_is_the_documented_one(grading_cluster, guide):
    worker = grading_cluster["spec"]["worker"]["spec"]
    context = container(grading_cluster, "worker")["securityContext"]
    # privileged for bubblewrap's unmasked /proc and system calls, but never as root, with no capability of its own
    assert context == {"privileged": True, "runAsNonRoot": True, "runAsUser": 1000, "runAsGroup": 1000}
    assert worker["automountServiceAccountToken"] is False
    assert not any(worker.get(name) for name in ("hostNetwork", "hostPID", "hostIPC", "hostUsers"))
    guide = " ".join(guide.split())
    assert "the worker container is `privileged: true`" in guide and "runs as uid 1000 (`runAsNonRoot`)" in guide
    scheduler = container(grading_cluster, "scheduler")["securityContext"]
    assert scheduler == {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    assert grading_cluster["spec"]["scheduler"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_nothing_in_the_grading_cluster_mounts_a_host_folder():
    for path in DASK.glob("*.yaml"):
        text = path.read_text()
        assert "hostPath" not in text and "volumes" not in text, path.name


def sources(rules, port):
    """The ``from`` (or ``to``) peers of the rules of a policy that admit TCP ``port``; None for "from anywhere"."""
    peers = []
    for rule in rules:
        if any(p["port"] == port and p.get("protocol", "TCP") == "TCP" for p in rule.get("ports", [])) \
                or "ports" not in rule:
            if not rule.get("from", rule.get("to")):
                return None
            peers += rule.get("from", rule.get("to"))
    return peers


def pods(*component):
    return {"podSelector": {"matchLabels": dict(component)}}


WORKERS = pods(("dask.org/cluster-name", "dae-grading"), ("dask.org/component", "worker"))
SCHEDULER = pods(("dask.org/cluster-name", "dae-grading"), ("dask.org/component", "scheduler"))
INSTRUCTORS = pods(("component", "singleuser-server"), (ROLE_LABEL, "instructor"))
OPERATOR = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "dask-operator"}},
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "dask-kubernetes-operator"}}}
DNS = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
       "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}


def test_only_instructors_workers_and_the_operator_reach_the_scheduler_port(values, grading_cluster, grading_policies):
    policy = grading_policies["dae-grading-scheduler"]["spec"]
    assert policy["podSelector"] == SCHEDULER["podSelector"] and "Ingress" in policy["policyTypes"]
    assert sources(policy["ingress"], 8786) == [INSTRUCTORS, WORKERS, OPERATOR]
    assert sources(policy["ingress"], 8787) == [INSTRUCTORS, OPERATOR]
    # the label the policy admits is the one the hub gives instructors' servers, and students' servers never
    assert spawned(values, f"formgrade-{COURSE_ID}").extra_labels[ROLE_LABEL] == "instructor"
    assert spawned(values, f"nbgrader-{COURSE_ID}").extra_labels[ROLE_LABEL] != "instructor"
    service = grading_cluster["spec"]["scheduler"]["service"]
    assert service["type"] == "ClusterIP" and service["selector"] == SCHEDULER["podSelector"]["matchLabels"]
    assert {p["port"] for p in service["ports"]} == {8786, 8787}


def test_instructors_servers_may_reach_the_scheduler(grading_policies):
    policy = grading_policies["dae-grading-instructors"]["spec"]
    assert policy["podSelector"] == INSTRUCTORS["podSelector"] and policy["policyTypes"] == ["Egress"]
    assert sources(policy["egress"], 8786) == [SCHEDULER]


def test_workers_reach_only_the_scheduler_each_other_and_dns(grading_policies):
    policy = grading_policies["dae-grading-workers"]["spec"]
    assert policy["podSelector"] == WORKERS["podSelector"] and set(policy["policyTypes"]) == {"Ingress", "Egress"}
    egress = [(peer, port["port"], port["protocol"]) for rule in policy["egress"] for peer in rule["to"]
              for port in rule["ports"]]
    assert sorted(map(str, egress)) == sorted(map(str, [(SCHEDULER, 8786, "TCP"), (WORKERS, 8790, "TCP"),
                                                        (DNS, 53, "UDP"), (DNS, 53, "TCP")]))
    assert not any("ipBlock" in peer for rule in policy["egress"] for peer in rule["to"])  # no internet


def test_worker_ports_are_the_ones_the_policies_open(grading_cluster, grading_policies):
    nanny, worker = int(worker_option(grading_cluster, "--nanny-port")), int(worker_option(grading_cluster, "--worker-port"))
    workers = grading_policies["dae-grading-workers"]["spec"]
    assert sources(workers["ingress"], nanny) == [SCHEDULER]
    assert sources(workers["ingress"], worker) == [SCHEDULER, WORKERS]
    scheduler = grading_policies["dae-grading-scheduler"]["spec"]
    assert sources(scheduler["egress"], nanny) == [WORKERS] and sources(scheduler["egress"], worker) == [WORKERS]


def test_worker_is_named_as_the_operator_retires_it(grading_cluster):
    assert worker_option(grading_cluster, "--name") == "$(DASK_WORKER_NAME)"
    assert container(grading_cluster, "worker")["args"][:2] == ["dask", "worker"]


def test_scheduler_serves_the_http_api_the_operator_asks(grading_cluster):
    env = {e["name"]: e["value"] for e in container(grading_cluster, "scheduler")["env"]}
    routes = yaml.safe_load(env["DASK_DISTRIBUTED__SCHEDULER__HTTP__ROUTES"])
    assert "distributed.http.scheduler.api" in routes and "distributed.http.health" in routes  # health: the probes


def test_guide_names_the_scheduler_the_cluster_serves(grading_cluster, guide):
    name, namespace = grading_cluster["metadata"]["name"], grading_cluster["metadata"]["namespace"]
    assert namespace == "dae"  # the hub's, where the policies find the instructors' pods
    assert f"--scheduler tcp://{name}-scheduler.{namespace}:8786" in guide


def test_autoscaler_scales_the_grading_cluster(grading_cluster):
    (autoscaler,) = yaml.safe_load_all((DASK / "autoscaler.yaml").read_text())
    assert autoscaler["kind"] == "DaskAutoscaler"
    assert autoscaler["spec"]["cluster"] == grading_cluster["metadata"]["name"]
    assert autoscaler["metadata"]["namespace"] == grading_cluster["metadata"]["namespace"]
    assert 0 <= autoscaler["spec"]["minimum"] <= autoscaler["spec"]["maximum"]


def test_image_installs_bubblewrap_for_the_grading_sandbox():
    assert "bubblewrap" in (ROOT / "apt.txt").read_text().split()
