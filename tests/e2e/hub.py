"""A JupyterHub of the tests' own: its folders, its start and stop, and HTTP clients for it.

Every process of one hub (the hub, its proxy, the users' servers, their
kernels) carries ``$DAE_E2E_HUB`` with the run's id in its environment, so the
tests can find any that outlives the hub, whoever its parent is now.
"""

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from autograder.course import COURSE_ID, ROOT
from tests.nbgrader_course import nbgrader_env, write_course_config

INSTRUCTOR = "instructor"
STUDENTS = ("student1", "student2")
PASSWORD = "dae-keras-e2e"
PROXY = ROOT / ".e2e" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
# The exchange server, ngshare, in an environment of its own (tests/e2e/ngshare-requirements.txt).
NGSHARE_PYTHON = ROOT / ".e2e" / "ngshare-venv" / "bin" / "python"
NGSHARE = "ngshare"  # its service name: the hub routes /services/ngshare/ to it
HUB_CONFIG = Path(__file__).with_name("jupyterhub_config.py")
MARK = "DAE_E2E_HUB"
SERVICE = "e2e-driver"
START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 60


def poll(condition, timeout, what, interval=0.25):
    """Call ``condition`` until it returns something truthy, and return that; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not done after {timeout} s")
        time.sleep(interval)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port):
    """True unless something listens on ``port`` (connections closing in TIME_WAIT do not count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def marked_processes(run_id):
    """``{pid: command line}`` of every process whose environment carries this hub's mark."""
    needle = f"{MARK}={run_id}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:  # gone meanwhile, or a kernel thread
            continue
    return found


def process_environment(pid):
    pairs = Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0")
    return dict(pair.split("=", 1) for pair in pairs if "=" in pair)


@dataclass
class HubFolders:
    """Where one hub keeps everything: its state, the users' homes, nbgrader's exchange and config."""

    root: Path

    @property
    def state(self):
        return self.root / "hub"

    @property
    def log(self):
        return self.state / "jupyterhub.log"

    @property
    def homes(self):
        return self.root / "home"

    def home(self, user):
        return self.homes / user

    @property
    def ngshare(self):
        """The exchange server's database and stored files: no user's server can read this folder's path."""
        return self.root / "ngshare"

    @property
    def jupyter_config(self):
        """A system-wide Jupyter config folder: on ``$JUPYTER_CONFIG_PATH`` of every server."""
        return self.root / "etc" / "jupyter"

    @property
    def course(self):
        """The instructor's course directory."""
        return self.home(INSTRUCTOR) / COURSE_ID


def lay_out_course(folders, lessons):
    """The instructor's course directory with ``lessons`` as its source, and each user's own Jupyter settings.

    nbgrader's system-wide configuration (the exchange) is written when the hub starts: it names the hub's port.
    """
    for folder in (folders.state, folders.homes, folders.jupyter_config, folders.course, folders.ngshare):
        folder.mkdir(parents=True, exist_ok=True)
    write_course_config(folders.course)
    # The formgrader reads the user's own config, not the course directory's: point one at the other.
    user_config = folders.home(INSTRUCTOR) / ".jupyter"
    user_config.mkdir(parents=True)
    (user_config / "nbgrader_config.py").write_text(
        f"c = get_config()\nload_subconfig({str(folders.course / 'nbgrader_config.py')!r})\n"
    )
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, folders.course / "source" / lesson)
    # No student names themselves: ngshare-exchange refuses a configured CourseDirectory.student_id, and
    # the exchange server files each hand-in under the hub user whose token came with it.
    for user in (INSTRUCTOR, *STUDENTS):
        no_news_in_jupyterlab(folders.home(user))


def exchange_config(ngshare_url):
    """The system-wide nbgrader_config.py of every server: ngshare's exchange, courses from the hub's groups.

    Every server's nbgrader uses ngshare-exchange, which sends each request to
    the ngshare service at ``ngshare_url`` with the server's own hub token;
    ngshare asks the hub whose token it is. There is no shared folder.

    The same lines as the Zero-to-JupyterHub values' (deploy/jupyterhub/values.yaml), with this hub's URL.
    """
    return (
        "c = get_config()\n"
        "from ngshare_exchange import configureExchange\n"
        f"configureExchange(c, {ngshare_url!r})\n"
        "c.Exchange.path_includes_course = True  # one exchange, any number of courses\n"
        'c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"  # courses from the hub\'s groups\n'
    )


def no_news_in_jupyterlab(home):
    """JupyterLab's user settings: no news or update checks (a closed network here, and a pop-up on every page)."""
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def missing_requirement():
    """What the hub cannot start without and is not installed, with how to install it; "" if nothing."""
    if importlib.util.find_spec("jupyterhub") is None:
        return "jupyterhub is not installed: run make e2e (installs the e2e extra)"
    if not os.access(PROXY, os.X_OK):
        return f"configurable-http-proxy not found at {PROXY}: run make e2e (installs it from npm)"
    if not os.access(NGSHARE_PYTHON, os.X_OK):
        return f"ngshare's environment not found at {NGSHARE_PYTHON}: run make e2e (makes it)"
    if importlib.util.find_spec("ngshare_exchange") is None:
        return "ngshare-exchange is not installed: run make e2e (installs it without its stale pins)"
    return ""


def hub_environment(run_id):
    """The environment of the hub, and so of the proxy: nbgrader's (the project's Python first on PATH), and the mark."""
    env = nbgrader_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env[MARK] = run_id
    return env


class Hub:
    """A running JupyterHub; ``Hub.start(folders)`` starts one, ``stop()`` stops it and everything it started."""

    def __init__(self, folders, process, ports, run_id, service_token):
        self.folders = folders
        self.process = process
        self.url = f"http://127.0.0.1:{ports['port']}"
        self.ports = list(ports.values())
        self.run_id = run_id
        self._api = requests.Session()
        self._api.headers["Authorization"] = f"token {service_token}"
        self._servers = {}
        self.ngshare_url = f"{self.url}/services/{NGSHARE}/"  # through the proxy, as a browser or a server reaches it

    @classmethod
    def start(cls, folders):
        run_id, service_token = secrets.token_hex(8), secrets.token_hex(32)
        ports = {name: free_port() for name in ("port", "hub_port", "proxy_api_port", "ngshare_port")}
        env = hub_environment(run_id)
        (folders.jupyter_config / "nbgrader_config.py").write_text(
            exchange_config(f"http://127.0.0.1:{ports['port']}/services/{NGSHARE}"))
        settings_file = folders.state / "settings.json"
        settings_file.write_text(json.dumps(hub_settings(folders, ports, run_id, service_token)))
        env["DAE_E2E_HUB_SETTINGS"] = str(settings_file)
        with open(folders.log, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)],
                cwd=folders.state, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # a group of its own and the proxy's, for a last-resort os.killpg
            )
        hub = cls(folders, process, ports, run_id, service_token)
        try:
            poll(hub._answers, START_TIMEOUT_S, "the hub's API")
        except BaseException:
            hub.stop()
            raise
        return hub

    def _answers(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"the hub exited with status {self.process.returncode}:\n{self.log_tail()}")
        try:
            return self._api.get(f"{self.url}/hub/api/", timeout=5).ok
        except requests.ConnectionError:
            return False

    def log_tail(self, lines=40):
        return "\n".join(self.folders.log.read_text(errors="replace").splitlines()[-lines:])

    def api(self, method, path, **kwargs):
        """Call the hub's REST API as the tests' service; returns the decoded JSON (None when empty)."""
        response = self._api.request(method, f"{self.url}/hub/api{path}", timeout=30, **kwargs)
        if not response.ok:
            raise RuntimeError(f"{method} /hub/api{path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def start_servers(self, users):
        """Start every user's server at once, then wait until each is ready."""
        for user in users:
            self.api("POST", f"/users/{user}/server")
        for user in users:
            poll(lambda: self._server_ready(user), START_TIMEOUT_S, f"{user}'s server")

    def _server_ready(self, user):
        server = self.api("GET", f"/users/{user}")["servers"].get("")
        return bool(server and server["ready"])

    def server(self, user):
        """A client for ``user``'s own server, with a token of theirs that opens only that server."""
        if user not in self._servers:
            token = self.api("POST", f"/users/{user}/tokens",
                             json={"scopes": [f"access:servers!user={user}"], "note": "end-to-end tests", "expires_in": 3600})
            self._servers[user] = SingleUserServer(f"{self.url}/user/{user}", token["token"])
        return self._servers[user]

    def singleuser_processes(self):
        """``{hub user: pid}`` of the running single-user servers."""
        servers = {}
        for pid, command in marked_processes(self.run_id).items():
            if "jupyterhub-singleuser" in command:
                servers[process_environment(pid)["JUPYTERHUB_USER"]] = pid
        return servers

    def server_token(self, user):
        """The hub token of ``user``'s running server: what the user has in any terminal or kernel there."""
        return process_environment(self.singleuser_processes()[user])["JUPYTERHUB_API_TOKEN"]

    def ngshare(self, method, path, token, **kwargs):
        """One request to the exchange server with ``token``; returns the raw response (no check of its status)."""
        headers = {"Authorization": f"token {token}"} if token else {}
        return requests.request(method, self.ngshare_url + path, headers=headers, timeout=60, **kwargs)

    def ngshare_as_driver(self, method, path, **kwargs):
        """A request to the exchange server as the tests' service (ngshare's admin); fails unless it succeeds."""
        response = self.ngshare(method, path, self._api.headers["Authorization"].split()[1], **kwargs)
        if not (response.ok and response.json().get("success")):
            raise RuntimeError(f"{method} ngshare {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    def stop(self):
        """Stop the hub (it stops the servers and the proxy), then kill whatever of it is left; returns what was left."""
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            pass
        try:
            poll(lambda: not marked_processes(self.run_id), 30, "the hub's processes ending")
            leftovers = {}
        except TimeoutError:
            leftovers = marked_processes(self.run_id)
        for pid in leftovers:
            _kill(pid)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return leftovers


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def hub_settings(folders, ports, run_id, service_token):
    """What ``jupyterhub_config.py`` reads: this run's ports, folders, users and token."""
    server_environment = {
        MARK: run_id,
        "JUPYTER_CONFIG_PATH": str(folders.jupyter_config),  # nbgrader's exchange settings, for everyone
    }
    return {
        **ports,
        "proxy": str(PROXY),
        "state_dir": str(folders.state),
        "home_template": str(folders.homes / "{username}"),
        "singleuser": str(Path(sys.executable).with_name("jupyterhub-singleuser")),
        "server_environment": server_environment,
        "course_id": COURSE_ID,
        "instructor": INSTRUCTOR,
        "students": list(STUDENTS),
        "password": PASSWORD,
        "service": SERVICE,
        "service_token": service_token,
        "ngshare": {
            "name": NGSHARE,
            "python": str(NGSHARE_PYTHON),
            "dir": str(folders.ngshare),
            "environment": {MARK: run_id, "PYTHONPATH": ""},  # its own environment only, not the course's
        },
    }


class SingleUserServer:
    """One user's Jupyter server behind the hub: its contents API and nbgrader's endpoints, with the user's token."""

    def __init__(self, url, token):
        self.url = url
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"token {token}"

    def request(self, method, path, timeout=300, **kwargs):
        response = self._session.request(method, f"{self.url}/{path}", timeout=timeout, **kwargs)
        if not response.ok:
            raise RuntimeError(f"{method} {self.url}/{path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def nbgrader(self, endpoint, **body):
        """POST to one of nbgrader's endpoints; returns its answer, and fails on its ``success: false``."""
        answer = self.request("POST", endpoint, json=body)
        if not answer.get("success"):
            raise RuntimeError(f"{endpoint} failed: {answer.get('value') or answer.get('error') or answer}")
        return answer

    def write_notebook(self, path, notebook):
        self.request("PUT", f"api/contents/{path}", json={"type": "notebook", "format": "json", "content": notebook})

    def read_text(self, path):
        return self.request("GET", f"api/contents/{path}", params={"type": "file", "format": "text", "content": 1})["content"]
