"""JupyterHub configuration of the end-to-end tests: one instructor, two students, nbgrader.

The tests start the hub with ``jupyterhub -f`` on this file; everything that
changes from run to run (ports, folders, the test's API token) comes from the
JSON file named by ``$DAE_E2E_HUB_SETTINGS`` (see ``tests/e2e/hub.py``).
The rest is how a small nbgrader course is set up on JupyterHub:

* the ``formgrade-COURSE`` group holds the instructors, ``nbgrader-COURSE`` the
  students: nbgrader's ``JupyterHubAuthPlugin`` reads a user's courses from them;
* every single-user server may read its own user's groups: the courses a
  student may fetch from and submit to;
* the exchange is ngshare, a hub service the hub starts in an environment of
  its own (``.e2e/ngshare-venv``) and routes ``/services/ngshare/`` to. It
  takes a request's user from the hub (``/hub/api/user`` with the token that
  came with the request), so it needs no permission of its own: it has no role.
  Its admin (who may create courses) is the tests' service, as a site admin
  would be on a real hub.

``SimpleLocalProcessSpawner`` runs every user's server as the account running
the hub, in a home folder of its own, with ``$USER`` set to the hub user's
name. It is for tests only: nothing separates one user from another.
"""

import json
import os
from pathlib import Path

settings = json.loads(Path(os.environ["DAE_E2E_HUB_SETTINGS"]).read_text())
course = settings["course_id"]
instructors_group, students_group = f"formgrade-{course}", f"nbgrader-{course}"

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

# Reachable from this machine only.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.JupyterHub.db_url = f"sqlite:///{settings['state_dir']}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{settings['state_dir']}/jupyterhub_cookie_secret"
# Stopping the hub stops every server and the proxy.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = settings["password"]
c.Authenticator.allowed_users = {settings["instructor"], *settings["students"]}
c.JupyterHub.load_groups = {
    instructors_group: {"users": [settings["instructor"]]},
    students_group: {"users": settings["students"]},
}

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = settings["home_template"]
c.Spawner.cmd = [settings["singleuser"]]
c.Spawner.args = ["--allow-root"]  # the tests may run as root, and the servers run as the hub's account
c.Spawner.default_url = "/lab"
c.Spawner.environment = settings["server_environment"]
c.Spawner.start_timeout = c.Spawner.http_timeout = 120  # three servers starting at once on two cores

ngshare = settings["ngshare"]
c.JupyterHub.services = [
    {"name": settings["service"], "api_token": settings["service_token"]},
    {
        "name": ngshare["name"],
        "url": f"http://127.0.0.1:{settings['ngshare_port']}",
        "command": [ngshare["python"], "-m", "ngshare", "--admins", settings["service"],
                    "--database", f"sqlite:///{ngshare['dir']}/ngshare.db", "--storage", f"{ngshare['dir']}/files/"],
        "cwd": ngshare["dir"],
        "environment": ngshare["environment"],
        "oauth_no_confirm": True,
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "e2e-driver",
        "description": "The tests: start users' servers and give them tokens",
        "services": [settings["service"]],
        "scopes": ["servers", "read:users", "tokens", "access:servers"],
    },
    {
        "name": "server",  # the token of each single-user server; limited by its owner's own permissions
        "scopes": ["users:activity!user", "access:servers!server", "read:users:groups!user"],
    },
]
