// Keeps libcurl from sending a write a second time by itself.
//
// libcurl resends a request on a new connection when a reused keep-alive connection closes before the
// first byte of the answer (lib/transfer.c, Curl_retry_request): the server may have closed an idle
// connection just as the request went out. That is harmless for a read; a write may already have run on
// the cluster. Every attempt of a transfer passes libcurl's pre-request callback (CURLOPT_PREREQFUNCTION:
// once connected, before the request is sent; again for each resend), so the guard refuses a second
// attempt of a write when the first one sent any byte (CURLINFO_REQUEST_SIZE counts the request bytes
// sent during the whole transfer, and libcurl resets it only when a transfer starts). libcurl then fails
// the transfer (CURLE_ABORTED_BY_CALLBACK), the transport reports a reset after sending ("outcome
// unknown"), and the driver's lost-reply recovery decides. A first attempt that sent nothing never
// reached the cluster, so its resend stays allowed.
//
// This lets a write's body travel as CURLOPT_POSTFIELDS, like a read's: headers and body leave in one
// send, as one TLS record, and the server wakes once per request instead of twice.
#pragma once

#include <curl/curl.h>

#if LIBCURL_VERSION_NUM < 0x075000
#error "libcurl 7.80 or later is needed (CURLOPT_PREREQFUNCTION)"
#endif

namespace solidfire {

class CurlReplayGuard {
 public:
  // `replayable`: whether libcurl may send the request again (reads).
  CurlReplayGuard(CURL* handle, bool replayable) : handle_(handle), replayable_(replayable) {}

  // CURLOPT_PREREQFUNCTION, with CURLOPT_PREREQDATA = this.
  static int before_request(void* self, char* /*remote_ip*/, char* /*local_ip*/, int /*remote_port*/,
                            int /*local_port*/) {
    auto* g = static_cast<CurlReplayGuard*>(self);
    if (g == nullptr) return CURL_PREREQFUNC_OK;  // CURLOPT_PREREQDATA unset: nothing to guard
    if (++g->attempts_ == 1 || g->replayable_ || g->sent_bytes() == 0) return CURL_PREREQFUNC_OK;
    g->refused_ = true;
    return CURL_PREREQFUNC_ABORT;
  }

  // Request bytes libcurl sent during this transfer (headers and body, every attempt).
  long sent_bytes() const {  // NOLINT(google-runtime-int): libcurl's type
    long n = 0;                // NOLINT(google-runtime-int)
    curl_easy_getinfo(handle_, CURLINFO_REQUEST_SIZE, &n);
    return n;
  }

  // Whether libcurl wanted to send the write again and was refused: the transfer failed after the
  // request went out on a connection that then closed without an answer.
  bool refused() const { return refused_; }

 private:
  CURL* handle_;
  const bool replayable_;
  int attempts_ = 0;
  bool refused_ = false;
};

}  // namespace solidfire
