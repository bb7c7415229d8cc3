// Command volume-lifecycle walks one volume through its life with the vdp Go binding: create it with QoS,
// snapshot it, meet one expected error, delete everything.
// usage: go run . <vdp_solidfire.so> <cluster url, e.g. what element-sim --no-tls prints>
package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"vdp.dev/vdp"
)

// A host takes these from its own database; fixed here so that every run prints the same.
const volumeID, snapshotID = "6b1f6c3e-8a59-4f47-a0a4-2f4bd1a6f0c1", "9d0c8b7a-1111-4a2b-8c3d-4e5f6a7b8c9d"

func run(pluginPath, clusterURL string) error {
	cluster, err := url.Parse(clusterURL)
	if err != nil {
		return err
	}
	// san_password: element-sim's default; a real host reads it from its secret store.
	config := vdp.Config{"san_ip": cluster.Hostname(), "sf_api_port": cluster.Port(),
		"sf_api_scheme": cluster.Scheme, "san_login": "admin", "san_password": "admin"}
	p, err := vdp.Open(pluginPath)
	if err != nil {
		return err
	}
	defer p.Close()
	fmt.Printf("plugin %s, ABI %s\n", p.Name(), p.ABIVersion())
	d, err := p.NewDriver(config)
	if err != nil {
		return err // a *vdp.Error with StatusConfig whose Field names the option
	}
	defer d.Close() // destroys the driver
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := d.Setup(ctx); err != nil {
		return err
	}
	fmt.Println("setup: cluster reached")
	gold := &vdp.VolumeType{ID: "gold", Name: "gold", ExtraSpecs: map[string]any{
		"qos:minIOPS": "1000", "qos:maxIOPS": "5000", "qos:burstIOPS": "8000"}}
	volume := vdp.Volume{ID: volumeID, Size: 2, ProjectID: "example", VolumeType: gold}
	model, err := d.CreateVolume(ctx, vdp.CreateVolumeRequest{Volume: volume})
	if err != nil {
		return err
	}
	volume.ProviderID = model.ProviderID
	fmt.Printf("created volume %s (2 GiB, QoS 1000/5000/8000 IOPS): %s\n", volumeID, volume.ProviderID)
	snapshot := vdp.Snapshot{ID: snapshotID, VolumeID: volumeID, ProjectID: "example", Volume: &volume}
	if model, err = d.CreateSnapshot(ctx, vdp.CreateSnapshotRequest{Snapshot: snapshot}); err != nil {
		return err
	}
	snapshot.ProviderID = model.ProviderID
	fmt.Printf("created snapshot %s: %s\n", snapshotID, snapshot.ProviderID)

	// Volumes only grow: the plugin refuses this before anything reaches the cluster.
	err = d.ExtendVolume(ctx, vdp.ExtendVolumeRequest{Volume: volume, NewSize: 1})
	var e *vdp.Error
	if !errors.Is(err, vdp.ErrInvalidArgument) || !errors.As(err, &e) {
		return fmt.Errorf("extend_volume to a smaller size: want INVALID_ARGUMENT, got %v", err)
	}
	fmt.Printf("extend_volume to 1 GiB refused as expected: %s, field %s\n", e.Status.String(), e.Field)

	if err := d.DeleteSnapshot(ctx, vdp.DeleteSnapshotRequest{Snapshot: snapshot}); err != nil {
		return err
	}
	fmt.Printf("deleted snapshot %s\n", snapshotID)
	if err := d.DeleteVolume(ctx, vdp.DeleteVolumeRequest{Volume: volume}); err != nil {
		return err
	}
	fmt.Printf("deleted volume %s\n", volumeID)
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintf(os.Stderr, "usage: %s <vdp_solidfire.so> <cluster url>\n", os.Args[0])
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "failed:", err) // a *vdp.Error tells status, message and field
		os.Exit(1)
	}
}
