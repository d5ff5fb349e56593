// TransferLoop: one thread's event loop. It drives every HTTP exchange of the coroutines that
// live on that thread through one libcurl multi handle, using curl's socket interface
// (curl_multi_socket_action) over epoll: curl says which sockets it wants watched and when its
// next timeout is due, the loop waits on exactly those and hands back only the sockets that
// are ready. Finished transfers resume the coroutine that awaited them.
//
// Registrations are kept lazily: when curl stops watching a socket (it goes idle in the
// connection cache between two requests) the loop leaves it in epoll and only marks it
// unwatched, so the next request on that connection costs no epoll_ctl at all. An event on an
// unwatched socket (the server closed an idle connection) removes it then; curl's close-socket
// callback, routed through the loop, forgets a socket before it is closed, so a recycled
// descriptor number is never mistaken for a registered one. (curl closes every connection
// socket through that callback. The only other descriptor it could report, the threaded
// resolver's socket pair, never appears here: numeric addresses and localhost, the only hosts
// the suite accepts, resolve without the resolver thread. Were a registration ever lost, the
// transfer would end as a timeout, not hang.) The loop also parks
// coroutines until a point in time (sleep_until), which the runner uses to pause after a
// refused connection.
//
// Not thread-safe: a loop, its easy handles and its coroutines belong to one thread. The loop
// never owns an easy handle; HttpClient does, and lends it for one transfer at a time.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace multitier {

class TransferLoop {
 public:
  using Clock = std::chrono::steady_clock;

  // What a transfer hands the loop: the coroutine to resume and where to put curl's result.
  struct Waiter {
    std::coroutine_handle<> resume;
    CURLcode result = CURLE_OK;
  };

  // `connections`: how many idle connections the multi handle may keep open (at least one per
  // coroutine that sends, or connections get closed and reopened).
  explicit TransferLoop(int connections);
  ~TransferLoop();
  TransferLoop(const TransferLoop&) = delete;
  TransferLoop& operator=(const TransferLoop&) = delete;

  // Hands a fully configured easy handle to the multi handle. When curl is done with it, the
  // loop removes it, stores the result in `waiter` and resumes waiter.resume (from run_once).
  // The handle's CURLOPT_PRIVATE is set to `waiter`, its close-socket callback to the loop's.
  // False when curl refused the handle.
  bool start(CURL* easy, Waiter& waiter);
  // Takes back a handle whose transfer has not finished (its waiter is never resumed).
  void abandon(CURL* easy);

  // co_await loop.sleep_until(t): resumes the coroutine from run_once once t has passed.
  auto sleep_until(Clock::time_point at) {
    struct Sleep {
      TransferLoop& loop;
      Clock::time_point at;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<> h) { loop.park(at, h); }
      void await_resume() const noexcept {}
    };
    return Sleep{*this, at};
  }

  // Waits until a socket is ready, curl's timeout or a sleeper is due, or `max_wait` has
  // passed, whichever is first; then lets curl act on what happened and resumes the coroutines
  // whose transfers finished or whose sleep ended.
  void run_once(std::chrono::milliseconds max_wait);

  // Transfers in flight plus parked sleepers.
  std::size_t pending() const { return transfers_ + sleepers_.size(); }

 private:
  struct Sleeper {
    Clock::time_point at;
    std::coroutine_handle<> resume;
  };

  // What epoll holds for a descriptor and whether curl currently wants its events.
  struct Watch {
    std::uint32_t registered = 0;  // epoll event mask; 0: not in epoll
    bool wanted = false;
  };

  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* socket_data);
  static int on_close(void* self, curl_socket_t socket);
  Watch& watch(curl_socket_t socket);
  void unregister(curl_socket_t socket);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  void park(Clock::time_point at, std::coroutine_handle<> h);
  void act(curl_socket_t socket, int events);
  void finish_transfers();
  void wake_sleepers(Clock::time_point now);

  CURLM* multi_ = nullptr;
  int epoll_ = -1;
  std::optional<Clock::time_point> curl_due_;  // when curl wants socket_action(TIMEOUT)
  std::size_t transfers_ = 0;
  std::vector<Sleeper> sleepers_;  // a min-heap on `at`
  std::vector<std::pair<CURL*, CURLcode>> finished_;
  std::vector<Watch> watches_;  // indexed by descriptor
  bool precise_wait_ = true;    // epoll_pwait2 is there (Linux 5.11+)
};

}  // namespace multitier
