#!/usr/bin/python3
"""The deployment files of scripts/deploy/, checked offline (CTest deploy.manifests, label unit).

Needs no cluster, no GitLab, no Docker daemon and sends nothing anywhere. It checks:

* every YAML document of scripts/deploy/kubernetes/ and scripts/deploy/gitlab/ parses, and so do
  the manifests as run.sh renders them (run.sh --print), with no placeholder left;
* the Kubernetes load Job: completionMode Indexed, parallelism == completions == the value of
  MULTITIER_SEGMENTS, backoffLimit 0, restartPolicy Never, ttlSecondsAfterFinished, requests and
  limits, a ReadWriteMany claim shared with the merge Job, a report folder per
  JOB_COMPLETION_INDEX that the merge Job reads; the settings a segment must have (segments,
  start-at, allow-remote, gateway, seed, report-dir) and none that would break the split
  (segment, start-delay, GoogleTest sharding);
* every MULTITIER_* name in the deploy files and docs/distributed.md, and every --flag the
  manifests and the GitLab template pass to the suite, is a real option of the suite as
  `multitier_suite --help` lists it (the suite silently ignores a MULTITIER_* variable that
  names no option, so a typo would go unseen);
* the GitLab template: parallel == the Kubernetes example's N, the common start handed over as a
  dotenv report, segment artifacts keyed by CI_NODE_INDEX and kept `when: always`, the merge job
  in a later stage needing the load job, run `when: always`, reading exactly the segment folders
  and publishing its junit.xml through artifacts:reports:junit;
* the Dockerfile: every stage FROM debian:bookworm*, packages through scripts/install-deps.sh,
  the four programs built, the runtime stage with an exec-form ENTRYPOINT of the suite, COPY
  sources that exist, cover what the top-level CMakeLists.txt reads, and agree with
  Dockerfile.dockerignore's allowlist;
* the shell scripts' syntax (bash -n, sh -n);
* with kubectl present: `kubectl apply --dry-run=client --validate=false` on the rendered
  manifests. It needs an API server for discovery, so unless DEPLOY_CHECK_KUBECONFIG names a
  kubeconfig it is pointed at a closed loopback port and reported as skipped, and kubectl's
  offline `label --local` parse runs instead.
"""

import argparse
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("check_manifests: FAIL: /usr/bin/python3 has no yaml module; run "
          "scripts/install-deps.sh --tests (Debian's python3-yaml)", file=sys.stderr)
    sys.exit(1)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = []
        self.skipped = []

    def ok(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            print(f"ok   {what}")
        else:
            self.failed.append(what)
            print(f"FAIL {what}" + (f": {detail}" if detail else ""))
        return condition

    def skip(self, what):
        self.skipped.append(what)
        print(f"SKIP {what}")


def suite_env_names(help_text):
    """The suite's options and the MULTITIER_* variables it reads, from its --help."""
    start = help_text.find("multitier options")
    if start < 0:
        return None, None
    text = help_text[start:]
    options = set(re.findall(r"^  (?:-[A-Za-z] \[ )?--([a-z0-9][a-z0-9-]*)", text, re.M))
    # help, version and the list options' own names are not read from the environment.
    not_from_env = {"help", "version", "header", "secret-header"}
    names = {"MULTITIER_" + o.upper().replace("-", "_") for o in options - not_from_env}
    # Variables the help names itself (MULTITIER_HEADERS, ...), also where boost wrapped a name.
    joined = re.sub(r"\n\s+", "", text)
    names |= set(re.findall(r"MULTITIER_[A-Z0-9_]*[A-Z0-9]", text))
    names |= set(re.findall(r"MULTITIER_[A-Z0-9_]*[A-Z0-9]", joined))
    return options, names


def flags_of(args):
    """--name of every --name or --name=value argument."""
    out = []
    for a in args:
        m = re.match(r"--([A-Za-z0-9][A-Za-z0-9_-]*)", a)
        if m:
            out.append(m.group(1))
    return out


def option_value(args, name):
    for i, a in enumerate(args):
        if a == "--" + name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--" + name + "="):
            return a.split("=", 1)[1]
    return None


def env_options(env_names):
    return {n[len("MULTITIER_"):].lower().replace("_", "-") for n in env_names
            if n.startswith("MULTITIER_")}


def load_yaml_docs(c, path):
    try:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        c.ok(True, f"{os.path.relpath(path)} parses ({len(docs)} YAML document(s))")
        return docs
    except yaml.YAMLError as e:
        c.ok(False, f"{os.path.relpath(path)} parses", str(e))
        return []


def check_suite_names(c, where, options, names, used_env, used_flags):
    for n in sorted(set(used_env)):
        c.ok(n in names, f"{where}: {n} is read by the suite",
             "no such option in multitier_suite --help (the suite ignores unknown MULTITIER_* "
             "variables)")
    for f in sorted(set(used_flags)):
        if f.startswith("gtest_"):
            continue
        c.ok(f in options, f"{where}: --{f} is a suite option", "not in multitier_suite --help")


REQUIRED_SEGMENT_SETTINGS = ["segments", "start-at", "allow-remote", "gateway", "seed", "report-dir"]


def check_kubernetes(c, root, options, names):
    kdir = os.path.join(root, "scripts/deploy/kubernetes")
    raw = []
    for name in sorted(os.listdir(kdir)):
        if name.endswith((".yaml", ".yml")):
            raw += load_yaml_docs(c, os.path.join(kdir, name))
    run_sh = os.path.join(kdir, "run.sh")
    rendered_text = ""
    try:
        out = subprocess.run(
            ["bash", run_sh, "--print", "--image", "registry.invalid/multitier:check",
             "--gateway", "http://gateway.load.svc:4110", "--seed", "4242", "--start-in", "60"],
            capture_output=True, text=True, timeout=60)
        rendered_text = out.stdout
        c.ok(out.returncode == 0, "run.sh --print renders the manifests", out.stderr.strip())
    except (OSError, subprocess.TimeoutExpired) as e:
        c.ok(False, "run.sh --print renders the manifests", str(e))
    c.ok("${" not in rendered_text, "the rendered manifests have no placeholder left",
         ", ".join(sorted(set(re.findall(r"\$\{[^}]*\}", rendered_text)))))
    try:
        docs = [d for d in yaml.safe_load_all(rendered_text) if d is not None]
        c.ok(len(docs) == len(raw), "the rendered manifests parse",
             f"{len(docs)} documents, the files hold {len(raw)}")
    except yaml.YAMLError as e:
        c.ok(False, "the rendered manifests parse", str(e))
        docs = []

    jobs = [d for d in docs if d.get("kind") == "Job"]
    claims = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "PersistentVolumeClaim"}
    load = [j for j in jobs if j.get("spec", {}).get("completionMode") == "Indexed"]
    c.ok(len(load) == 1, "one Job with completionMode: Indexed (the load)", f"found {len(load)}")
    merge = [j for j in jobs if j.get("spec", {}).get("completionMode") != "Indexed"]
    c.ok(len(merge) == 1, "one non-indexed Job (the merge)", f"found {len(merge)}")
    segments = None
    if load:
        spec = load[0]["spec"]
        pod = spec["template"]["spec"]
        containers = pod.get("containers", [])
        c.ok(len(containers) == 1, "the load pod has one container")
        ctr = containers[0]
        env = {e["name"]: e.get("value") for e in ctr.get("env", [])}
        args = [str(a) for a in ctr.get("command", []) + ctr.get("args", [])]
        seg_value = env.get("MULTITIER_SEGMENTS")
        c.ok(seg_value is not None and str(seg_value).isdigit(),
             "the load container sets MULTITIER_SEGMENTS to a number", repr(seg_value))
        if seg_value is not None and str(seg_value).isdigit():
            segments = int(seg_value)
        c.ok(segments is not None and segments >= 2, "MULTITIER_SEGMENTS is 2 or more")
        c.ok(spec.get("completions") == segments and spec.get("parallelism") == segments,
             "completions == parallelism == MULTITIER_SEGMENTS",
             f"completions {spec.get('completions')}, parallelism {spec.get('parallelism')}, "
             f"MULTITIER_SEGMENTS {seg_value}")
        c.ok(spec.get("backoffLimit") == 0, "the load Job has backoffLimit: 0 (no silent retry)",
             repr(spec.get("backoffLimit")))
        c.ok(pod.get("restartPolicy") == "Never", "the load pods have restartPolicy: Never")
        c.ok(isinstance(spec.get("ttlSecondsAfterFinished"), int),
             "the load Job has ttlSecondsAfterFinished")
        given = env_options(env) | set(flags_of(args))
        for s in REQUIRED_SEGMENT_SETTINGS:
            c.ok(s in given, f"the load container gives --{s} (or MULTITIER_"
                 f"{s.upper().replace('-', '_')})")
        for s in ["segment", "start-delay"]:
            c.ok(s not in given, f"the load container does not give --{s}",
                 "--segment would give every pod the same segment; --start-delay counts from "
                 "each pod's own start")
        c.ok(not ({"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX"} & set(env)),
             "the load container does not shard the cases (GTEST_*_SHARD*)")
        check_suite_names(c, "load-job.yaml", options, names,
                          [n for n in env if n.startswith("MULTITIER_")], flags_of(args))
        c.ok(args[:1] == ["multitier-segment"], "the load pod runs multitier-segment",
             "see scripts/deploy/segment-entrypoint.sh: a failed verdict must not fail the Job")
        report_dir = option_value(args, "report-dir") or env.get("MULTITIER_REPORT_DIR") or ""
        varying = [a for a in args if "$(" in a and option_value([a], "report-dir") is None]
        varying += [f"{n}={v}" for n, v in env.items()
                    if n != "MULTITIER_REPORT_DIR" and v is not None and "$(" in str(v)]
        c.ok(not varying, "the load container's settings are the same in every pod (only the "
             "report folder varies: the merge refuses segments whose settings differ)",
             str(varying))
        c.ok("$(JOB_COMPLETION_INDEX)" in report_dir,
             "the report folder is per JOB_COMPLETION_INDEX", report_dir)
        res = ctr.get("resources", {})
        c.ok(all(k in res.get(x, {}) for x in ("requests", "limits") for k in ("cpu", "memory")),
             "the load container has cpu and memory requests and limits")
        mounts = {m["mountPath"]: m["name"] for m in ctr.get("volumeMounts", [])}
        mount = next((p for p in mounts if report_dir.startswith(p.rstrip("/") + "/")), None)
        c.ok(mount is not None, "the report folder is on a mounted volume", report_dir)
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        claim = None
        if mount:
            claim = volumes.get(mounts[mount], {}).get("persistentVolumeClaim", {}).get("claimName")
        c.ok(claim in claims, "that volume is a PersistentVolumeClaim of the manifests", str(claim))
        if claim in claims:
            modes = claims[claim]["spec"].get("accessModes", [])
            c.ok("ReadWriteMany" in modes, f"claim {claim} is ReadWriteMany", str(modes))
        if merge:
            mspec = merge[0]["spec"]
            mpod = mspec["template"]["spec"]
            c.ok(mspec.get("backoffLimit") == 0, "the merge Job has backoffLimit: 0")
            c.ok(mpod.get("restartPolicy") == "Never", "the merge pod has restartPolicy: Never")
            c.ok(isinstance(mspec.get("ttlSecondsAfterFinished"), int),
                 "the merge Job has ttlSecondsAfterFinished")
            mctr = mpod["containers"][0]
            script = "\n".join(str(a) for a in mctr.get("command", []) + mctr.get("args", []))
            c.ok("multitier-merge" in script, "the merge Job runs multitier-merge")
            mres = mctr.get("resources", {})
            c.ok(all(k in mres.get(x, {}) for x in ("requests", "limits") for k in ("cpu", "memory")),
                 "the merge container has cpu and memory requests and limits")
            mvol = {v["name"]: v for v in mpod.get("volumes", [])}
            mclaims = {v.get("persistentVolumeClaim", {}).get("claimName") for v in mvol.values()}
            c.ok(claim in mclaims, "the merge Job mounts the load's claim", str(mclaims))
            mmounts = {m["name"]: m["mountPath"] for m in mctr.get("volumeMounts", [])}
            same_path = any(mmounts.get(n) == mount for n, v in mvol.items()
                            if v.get("persistentVolumeClaim", {}).get("claimName") == claim)
            c.ok(same_path, "the merge Job mounts it at the same path", str(mmounts))
            # The merge's inputs are the load's report folders: the parent folder of
            # segment-$(JOB_COMPLETION_INDEX), every segment-* in it.
            parent, leaf = report_dir.rsplit("/", 1) if "/" in report_dir else ("", report_dir)
            pattern = leaf.replace("$(JOB_COMPLETION_INDEX)", "*")
            expanded = script
            for var, value in re.findall(r"^\s*(\w+)=(\S+)\s*$", script, re.M):
                expanded = expanded.replace('"$' + var + '"', value).replace("$" + var, value)
            merge_line = next((l for l in expanded.splitlines() if "multitier-merge" in l), "")
            merge_words = shlex.split(merge_line)
            inputs = [w for w in merge_words[1:] if not w.startswith("--")
                      and w != option_value(merge_words, "report-dir")]
            covers = [w for w in inputs if w == f"{parent}/{pattern}"]
            c.ok(bool(covers), "the merge reads every segment folder the load writes",
                 f"load writes {report_dir}, merge reads {inputs}")
            out_dir = option_value(shlex.split(merge_line), "report-dir") or ""
            c.ok(out_dir.startswith(parent + "/") and not fnmatch.fnmatch(out_dir, f"{parent}/{pattern}"),
                 "the merge writes beside the segments, not into a segment-* folder", out_dir)
    return docs, segments, rendered_text


def gitlab_stage_index(config, stage):
    stages = config.get("stages") or ["build", "test", "deploy"]
    stages = [".pre"] + [s for s in stages if s not in (".pre", ".post")] + [".post"]
    return stages.index(stage) if stage in stages else None


def resolve_job(config, name, seen=()):
    job = dict(config.get(name) or {})
    parents = job.get("extends", [])
    if isinstance(parents, str):
        parents = [parents]
    merged = {}
    for p in parents:
        if p not in seen:
            merged.update(resolve_job(config, p, seen + (name,)))
    merged.update(job)
    return merged


def needs_names(job):
    out = []
    for n in job.get("needs", []) or []:
        if isinstance(n, str):
            out.append((n, True))
        elif isinstance(n, dict):
            out.append((n.get("job"), n.get("artifacts", True)))
    return out


def script_text(job):
    lines = []
    for key in ("before_script", "script"):
        v = job.get(key) or []
        lines += [v] if isinstance(v, str) else [str(x) for x in v]
    return "\n".join(lines)


def check_gitlab(c, root, options, names, segments):
    path = os.path.join(root, "scripts/deploy/gitlab/multitier.gitlab-ci.yml")
    docs = load_yaml_docs(c, path)
    if not c.ok(len(docs) == 1 and isinstance(docs[0], dict), "the GitLab template is one mapping"):
        return
    config = docs[0]
    jobs = {k: resolve_job(config, k) for k, v in config.items()
            if isinstance(v, dict) and not k.startswith(".") and ("script" in v or "extends" in v)}
    load = [k for k, j in jobs.items() if "parallel" in j]
    if not c.ok(len(load) == 1, "one parallel load job", str(load)):
        return
    load_name = load[0]
    lj = jobs[load_name]
    parallel = lj["parallel"]
    c.ok(isinstance(parallel, int) and parallel >= 2, f"{load_name}: parallel is a number >= 2",
         repr(parallel))
    c.ok(parallel == segments, f"{load_name}: parallel == the Kubernetes example's N",
         f"parallel {parallel}, MULTITIER_SEGMENTS {segments}")
    script = script_text(lj)
    c.ok(subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0,
         f"{load_name}: its script is valid shell")
    suite_lines = [l for l in script.replace("\\\n", " ").splitlines() if "multitier_suite" in l]
    # The template's folded (>-) command is one line once YAML has read it.
    suite_cmd = " ".join(suite_lines)
    c.ok(bool(suite_cmd), f"{load_name}: runs multitier_suite")
    words = shlex.split(suite_cmd) if suite_cmd else []
    variables = resolve_job(config, load_name).get("variables", {}) or {}
    # The dotenv report of a needed job adds variables.
    dotenv_vars = set()
    scheduled = False
    for need, artifacts in needs_names(lj):
        nj = jobs.get(need, {})
        dotenv = ((nj.get("artifacts") or {}).get("reports") or {}).get("dotenv")
        if dotenv and artifacts:
            ns = script_text(nj)
            written = set(re.findall(r"echo \"?(MULTITIER_[A-Z0-9_]+)=[^\n]*>>?\s*" +
                                     re.escape(str(dotenv)), ns))
            dotenv_vars |= written
            scheduled = scheduled or "MULTITIER_START_AT" in written
            c.ok(subprocess.run(["bash", "-n"], input=ns, text=True).returncode == 0,
                 f"{need}: its script is valid shell")
    c.ok(scheduled, f"{load_name}: needs a job whose dotenv report sets MULTITIER_START_AT",
         "the common start")
    given = env_options(set(variables) | dotenv_vars) | set(flags_of(words))
    given |= {"gateway"}  # a CI/CD variable of the project, checked by the script
    c.ok("MULTITIER_GATEWAY" in script, f"{load_name}: refuses to run without MULTITIER_GATEWAY")
    for s in REQUIRED_SEGMENT_SETTINGS:
        if s == "segments":
            continue  # CI_NODE_TOTAL is the total
        c.ok(s in given, f"{load_name}: gives --{s} (or MULTITIER_{s.upper().replace('-', '_')})")
    for s in ["segment", "segments", "start-delay"]:
        c.ok(s not in given, f"{load_name}: does not give --{s}",
             "GitLab's CI_NODE_INDEX/CI_NODE_TOTAL are the segment")
    check_suite_names(c, os.path.basename(path), options, names,
                      [n for n in set(variables) | dotenv_vars if n.startswith("MULTITIER_")],
                      flags_of(words))
    report_dir = option_value(words, "report-dir") or ""
    varying = [w for w in words[1:] if "$" in w and option_value([w], "report-dir") is None
               and w != report_dir]
    varying += [f"{n}={v}" for n, v in variables.items()
                if str(n).startswith("MULTITIER_") and "$" in str(v)]
    c.ok(not varying, f"{load_name}: its settings are the same in every job (only the report "
         "folder varies: the merge refuses segments whose settings differ)", str(varying))
    c.ok("CI_NODE_INDEX" in report_dir, f"{load_name}: the report folder is keyed by CI_NODE_INDEX",
         report_dir)
    art = lj.get("artifacts") or {}
    c.ok(art.get("when") == "always", f"{load_name}: artifacts when: always")
    paths = [str(p) for p in art.get("paths", [])]
    c.ok(any(p.rstrip("/") == report_dir.rstrip("/") for p in paths),
         f"{load_name}: its artifacts are the report folder", f"{paths} vs {report_dir}")

    merge = [k for k, j in jobs.items() if any(n == load_name for n, _ in needs_names(j))]
    if not c.ok(len(merge) == 1, f"one job needs {load_name} (the merge)", str(merge)):
        return
    mj = jobs[merge[0]]
    c.ok(all(a for n, a in needs_names(mj) if n == load_name),
         f"{merge[0]}: downloads {load_name}'s artifacts")
    c.ok(mj.get("when") == "always", f"{merge[0]}: when: always (a failed segment still merges)")
    ls, ms = gitlab_stage_index(config, lj.get("stage", "test")), gitlab_stage_index(
        config, mj.get("stage", "test"))
    c.ok(ls is not None and ms is not None and ms > ls, f"{merge[0]}: in a later stage than "
         f"{load_name}", f"{lj.get('stage')} / {mj.get('stage')}")
    mscript = script_text(mj)
    c.ok(subprocess.run(["bash", "-n"], input=mscript, text=True).returncode == 0,
         f"{merge[0]}: its script is valid shell")
    mline = next((l for l in mscript.splitlines() if "multitier-merge" in l), "")
    c.ok(bool(mline), f"{merge[0]}: runs multitier-merge")
    mwords = shlex.split(mline) if mline else []
    inputs = [w for w in mwords[1:] if not w.startswith("--") and w != option_value(mwords, "report-dir")]
    expected = [report_dir.replace("${CI_NODE_INDEX}", str(i)).replace("$CI_NODE_INDEX", str(i))
                for i in range(1, (parallel if isinstance(parallel, int) else 0) + 1)]
    c.ok(bool(inputs) and all(any(fnmatch.fnmatch(e, p.rstrip("/")) for p in inputs)
                              for e in expected),
         f"{merge[0]}: reads every segment folder", f"{inputs} vs {expected}")
    out_dir = option_value(mwords, "report-dir") or ""
    reports = (mj.get("artifacts") or {}).get("reports") or {}
    c.ok(str(reports.get("junit", "")).rstrip("/") == out_dir.rstrip("/") + "/junit.xml",
         f"{merge[0]}: publishes the merged junit.xml (artifacts:reports:junit)",
         f"junit {reports.get('junit')}, --report-dir {out_dir}")
    c.ok((mj.get("artifacts") or {}).get("when") == "always",
         f"{merge[0]}: artifacts when: always (a failed verdict keeps its reports)")
    for name, job in jobs.items():
        image = job.get("image") or {}
        entry = image.get("entrypoint") if isinstance(image, dict) else None
        c.ok(entry == [""], f"{name}: overrides the image's entrypoint (the suite) with a shell",
             repr(entry))
    raw = open(path).read()
    check_suite_names(c, os.path.basename(path) + " (text)", options, names,
                      re.findall(r"MULTITIER_[A-Z0-9_]*[A-Z0-9]", raw), [])


def dockerfile_instructions(text):
    """(instruction, arguments) pairs, continuation lines joined, comments dropped."""
    out, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        word, _, rest = current.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
        current = ""
    return out


def check_dockerfile(c, root):
    deploy = os.path.join(root, "scripts/deploy")
    text = open(os.path.join(deploy, "Dockerfile")).read()
    ins = dockerfile_instructions(text)
    stages = []
    for word, rest in ins:
        if word == "FROM":
            stages.append({"from": rest, "ins": []})
        elif stages:
            stages[-1]["ins"].append((word, rest))
    c.ok(len(stages) >= 2, "the Dockerfile is multi-stage", f"{len(stages)} stage(s)")
    for s in stages:
        image = s["from"].split()[0]
        c.ok(re.match(r"debian:bookworm(\b|-|$)", image) is not None,
             f"Dockerfile: FROM {image} is Debian bookworm")
    if not stages:
        return
    build, final = stages[0], stages[-1]
    runs = [r for w, r in build["ins"] if w == "RUN"]
    c.ok(any("scripts/install-deps.sh" in r for r in runs),
         "Dockerfile: the build stage installs through scripts/install-deps.sh")
    build_cmd = " ".join(r for r in runs if "cmake" in r)
    c.ok("--preset release" in build_cmd and "-DBUILD_TESTING=ON" in build_cmd,
         "Dockerfile: configures the release preset with BUILD_TESTING=ON (the suite is in tests/)")
    for t in ("multitier_suite", "multitier-merge", "multitier-gateway", "multitier-corpus"):
        c.ok(re.search(r"--target\b[^&]*\b" + re.escape(t) + r"\b", build_cmd) is not None,
             f"Dockerfile: builds {t}")
    entry = [r for w, r in final["ins"] if w == "ENTRYPOINT"]
    try:
        entry_args = json.loads(entry[-1]) if entry else None
    except ValueError:
        entry_args = None
    c.ok(isinstance(entry_args, list) and entry_args[:1] == ["multitier_suite"],
         "Dockerfile: the final stage's ENTRYPOINT is the suite, exec form", str(entry))
    c.ok(any(w == "COPY" and "--from=" in r for w, r in final["ins"]),
         "Dockerfile: the final stage copies the build stage's output")
    final_runs = " ".join(r for w, r in final["ins"] if w == "RUN")
    c.ok(not re.search(r"install-deps|\bg\+\+|\bcmake\b|-dev\b", final_runs),
         "Dockerfile: the final stage installs no compiler or -dev package")
    installed = " ".join(r for w, r in build["ins"] if w == "RUN")
    for program in ("multitier_suite", "multitier-merge"):
        c.ok(re.search(r"/" + re.escape(program) + r"\b", installed) is not None,
             f"Dockerfile: {program} goes into the image")
    c.ok("segment-entrypoint.sh /out/usr/local/bin/multitier-segment" in installed,
         "Dockerfile: multitier-segment (what the load pods run) goes into the image")

    sources = []
    for w, r in build["ins"]:
        if w == "COPY" and "--from=" not in r:
            parts = shlex.split(r)
            sources += [p for p in parts[:-1] if not p.startswith("--")]
    missing = [s for s in sources if not os.path.exists(os.path.join(root, s))]
    c.ok(not missing, "Dockerfile: every COPY source exists", str(missing))
    stray = [s for s in sources if re.match(r"(build|data|reports|artifacts)\b", s) or s in (".", "./")]
    c.ok(not stray, "Dockerfile: copies no build folder, data or reports (nor the whole context)",
         str(stray))
    top = {s.split("/")[0] for s in sources}
    cml = open(os.path.join(root, "CMakeLists.txt")).read()
    needed = set(re.findall(r"add_subdirectory\((\w+)\)", cml))
    needed |= {i.split("/")[0] for i in re.findall(r"include\(([\w./]+\.cmake)\)", cml)}
    needed |= {"CMakeLists.txt", "CMakePresets.json"}
    if re.search(r"include\(CTest\)", cml):
        needed.add("CTestConfig.cmake")
    needed -= {"fuzz"}  # MULTITIER_FUZZ stays off
    c.ok(needed <= top, "Dockerfile: copies everything the top-level CMakeLists.txt reads",
         str(sorted(needed - top)))
    ignore = open(os.path.join(deploy, "Dockerfile.dockerignore")).read().splitlines()
    allowed = {l[1:].strip().rstrip("/") for l in ignore if l.startswith("!")}
    c.ok("*" in [l.strip() for l in ignore] and allowed == top,
         "Dockerfile.dockerignore: an allowlist of exactly the COPY sources",
         f"allowlist {sorted(allowed)}, COPY {sorted(top)}")


def check_kubectl(c, rendered_text):
    kubectl = shutil.which("kubectl")
    if not kubectl:
        c.skip("kubectl dry run: kubectl is not installed (the YAML checks above still ran)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        manifest = os.path.join(tmp, "rendered.yaml")
        with open(manifest, "w") as f:
            f.write(rendered_text)
        env = dict(os.environ)
        configured = os.environ.get("DEPLOY_CHECK_KUBECONFIG")
        if configured:
            env["KUBECONFIG"] = configured
        else:
            # No cluster of the user's is asked: a closed loopback port answers at once.
            kubeconfig = os.path.join(tmp, "kubeconfig")
            with open(kubeconfig, "w") as f:
                f.write("apiVersion: v1\nkind: Config\nclusters:\n- name: none\n  cluster:\n"
                        "    server: https://127.0.0.1:1\ncontexts:\n- name: none\n  context:\n"
                        "    cluster: none\n    user: none\ncurrent-context: none\nusers:\n"
                        "- name: none\n  user:\n    token: none\n")
            env["KUBECONFIG"] = kubeconfig
        base = [kubectl, "--cache-dir", os.path.join(tmp, "cache"), "--request-timeout", "10s"]
        try:
            out = subprocess.run(base + ["apply", "--dry-run=client", "--validate=false", "-f",
                                         manifest], capture_output=True, text=True, env=env,
                                 stdin=subprocess.DEVNULL, timeout=120)
        except subprocess.TimeoutExpired:
            out = None
        if out is not None and out.returncode == 0:
            c.ok(True, "kubectl apply --dry-run=client accepts the rendered manifests")
        elif out is None or re.search(r"connection refused|unable to recognize|couldn't get "
                                      r"current server API|dial tcp|no such host",
                                      out.stdout + out.stderr):
            c.skip("kubectl apply --dry-run=client: kubectl needs an API server even for a client "
                   "dry run (discovery), and none is reachable here; set DEPLOY_CHECK_KUBECONFIG "
                   "to a kubeconfig to run it (the YAML checks above still ran)")
        else:
            c.ok(False, "kubectl apply --dry-run=client accepts the rendered manifests",
                 (out.stdout + out.stderr).strip())
        out = subprocess.run(base + ["label", "--local", "--dry-run=client", "-o", "name", "-f",
                                     manifest, "multitier.check=1"],
                             capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                             timeout=120)
        listed = out.stdout.split()
        c.ok(out.returncode == 0 and len(listed) == 3,
             "kubectl reads the rendered manifests offline (label --local)",
             (out.stdout + out.stderr).strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", required=True, help="the multitier_suite binary")
    ap.add_argument("--root", required=True, help="the repository")
    a = ap.parse_args()
    c = Checks()
    root = os.path.abspath(a.root)
    os.chdir(root)

    env = {k: v for k, v in os.environ.items() if not k.startswith("MULTITIER_")}
    try:
        out = subprocess.run([a.suite, "--help"], capture_output=True, text=True, env=env,
                             timeout=60)
        help_text = out.stdout + out.stderr
    except OSError as e:
        help_text = ""
        print(f"check_manifests: cannot run {a.suite}: {e}")
    options, names = suite_env_names(help_text)
    if not c.ok(options is not None, "multitier_suite --help lists the suite's options"):
        options, names = set(), set()

    docs, segments, rendered = check_kubernetes(c, root, options, names)
    check_gitlab(c, root, options, names, segments)
    check_dockerfile(c, root)

    deploy = os.path.join(root, "scripts/deploy")
    for path in [os.path.join(deploy, "kubernetes/run.sh"), os.path.join(deploy, "runtime-packages.sh")]:
        c.ok(subprocess.run(["bash", "-n", path]).returncode == 0,
             f"{os.path.relpath(path)}: bash -n")
    entry = os.path.join(deploy, "segment-entrypoint.sh")
    c.ok(subprocess.run(["sh", "-n", entry]).returncode == 0, f"{os.path.relpath(entry)}: sh -n")

    # Every MULTITIER_* name anywhere in the deploy files and the guide is one the suite reads.
    texts = []
    for base, _, files in os.walk(deploy):
        texts += [os.path.join(base, f) for f in files]
    texts.append(os.path.join(root, "docs/distributed.md"))
    for path in sorted(texts):
        if not os.path.exists(path):
            c.ok(False, f"{os.path.relpath(path)} exists")
            continue
        found = re.findall(r"MULTITIER_[A-Z0-9_]*[A-Z0-9]", open(path, errors="replace").read())
        unknown = sorted(set(found) - names)
        c.ok(not unknown, f"{os.path.relpath(path)}: every MULTITIER_* name is a suite option",
             ", ".join(unknown))

    check_kubectl(c, rendered)

    print(f"check_manifests: {c.passed} checks ok, {len(c.failed)} failed, "
          f"{len(c.skipped)} skipped")
    for f in c.failed:
        print(f"  failed: {f}")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
