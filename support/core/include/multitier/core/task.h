// Task<T>: the coroutine type of the harness's request path. A scenario is a coroutine that
// co_awaits its gateway calls; each call co_awaits one HTTP exchange. Whoever owns the
// exchange decides whether the coroutine really suspends: a GatewayClient bound to a
// TransferLoop parks it until the loop sees the answer, an unbound one performs the exchange
// on the spot and never suspends (tests and the probe use that, through sync_wait).
//
// Lazy (nothing runs until the task is awaited or started) and single-owner. Awaiting a task
// resumes the awaiter by symmetric transfer when the task ends, so chains of calls neither
// grow the stack nor go through the loop. An exception escaping the coroutine is rethrown to
// the awaiter.
//
// GCC 12 miscompiles a co_await inside an if condition when the awaited expression creates a
// temporary task (the awaited coroutine never starts). The project's rule, for every
// coroutine: co_await only as a statement or as the initializer of a named variable.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace multitier {

template <typename T>
class Task;

namespace task_detail {

struct PromiseBase {
  std::coroutine_handle<> continuation;  // resumed when the task ends; none for a root task
  std::exception_ptr error;

  std::suspend_always initial_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }

  struct Final {
    bool await_ready() noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
      std::coroutine_handle<> next = self.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  Final final_suspend() noexcept { return {}; }
};

template <typename T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() noexcept;
  template <typename U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T take() {
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() {
    if (error) std::rethrow_exception(error);
  }
};

}  // namespace task_detail

template <typename T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = task_detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) noexcept : handle_(h) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  // Awaiting starts the task and resumes the awaiter with its result when it ends.
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    handle_.promise().continuation = awaiter;
    return handle_;
  }
  T await_resume() { return handle_.promise().take(); }

  // For a root task (one nobody awaits): runs it up to its first suspension. The owner keeps
  // the Task alive until done() and then reads result().
  void start() { handle_.resume(); }
  bool done() const noexcept { return handle_ && handle_.done(); }
  T result() { return handle_.promise().take(); }

 private:
  void reset() noexcept {
    if (handle_) handle_.destroy();
    handle_ = {};
  }
  Handle handle_;
};

namespace task_detail {
template <typename T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace task_detail

// Runs a task that never suspends (every exchange in it is performed on the spot: its clients
// are not bound to a loop) and returns its result. A task that suspends is a programming error.
template <typename T>
T sync_wait(Task<T> task) {
  task.start();
  if (!task.done())
    throw std::logic_error("sync_wait: the task suspended; drive it with a TransferLoop");
  return task.result();
}

}  // namespace multitier
