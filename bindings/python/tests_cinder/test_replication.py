"""Replication through vdp.cinder on a pair of element-sim clusters: a replicated volume type, freeze,
failover_host and failback, a restarted service given active_backend_id, and the active-active split
(failover, then failover_completed)."""

from __future__ import annotations

import unittest
import uuid
from typing import Any

from . import harness as h

TARGET_MVIP = "127.0.0.2"


class Replication(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.env = h.environment()
        cls.sim = cls.env.sims["repl"]
        cls.drv = cls.env.driver("repl")
        cls.ctx = h.request_context(f"repl-{uuid.uuid4().hex[:8]}")
        cls.replicated = cls.env.types.volume_type("replicated", {"replication_enabled": "<is> True",
                                                                  "solidfire:replication_mode": "Sync"})

    def names(self, cluster: int) -> list[str]:
        return sorted(v["name"] for v in self.sim.rpc("ListActiveVolumes", cluster=cluster)["volumes"])

    def target_uuid(self) -> str:
        return self.sim.rpc("GetClusterInfo", cluster=1)["clusterInfo"]["uuid"]

    def failover(self, call: Any, vol: Any, secondary: str) -> str:
        active, updates, groups = call(self.ctx, [vol], secondary)
        self.assertEqual(groups, [])
        self.assertEqual([u["volume_id"] for u in updates], [vol.id])
        h.apply(vol, updates[0]["updates"])
        return active

    def test_failover_and_failback_of_a_replicated_volume(self) -> None:
        vol = h.volume(self.ctx, str(uuid.uuid4()), vtype=self.replicated)
        model = self.drv.create_volume(vol)
        h.apply(vol, model)
        self.assertEqual(model["replication_status"], "enabled")
        self.assertIn(f"UUID-{vol.id}", self.names(1))  # its copy on the target
        stats = self.drv.get_volume_stats(refresh=True)
        self.assertTrue(stats["replication_enabled"])
        self.assertEqual(stats["replication_targets"], ["dr"])

        self.drv.freeze_backend(self.ctx)
        self.assertEqual(self.failover(self.drv.failover_host, vol, "dr"), "dr")
        self.assertEqual(vol.replication_status, "failed-over")
        self.assertTrue(vol.provider_id.endswith(self.target_uuid()))  # the target's volume from now on
        self.assertEqual(self.drv.get_volume_stats(refresh=True)["active_cluster_mvip"], TARGET_MVIP)

        # cinder-volume restarted meanwhile: the service's active_backend_id reaches the new driver.
        restarted = self.env.driver("repl", active_backend_id="dr")
        info = restarted.initialize_connection(vol, {"initiator": "iqn.2024-01.org.example:dr"})
        self.assertEqual(info["data"]["target_portal"], f"{TARGET_MVIP}:3260")
        self.drv.thaw_backend(self.ctx)

        self.assertEqual(self.failover(self.drv.failover_host, vol, "default"), "")
        self.assertEqual(vol.replication_status, "enabled")
        self.assertEqual(self.drv.get_volume_stats(refresh=True)["active_cluster_mvip"], "127.0.0.1")

        # Active-active: failover flips the volumes, failover_completed switches the cluster served.
        self.assertEqual(self.failover(self.drv.failover, vol, "dr"), "dr")
        self.assertEqual(self.drv.get_volume_stats(refresh=True)["active_cluster_mvip"], "127.0.0.1")
        self.drv.failover_completed(self.ctx, "dr")
        self.assertEqual(self.drv.get_volume_stats(refresh=True)["active_cluster_mvip"], TARGET_MVIP)
        self.assertEqual(self.failover(self.drv.failover, vol, "default"), "")
        self.drv.failover_completed(self.ctx, "")

        self.drv.delete_volume(vol)
        self.assertNotIn(f"UUID-{vol.id}", self.names(0) + self.names(1))


if __name__ == "__main__":
    unittest.main()
