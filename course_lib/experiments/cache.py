"""The ``.npz`` files in ``course_lib/data/``: one writer, one reader.

A slow experiment (hundreds of trainings) is run once by a script in ``scripts/`` and its
arrays stored here; pictures and explorers then read them in milliseconds. Each experiment
checks its own cache against a few runs recomputed in the tests.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1] / "data"
"""Where every cache lives: ``course_lib/data/``, installed with the package."""


def write(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Save ``arrays`` as a compressed ``.npz`` that is byte for byte reproducible.

    Like ``np.savez_compressed``, but every entry carries the same fixed time stamp, so a
    rebuild that computes the same numbers gives the same file and git shows no change.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, buffer.getvalue())


def read(path: Path, rebuild: str) -> dict[str, np.ndarray]:
    """The arrays stored at ``path``, or a FileNotFoundError that gives the ``rebuild`` command."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; build it with `{rebuild}`")
    with np.load(path, allow_pickle=False) as stored:
        return {name: stored[name] for name in stored.files}
