package vdp

/*
#include "shim.h"
*/
import "C"

// opNames lists "setup" and the operation slots of VDP_OPERATIONS in descriptor order, read from the
// header this binding was compiled against; opIndex is its inverse (the slot index of shim.c).
var (
	opNames []string
	opIndex map[string]int
)

func init() {
	n := int(C.vdp_go_op_count())
	opNames = make([]string, n)
	opIndex = make(map[string]int, n)
	for i := 0; i < n; i++ {
		opNames[i] = C.GoString(C.vdp_go_op_name(C.int(i)))
		opIndex[opNames[i]] = i
	}
}

// Operations lists "setup" and every operation slot of the ABI (VDP_OPERATIONS of vdp_operations.h) in
// descriptor order, as this binding was compiled. Plugin.Slots lists those a plugin fills.
func Operations() []string { return append([]string(nil), opNames...) }

// cStatusName is vdp_status_name of vdp.h (for the tests, which cannot use cgo themselves).
func cStatusName(s Status) string { return C.GoString(C.vdp_status_name(C.vdp_status(s))) }
