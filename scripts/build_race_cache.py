"""Rebuild the caches of lesson 8's race: the 2-D surfaces and the digits network.

    .venv/bin/python scripts/build_race_cache.py [--only surfaces|network]

Writes course_lib/data/race_surfaces.npz (every contestant on every surface at every rate
multiplier) and course_lib/data/race_network.npz (every contestant trained on the digits from
three seeds). Both are deterministic: the same code gives the same files. Run it after
changing an optimizer, a surface, the network or the race's settings in
course_lib/plots/race.py; tests/widgets/test_race_explorer.py fails while a cache is stale.
"""

from __future__ import annotations

import argparse
import io
import time
import zipfile
from pathlib import Path

import numpy as np

from course_lib.plots import race

BUILDERS = {
    "surfaces": (race.SURFACE_CACHE, race.surface_race_arrays),
    "network": (race.NETWORK_CACHE, race.network_race_arrays),
}


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like np.savez_compressed, but byte for byte reproducible: no time stamps in the zip.

    An unchanged cache then shows no change in git after a rebuild.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(BUILDERS), help="rebuild one cache only")
    args = parser.parse_args()
    race.DATA.mkdir(parents=True, exist_ok=True)
    for name, (path, build) in BUILDERS.items():
        if args.only not in (None, name):
            continue
        began = time.perf_counter()
        save_npz(path, build())
        print(f"{path.relative_to(race.DATA.parents[1])}: {path.stat().st_size / 1024:.0f} KiB "
              f"in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
