// The element-sim executable: output line, signals, exit codes.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include <regex>
#include <sstream>

#include "sim_test_util.h"

extern char** environ;

using namespace simtest;

namespace {

struct Child {
  pid_t pid = -1;
  int out = -1;
  int err = -1;
};

Child spawn(std::vector<std::string> args) {
  args.insert(args.begin(), ELEMENT_SIM_EXE);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int o[2], e[2];
  EXPECT_EQ(pipe(o), 0);
  EXPECT_EQ(pipe(e), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, o[1], 1);
  posix_spawn_file_actions_adddup2(&fa, e[1], 2);
  posix_spawn_file_actions_addclose(&fa, o[0]);
  posix_spawn_file_actions_addclose(&fa, e[0]);
  Child c;
  EXPECT_EQ(posix_spawn(&c.pid, ELEMENT_SIM_EXE, &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(o[1]);
  close(e[1]);
  c.out = o[0];
  c.err = e[0];
  return c;
}

// Reads from fd until `lines` newlines were seen, EOF, or the timeout.
std::string read_lines(int fd, int lines, int timeout_ms = 15000) {
  std::string s;
  while (std::count(s.begin(), s.end(), '\n') < lines) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) break;
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    s.append(buf, static_cast<size_t>(n));
  }
  return s;
}

int wait_exit(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    usleep(50 * 1000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

size_t sink(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

std::string post(const std::string& url, const std::string& userpwd, const std::string& body) {
  CURL* h = curl_easy_init();
  std::string out;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(h, CURLOPT_USERPWD, userpwd.c_str());
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
  curl_easy_perform(h);
  curl_easy_cleanup(h);
  return out;
}

TEST(Executable, PrintsOneLinePerClusterServesAndExitsOnSigterm) {
  Child c = spawn({"--port", "0", "--clusters", "2", "--user", "op", "--password", "s3cret", "--seed", "7"});
  const std::string out = read_lines(c.out, 2);
  const std::regex line(R"(element-sim listening cluster=(\d) url=(https://127\.0\.0\.[12]:\d+) user=op password=s3cret)");
  std::vector<std::string> urls;
  std::istringstream ss(out);
  for (std::string l; std::getline(ss, l);) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, line)) << l;
    EXPECT_EQ(m[1].str(), std::to_string(urls.size()));
    urls.push_back(m[2].str());
  }
  ASSERT_EQ(urls.size(), 2u) << out;
  EXPECT_NE(urls[0], urls[1]);
  Json j = parse(post(urls[1] + "/json-rpc/12.3/", "op:s3cret", R"({"method":"GetClusterInfo","id":1})"));
  ASSERT_TRUE(j);
  EXPECT_TRUE(result(j));
  kill(c.pid, SIGTERM);
  EXPECT_EQ(wait_exit(c.pid), 0);
  close(c.out);
  close(c.err);
}

TEST(Executable, PlainHttpAndSigint) {
  Child c = spawn({"--no-tls", "--log-level", "debug"});
  const std::string out = read_lines(c.out, 1);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(url=(http://127\.0\.0\.1:\d+) )"))) << out;
  Json j = parse(post(m[1].str() + "/json-rpc/12.3", "admin:admin", R"({"method":"GetClusterInfo","id":1})"));
  EXPECT_TRUE(result(j));
  kill(c.pid, SIGINT);
  EXPECT_EQ(wait_exit(c.pid), 0);
  const std::string err = read_lines(c.err, 1000, 200);
  EXPECT_NE(err.find("method=GetClusterInfo"), std::string::npos) << err;
  EXPECT_EQ(err.find("admin:admin"), std::string::npos);
  close(c.out);
  close(c.err);
}

TEST(Executable, BadFlagsExit2NamingTheFlag) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--bogus"}, {"--port", "70000"}, {"--port"}, {"--cert", "x.pem"}, {"--log-level", "loud"},
           {"--clusters", "0"}, {"--fault", "Nope"}, {"--fault", "X:explode"}, {"--state", ""},
           {"--clone-delay-ms", "-1"}}) {
    Child c = spawn(args);
    const std::string err = read_lines(c.err, 1000, 5000);
    EXPECT_EQ(wait_exit(c.pid), 2) << args[0];
    EXPECT_NE(err.find(args[0]), std::string::npos) << err;
    close(c.out);
    close(c.err);
  }
}

TEST(Executable, FaultFlagTakesEffect) {
  Child c = spawn({"--no-tls", "--fault", "GetClusterInfo:error=xNotPrimary:count=1", "--seed", "3"});
  const std::string out = read_lines(c.out, 1);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(url=(http://127\.0\.0\.1:\d+) )"))) << out;
  const std::string rpc = m[1].str() + "/json-rpc/12.3";
  EXPECT_EQ(error_name(parse(post(rpc, "admin:admin", R"({"method":"GetClusterInfo","id":1})"))), "xNotPrimary");
  EXPECT_TRUE(result(parse(post(rpc, "admin:admin", R"({"method":"GetClusterInfo","id":1})"))));
  kill(c.pid, SIGTERM);
  EXPECT_EQ(wait_exit(c.pid), 0);
  close(c.out);
  close(c.err);
}

TEST(Executable, Help) {
  Child c = spawn({"--help"});
  const std::string out = read_lines(c.out, 1000, 5000);
  EXPECT_EQ(wait_exit(c.pid), 0);
  for (const char* flag : {"--no-tls", "--fault", "--state", "--state-compact-records", "--clone-delay-ms",
                           "/control/faults", "/control/fill", "simulator/README.md"})
    EXPECT_NE(out.find(flag), std::string::npos) << flag;
  // The endpoint versions listed are exactly GetAPI's supportedVersions, in order.
  const size_t from = out.find("endpoints served"), to = out.find("Methods", from);
  ASSERT_NE(from, std::string::npos) << out;
  ASSERT_NE(to, std::string::npos) << out;
  std::istringstream words(out.substr(out.find('\n', from) + 1, to - out.find('\n', from) - 1));
  std::vector<std::string> listed;
  for (std::string w; words >> w;) listed.push_back(w);
  element_sim::Server sim(plain_options());
  std::vector<std::string> served;
  const cJSON* v = nullptr;
  Json api = call(sim, "GetAPI");
  cJSON_ArrayForEach(v, get(result(api), "supportedVersions")) served.emplace_back(v->valuestring);
  EXPECT_EQ(listed, served);
  EXPECT_EQ(served.size(), 45u);
  close(c.out);
  close(c.err);
}

}  // namespace
