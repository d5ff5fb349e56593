# Sourced by the benchmarks: what /proc says of a process.

# The CPU a process has used so far, user + system, in clock ticks (getconf CLK_TCK per
# second); nothing when the process is gone. The fields are counted after the ")" that ends
# the command name, which may itself hold spaces: utime is then the 12th and stime the 13th.
proc_cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  awk '{ print $12 + $13 }' <<<"${stat##*) }"
}
