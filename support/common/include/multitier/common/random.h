// The project's seeded generator: SplitMix64 and xoshiro256**, written once, with a fixed
// integer mapping, so a seed gives the same draws on every machine and standard library
// (std:: distributions are implementation-defined and differ between libstdc++ and libc++).
// The suite's --seed replays a run's choices, a corpus seed gives the same bytes, a gateway
// fault seed the same faults. Not thread-safe: one generator per thread.
#pragma once

#include <cstdint>

namespace multitier {

// SplitMix64 (Steele, Lea, Flood 2014): advances `state` and returns its next output. Expands
// one 64-bit seed into generator state, and derives seeds.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman, Vigna 2018), its four state words the first four SplitMix64 outputs
// of the seed.
class Random {
 public:
  explicit constexpr Random(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
  }

  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) for n >= 1, one next() each: the high 64 bits of the 128-bit product
  // next() * n (Lemire's multiply-high), exact integer math. The bias is below n / 2^64.
  constexpr std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<Uint128>(next()) * n) >> 64);
  }

  // Uniform in [lo, hi], lo <= hi: lo + below(hi - lo + 1).
  constexpr std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  // True with probability per_mille / 1000: below(1000) < per_mille.
  constexpr bool chance(std::uint64_t per_mille) { return below(1000) < per_mille; }

  // The seed of stream `index` of `seed` (a virtual user's stream, one corpus worker, one
  // fault draw): the first SplitMix64 output of seed ^ (index * 0xD1B54A32D192ED03).
  static constexpr std::uint64_t derive(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t state = seed ^ (index * 0xD1B54A32D192ED03ull);
    return splitmix64(state);
  }

 private:
  __extension__ using Uint128 = unsigned __int128;  // GCC/Clang; quiet under -Wpedantic

  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t s_[4]{};
};

}  // namespace multitier
