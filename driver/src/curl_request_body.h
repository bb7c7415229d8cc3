// A request body handed to libcurl through its read callback, so that libcurl has to ask (the seek
// callback) before it sends the body a second time.
//
// libcurl resends a request by itself when a reused keep-alive connection closes before the first
// byte of the answer (lib/transfer.c, Curl_retry_request): the server may have closed an idle
// connection just as the request went out. For a body given as CURLOPT_POSTFIELDS it replays
// silently; for a body from a read callback of which some bytes were sent it first rewinds it
// through the seek callback, and fails the transfer (CURLE_SEND_FAIL_REWIND) when the rewind is
// refused. A body that must not be replayed (a write) refuses once it was handed out in full: the
// cluster may have run it, so the caller gets "outcome unknown" and its lost-reply recovery decides.
// A body handed out only in part never made a complete request, so rewinding it stays allowed.
#pragma once

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace solidfire {

class CurlRequestBody {
 public:
  // `body` must outlive the transfer. `replayable`: whether libcurl may send it again (reads).
  CurlRequestBody(const std::string& body, bool replayable) : body_(body), replayable_(replayable) {}

  // CURLOPT_READFUNCTION, with CURLOPT_READDATA = this.
  static size_t read(char* buffer, size_t size, size_t nitems, void* self) {
    auto* b = static_cast<CurlRequestBody*>(self);
    const size_t n = std::min(size * nitems, b->body_.size() - b->offset_);
    std::memcpy(buffer, b->body_.data() + b->offset_, n);
    b->offset_ += n;
    b->whole_taken_ = b->whole_taken_ || b->handed_out();
    return n;
  }

  // CURLOPT_SEEKFUNCTION, with CURLOPT_SEEKDATA = this. libcurl only seeks with SEEK_SET.
  static int seek(void* self, curl_off_t offset, int origin) {
    auto* b = static_cast<CurlRequestBody*>(self);
    if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > b->body_.size()) {
      return CURL_SEEKFUNC_FAIL;
    }
    const auto to = static_cast<size_t>(offset);
    if (!b->replayable_ && b->handed_out() && to < b->offset_) {
      b->replay_refused_ = true;
      return CURL_SEEKFUNC_FAIL;
    }
    b->offset_ = to;
    return CURL_SEEKFUNC_OK;
  }

  // Whether the server may hold the complete request: libcurl took some of the body now, or all of it
  // once. False only when none was taken, or when a partly taken body was rewound: a server cannot run a
  // request whose body it never received in full. (libcurl's pre-transfer time is no proof: on a reused
  // connection it is only microseconds after the start, and a 0 would read as "never sent".)
  bool may_have_arrived() const { return offset_ > 0 || whole_taken_ || body_.empty(); }

  // Whether libcurl asked to send the whole body again and was refused: the transfer failed after the
  // complete request went out on a connection that then closed without an answer.
  bool replay_refused() const { return replay_refused_; }

 private:
  bool handed_out() const { return offset_ == body_.size(); }

  const std::string& body_;
  const bool replayable_;
  size_t offset_ = 0;
  bool whole_taken_ = false;
  bool replay_refused_ = false;
};

}  // namespace solidfire
