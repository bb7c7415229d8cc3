// A shared object that is not a vdp plugin: it lacks vdp_plugin_entry.
extern "C" __attribute__((visibility("default"))) int not_a_vdp_plugin(void) { return 42; }
