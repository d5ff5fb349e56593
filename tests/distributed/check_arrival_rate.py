#!/usr/bin/env python3
"""Checks of multitier.distributed.arrival-rate (see arrival_rate.sh): three segments of a
240/s constant-arrival-rate run for 5 s, with --min-achieved-rate 300, and their merge.
usage: check_arrival_rate.py WORK_DIR N"""
from segment_checks import arguments, case, check, finish, load, reports, stats

RATE, DURATION, MIN_RATE = 240.0, 5.0, 300.0

work, n = arguments()
segs, merged = reports(work, n)
before, after = stats(work)

share = RATE / n
planned_share = share * DURATION
for i, s in enumerate(segs, 1):
    c, sc, st = case(s), case(s)["schedule"], s["settings"]
    print(f"     segment {i}/{n}: achieved {sc['achieved_rate']:.2f}/s (target {sc['target_rate']:.2f}), "
          f"planned {sc['planned']}, started {sc['started']}, dropped {sc['dropped']}, "
          f"http.requests {c['http']['requests']}, vus {c['vus']}, wall {c['wall_sec']:.3f} s, "
          f"start_late_s {st['start_late_s']:.3f}, passed {s['passed']}")
    check(st["segment"] == i and st["segments"] == n, f"segment {i} says {st['segment']}/{st['segments']}")
    check(s["passed"] is True and c["passed"] is True,
          f"segment {i} passed (it does not judge --min-achieved-rate)")
    check(not any("min-achieved-rate" in v["reason"] for v in c["verdicts"]),
          f"segment {i}'s verdicts do not mention --min-achieved-rate")
    check(abs(sc["achieved_rate"] - share) <= 0.05 * share,
          f"segment {i} achieved {sc['achieved_rate']:.2f}/s within 5 % of {share:.0f}/s")
    check(abs(sc["planned"] - planned_share) <= 3,
          f"segment {i} planned {sc['planned']} = {planned_share:.0f} +- 3")
    check(0 <= st["start_late_s"] < 1.0, f"segment {i} began on time: start_late_s {st['start_late_s']:.3f}")

mc, msc, ms = case(merged), case(merged)["schedule"], merged["settings"]
print(f"     merged: achieved {msc['achieved_rate']:.2f}/s (target {msc['target_rate']:.2f}), planned "
      f"{msc['planned']}, started {msc['started']}, dropped {msc['dropped']}, http.requests "
      f"{mc['http']['requests']}, vus {mc['vus']}, wall {mc['wall_sec']:.3f} s, passed {merged['passed']}")
for v in mc["verdicts"]:
    print(f"       verdict {v['scenario']}: passed {v['passed']}: {v['reason']}")
check(ms["segment"] == 1 and ms["segments"] == 1, f"the merged report says {ms['segment']}/{ms['segments']}")
check(abs(msc["achieved_rate"] - RATE) <= 0.05 * RATE,
      f"merged achieved {msc['achieved_rate']:.2f}/s within 5 % of {RATE:.0f}/s")
check(abs(msc["target_rate"] - RATE) <= 0.01 * RATE, f"merged target rate {msc['target_rate']:.2f} = {RATE:.0f}")
check(abs(msc["planned"] - RATE * DURATION) <= 5, f"merged planned {msc['planned']} = {RATE * DURATION:.0f} +- 5")
for field in ("planned", "started", "dropped"):
    parts = [case(s)["schedule"][field] for s in segs]
    check(msc[field] == sum(parts), f"merged {field} {msc[field]} = sum {parts}")
parts = [case(s)["http"]["requests"] for s in segs]
check(mc["http"]["requests"] == sum(parts), f"merged http.requests {mc['http']['requests']} = sum {parts}")
check(merged["total_scenarios"] == sum(s["total_scenarios"] for s in segs),
      f"merged total_scenarios {merged['total_scenarios']} = sum {[s['total_scenarios'] for s in segs]}")
check(merged["passed"] is False, "the merged verdict failed")
check(bool(mc["verdicts"]) and all(not v["passed"] and "below --min-achieved-rate" in v["reason"]
                                   for v in mc["verdicts"]),
      "every merged verdict fails for 'below --min-achieved-rate'")
merged_result = load(work / "merged" / "result.json")  # report.json does not list this threshold
check(merged_result["thresholds"]["min_achieved_rate"] == MIN_RATE,
      f"merged threshold min_achieved_rate {merged_result['thresholds']['min_achieved_rate']}")

delta = {k: after["received"][k] - before["received"][k] for k in after["received"]}
print(f"     /stats received delta {delta}")
check(sum(delta.values()) == mc["http"]["requests"] + n,
      f"/stats received delta {sum(delta.values())} = merged http.requests {mc['http']['requests']} + {n} probes")

finish()
