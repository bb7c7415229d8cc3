// The reference host library: everything a host needs to load a vdp plugin and call it.
#pragma once

#include "vdp_host/config.h"
#include "vdp_host/driver.h"
#include "vdp_host/errors.h"
#include "vdp_host/plugin.h"
#include "vdp_host/services.h"
