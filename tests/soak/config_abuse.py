#!/usr/bin/env python3
"""Config abuse: `vaultwatch --check-config` over a corpus of malformed configs and rules files.

  config_abuse.py --vaultwatch build/daemon/vaultwatch [--corpus tests/soak/config-corpus] [-v]

Every case in config-corpus/cases.json (plus the generated ones below: a directory, a missing
file, /dev/zero, a FIFO nobody writes, 100 000 nested brackets, 3 000 nested mappings, a
64 MiB file, a rules glob matching a directory) must, within --deadline seconds: exit with the expected code (78 unless the case
says otherwise), not die of a signal, and print a message matching the case's `expect` regex
(which names the problem: the key path and what is wrong). Env for a case: a clean environment
(PATH only) plus the case's `env`; VW_CORPUS is the corpus directory.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def generated_cases(tmp):
    """(name, config path, expect regex[, rc]) made at run time: special files and big inputs."""
    cases = []
    d = os.path.join(tmp, "a-directory.yaml")
    os.mkdir(d)
    cases.append(("config-is-a-directory", d, r"a-directory\.yaml: .*(directory|not a regular file)"))
    cases.append(("config-missing", os.path.join(tmp, "nope.yaml"), r"nope\.yaml: cannot read: No such file"))
    cases.append(("config-is-dev-zero", "/dev/zero", r"/dev/zero: .*(larger than|too large|not a regular file)"))
    fifo = os.path.join(tmp, "fifo.yaml")
    os.mkfifo(fifo)
    # Nothing to read is an empty file, which is the built-in defaults (a documented decision);
    # what matters here is that open() does not block forever.
    cases.append(("config-is-a-fifo-without-writer", fifo, r"fifo\.yaml: configuration is valid", 0))
    p = os.path.join(tmp, "nested-brackets.yaml")
    with open(p, "w") as f:
        f.write("vault: " + "[" * 100000 + "\n")
    cases.append(("deeply-nested-flow", p, r"nested-brackets\.yaml.*(YAML syntax error|too deep|depth)"))
    p = os.path.join(tmp, "nested-maps.yaml")
    with open(p, "w") as f:
        for i in range(3000):
            f.write(" " * i + "a:\n")
        f.write(" " * 3000 + "b: 1\n")
    cases.append(("deeply-nested-block", p, r"nested-maps\.yaml.*(YAML syntax error|too deep|depth|unknown key)"))
    p = os.path.join(tmp, "huge.yaml")
    with open(p, "w") as f:
        line = "# " + "x" * 1021 + "\n"
        for _ in range(64 * 1024):
            f.write(line)
    cases.append(("config-64MiB", p, r"huge\.yaml: .*(larger than|too large)"))
    rd = os.path.join(tmp, "rulesdir")
    os.mkdir(rd)
    os.mkdir(os.path.join(rd, "sub.yaml"))
    p = os.path.join(tmp, "rules-glob-matches-directory.yaml")
    with open(p, "w") as f:
        f.write(f"rules_files: ['{rd}/*.yaml']\n")
    cases.append(("rules-glob-matches-a-directory", p, r"rules_files\[0\]: .*sub\.yaml: .*(directory|not a regular file)"))
    return cases


def run_case(binary, cfg, env, deadline):
    try:
        p = subprocess.run([binary, "--check-config", f"--config.file={cfg}"], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=deadline)
    except subprocess.TimeoutExpired:
        return None, "(hung)"
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vaultwatch", required=True)
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "config-corpus"))
    ap.add_argument("--deadline", type=float, default=20.0, help="seconds per case")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    corpus = os.path.abspath(a.corpus)
    with open(os.path.join(corpus, "cases.json")) as f:
        manifest = json.load(f)

    listed = set(manifest)
    on_disk = {n for n in os.listdir(corpus) if n.endswith(".yaml")}
    failures = []
    for n in sorted(on_disk - listed):
        failures.append(f"{n}: in the corpus but not in cases.json")
    for n in sorted(listed - on_disk):
        failures.append(f"{n}: in cases.json but not in the corpus")

    cases = []
    for name in sorted(listed & on_disk):
        c = manifest[name]
        cases.append((name, os.path.join(corpus, name), c["expect"], c.get("env", {}), c.get("rc", 78)))
    with tempfile.TemporaryDirectory(prefix="vw-config-abuse-") as tmp:
        for c in generated_cases(tmp):
            cases.append((c[0], c[1], c[2], {}, c[3] if len(c) > 3 else 78))
        for name, path, expect, extra_env, want_rc in cases:
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "VW_CORPUS": corpus}
            env.update(extra_env)
            rc, out = run_case(a.vaultwatch, path, env, a.deadline)
            problems = []
            if rc is None:
                problems.append(f"no exit within {a.deadline}s")
            elif rc < 0:
                problems.append(f"killed by signal {-rc}")
            elif rc != want_rc:
                problems.append(f"exit {rc}, want {want_rc}")
            if "terminate called" in out or "Segmentation" in out or "AddressSanitizer" in out:
                problems.append("crash output")
            if expect and not re.search(expect, out):
                problems.append(f"output does not match /{expect}/")
            if problems:
                failures.append(f"{name}: {'; '.join(problems)}\n    output: {out.strip()[:600]}")
            if a.verbose or problems:
                print(f"{'FAIL' if problems else 'ok  '} {name}: rc={rc} {out.strip()[:300]!r}", flush=True)
    for f in failures:
        print("FAIL:", f)
    print(f"{len(cases)} cases, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
