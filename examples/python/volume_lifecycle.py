#!/usr/bin/env python3
"""One volume's life through the vdp Python binding: create it with QoS, snapshot it, meet one expected
error, delete everything.

usage: PYTHONPATH=bindings/python python3 volume_lifecycle.py <vdp_solidfire.so> <cluster url>
The url is the one element-sim prints (http://127.0.0.1:PORT with --no-tls); SAN_PASSWORD defaults to
element-sim's admin password.
"""
import os
import sys
from urllib.parse import urlsplit

import vdp

# A host takes these from its own database; fixed here so that every run prints the same.
VOLUME_ID = "6b1f6c3e-8a59-4f47-a0a4-2f4bd1a6f0c1"
SNAPSHOT_ID = "9d0c8b7a-1111-4a2b-8c3d-4e5f6a7b8c9d"


def main(plugin_path: str, cluster_url: str) -> None:
    url = urlsplit(cluster_url)
    config = {"san_ip": url.hostname, "sf_api_port": url.port or 443, "sf_api_scheme": url.scheme,
              "san_login": "admin", "san_password": os.environ.get("SAN_PASSWORD", "admin"),
              "volume_backend_name": "example"}
    plugin = vdp.Plugin(plugin_path)
    print(f"plugin {plugin.name}, ABI {plugin.abi_version[0]}.{plugin.abi_version[1]}")
    with plugin.driver(config) as drv:  # destroyed when the block ends, also on an exception
        drv.setup(timeout=30)
        print("setup: cluster reached")

        gold = {"id": "gold", "name": "gold",
                "extra_specs": {"qos:minIOPS": "1000", "qos:maxIOPS": "5000", "qos:burstIOPS": "8000"}}
        volume = {"id": VOLUME_ID, "size": 2, "project_id": "example", "volume_type": gold}
        volume["provider_id"] = drv.create_volume({"volume": volume}, timeout=60)["provider_id"]
        print(f"created volume {VOLUME_ID} (2 GiB, QoS 1000/5000/8000 IOPS): {volume['provider_id']}")

        snapshot = {"id": SNAPSHOT_ID, "volume_id": VOLUME_ID, "project_id": "example", "volume": volume}
        snapshot["provider_id"] = drv.create_snapshot({"snapshot": snapshot}, timeout=60)["provider_id"]
        print(f"created snapshot {SNAPSHOT_ID}: {snapshot['provider_id']}")

        try:  # volumes only grow: the plugin refuses this before anything reaches the cluster
            drv.extend_volume({"volume": volume, "new_size": 1}, timeout=60)
            sys.exit("extend_volume to a smaller size succeeded")
        except vdp.InvalidArgument as e:
            print(f"extend_volume to 1 GiB refused as expected: {e.status}, field {e.field}")

        drv.delete_snapshot({"snapshot": snapshot}, timeout=60)
        print(f"deleted snapshot {SNAPSHOT_ID}")
        drv.delete_volume({"volume": volume}, timeout=60)
        print(f"deleted volume {VOLUME_ID}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} <vdp_solidfire.so> <cluster url>")
    try:
        main(sys.argv[1], sys.argv[2])
    except vdp.Error as e:  # any other failure: status, message and field say what to fix
        sys.exit(f"failed: {e}")
