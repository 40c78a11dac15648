"""Rebuild the caches of lesson 8's race: the 2-D surfaces and the digits network.

    .venv/bin/python scripts/build_race_cache.py [--only surfaces|network]

Writes course_lib/data/race_surfaces.npz (every contestant on every surface at every rate
multiplier) and course_lib/data/race_network.npz (every contestant trained on the digits from
three seeds). Both are deterministic: the same code gives the same files. Run it after
changing an optimizer, a surface, the network or the race's settings in
course_lib/experiments/ (contestants, surface_race, network_race);
tests/widgets/test_race_explorer.py fails while a cache is stale.
"""

from __future__ import annotations

import argparse
import time

from course_lib.experiments import cache, network_race, surface_race

BUILDERS = {
    "surfaces": (surface_race.CACHE, surface_race.surface_race_arrays),
    "network": (network_race.CACHE, network_race.network_race_arrays),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(BUILDERS), help="rebuild one cache only")
    args = parser.parse_args()
    for name, (path, build) in BUILDERS.items():
        if args.only not in (None, name):
            continue
        began = time.perf_counter()
        cache.write(path, build())
        print(f"{path.relative_to(cache.DATA.parents[1])}: {path.stat().st_size / 1024:.0f} KiB "
              f"in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
