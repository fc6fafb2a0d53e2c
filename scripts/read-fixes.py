#!/usr/bin/env python3
"""Draw the fixes and advice to read from a dump of tests/corpus_fixes.

    TACTFUL_FIX_DUMP=/tmp/dump.jsonl cargo test --release --test corpus_fixes -- --ignored
    python3 scripts/read-fixes.py fix      # the applied fixes, before and after
    python3 scripts/read-fixes.py advice   # the advice, with its sentence

The dump holds every finding on ../shared/corpora/twcs_conversations (its
fix applied in place, or its advice). Fixes and advice are each shuffled
with the seed below and taken up to a cap per rule; the counts drawn go
to stderr.
"""
import json, random, collections, sys
SEED = 20261129
rows = [json.loads(l) for l in open(sys.argv[2] if len(sys.argv) > 2 else '/tmp/dump.jsonl')]
# Fixes and advice are shuffled apart, each with the seed, so that a change
# to one kind does not change the sample of the other.
fixes = [r for r in rows if r['kind']=='fix']; adv = [r for r in rows if r['kind']=='advice']
random.Random(SEED).shuffle(fixes); random.Random(SEED).shuffle(adv)
rows = fixes + adv
fixcap = {'stiff-phrasing':50, 'jargon':35, 'exclamation-overuse':15}
advcap = {'refusal-without-alternative':12,'nothing-we-can-do':10,'i-dont-know':10,'stiff-phrasing':8,'policy-shield':6,'not-my-job':5,'shouting':2,'presumed-feelings':1,'condescending':1}
got = collections.Counter(); out=[]
for r in rows:
    k = (r['rule'], r['kind'])
    cap = fixcap.get(r['rule'], 8) if r['kind']=='fix' else advcap.get(r['rule'],0)
    if got[k] < cap:
        got[k]+=1; out.append(r)
mode = sys.argv[1]
n=0
for r in sorted(out, key=lambda r:(r['kind'],r['rule'])):
    if r['kind']!=mode: continue
    n+=1
    def cut(s, m):
        i = s.find(m) if m else -1
        if len(s) <= 200 or i < 0: return s
        a=max(0,i-90); return ('…' if a else '')+s[a:a+200]+'…'
    if mode=='fix':
        m=r['matched']
        print(f"{n:3} [{r['rule']}] {r['id']}\n    - {cut(r['before'], m)!r}\n    + {cut(r['after'], r['after'][:0])[:0] or cut(r['after'], r['before'][max(0,r['before'].find(m)-20):r['before'].find(m)] if m in r['before'] else '')!r}")
    else:
        print(f"{n:3} [{r['rule']}] {r['id']} on {r['matched'][:80]!r}\n    advice: {r['advice'][:150]!r}\n    in: {cut(r['before'], r['matched'])[:220]!r}")
print(dict(got), file=sys.stderr)
