// CPU and RSS of a local process from /proc, and the listener of a TCP port.
#include "multitier/run/footprint.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "multitier/common/text.h"
#include "multitier/run/options.h"

namespace multitier {
namespace {

// The whole content of a (small, /proc) file, or nullopt when it cannot be opened or read.
// /proc files report size 0, so this reads until end of file.
std::optional<std::string> read_whole(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

// Splits `text` on spaces, tabs and newlines, dropping empty pieces.
std::vector<std::string_view> split_blanks(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// The inodes of the sockets listening on `port` in one /proc/net/tcp or tcp6 table. Each line
// after the header: "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
// ...", the local address as hex "ADDR:PORT".
void listening_inodes(const std::string& table, int port, std::set<std::uint64_t>& inodes) {
  std::size_t begin = 0;
  while (begin < table.size()) {
    std::size_t end = table.find('\n', begin);
    if (end == std::string::npos) end = table.size();
    const auto fields = split_blanks(std::string_view(table).substr(begin, end - begin));
    begin = end + 1;
    if (fields.size() < 10 || fields[0] == "sl") continue;
    if (fields[3] != "0A") continue;  // TCP_LISTEN
    const std::string_view local = fields[1];
    const auto colon = local.rfind(':');
    if (colon == std::string_view::npos) continue;
    const auto local_port = to_number<int>(local.substr(colon + 1), 16);
    if (!local_port || *local_port != port) continue;
    const auto inode = to_number<std::uint64_t>(fields[9]);
    if (inode && *inode != 0) inodes.insert(*inode);
  }
}

// True when some fd of process `pid_dir` links to "socket:[I]" for an I in `inodes`.
bool holds_socket(const std::string& pid_dir, const std::set<std::uint64_t>& inodes) {
  const std::string fd_dir = pid_dir + "/fd";
  DIR* dir = ::opendir(fd_dir.c_str());
  if (dir == nullptr) return false;
  bool found = false;
  char target[64];
  while (!found) {
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) break;
    if (entry->d_name[0] == '.') continue;
    const std::string link = fd_dir + "/" + entry->d_name;
    const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    const std::string_view text(target, static_cast<std::size_t>(n));
    constexpr std::string_view kPrefix = "socket:[";
    if (!text.starts_with(kPrefix) || !text.ends_with("]")) continue;
    const auto inode =
        to_number<std::uint64_t>(text.substr(kPrefix.size(), text.size() - kPrefix.size() - 1));
    found = inode && inodes.contains(*inode);
  }
  ::closedir(dir);
  return found;
}

// The pids under `proc_root`, in increasing order.
std::vector<int> list_pids(const std::string& proc_root) {
  std::vector<int> pids;
  DIR* dir = ::opendir(proc_root.c_str());
  if (dir == nullptr) return pids;
  while (const dirent* entry = ::readdir(dir)) {
    if (const auto pid = to_number<int>(entry->d_name); pid && *pid > 0) pids.push_back(*pid);
  }
  ::closedir(dir);
  std::sort(pids.begin(), pids.end());
  return pids;
}

bool is_live(char state) { return state != 'Z' && state != 'X' && state != 'x'; }

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  // "PID (COMM) STATE PPID ...": COMM may hold anything but is at most 16 bytes, and the
  // kernel writes no ')' after it, so the last ')' closes it.
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  const auto head = split_blanks(text.substr(0, open));
  if (head.size() != 1 || !to_number<int>(head[0])) return std::nullopt;
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const auto fields = split_blanks(text.substr(close + 1));
  if (fields.size() < 20 || fields[0].size() != 1) return std::nullopt;
  const auto utime = to_number<std::uint64_t>(fields[14 - 3]);
  const auto stime = to_number<std::uint64_t>(fields[15 - 3]);
  const auto start = to_number<std::uint64_t>(fields[22 - 3]);
  if (!utime || !stime || !start) return std::nullopt;
  return ProcStat{fields[0][0], *utime + *stime, *start};
}

ProcessSampler::ProcessSampler(int pid)
    : pid_(pid),
      ticks_per_second_(::sysconf(_SC_CLK_TCK)),
      page_size_(static_cast<std::uint64_t>(std::max(::sysconf(_SC_PAGESIZE), 1L))) {}

std::optional<FootprintSample> ProcessSampler::sample() noexcept {
  if (gone_) return std::nullopt;
  try {
    const std::string dir = "/proc/" + std::to_string(pid_);
    const auto stat_text = read_whole(dir + "/stat");
    const auto now = std::chrono::steady_clock::now();
    const auto statm_text = read_whole(dir + "/statm");
    if (pid_ <= 0 || !stat_text || !statm_text) return mark_gone();
    const auto stat = parse_proc_stat(*stat_text);
    if (!stat) return mark_gone();
    const ProcStat current = *stat;
    const auto statm = split_blanks(*statm_text);
    const auto resident =
        statm.size() >= 2 ? to_number<std::uint64_t>(statm[1]) : std::optional<std::uint64_t>();
    if (!resident || !is_live(current.state)) return mark_gone();
    if (has_previous_ && current.start_time != start_time_) return mark_gone();  // pid reused

    FootprintSample out{std::numeric_limits<double>::quiet_NaN(), *resident * page_size_};
    if (has_previous_) {
      const double seconds = std::chrono::duration<double>(now - previous_time_).count();
      const std::uint64_t ticks =
          current.cpu_ticks > previous_ticks_ ? current.cpu_ticks - previous_ticks_ : 0;
      if (seconds > 0 && ticks_per_second_ > 0)
        out.cpu_percent =
            100.0 * static_cast<double>(ticks) / static_cast<double>(ticks_per_second_) / seconds;
    }
    has_previous_ = true;
    previous_ticks_ = current.cpu_ticks;
    start_time_ = current.start_time;
    previous_time_ = now;
    return out;
  } catch (...) {  // std::bad_alloc from the small strings: report no sample, stay usable
    return std::nullopt;
  }
}

std::optional<FootprintSample> ProcessSampler::mark_gone() noexcept {
  gone_ = true;
  return std::nullopt;
}

std::optional<int> find_listening_pid(int port, const std::string& proc_root) {
  if (port < 1 || port > 65535) return std::nullopt;
  try {
    std::set<std::uint64_t> inodes;
    for (const char* table : {"/net/tcp", "/net/tcp6"}) {
      if (const auto text = read_whole(proc_root + table)) listening_inodes(*text, port, inodes);
    }
    if (inodes.empty()) return std::nullopt;
    for (const int pid : list_pids(proc_root)) {
      if (holds_socket(proc_root + "/" + std::to_string(pid), inodes)) return pid;
    }
    return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<int> url_port(std::string_view url) {
  const auto authority = http_authority(url);
  if (!authority) return std::nullopt;
  if (!authority->colon) return 80;
  const auto number = to_number<int>(authority->port);
  if (!number || *number < 1 || *number > 65535) return std::nullopt;
  return number;
}

std::optional<int> gateway_process(const std::string& url, int explicit_pid, std::string& why_not) {
  why_not.clear();
  if (explicit_pid > 0) {
    const auto text = read_whole("/proc/" + std::to_string(explicit_pid) + "/stat");
    const auto stat = text ? parse_proc_stat(*text) : std::nullopt;
    if (stat && is_live(stat->state)) return explicit_pid;
    why_not = "no process " + std::to_string(explicit_pid) + " (not under /proc, or exited)";
    return std::nullopt;
  }
  if (!is_loopback_url(url)) {
    why_not = "not a local process: '" + url + "' is not a loopback URL";
    return std::nullopt;
  }
  const auto port = url_port(url);
  if (!port) {
    why_not = "bad port in '" + url + "'";
    return std::nullopt;
  }
  if (const auto pid = find_listening_pid(*port)) return pid;
  why_not = "no process found listening on port " + std::to_string(*port) +
            " (or it runs as another user)";
  return std::nullopt;
}

}  // namespace multitier
