"""A JupyterHub for testing the workshop on one machine, without Docker: 127.0.0.1 only.

    COURSE_HUB_ROOT=/tmp/hub COURSE_HUB_PASSWORD=... jupyterhub -f hub/jupyterhub_config.py

Every user who logs in with the shared password gets a Jupyter server started as a local
process (``SimpleLocalProcessSpawner``: no system account, and no isolation between users,
so never for a real class) with the home ``$COURSE_HUB_ROOT/homes/<user>``; the hub keeps its
database and cookie secret in ``$COURSE_HUB_ROOT/state``. The proxy is configurable-http-proxy
from the repository's ``node_modules`` (``npm ci``). ``COURSE_HUB_PORT`` (default 8000) is
where learners connect; the hub's own API and the proxy's API take the next two ports.
``COURSE_HUB_INSTRUCTOR_TOKEN``, when set, is the token of an ``instructor`` service that may
manage users, servers and tokens (what benchmarks/hub_room.py uses to drive the room).
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines it when it reads this file)

REPO = Path(__file__).resolve().parent.parent
root = Path(os.environ["COURSE_HUB_ROOT"]).resolve()
password = os.environ["COURSE_HUB_PASSWORD"]
if len(password) < 8:
    raise SystemExit("COURSE_HUB_PASSWORD must have at least 8 characters")
port = int(os.environ.get("COURSE_HUB_PORT", "8000"))
state = root / "state"
state.mkdir(parents=True, exist_ok=True)

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
c.ConfigurableHTTPProxy.command = [str(REPO / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = password
c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(root / "homes" / "{username}")
# The single-user server of the environment this hub runs in: the course's .venv, with
# JupyterLab, the course package and nbgitpuller.
c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
# Thirty servers starting at once on two cores take longer than the default 60 s.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
if os.getuid() == 0:
    c.Spawner.args = ["--allow-root"]

token = os.environ.get("COURSE_HUB_INSTRUCTOR_TOKEN")
if token:
    c.JupyterHub.services = [{"name": "instructor", "api_token": token}]
    c.JupyterHub.load_roles = [{
        "name": "instructor",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers",
                   "read:users:activity"],
        "services": ["instructor"],
    }]
