"""What the lifecycle does not cover: provider ids at start, manage by name, exports, migration, the
2.0.6 consistency group names, clone_image, stats before and after."""

from __future__ import annotations

import unittest
import uuid

from cinder import objects

from . import harness as h


class Operations(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.env = h.environment()
        cls.drv = cls.env.driver("misc")
        cls.ctx = h.request_context(f"ops-{uuid.uuid4().hex[:8]}")

    def new_volume(self, **fields: object) -> object:
        vol = h.volume(self.ctx, str(uuid.uuid4()), **fields)
        h.apply(vol, self.drv.create_volume(vol))
        self.addCleanup(self.drv.delete_volume, vol)
        return vol

    def test_update_provider_info_reports_only_what_changed(self) -> None:
        known, unknown = self.new_volume(), self.new_volume()
        right = unknown.provider_id
        unknown.provider_id = None
        snap = h.snapshot(self.ctx, str(uuid.uuid4()), known)
        h.apply(snap, self.drv.create_snapshot(snap))
        self.addCleanup(self.drv.delete_snapshot, snap)
        volumes, snapshots = self.drv.update_provider_info([known, unknown], [snap])
        self.assertEqual(volumes, [{"id": unknown.id, "provider_id": right}])
        self.assertEqual(snapshots, [])

    def test_manage_by_name_and_exports(self) -> None:
        old = self.new_volume(size=2)
        self.drv.unmanage(old)
        new = h.volume(self.ctx, str(uuid.uuid4()))
        ref = {"name": f"UUID-{old.id}"}  # vdp also takes names (Cinder's driver only source-id)
        self.assertEqual(self.drv.manage_existing_get_size(new, ref), 2)
        h.apply(new, self.drv.manage_existing(new, ref))
        self.addCleanup(self.drv.delete_volume, new)
        self.assertEqual(new.provider_id, old.provider_id)  # the same Element volume
        auth = self.drv.ensure_export(self.ctx, new)["provider_auth"]
        self.assertEqual(auth, new.provider_auth)
        self.assertIsNone(self.drv.remove_export(self.ctx, new))

    def test_migrate_volume_answers_for_hosts_it_cannot_serve(self) -> None:
        vol = self.new_volume()
        lvm = {"host": "cinder@lvm#lvm", "capabilities": {"location_info": "LVMVolumeDriver:node1:cinder-volumes"}}
        self.assertEqual(self.drv.migrate_volume(self.ctx, vol, lvm), (False, None))
        own = self.drv.get_volume_stats(refresh=True)["location_info"]
        itself = {"host": "cinder@misc2#misc2", "capabilities": {"location_info": own}}
        migrated, update = self.drv.migrate_volume(self.ctx, vol, itself)
        self.assertTrue(migrated)  # same cluster, same names: nothing to copy
        self.assertFalse(update)

    def test_consistency_group_names_of_2_0_6(self) -> None:
        # Cinder's ConsistencyGroup/CGSnapshot objects: no group type (a consistency group is consistent).
        cg = objects.ConsistencyGroup(self.ctx, id=str(uuid.uuid4()), project_id=self.ctx.project_id,
                                      user_id=h.USER, status="available")
        self.assertEqual(self.drv.create_consistencygroup(self.ctx, cg), {"status": "available"})
        vols = [self.new_volume(group_id=cg.id) for _ in range(2)]
        cgsnap = objects.CGSnapshot(self.ctx, id=str(uuid.uuid4()), consistencygroup_id=cg.id,
                                    project_id=self.ctx.project_id, user_id=h.USER)
        snaps = [h.snapshot(self.ctx, str(uuid.uuid4()), v, group_snapshot_id=cgsnap.id) for v in vols]
        model, snap_models = self.drv.create_cgsnapshot(self.ctx, cgsnap, snaps)
        self.assertEqual((model, [m["status"] for m in snap_models]), ({"status": "available"}, ["available"] * 2))
        self.assertEqual(self.drv.delete_cgsnapshot(self.ctx, cgsnap, snaps)[0], {"status": "deleted"})
        model, vol_models = self.drv.delete_consistencygroup(self.ctx, cg, vols)
        self.assertEqual((model, {m["status"] for m in vol_models}), ({"status": "deleted"}, {"deleted"}))

    def test_clone_image_leaves_the_copy_to_cinder(self) -> None:
        self.assertEqual(self.drv.clone_image(self.ctx, object(), "glance://x", {"id": "i"}, None), (None, False))

    def test_stats_name_the_backend_and_report_capacity(self) -> None:
        stats = self.drv.get_volume_stats(refresh=True)
        self.assertEqual((stats["volume_backend_name"], stats["storage_protocol"]), ("misc", "iSCSI"))
        self.assertGreater(stats["total_capacity_gb"], 0)
        self.assertIs(self.drv.get_volume_stats(), stats)  # no refresh: the last figures


if __name__ == "__main__":
    unittest.main()
