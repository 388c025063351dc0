"""Replaying devices in a process of their own, for the SSH benchmark.

``python -m tests.bench.ssh_fleet PLATFORM N [--corpus DIR]`` starts N replaying devices of one
recorded platform (tests/ssh_device.py ``start_many``), prints one JSON line (ports, user,
password, netmiko device_type) and serves until its standard input closes, then stops them.
In its own process the devices neither share the poller's interpreter lock nor hide their CPU
in the poller's: the benchmark reads this process's CPU time separately.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from tests.ssh_device import start_many


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("platform")
    parser.add_argument("devices", type=int)
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus cli folder")
    args = parser.parse_args(argv)
    # cryptography deprecates the finite-field key exchange an old client may pick (FortiOS)
    warnings.filterwarnings("ignore", message="Diffie-Hellman over finite fields")
    fleet = start_many(args.corpus, args.devices, args.platform)
    try:
        first = fleet.devices[0]
        announce = {
            "ports": [device.port for device in fleet.devices],
            "username": first.username,
            "password": first.password,
            "device_type": first.device_type,
        }
        print(json.dumps(announce), flush=True)
        sys.stdin.read()  # serve until the benchmark closes our standard input
    finally:
        fleet.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
