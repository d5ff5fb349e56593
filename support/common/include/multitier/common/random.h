// A small seeded generator (xoshiro256**, seeded through splitmix64) whose draws are the same
// on every platform, so --seed replays a run's choices. Not thread-safe: one per thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace multitier {

class Random {
 public:
  explicit Random(std::uint64_t seed) {
    for (auto& word : state_) word = splitmix(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n) for 0 < n < 2^32: the high 32 bits scaled by n (Lemire's
  // multiply-shift; the bias is below n / 2^32, negligible for the small pools used here).
  std::size_t below(std::size_t n) {
    return static_cast<std::size_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
  }

  // Derives an independent seed for stream `index` (one per worker thread).
  static std::uint64_t derive(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t s = seed ^ (0x9E3779B97F4A7C15ull * (index + 1));
    return splitmix(s);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4];
};

}  // namespace multitier
