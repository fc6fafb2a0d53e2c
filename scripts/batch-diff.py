#!/usr/bin/env python3
"""Compares two batch outputs line by line, with the fields that the batch
contract's 2026-11-29 revision added (utf16_start, utf16_end, fix, advice
on each finding; fixed) removed from the newer one, so that a run of the
old `check` example and one of `tactful` over the same corpus show whether
anything else changed.

    python3 scripts/batch-diff.py OLD.jsonl NEW.jsonl

Prints the line counts, how many lines are equal (after re-serialising
both sides compactly) and how many are byte-identical to the old line, and
the first differences; exits 1 if any line differs.
"""
import json
import sys

ADDED = ("utf16_start", "utf16_end", "fix", "advice")


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def main(old_path, new_path):
    with open(old_path, encoding="utf-8") as f:
        old = f.read().splitlines()
    with open(new_path, encoding="utf-8") as f:
        new = f.read().splitlines()
    print(f"lines: old {len(old)}, new {len(new)}")
    equal = raw = differ = 0
    for n, (a, b) in enumerate(zip(old, new), 1):
        stripped = json.loads(b)
        for finding in stripped.get("findings", []):
            for key in ADDED:
                finding.pop(key, None)
        stripped.pop("fixed", None)
        if compact(json.loads(a)) == compact(stripped):
            equal += 1
            raw += compact(stripped) == a
        else:
            differ += 1
            if differ <= 5:
                print(f"line {n}:\n  old: {a[:500]}\n  new: {compact(stripped)[:500]}")
    print(f"equal without the added fields: {equal} ({raw} byte-identical); different: {differ}")
    return 1 if differ or len(old) != len(new) else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
