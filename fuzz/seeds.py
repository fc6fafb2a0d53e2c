#!/usr/bin/env python3
"""Writes starting inputs for the fuzz targets into fuzz/work/TARGET/
(not committed), from files in the repository only: the sample replies,
the benchmark texts cut into short pieces, the default pack cut into its
tables, the house pack, and small pack snippets.

    python3 fuzz/seeds.py
"""
import hashlib
import pathlib
import re

fuzz = pathlib.Path(__file__).resolve().parent
root = fuzz.parent


def write(target, text):
    data = text.encode("utf-8")
    if not data.strip():
        return
    out = fuzz / "work" / target
    out.mkdir(parents=True, exist_ok=True)
    (out / ("seed-" + hashlib.sha1(data).hexdigest())).write_bytes(data)


def check_seeds():
    for path in sorted((root / "examples" / "replies").glob("*.txt")):
        write("check", path.read_text())
    for path in sorted((root / "benches" / "data").glob("*.txt")):
        text = path.read_text()
        # The bench files hold "=== expect: ..." separated replies; a
        # plain text is cut at blank lines.
        parts = re.split(r"^=== .*$", text, flags=re.M)
        if len(parts) == 1:
            parts = re.split(r"\n\s*\n", text)
        for part in parts:
            part = part.strip("\n")
            # Long pieces are cut into paragraphs as well.
            write("check", part[:2048])
            if len(part) > 600:
                for para in re.split(r"\n\s*\n", part):
                    write("check", para)


def pack_seeds():
    default = (root / "src" / "default.toml").read_text()
    write("pack", (root / "examples" / "house-pack.toml").read_text())
    # The default pack, one table ([settings], [lists], each [[rule]]) a
    # file, each also after the [lists] table, which rules refer to.
    tables = re.split(r"^(?=\[)", default, flags=re.M)
    lists = next((t for t in tables if t.startswith("[lists]")), "")
    for table in tables:
        table = re.sub(r"^#.*\n", "", table, flags=re.M)
        write("pack", table)
        if table.startswith("[[rule]]"):
            write("pack", lists + "\n" + table)
    snippets = [
        '[lists]\ncompetitors = ["Globex"]\n',
        '[settings]\nsign-off = ["Best,", "Cheers,"]\n',
        '[rules.jargon]\nseverity = "warning"\nadd-phrases = [{ phrase = "SLA", suggest = ["response time"] }]\n',
        '[rules.dismissive]\nenabled = false\n',
        '[[rule]]\nid = "x"\ncategory = "custom"\nseverity = "hint"\nmessage = "m"\n'
        'match.kind = "phrases"\nmatch.phrases = [{ phrase = "(a|b) c [d]", suggest = ["e"] }]\n'
        'examples = [{ text = "a c d", fixed = "e" }]\ncounterexamples = ["c"]\n',
        '[[rule]]\nid = "p"\ncategory = "custom"\nseverity = "warning"\nmessage = "m"\n'
        "match.kind = \"phrases\"\nmatch.patterns = [{ pattern = '''\\b(?P<m>per our records,?)''', suggest = [\"x\"] }]\n",
    ]
    for s in snippets:
        write("pack", s)


check_seeds()
pack_seeds()
for target in ("check", "pack"):
    n = len(list((fuzz / "work" / target).glob("seed-*")))
    print(f"fuzz/work/{target}: {n} seed files")
