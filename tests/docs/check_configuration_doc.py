#!/usr/bin/env python3
"""docs/configuration.md cannot drift from the loader:

1. The example (the ```yaml block after `<!-- configuration-example -->`) is loaded by the real
   `vaultwatch --check-config`. No diagnostic may be reported except that a file the example
   names cannot be read (the example names certificates and password files of a real host).
   An unknown key, a wrong type or a bad value fails.
2. The keys of the example (as dotted paths, `[]` for list items) and the keys of the
   "Every key" table are the same set, except keys inside `rules` (rules.md documents those)
   and mappings that only group other keys (`vault`, `vault.tls`, ...).
3. Every key-like string literal in lib/config/*.cpp (lower-case words, the names the loader
   reads) appears in code on this page or in docs/rules.md, apart from the listed value words.

  check_configuration_doc.py SOURCE_DIR VAULTWATCH_BINARY
Exit status 1 with one line per problem."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import doclib  # noqa: E402

# Literals in lib/config that are neither keys nor documented values: the one-letter spellings
# of a boolean that Go's strconv.ParseBool (and so $VAULT_SKIP_VERIFY) accepts.
NOT_KEYS = {"t", "f"}

# A diagnostic that only says a file named by the example is missing or unreadable.
FILE_PROBLEM = re.compile(r"(cannot read|cannot load [A-Za-z ]*file)\b.*(No such file or directory|/etc/vaultwatch/)")


def example_block(text):
    i = text.find("<!-- configuration-example -->")
    if i < 0:
        return None
    m = re.search(r"```yaml\n(.*?)```", text[i:], re.S)
    return m.group(1) if m else None


def yaml_keys(block):
    """Dotted key paths of a block-style YAML document (`[]` after a key whose value is a list of
    mappings), flow mappings `{a: b}` on one line included. A deliberately small reader
    (python3-yaml is not among the test packages): enough for the example, which the real loader
    validates separately."""
    keys = set()
    stack = []  # [column of the key, its path, column of its list items' keys or None]
    free_maps = ("external_labels", "headers", "labels", "annotations", "basic_auth_users")
    for raw in block.split("\n"):
        line = re.sub(r"\s+#.*$", "", raw)
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        col = len(line) - len(line.lstrip())
        body = line.strip()
        item = body.startswith("- ")
        if item:
            col += 2
            body = body[2:].lstrip()
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_-]*):(?:\s+(.*))?$", body)
        while stack and stack[-1][0] >= col:
            stack.pop()
        if not m:
            continue
        if item and stack:
            stack[-1][2] = col
        parent = ""
        if stack:
            parent = stack[-1][1] + ("[]" if stack[-1][2] == col else "")
        if parent.split(".")[-1].rstrip("[]") in free_maps:
            continue  # user-chosen names, not keys
        key, value = m.group(1), (m.group(2) or "").strip()
        path = parent + "." + key if parent else key
        keys.add(path)
        if value.startswith("{") and key not in free_maps:
            for sub in re.findall(r"([A-Za-z_][A-Za-z0-9_]*):", value):
                keys.add(path + "." + sub)
        stack.append([col, path, None])
    return keys


def table_keys(text):
    i = text.find("## Every key")
    j = text.find("\n## ", i + 1)
    keys = set()
    for table in doclib.tables(text[i:j]):
        for cells in table[1:]:
            keys.add(cells[0].strip("`"))
    return keys


def loader_literals(root):
    out = {}
    d = os.path.join(root, "lib", "config")
    for f in sorted(os.listdir(d)):
        if not f.endswith(".cpp"):
            continue
        text = doclib.read(os.path.join(d, f))
        text = re.sub(r"//[^\n]*", "", text)
        for m in re.finditer(r'"([a-z][a-z0-9_]*)"', text):
            out.setdefault(m.group(1), "lib/config/" + f)
    return out


def main():
    root, binary = os.path.abspath(sys.argv[1]), sys.argv[2]
    problems = []
    text = doclib.read(os.path.join(root, "docs", "configuration.md"))
    rules_text = doclib.read(os.path.join(root, "docs", "rules.md"))
    block = example_block(text)
    if block is None:
        print("docs/configuration.md: no ```yaml block after <!-- configuration-example -->")
        return 1

    # 1. the real loader
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "vaultwatch.yaml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(block)
        env = {k: v for k, v in os.environ.items() if not k.startswith("VAULT")}
        r = subprocess.run([binary, "--check-config", "--config.file=" + cfg], capture_output=True,
                           text=True, env=env, timeout=60)
        out = (r.stdout + r.stderr).strip()
        # Only "cannot read/load FILE" problems (the start-up checks of the files the example
        # names) may be reported; every other line is a finding, except the success line.
        for line in out.splitlines():
            if not line.strip() or FILE_PROBLEM.search(line) or "configuration is valid" in line:
                continue
            problems.append("docs/configuration.md example: " + line.replace(cfg, "example"))
        if r.returncode not in (0, 78):
            problems.append("vaultwatch --check-config exited %d: %s" % (r.returncode, out[-500:]))

    # 2. example keys == table keys
    every = {k for k in yaml_keys(block) if not k.startswith(("rules[]", "rules."))}
    # a mapping that only groups keys (vault, vault.tls, ...) needs no row of its own; a list
    # (vault.secrets) has one, and so has every key that holds a value
    ex = {k for k in every if any(o.startswith(k + "[]") for o in every)
          or not any(o.startswith(k + ".") or o.startswith(k + "[]") for o in every)}
    tab = table_keys(text)
    for k in sorted(ex - tab):
        problems.append("docs/configuration.md: key %s is in the example but not in the table" % k)
    for k in sorted(tab - ex):
        problems.append("docs/configuration.md: key %s is in the table but not in the example" % k)

    # 3. every key the loader reads is documented
    words = doclib.code_words(text) | doclib.code_words(rules_text)
    lits = loader_literals(root)
    for lit, where in sorted(lits.items()):
        if lit in NOT_KEYS:
            continue
        if lit not in words:
            problems.append("%s reads \"%s\", which appears in no code on docs/configuration.md or docs/rules.md"
                            % (where, lit))
    if len(tab) < 40 or len(lits) < 40:
        problems.append("only %d table keys and %d loader literals found: has a layout changed?" % (len(tab), len(lits)))
    for p in problems:
        print(p)
    print("%d keys in the table, %d in the example, %d loader literals, %d problems"
          % (len(tab), len(ex), len(lits), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
