#!/usr/bin/env python3
"""Checks of multitier.distributed.segments (see segments.sh): the merged report of N segments
of the mix is their union, and the gateway's /stats delta equals the merged requests plus one
probe search per process. usage: check_segments.py WORK_DIR N"""
from collections import Counter

from segment_checks import arguments, case, check, finish, reports, stats

work, n = arguments()
segs, merged = reports(work, n)
seg_results, merged_result = reports(work, n, "result.json")
before, after = stats(work)


def scenario_figures(report):
    """scenario -> runs, fails; (scenario, step) -> runs, fails, http."""
    runs, steps = {}, {}
    for name, s in case(report).get("per_scenario", {}).items():
        runs[name] = (s["runs"], s["fails"])
        for step, st in s["steps"].items():
            steps[(name, step)] = (st["runs"], st["fails"], st["http"])
    return runs, steps


def add(figures):
    total = {}
    for f in figures:
        for k, v in f.items():
            total[k] = tuple(a + b for a, b in zip(total[k], v)) if k in total else v
    return total


def series_completions(result):
    """interval index -> completions summed over scenarios (the lossless result file)."""
    out = Counter()
    series = result["cases"][0]["registry"]["series"]
    for interval in series.get("intervals", []):
        scenarios = interval.get("scenarios", {})
        items = scenarios.values() if isinstance(scenarios, dict) else scenarios
        out[interval["index"]] += sum(p.get("completions", 0) for p in items)
    return out


# --- per segment --------------------------------------------------------------------------
start_at = {s["settings"]["start_at"] for s in segs}
check(len(start_at) == 1, f"every segment has one start_at: {sorted(start_at)}")
for i, s in enumerate(segs, 1):
    st, c = s["settings"], case(s)
    print(f"     segment {i}/{n}: vus {c['vus']}, total_scenarios {s['total_scenarios']}, "
          f"failures {s['failures']}, http.requests {c['http']['requests']}, "
          f"start_late_s {st['start_late_s']:.3f}, wall {c['wall_sec']:.2f} s, passed {s['passed']}")
    check(st["segment"] == i and st["segments"] == n,
          f"segment {i}'s report says segment {st['segment']}/{st['segments']}")
    check(0 <= st["start_late_s"] < 1.0, f"segment {i} began on time: start_late_s {st['start_late_s']:.3f} < 1 s")
    check(c["vus"] == 4, f"segment {i} ran 4 of the 12 VUs: {c['vus']}")
    check(s["total_scenarios"] > 0, f"segment {i} completed scenarios: {s['total_scenarios']}")

# --- merged = union -----------------------------------------------------------------------
mc = case(merged)
ms = merged["settings"]
print(f"     merged: vus {mc['vus']}, total_scenarios {merged['total_scenarios']}, failures "
      f"{merged['failures']}, http.requests {mc['http']['requests']}, http.failures "
      f"{mc['http']['failures']}, wall {mc['wall_sec']:.2f} s, passed {merged['passed']}")
check(ms["segment"] == 1 and ms["segments"] == 1,
      f"the merged report says segment {ms['segment']}/{ms['segments']}")
check("merged" in ms["segment_source"], f"merged segment_source: {ms['segment_source']!r}")
check(merged["passed"] is True, "the merged verdict passed")
check(mc["vus"] == sum(case(s)["vus"] for s in segs) == 12, f"merged vus {mc['vus']} = 4 + 4 + 4")
check(merged["total_scenarios"] == sum(s["total_scenarios"] for s in segs),
      f"merged total_scenarios {merged['total_scenarios']} = sum {[s['total_scenarios'] for s in segs]}")
check(merged["failures"] == sum(s["failures"] for s in segs),
      f"merged failures {merged['failures']} = sum {[s['failures'] for s in segs]}")
for field in ("requests", "failures"):
    parts = [case(s)["http"][field] for s in segs]
    check(mc["http"][field] == sum(parts), f"merged http.{field} {mc['http'][field]} = sum {parts}")

m_runs, m_steps = scenario_figures(merged)
parts = [scenario_figures(s) for s in segs]
u_runs, u_steps = add([p[0] for p in parts]), add([p[1] for p in parts])
check(m_runs == u_runs, f"per-scenario runs/fails equal the union ({len(m_runs)} scenarios)")
for name in sorted(set(m_runs) | set(u_runs)):
    print(f"       {name}: merged {m_runs.get(name)}, segments "
          f"{[p[0].get(name) for p in parts]}")
check({k: v[:2] for k, v in m_steps.items()} == {k: v[:2] for k, v in u_steps.items()},
      f"per-step runs/fails equal the union ({len(m_steps)} steps)")
check(sum(v[0] for v in m_steps.values() if v[2]) == mc["http"]["requests"],
      "the HTTP steps' runs add up to http.requests")

m_series = series_completions(merged_result)
u_series = sum((series_completions(r) for r in seg_results), Counter())
check(m_series == u_series,
      f"series completions interval by interval equal the union ({len(m_series)} intervals, "
      f"{sum(m_series.values())} completions; segments {[sum(series_completions(r).values()) for r in seg_results]})")
check(sum(m_series.values()) == merged["total_scenarios"],
      f"series completions {sum(m_series.values())} = total_scenarios {merged['total_scenarios']}")

# --- the gateway's witness ----------------------------------------------------------------
delta = {k: after["received"][k] - before["received"][k] for k in after["received"]}
probes = n  # one probe search per process (SuiteEnvironment::SetUp)
by_endpoint = Counter()
for (scenario, step), (runs, _, http) in m_steps.items():
    if http:
        by_endpoint["record" if "record" in step else "search"] += runs
print(f"     /stats received delta {delta}; merged requests by endpoint {dict(by_endpoint)} + {probes} probes")
check(sum(delta.values()) == mc["http"]["requests"] + probes,
      f"/stats received delta {sum(delta.values())} = merged http.requests {mc['http']['requests']} + {probes} probes")
check(delta.get("search", 0) == by_endpoint["search"] + probes,
      f"/stats search delta {delta.get('search', 0)} = search steps {by_endpoint['search']} + {probes} probes")
check(delta.get("record", 0) == by_endpoint["record"],
      f"/stats record delta {delta.get('record', 0)} = record steps {by_endpoint['record']}")

finish()
