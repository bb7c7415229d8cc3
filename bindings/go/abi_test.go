package vdp_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vdp.dev/vdp"
)

// fakeEntry is a plugin whose entry point answers like a plugin of ABI major 2.
const fakeEntry = `#include <vdp/vdp.h>
static const vdp_plugin desc = {sizeof(vdp_plugin), VDP_MAKE_VERSION(2, 0), VDP_MAKE_VERSION(2, 0), 0,
                                "fake", "test", "0"};
vdp_status vdp_plugin_entry(uint32_t host_abi, uint32_t *plugin_abi, const vdp_plugin **out) {
  if (plugin_abi == 0 || out == 0) return VDP_E_INVALID_ARGUMENT;
  *plugin_abi = VDP_MAKE_VERSION(2, 0);
#ifdef LIAR
  (void)host_abi;
  *out = &desc; /* claims success with another major */
  return VDP_OK;
#else
  *out = 0;
  return VDP_VERSION_MAJOR(host_abi) == 2 ? VDP_OK : VDP_E_ABI_MISMATCH;
#endif
}
`

// buildFake compiles fakeEntry into a shared object with the C compiler cgo uses.
func buildFake(t *testing.T, defines ...string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "fake.c")
	if err := os.WriteFile(src, []byte(fakeEntry), 0o644); err != nil {
		t.Fatal(err)
	}
	cc := os.Getenv("CC")
	if cc == "" {
		cc = "cc"
	}
	include, _ := filepath.Abs("../../abi/include")
	out := filepath.Join(dir, "fake.so")
	args := append([]string{"-shared", "-fPIC", "-I" + include}, defines...)
	for _, f := range strings.Fields(os.Getenv("CGO_CFLAGS")) {
		if strings.HasPrefix(f, "-I") {
			args = append(args, f)
		}
	}
	args = append(args, "-o", out, src)
	if b, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", cc, args, err, b)
	}
	return out
}

func TestOpenRefusesAnotherMajor(t *testing.T) {
	for _, defines := range [][]string{nil, {"-DLIAR"}} {
		_, err := vdp.Open(buildFake(t, defines...))
		var ve *vdp.Error
		if !errors.Is(err, vdp.ErrABIMismatch) || !errors.As(err, &ve) || !strings.Contains(ve.Message, "plugin ABI 2.0") {
			t.Errorf("Open of an ABI 2 plugin %v: %v", defines, err)
		}
	}
	// A shared object without the entry point is not a plugin.
	_, err := vdp.Open("libm.so.6")
	if err == nil || !strings.Contains(err.Error(), "not a vdp plugin") {
		t.Errorf("Open of libm: %v", err)
	}
}
