module vdp.dev/vdp

go 1.19
