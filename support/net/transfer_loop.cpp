#include "multitier/net/transfer_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>

namespace multitier {
namespace {

// Orders the sleeper heap so its front is the earliest deadline.
struct Later {
  template <typename Sleeper>
  bool operator()(const Sleeper& a, const Sleeper& b) const {
    return a.at > b.at;
  }
};

}  // namespace

TransferLoop::TransferLoop(int connections) {
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) {
    curl_multi_cleanup(multi_);
    throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  }
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &TransferLoop::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &TransferLoop::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max(connections, 1)));
  finished_.reserve(64);
}

TransferLoop::~TransferLoop() {
  curl_multi_cleanup(multi_);  // closes the cached connections; every easy handle is out by now
  close(epoll_);
}

bool TransferLoop::start(CURL* easy, Waiter& waiter) {
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &waiter);
  // A connection keeps the close callback of the handle that opened it, whichever handle
  // later uses it: every handle of this loop routes closes here.
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &TransferLoop::on_close);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  if (curl_multi_add_handle(multi_, easy) != CURLM_OK) return false;
  ++transfers_;
  return true;
}

void TransferLoop::abandon(CURL* easy) {
  if (curl_multi_remove_handle(multi_, easy) == CURLM_OK && transfers_ > 0) --transfers_;
}

void TransferLoop::park(Clock::time_point at, std::coroutine_handle<> h) {
  sleepers_.push_back({at, h});
  std::push_heap(sleepers_.begin(), sleepers_.end(), Later{});
}

TransferLoop::Watch& TransferLoop::watch(curl_socket_t socket) {
  const auto index = static_cast<std::size_t>(socket);
  if (index >= watches_.size()) watches_.resize(index + 1);
  return watches_[index];
}

void TransferLoop::unregister(curl_socket_t socket) {
  Watch& w = watch(socket);
  if (w.registered != 0) epoll_ctl(epoll_, EPOLL_CTL_DEL, socket, nullptr);
  w = {};
}

int TransferLoop::on_socket(CURL*, curl_socket_t socket, int what, void* self_ptr, void*) {
  auto* self = static_cast<TransferLoop*>(self_ptr);
  Watch& w = self->watch(socket);
  if (what == CURL_POLL_REMOVE) {
    w.wanted = false;  // stays in epoll until an event or a close says otherwise
    return 0;
  }
  const std::uint32_t mask =
      ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  w.wanted = true;
  if (mask == w.registered) return 0;
  epoll_event event{};
  event.events = mask;
  event.data.fd = socket;
  int op = w.registered != 0 ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(self->epoll_, op, socket, &event) != 0) {
    // The kernel dropped a registration we still counted, or holds one we did not: try the other.
    op = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(self->epoll_, op, socket, &event) != 0) {
      w = {};
      return -1;
    }
  }
  w.registered = mask;
  return 0;
}

int TransferLoop::on_close(void* self_ptr, curl_socket_t socket) {
  static_cast<TransferLoop*>(self_ptr)->unregister(socket);
  return close(socket);
}

int TransferLoop::on_timer(CURLM*, long timeout_ms, void* self_ptr) {
  auto* self = static_cast<TransferLoop*>(self_ptr);
  if (timeout_ms < 0) {
    self->curl_due_.reset();
  } else {
    self->curl_due_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

void TransferLoop::act(curl_socket_t socket, int events) {
  int running = 0;
  curl_multi_socket_action(multi_, socket, events, &running);
}

void TransferLoop::finish_transfers() {
  int queued = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &queued)) {
    if (m->msg == CURLMSG_DONE) finished_.emplace_back(m->easy_handle, m->data.result);
  }
  // Resume only after reading every message: a resumed coroutine may start its next transfer.
  for (std::size_t i = 0; i < finished_.size(); ++i) {
    auto [easy, code] = finished_[i];
    Waiter* waiter = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &waiter);
    curl_multi_remove_handle(multi_, easy);
    --transfers_;
    waiter->result = code;
    waiter->resume.resume();
  }
  finished_.clear();
}

void TransferLoop::wake_sleepers(Clock::time_point now) {
  while (!sleepers_.empty() && sleepers_.front().at <= now) {
    std::pop_heap(sleepers_.begin(), sleepers_.end(), Later{});
    std::coroutine_handle<> h = sleepers_.back().resume;
    sleepers_.pop_back();
    h.resume();
  }
}

void TransferLoop::run_once(std::chrono::milliseconds max_wait) {
  auto now = Clock::now();
  auto until = now + max_wait;
  if (curl_due_) until = std::min(until, *curl_due_);
  if (!sleepers_.empty()) until = std::min(until, sleepers_.front().at);
  const auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::max(until - now, Clock::duration::zero()));

  std::array<epoll_event, 64> events;
  int ready = -1;
  if (precise_wait_) {
    // To the nanosecond, so a start planned for a point in time is not rounded up to the next
    // millisecond (the open-model executors' lateness is measured in microseconds).
    timespec timeout{static_cast<time_t>(wait.count() / 1'000'000'000),
                     static_cast<long>(wait.count() % 1'000'000'000)};
    ready = epoll_pwait2(epoll_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
    if (ready < 0 && errno == ENOSYS) precise_wait_ = false;  // a kernel before 5.11
  }
  if (!precise_wait_) {
    // Rounded up: waking before a deadline would only spin back here.
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait);
    ready = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                       static_cast<int>(ms.count()));
  }
  for (int i = 0; i < ready; ++i) {
    const std::uint32_t e = events[static_cast<std::size_t>(i)].events;
    const curl_socket_t socket = events[static_cast<std::size_t>(i)].data.fd;
    if (!watch(socket).wanted) {
      unregister(socket);  // an idle connection became readable: closed by the server, most likely
      continue;
    }
    int flags = ((e & EPOLLIN) ? CURL_CSELECT_IN : 0) | ((e & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                ((e & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
    act(socket, flags);
  }
  now = Clock::now();
  if (curl_due_ && *curl_due_ <= now) {
    curl_due_.reset();
    act(CURL_SOCKET_TIMEOUT, 0);
  }
  finish_transfers();
  wake_sleepers(now);
}

}  // namespace multitier
