module vdp.dev/examples/volume-lifecycle

go 1.19

require vdp.dev/vdp v0.0.0

replace vdp.dev/vdp => ../../bindings/go
