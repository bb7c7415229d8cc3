"""One method per operation slot of vdp_plugin, in VDP_OPERATIONS order (abi/include/vdp/vdp_operations.h).

Each takes the request (a dict serialised to JSON, a JSON string, or None for ``{}``) and returns the
parsed result; shapes are in abi/docs/operations.md. Keyword options are those of `Driver.call`.
"""

from __future__ import annotations

from typing import Any

from .host import CancelToken

Request = Any  # Mapping[str, Any] | str | bytes | None
Result = dict[str, Any]


class Operations:
    """Mixin: subclasses provide `call(op, request, **options)`."""

    def call(self, op: str, request: Request = None, *, timeout: float | None = None,
             cancel: CancelToken | None = None, **options: Any) -> Result:
        raise NotImplementedError

    def create_volume(self, request: Request = None, *, timeout: float | None = None,
                      cancel: CancelToken | None = None, **options: Any) -> Result:
        """Creates a volume; returns its model update."""
        return self.call("create_volume", request, timeout=timeout, cancel=cancel, **options)

    def delete_volume(self, request: Request = None, *, timeout: float | None = None,
                      cancel: CancelToken | None = None, **options: Any) -> Result:
        """Deletes a volume (already gone is success)."""
        return self.call("delete_volume", request, timeout=timeout, cancel=cancel, **options)

    def extend_volume(self, request: Request = None, *, timeout: float | None = None,
                      cancel: CancelToken | None = None, **options: Any) -> Result:
        """Grows a volume to `new_size` GiB."""
        return self.call("extend_volume", request, timeout=timeout, cancel=cancel, **options)

    def create_snapshot(self, request: Request = None, *, timeout: float | None = None,
                        cancel: CancelToken | None = None, **options: Any) -> Result:
        """Creates a snapshot; returns its model update."""
        return self.call("create_snapshot", request, timeout=timeout, cancel=cancel, **options)

    def delete_snapshot(self, request: Request = None, *, timeout: float | None = None,
                        cancel: CancelToken | None = None, **options: Any) -> Result:
        """Deletes a snapshot."""
        return self.call("delete_snapshot", request, timeout=timeout, cancel=cancel, **options)

    def create_volume_from_snapshot(self, request: Request = None, *, timeout: float | None = None,
                                    cancel: CancelToken | None = None, **options: Any) -> Result:
        """Creates a volume from a snapshot."""
        return self.call("create_volume_from_snapshot", request, timeout=timeout, cancel=cancel, **options)

    def create_cloned_volume(self, request: Request = None, *, timeout: float | None = None,
                             cancel: CancelToken | None = None, **options: Any) -> Result:
        """Creates a volume as a clone of another."""
        return self.call("create_cloned_volume", request, timeout=timeout, cancel=cancel, **options)

    def revert_to_snapshot(self, request: Request = None, *, timeout: float | None = None,
                           cancel: CancelToken | None = None, **options: Any) -> Result:
        """Reverts a volume to one of its snapshots."""
        return self.call("revert_to_snapshot", request, timeout=timeout, cancel=cancel, **options)

    def retype(self, request: Request = None, *, timeout: float | None = None,
               cancel: CancelToken | None = None, **options: Any) -> Result:
        """Changes a volume's type (QoS, ...)."""
        return self.call("retype", request, timeout=timeout, cancel=cancel, **options)

    def migrate_volume(self, request: Request = None, *, timeout: float | None = None,
                       cancel: CancelToken | None = None, **options: Any) -> Result:
        """Moves a volume to another backend of this kind."""
        return self.call("migrate_volume", request, timeout=timeout, cancel=cancel, **options)

    def manage_existing(self, request: Request = None, *, timeout: float | None = None,
                        cancel: CancelToken | None = None, **options: Any) -> Result:
        """Takes over a volume already on the backend."""
        return self.call("manage_existing", request, timeout=timeout, cancel=cancel, **options)

    def manage_existing_get_size(self, request: Request = None, *, timeout: float | None = None,
                                 cancel: CancelToken | None = None, **options: Any) -> Result:
        """Size in GiB of a volume to manage."""
        return self.call("manage_existing_get_size", request, timeout=timeout, cancel=cancel, **options)

    def unmanage(self, request: Request = None, *, timeout: float | None = None,
                 cancel: CancelToken | None = None, **options: Any) -> Result:
        """Leaves a volume on the backend but stops managing it."""
        return self.call("unmanage", request, timeout=timeout, cancel=cancel, **options)

    def accept_transfer(self, request: Request = None, *, timeout: float | None = None,
                        cancel: CancelToken | None = None, **options: Any) -> Result:
        """Moves a volume to another project."""
        return self.call("accept_transfer", request, timeout=timeout, cancel=cancel, **options)

    def create_export(self, request: Request = None, *, timeout: float | None = None,
                      cancel: CancelToken | None = None, **options: Any) -> Result:
        """Exports a volume; returns its model update."""
        return self.call("create_export", request, timeout=timeout, cancel=cancel, **options)

    def ensure_export(self, request: Request = None, *, timeout: float | None = None,
                      cancel: CancelToken | None = None, **options: Any) -> Result:
        """Re-establishes a volume's export."""
        return self.call("ensure_export", request, timeout=timeout, cancel=cancel, **options)

    def remove_export(self, request: Request = None, *, timeout: float | None = None,
                      cancel: CancelToken | None = None, **options: Any) -> Result:
        """Removes a volume's export."""
        return self.call("remove_export", request, timeout=timeout, cancel=cancel, **options)

    def initialize_connection(self, request: Request = None, *, timeout: float | None = None,
                              cancel: CancelToken | None = None, **options: Any) -> Result:
        """Connection info for a connector."""
        return self.call("initialize_connection", request, timeout=timeout, cancel=cancel, **options)

    def terminate_connection(self, request: Request = None, *, timeout: float | None = None,
                             cancel: CancelToken | None = None, **options: Any) -> Result:
        """Ends a connector's access to a volume."""
        return self.call("terminate_connection", request, timeout=timeout, cancel=cancel, **options)

    def attach_volume(self, request: Request = None, *, timeout: float | None = None,
                      cancel: CancelToken | None = None, **options: Any) -> Result:
        """Records an attachment."""
        return self.call("attach_volume", request, timeout=timeout, cancel=cancel, **options)

    def detach_volume(self, request: Request = None, *, timeout: float | None = None,
                      cancel: CancelToken | None = None, **options: Any) -> Result:
        """Removes an attachment record."""
        return self.call("detach_volume", request, timeout=timeout, cancel=cancel, **options)

    def get_volume_stats(self, request: Request = None, *, timeout: float | None = None,
                         cancel: CancelToken | None = None, **options: Any) -> Result:
        """Backend capacity and capabilities."""
        return self.call("get_volume_stats", request, timeout=timeout, cancel=cancel, **options)

    def update_provider_info(self, request: Request = None, *, timeout: float | None = None,
                             cancel: CancelToken | None = None, **options: Any) -> Result:
        """Refreshes provider ids of volumes and snapshots."""
        return self.call("update_provider_info", request, timeout=timeout, cancel=cancel, **options)

    def clone_image(self, request: Request = None, *, timeout: float | None = None,
                    cancel: CancelToken | None = None, **options: Any) -> Result:
        """Creates a volume from an image."""
        return self.call("clone_image", request, timeout=timeout, cancel=cancel, **options)

    def create_group(self, request: Request = None, *, timeout: float | None = None,
                     cancel: CancelToken | None = None, **options: Any) -> Result:
        """Creates a volume group."""
        return self.call("create_group", request, timeout=timeout, cancel=cancel, **options)

    def update_group(self, request: Request = None, *, timeout: float | None = None,
                     cancel: CancelToken | None = None, **options: Any) -> Result:
        """Adds or removes group members."""
        return self.call("update_group", request, timeout=timeout, cancel=cancel, **options)

    def delete_group(self, request: Request = None, *, timeout: float | None = None,
                     cancel: CancelToken | None = None, **options: Any) -> Result:
        """Deletes a group and its volumes."""
        return self.call("delete_group", request, timeout=timeout, cancel=cancel, **options)

    def create_group_from_src(self, request: Request = None, *, timeout: float | None = None,
                              cancel: CancelToken | None = None, **options: Any) -> Result:
        """Creates a group from a group or group snapshot."""
        return self.call("create_group_from_src", request, timeout=timeout, cancel=cancel, **options)

    def create_group_snapshot(self, request: Request = None, *, timeout: float | None = None,
                              cancel: CancelToken | None = None, **options: Any) -> Result:
        """Snapshots every volume of a group."""
        return self.call("create_group_snapshot", request, timeout=timeout, cancel=cancel, **options)

    def delete_group_snapshot(self, request: Request = None, *, timeout: float | None = None,
                              cancel: CancelToken | None = None, **options: Any) -> Result:
        """Deletes a group snapshot."""
        return self.call("delete_group_snapshot", request, timeout=timeout, cancel=cancel, **options)

    def create_consistencygroup(self, request: Request = None, *, timeout: float | None = None,
                                cancel: CancelToken | None = None, **options: Any) -> Result:
        """2.0.6 name of create_group."""
        return self.call("create_consistencygroup", request, timeout=timeout, cancel=cancel, **options)

    def update_consistencygroup(self, request: Request = None, *, timeout: float | None = None,
                                cancel: CancelToken | None = None, **options: Any) -> Result:
        """2.0.6 name of update_group."""
        return self.call("update_consistencygroup", request, timeout=timeout, cancel=cancel, **options)

    def delete_consistencygroup(self, request: Request = None, *, timeout: float | None = None,
                                cancel: CancelToken | None = None, **options: Any) -> Result:
        """2.0.6 name of delete_group."""
        return self.call("delete_consistencygroup", request, timeout=timeout, cancel=cancel, **options)

    def create_consistencygroup_from_src(self, request: Request = None, *, timeout: float | None = None,
                                         cancel: CancelToken | None = None, **options: Any) -> Result:
        """2.0.6 name of create_group_from_src."""
        return self.call("create_consistencygroup_from_src", request, timeout=timeout, cancel=cancel, **options)

    def create_cgsnapshot(self, request: Request = None, *, timeout: float | None = None,
                          cancel: CancelToken | None = None, **options: Any) -> Result:
        """2.0.6 name of create_group_snapshot."""
        return self.call("create_cgsnapshot", request, timeout=timeout, cancel=cancel, **options)

    def delete_cgsnapshot(self, request: Request = None, *, timeout: float | None = None,
                          cancel: CancelToken | None = None, **options: Any) -> Result:
        """2.0.6 name of delete_group_snapshot."""
        return self.call("delete_cgsnapshot", request, timeout=timeout, cancel=cancel, **options)

    def failover_host(self, request: Request = None, *, timeout: float | None = None,
                      cancel: CancelToken | None = None, **options: Any) -> Result:
        """Fails the backend over to a replication target."""
        return self.call("failover_host", request, timeout=timeout, cancel=cancel, **options)

    def failover(self, request: Request = None, *, timeout: float | None = None,
                 cancel: CancelToken | None = None, **options: Any) -> Result:
        """Fails over to a replication target (active/active name)."""
        return self.call("failover", request, timeout=timeout, cancel=cancel, **options)

    def failover_completed(self, request: Request = None, *, timeout: float | None = None,
                           cancel: CancelToken | None = None, **options: Any) -> Result:
        """Completes a failover (active/active)."""
        return self.call("failover_completed", request, timeout=timeout, cancel=cancel, **options)

    def freeze_backend(self, request: Request = None, *, timeout: float | None = None,
                       cancel: CancelToken | None = None, **options: Any) -> Result:
        """Refuses management changes until thawed."""
        return self.call("freeze_backend", request, timeout=timeout, cancel=cancel, **options)

    def thaw_backend(self, request: Request = None, *, timeout: float | None = None,
                     cancel: CancelToken | None = None, **options: Any) -> Result:
        """Ends a freeze."""
        return self.call("thaw_backend", request, timeout=timeout, cancel=cancel, **options)

    def describe(self, request: Request = None, *, timeout: float | None = None,
                 cancel: CancelToken | None = None, **options: Any) -> Result:
        """Operations, capabilities and schema version of the plugin (works before setup)."""
        return self.call("describe", request, timeout=timeout, cancel=cancel, **options)
