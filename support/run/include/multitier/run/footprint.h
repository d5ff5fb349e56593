// The footprint of a local gateway process: its CPU use and resident memory, sampled from
// /proc (Linux only), and the lookup of which process that is for a gateway URL.
//
// Nothing here prints, writes or talks to the network: every function only reads files under
// /proc (or under the fake tree a test passes as `proc_root`). None of them throws; an
// unreadable or malformed file reads as "no answer" (nullopt).
//
// CPU figures come from the utime and stime fields of /proc/PID/stat, which sum every thread
// of the process, in clock ticks (sysconf(_SC_CLK_TCK), usually 100 per second): a delta over
// an interval of length T is exact to about 2 ticks, so a percentage over T = 1 s is good to
// about ±2 percentage points, over 200 ms to about ±10.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace multitier {

struct FootprintSample {
  // CPU time (user + system, all threads) spent between the previous sample and this one,
  // over the wall time between them (steady_clock), in % of one core: a process keeping two
  // cores busy reads 200. NaN on the first sample of a sampler (nothing to compare with).
  double cpu_percent;
  // Resident set size at this sample, in bytes (/proc/PID/statm's resident pages times the
  // page size).
  std::uint64_t rss_bytes;
};

// Samples one process. Not thread-safe: one sampler per sampling thread.
class ProcessSampler {
 public:
  explicit ProcessSampler(int pid);

  int pid() const { return pid_; }

  // Reads /proc/PID/stat and /proc/PID/statm. nullopt once the process is gone: no longer
  // under /proc, unreadable, a zombie (exited, not yet reaped), or replaced by another process
  // that reused its pid (a different start time); once gone, always nullopt. Also nullopt,
  // without counting as gone, if memory runs out. Never throws.
  std::optional<FootprintSample> sample() noexcept;

 private:
  std::optional<FootprintSample> mark_gone() noexcept;

  int pid_;
  long ticks_per_second_;
  std::uint64_t page_size_;
  bool gone_ = false;
  bool has_previous_ = false;
  std::uint64_t previous_ticks_ = 0;
  std::uint64_t start_time_ = 0;
  std::chrono::steady_clock::time_point previous_time_{};
};

// The fields of one /proc/PID/stat text that the sampler uses.
struct ProcStat {
  char state = '?';              // field 3: R, S, D, Z (zombie), X (dead), ...
  std::uint64_t cpu_ticks = 0;   // fields 14 + 15: utime + stime, in clock ticks
  std::uint64_t start_time = 0;  // field 22: start time after boot, in clock ticks
};

// Parses the text of /proc/PID/stat. The second field, the command name, is in parentheses
// and may itself hold spaces, parentheses and ')': the fields after it are counted from the
// LAST ')' of the text. nullopt when the text is malformed.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// The pid of the process listening on TCP `port` on this machine (IPv4 or IPv6, any local
// address), found through `proc_root`/net/tcp and /net/tcp6 (the sockets in state 0A, LISTEN,
// on that port, and their inodes) and the links `proc_root`/PID/fd/N -> "socket:[inode]".
// When several processes hold the socket (a server that forked its workers after listen), the
// lowest pid, usually the parent. nullopt when no listener is found, or when its holder's fd
// directory is not readable (another user's process). Sees the network namespace of the
// caller only. `proc_root` defaults to "/proc"; tests may pass a fake tree.
std::optional<int> find_listening_pid(int port, const std::string& proc_root = "/proc");

// The port of an http:// URL: the number after the host (http://HOST:PORT/..., or
// http://[V6]:PORT/...), 80 when the URL names none. nullopt when the URL is not http:// or
// the port is not a number in 1..65535.
std::optional<int> url_port(std::string_view url);

// Which process to sample for the gateway at `url`:
// - `explicit_pid` when > 0, whatever the URL, provided /proc/PID exists and is a live
//   process (not a zombie); else nullopt and `why_not` says "no process N";
// - else, for a loopback URL (is_loopback_url: http://127.x.x.x, localhost, [::1]), the
//   listener on its port (url_port: 80 when the URL has none) as find_listening_pid finds
//   it; when there is none, nullopt and `why_not` says "no process found listening on port N"
//   (with the hint that it may belong to another user);
// - else nullopt and `why_not` says "not a local process" (with the URL).
// `why_not` is cleared when a pid is returned. Pure apart from reading /proc.
std::optional<int> gateway_process(const std::string& url, int explicit_pid, std::string& why_not);

}  // namespace multitier
