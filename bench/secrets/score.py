#!/usr/bin/env python3
"""Recall and precision of a scanner's report against the fixture tree's manifest.

usage: score.py TOOL REPORT ROOT MANIFEST     TOOL: rampart | kingfisher | detect-secrets
A finding counts when it is in a planted secret's file within two lines of it (PEM blocks are
reported on their BEGIN line by some tools); each planted secret and each finding matches once.
Findings on the same file and line are counted once."""
import json, os, sys

def findings(tool, report, root):
    with open(report) as f:
        data = json.load(f)
    out = []
    if tool == "rampart":
        for x in data["findings"]:
            loc = x.get("location") or {}
            out.append((loc.get("file", ""), loc.get("line", 0)))
    elif tool == "kingfisher":
        for x in data.get("findings", []):
            fd = x["finding"]
            out.append((fd["path"], fd["line"]))
    elif tool == "detect-secrets":
        for path, items in data.get("results", {}).items():
            for x in items:
                out.append((path, x["line_number"]))
    else:
        sys.exit(f"unknown tool {tool}")
    rel = set()
    for path, line in out:
        p = os.path.relpath(os.path.join(root, path) if not os.path.isabs(path) else path, root)
        rel.add((p.replace(os.sep, "/"), int(line)))
    return sorted(rel)

def main():
    tool, report, root, manifest = sys.argv[1:5]
    planted = [(p["path"], p["line"]) for p in json.load(open(manifest))]
    found = findings(tool, report, root)
    used = set()
    tp = 0
    for i, (path, line) in enumerate(planted):
        best = None
        for j, (fp, fl) in enumerate(found):
            if j in used or fp != path or abs(fl - line) > 2:
                continue
            if best is None or abs(fl - line) < abs(found[best][1] - line):
                best = j
        if best is not None:
            used.add(best)
            tp += 1
    fp_list = [found[j] for j in range(len(found)) if j not in used]
    recall = tp / len(planted) if planted else 0.0
    precision = tp / len(found) if found else 0.0
    print(json.dumps({"tool": tool, "planted": len(planted), "reported": len(found), "true_positives": tp,
                      "recall": round(recall, 3), "precision": round(precision, 3),
                      "false_positives": fp_list[:20]}))

main()
