// A loadable module with a 16-byte dynamic TLS block, like libgnutls (pulled in by libcurl when the
// plugin is loaded): the block size for which GCC 12's ASan runtime misreads the block's bounds.
namespace {
thread_local long tls_words[2];
}  // namespace

extern "C" __attribute__((visibility("default"))) long vdp_dtls_touch(long v) {
  tls_words[0] = v;
  tls_words[1] = v + 1;
  return tls_words[0] + tls_words[1];
}
