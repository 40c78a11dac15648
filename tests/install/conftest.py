"""The install tests start a real JupyterLab server with the browser suite's driver."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
