// Regression check for the LeakSanitizer "tracer caught signal 11" crash at process exit.
//
// GCC 12's sanitizer runtime intercepts __tls_get_addr to learn where each thread's dynamic TLS blocks
// lie (so that LeakSanitizer can scan them for pointers). When a block starts 16 bytes into a page, it
// assumes glibc 2.19-2.24's allocation header precedes it and reads that "header" as the block's start
// and size. glibc 2.25 and later have no such header: the words it reads belong to ASan's own chunk
// header, the recorded range is garbage, and LeakSanitizer's tracer faults while scanning it at exit,
// after every test assertion has passed ("Tracer caught signal 11"). Whether a block lands on that
// offset depends on its size and the allocator's state: a 16-byte block always does, the plugin's own
// (its thread_locals are dynamic TLS, the plugin being loaded with dlopen) only now and then, hence a
// rare, random failure in the integration suite. LLVM 17 replaced the guess; GCC 12 and clang 14 have it.
//
// The sanitizer presets therefore run with ASAN_OPTIONS=intercept_tls_get_addr=0. That hides no leak:
// LeakSanitizer just stops treating dynamic TLS as a root, so it can only report more, never less (no
// module of ours keeps heap memory reachable only from a thread_local).
//
// This program loads a module with a 16-byte TLS block, touches it from several threads that are
// still alive at exit, and exits: with the interception on, LeakSanitizer dies ("LeakSanitizer has
// encountered a fatal error", exit code 1); with the presets' options it exits 0.
#include <dlfcn.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODULE\n", argv[0]);
    return 2;
  }
  void* module = dlopen(argv[1], RTLD_NOW);
  if (module == nullptr) {
    std::fprintf(stderr, "dlopen: %s\n", dlerror());
    return 2;
  }
  auto touch = reinterpret_cast<long (*)(long)>(dlsym(module, "vdp_dtls_touch"));
  if (touch == nullptr) {
    std::fprintf(stderr, "dlsym: %s\n", dlerror());
    return 2;
  }
  constexpr int kThreads = 8;
  std::mutex mu;
  std::condition_variable cv;
  int ready = 0;
  for (int i = 0; i < kThreads; ++i) {
    std::thread([&, i] {
      touch(i);
      {
        std::lock_guard<std::mutex> lock(mu);
        ++ready;
      }
      cv.notify_all();
      for (;;) std::this_thread::sleep_for(std::chrono::hours(1));  // still running at exit
    }).detach();
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return ready == kThreads; });
  touch(-1);  // the main thread's block too
  std::printf("%d threads hold a dynamic TLS block at exit\n", kThreads + 1);
  return 0;
}
