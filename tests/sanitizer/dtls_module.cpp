// A loadable module with a 16-byte dynamic TLS block: the block size for which GCC 12's ASan runtime
// misreads the block's bounds every time (see dtls_exit_check.cpp). Exported, so that the compiler
// keeps the variable and its stores.
extern "C" {
__attribute__((visibility("default"))) thread_local long vdp_dtls_words[2];

__attribute__((visibility("default"))) long vdp_dtls_touch(long v) {
  vdp_dtls_words[0] = v;
  vdp_dtls_words[1] = v + 1;
  return vdp_dtls_words[0] + vdp_dtls_words[1];
}
}
