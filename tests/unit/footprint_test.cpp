// The process footprint sampler, the /proc listener lookup and the gateway process choice,
// on this test's own process, on forked children, on sockets it listens on (loopback only,
// no traffic) and on a fake /proc tree.
#include "multitier/run/footprint.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/temp_path.h"

namespace multitier {
namespace {

using namespace std::chrono_literals;

// Keeps the calling thread busy for `duration` of wall time.
void spin_for(std::chrono::nanoseconds duration) {
  volatile std::uint64_t sink = 0;
  const auto end = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 1000; ++i) sink = sink + static_cast<std::uint64_t>(i);
  }
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void adopt(int fd) {
    reset();
    fd_ = fd;
  }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// A TCP socket bound to loopback port 0 (the kernel picks the port), listening when `listen`.
// port() is 0 when the socket could not be set up (e.g. no IPv6 on this machine).
class LoopbackSocket {
 public:
  LoopbackSocket(bool ipv6, bool listen) {
    socket_.adopt(::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (socket_.get() < 0) return;
    sockaddr_storage address{};
    socklen_t length = 0;
    if (ipv6) {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
      v6->sin6_family = AF_INET6;
      v6->sin6_addr = in6addr_loopback;
      length = sizeof(sockaddr_in6);
    } else {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
      v4->sin_family = AF_INET;
      v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      length = sizeof(sockaddr_in);
    }
    if (::bind(socket_.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) return;
    if (listen && ::listen(socket_.get(), 4) != 0) return;
    socklen_t got = sizeof address;
    if (::getsockname(socket_.get(), reinterpret_cast<sockaddr*>(&address), &got) != 0) return;
    port_ = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  }
  int port() const { return port_; }
  void close() { socket_.reset(); }

 private:
  Fd socket_;
  int port_ = 0;
};

// A forked child that waits for its pipe to close (idle) or, when `busy`, names itself
// kTrickyName and spins. Killed and reaped on destruction unless reaped before.
class Child {
 public:
  static constexpr const char* kTrickyName = "x) y (z)";

  explicit Child(bool busy) {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {  // only async-signal-safe calls from here on
      ::alarm(20);    // never outlive a hung test
      ::close(to_child[1]);
      ::close(from_child[0]);
      if (busy) ::prctl(PR_SET_NAME, kTrickyName, 0, 0, 0);
      const char ready = 'r';
      if (::write(from_child[1], &ready, 1) != 1) ::_exit(2);
      if (busy) {
        volatile std::uint64_t sink = 0;
        for (;;) sink = sink + 1;
      }
      char byte;
      while (::read(to_child[0], &byte, 1) > 0) {
      }
      ::_exit(0);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_child_.adopt(to_child[1]);
    char ready = 0;
    ready_ = pid_ > 0 && ::read(from_child[0], &ready, 1) == 1 && ready == 'r';
    ::close(from_child[0]);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      reap();
    }
  }

  int pid() const { return pid_; }
  bool ready() const { return ready_; }
  // Lets an idle child exit; waits until it has, without reaping it (it stays a zombie).
  bool let_exit() {
    to_child_.reset();
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) == 0;
  }
  bool reap() {
    int status = 0;
    reaped_ = ::waitpid(pid_, &status, 0) == pid_;
    return reaped_;
  }

 private:
  int pid_ = -1;
  bool ready_ = false;
  bool reaped_ = false;
  Fd to_child_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Footprint, ParsesStatFromTheLastParenthesis) {
  // Fields 3.. after the command: state, ppid, pgrp, session, tty, tpgid, flags, minflt,
  // cminflt, majflt, cmajflt, utime (14), stime (15), cutime, cstime, priority, nice,
  // num_threads, itrealvalue, starttime (22), vsize, ...
  const std::string rest = " S 1 2 3 4 5 6 7 8 9 10 700 55 9999 8888 20 0 3 0 123456 4096 10";
  const auto stat = parse_proc_stat("4321 (a) b (c) 9 9 9 9 9 9 9 9 9 9 9 9 9)" + rest);
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->cpu_ticks, 755u);  // not the children's 9999 + 8888, nor the fake fields
  EXPECT_EQ(stat->start_time, 123456u);

  const auto plain = parse_proc_stat("1 (init)" + rest + "\n");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->cpu_ticks, 755u);

  EXPECT_FALSE(parse_proc_stat("").has_value());
  EXPECT_FALSE(parse_proc_stat("4321 (no close" + rest).has_value());
  EXPECT_FALSE(parse_proc_stat("4321 (short) S 1 2 3").has_value());
  EXPECT_FALSE(
      parse_proc_stat("4321 (bad) S 1 2 3 4 5 6 7 8 9 10 x 55 0 0 0 0 0 0 1 0 0").has_value());
  EXPECT_FALSE(parse_proc_stat("pid (comm)" + rest).has_value());
}

TEST(Footprint, SamplesOwnCpuAndRss) {
  ProcessSampler sampler(::getpid());
  EXPECT_EQ(sampler.pid(), ::getpid());
  const auto first = sampler.sample();
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(std::isnan(first->cpu_percent));
  EXPECT_GT(first->rss_bytes, 0u);

  spin_for(200ms);
  const auto second = sampler.sample();
  ASSERT_TRUE(second.has_value());
  ASSERT_FALSE(std::isnan(second->cpu_percent));
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_GT(second->cpu_percent, 10.0);
  EXPECT_LE(second->cpu_percent, 100.0 * cores + 20.0);
  EXPECT_GT(second->rss_bytes, 0u);
}

TEST(Footprint, RssFollowsTouchedMemory) {
  ProcessSampler sampler(::getpid());
  const auto before = sampler.sample();
  ASSERT_TRUE(before.has_value());
  constexpr std::size_t kBytes = 64u << 20;
  std::vector<char> block(kBytes);
  std::memset(block.data(), 1, block.size());  // every page resident
  const auto after = sampler.sample();
  ASSERT_TRUE(after.has_value());
  EXPECT_GE(after->rss_bytes, before->rss_bytes + kBytes * 3 / 4);
  EXPECT_EQ(block[kBytes / 2], 1);
}

TEST(Footprint, IdleChildThenGoneOnceItExits) {
  Child child(/*busy=*/false);
  ASSERT_GT(child.pid(), 0);
  ASSERT_TRUE(child.ready());
  ProcessSampler sampler(child.pid());
  const auto first = sampler.sample();
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(std::isnan(first->cpu_percent));
  EXPECT_GT(first->rss_bytes, 0u);
  std::this_thread::sleep_for(200ms);
  const auto idle = sampler.sample();
  ASSERT_TRUE(idle.has_value());
  EXPECT_LT(idle->cpu_percent, 10.0);  // blocked in read(): next to nothing

  ASSERT_TRUE(child.let_exit());  // a zombie now: still under /proc, but gone
  EXPECT_FALSE(sampler.sample().has_value());
  EXPECT_FALSE(ProcessSampler(child.pid()).sample().has_value());
  ASSERT_TRUE(child.reap());
  EXPECT_FALSE(sampler.sample().has_value());
  EXPECT_FALSE(ProcessSampler(child.pid()).sample().has_value());
}

TEST(Footprint, SamplesBusyChildWithParenthesesInItsName) {
  Child child(/*busy=*/true);
  ASSERT_GT(child.pid(), 0);
  ASSERT_TRUE(child.ready());
  const std::string dir = "/proc/" + std::to_string(child.pid());
  ASSERT_EQ(read_text(dir + "/comm"), std::string(Child::kTrickyName) + "\n");
  ProcessSampler sampler(child.pid());
  ASSERT_TRUE(sampler.sample().has_value());
  std::this_thread::sleep_for(300ms);
  const auto busy = sampler.sample();
  ASSERT_TRUE(busy.has_value());
  EXPECT_GT(busy->cpu_percent, 10.0);
  EXPECT_LE(busy->cpu_percent, 120.0);  // one thread: one core at most
  ::kill(child.pid(), SIGKILL);
  ASSERT_TRUE(child.reap());
  EXPECT_FALSE(sampler.sample().has_value());
}

TEST(Footprint, FindsOwnIpv4Listener) {
  LoopbackSocket listener(/*ipv6=*/false, /*listen=*/true);
  ASSERT_GT(listener.port(), 0);
  EXPECT_EQ(find_listening_pid(listener.port()), ::getpid());
  listener.close();
  EXPECT_EQ(find_listening_pid(listener.port()), std::nullopt);
}

TEST(Footprint, FindsOwnIpv6Listener) {
  LoopbackSocket listener(/*ipv6=*/true, /*listen=*/true);
  if (listener.port() == 0) GTEST_SKIP() << "no IPv6 loopback on this machine";
  EXPECT_EQ(find_listening_pid(listener.port()), ::getpid());
}

TEST(Footprint, BoundButNotListeningIsNoListener) {
  LoopbackSocket bound(/*ipv6=*/false, /*listen=*/false);
  ASSERT_GT(bound.port(), 0);
  EXPECT_EQ(find_listening_pid(bound.port()), std::nullopt);
  EXPECT_EQ(find_listening_pid(0), std::nullopt);
  EXPECT_EQ(find_listening_pid(70000), std::nullopt);
}

// A fake /proc: net/tcp and net/tcp6 tables and fd links, nothing else.
class FakeProc {
 public:
  FakeProc() { std::filesystem::create_directories(root_ / "net"); }
  std::string root() const { return root_.string(); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name) << text;
  }
  void link(int pid, int fd, const std::string& target) {
    const auto dir = root_ / std::to_string(pid) / "fd";
    std::filesystem::create_directories(dir);
    std::filesystem::create_symlink(target, dir / std::to_string(fd));
  }

 private:
  unit::PrivateTempDir folder_{"footprint-proc"};
  const std::filesystem::path& root_ = folder_.path();
};

TEST(Footprint, FindsListenerInAFakeProcTree) {
  FakeProc proc;
  const std::string header =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
      "timeout inode\n";
  // Port 8080 (1F90): listening (0A, inode 4242) on 0.0.0.0, and an established connection
  // (01, inode 5555) from 127.0.0.1:8080.
  proc.write("net/tcp", header +
                            "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
                            "00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0\n"
                            "   1: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 "
                            "00000000  1000        0 5555 1 0000000000000000 20 4 30 10 -1\n");
  // Port 8888 (22B8) on ::1, listening (inode 7777).
  proc.write("net/tcp6", header +
                             "   0: 00000000000000000000000001000000:22B8 "
                             "00000000000000000000000000000000:0000 0A 00000000:00000000 "
                             "00:00000000 00000000  1000        0 7777 1 0000000000000000 100 "
                             "0 0 10 0\n");
  proc.link(100, 5, "socket:[5555]");  // holds the connection only
  proc.link(300, 3, "socket:[4242]");  // a worker forked after listen
  proc.link(200, 0, "/dev/null");
  proc.link(200, 7, "socket:[4242]");  // the parent
  proc.link(400, 9, "socket:[77770]");
  proc.link(400, 10, "socket:[7777]");
  proc.link(500, 1, "pipe:[7777]");

  EXPECT_EQ(find_listening_pid(8080, proc.root()), 200);
  EXPECT_EQ(find_listening_pid(8888, proc.root()), 400);
  EXPECT_EQ(find_listening_pid(41668, proc.root()), std::nullopt);  // A2C4: a remote port
  EXPECT_EQ(find_listening_pid(9999, proc.root()), std::nullopt);
  EXPECT_EQ(find_listening_pid(8080, proc.root() + "/missing"), std::nullopt);
}

TEST(Footprint, UrlPort) {
  EXPECT_EQ(url_port("http://127.0.0.1:4110"), 4110);
  EXPECT_EQ(url_port("http://127.0.0.1:4110/search?q=a:b"), 4110);
  EXPECT_EQ(url_port("http://localhost/"), 80);
  EXPECT_EQ(url_port("http://localhost"), 80);
  EXPECT_EQ(url_port("http://[::1]:8443/x"), 8443);
  EXPECT_EQ(url_port("http://[::1]"), 80);
  EXPECT_EQ(url_port("http://[::1]x"), std::nullopt);
  EXPECT_EQ(url_port("http://127.0.0.1:"), std::nullopt);
  EXPECT_EQ(url_port("http://127.0.0.1:0"), std::nullopt);
  EXPECT_EQ(url_port("http://127.0.0.1:65536"), std::nullopt);
  EXPECT_EQ(url_port("http://127.0.0.1:80x"), std::nullopt);
  EXPECT_EQ(url_port("https://127.0.0.1:443"), std::nullopt);
}

TEST(Footprint, GatewayProcessRefusesRemoteUrl) {
  std::string why_not = "stale";
  EXPECT_EQ(gateway_process("http://10.1.2.3:80", 0, why_not), std::nullopt);
  EXPECT_NE(why_not.find("not a local process"), std::string::npos) << why_not;
  EXPECT_NE(why_not.find("10.1.2.3"), std::string::npos) << why_not;
}

TEST(Footprint, GatewayProcessTakesAnExistingExplicitPid) {
  std::string why_not = "stale";
  EXPECT_EQ(gateway_process("http://127.0.0.1:4110", ::getpid(), why_not), ::getpid());
  EXPECT_EQ(why_not, "");
  // The explicit pid wins over the URL, even a remote one.
  EXPECT_EQ(gateway_process("http://10.1.2.3:80", ::getpid(), why_not), ::getpid());

  EXPECT_EQ(gateway_process("http://127.0.0.1:4110", INT_MAX, why_not), std::nullopt);
  EXPECT_NE(why_not.find("no process " + std::to_string(INT_MAX)), std::string::npos) << why_not;

  Child child(/*busy=*/false);
  ASSERT_GT(child.pid(), 0);
  ASSERT_TRUE(child.ready());
  EXPECT_EQ(gateway_process("http://127.0.0.1:4110", child.pid(), why_not), child.pid());
  ASSERT_TRUE(child.let_exit());  // a zombie is no gateway
  EXPECT_EQ(gateway_process("http://127.0.0.1:4110", child.pid(), why_not), std::nullopt);
  ASSERT_TRUE(child.reap());
  EXPECT_EQ(gateway_process("http://127.0.0.1:4110", child.pid(), why_not), std::nullopt);
  EXPECT_NE(why_not.find("no process"), std::string::npos) << why_not;
}

TEST(Footprint, GatewayProcessFindsTheLoopbackListener) {
  LoopbackSocket listener(/*ipv6=*/false, /*listen=*/true);
  ASSERT_GT(listener.port(), 0);
  const std::string port = std::to_string(listener.port());
  std::string why_not = "stale";
  EXPECT_EQ(gateway_process("http://127.0.0.1:" + port + "/search", 0, why_not), ::getpid());
  EXPECT_EQ(why_not, "");
  EXPECT_EQ(gateway_process("http://localhost:" + port, 0, why_not), ::getpid());
  EXPECT_EQ(gateway_process("http://127.0.0.1:" + port, -1, why_not), ::getpid());

  listener.close();
  EXPECT_EQ(gateway_process("http://127.0.0.1:" + port, 0, why_not), std::nullopt);
  EXPECT_NE(why_not.find("no process found listening on port " + port), std::string::npos)
      << why_not;
}

}  // namespace
}  // namespace multitier
