#!/usr/bin/env python3
"""The allowed dependency graph between the parts of vaultwatch (docs/architecture.md, "Parts
and layering"), checked against the include lines of the sources. The build enforces the same
graph (a target sees only the header folders of what it links: cmake/options.cmake,
vw_expose_folder); this check names the rule a new include breaks, and keeps this table, the
CMake links and the docs in step.

  check_layering.py SOURCE_DIR
Exit status 1 with one line per problem."""
import os
import re
import sys

# folder -> the other folders its sources may include. `core` is everyone's vocabulary; nothing
# in lib/ includes daemon/; no lib/ folder but config includes config (each component takes its
# own Options, built in daemon/options.cpp).
ALLOWED = {
    "core": set(),
    "metrics": set(),
    "net": set(),
    "prom_text": {"core"},
    "rules": {"core", "net"},          # vw::rules is pure (core); vw::rule_manager adds net
    "config": {"core"},                # plus rules in the vw::rules_config files below
    "http": {"core", "net"},
    "vault": {"core", "http", "metrics", "net", "prom_text"},
    "audit": {"core", "metrics", "net"},
    "rotation": {"core", "audit"},
    "telemetry": {"core", "metrics"},
    "web": {"core", "http", "net"},
    "notify": {"core", "http", "net"},
    "forensics": {"core", "audit", "rotation", "rules"},  # rules: baseline build replays into the engine
}
# Files of a folder that form a second target with more dependencies.
EXTRA = {
    # vw::rules_config (lib/config/CMakeLists.txt): the alert rules of the config files.
    "lib/config/rules_config.hpp": {"rules"},
    "lib/config/rules_config.cpp": {"rules"},
    "lib/config/rules_reader.hpp": {"rules"},
    "lib/config/rules_reader.cpp": {"rules"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([A-Za-z0-9_]+)/', re.M)


def acyclic(graph):
    state = {}

    def visit(n, path):
        if state.get(n) == 1:
            return path + [n]
        if state.get(n) == 2:
            return None
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            cycle = visit(m, path + [n])
            if cycle:
                return cycle
        state[n] = 2
        return None

    for n in sorted(graph):
        cycle = visit(n, [])
        if cycle:
            return cycle
    return None


def main():
    root = os.path.abspath(sys.argv[1])
    lib = os.path.join(root, "lib")
    problems = []
    folders = sorted(d for d in os.listdir(lib) if os.path.isdir(os.path.join(lib, d)))
    known = set(folders) | {"daemon"}
    for f in folders:
        if f not in ALLOWED:
            problems.append(f"lib/{f}: a new part; add it to ALLOWED in {os.path.relpath(__file__, root)} "
                            "and to docs/architecture.md")
    for f in ALLOWED:
        if f not in folders:
            problems.append(f"ALLOWED names lib/{f}, which does not exist")
    cycle = acyclic(ALLOWED)
    if cycle:
        problems.append("the allowed graph has a cycle: " + " -> ".join(cycle))
    checked = 0
    for f in folders:
        for dirpath, _, files in os.walk(os.path.join(lib, f)):
            for name in sorted(files):
                if not name.endswith((".hpp", ".cpp", ".h", ".in")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                allowed = {f} | ALLOWED.get(f, set()) | EXTRA.get(rel, set())
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
                checked += 1
                for m in INCLUDE.finditer(text):
                    target = m.group(1)
                    if target not in known or target in allowed:
                        continue
                    line = text.count("\n", 0, m.start()) + 1
                    why = ("nothing in lib/ depends on daemon/" if target == "daemon" else
                           f"lib/{f} may include only {', '.join(sorted(allowed - {f})) or 'itself'}")
                    problems.append(f"{rel}:{line}: includes {target}/: {why}")
    for p in problems:
        print(p)
    if not problems:
        print(f"layering: {checked} files of {len(folders)} parts follow the allowed graph")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
