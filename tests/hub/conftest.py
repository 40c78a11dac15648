"""The hub tests need JupyterHub and nbgitpuller in .venv (requirements-hub.txt) and
configurable-http-proxy in node_modules (package.json): installed here from the registries
when missing, once per run."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"


def _installed(module: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {module}"],
                          capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def hub_tools() -> Path:
    if not (_installed("jupyterhub") and _installed("nbgitpuller")):
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r",
                        REPO / "requirements-hub.txt"], check=True, timeout=600)
    if not PROXY.exists():
        if shutil.which("npm") is None:
            pytest.fail("npm is needed to install configurable-http-proxy (apt-get install npm)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO, check=True,
                       timeout=600)
    return PROXY
