#!/usr/bin/env python3
"""Generates a git repository with N commits (default 20,000) through `git fast-import`: a tree of
source files edited a few at a time, with secrets committed along the way and most of them removed
again later (so only a history scan can find them). Prints the planted secrets as JSON lines to
DIR.planted.jsonl.

usage: make_history.py DIR [N]"""
import json, os, random, subprocess, sys

def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    if os.path.exists(out):
        sys.exit(f"{out} exists")
    rnd = random.Random(20000)
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    hexd = "0123456789abcdef"
    def tok(alpha, k):
        return "".join(rnd.choice(alpha) for _ in range(k))
    subprocess.run(["git", "init", "-q", "-b", "main", out], check=True)
    files = {f"src/pkg{d}/mod{i}.py": [f"# module {d}.{i}\n", "import os\n"] for d in range(25) for i in range(20)}
    planted = []
    p = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=out, stdin=subprocess.PIPE)
    w = p.stdin
    def blob_inline(path, text):
        data = text.encode()
        w.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode()); w.write(data); w.write(b"\n")
    t = 1_600_000_000
    paths = sorted(files)
    for c in range(n):
        t += 60
        msg = f"change {c}\n".encode()
        w.write(f"commit refs/heads/main\nmark :{c+1}\ncommitter bench <bench@example.invalid> {t} +0000\ndata {len(msg)}\n".encode())
        w.write(msg)
        if c > 0:
            w.write(f"from :{c}\n".encode())
        touched = rnd.sample(paths, 3) if c else paths
        for path in touched:
            lines = files[path]
            lines.append(f"VALUE_{c} = {rnd.randint(0, 10**9)}  # {tok(alnum, 24)}\n")
            if len(lines) > 60:
                del lines[2:12]
            if c and c % 1000 == 0:
                secret = "ghp_" + tok(alnum, 36)
                lines.append(f'TOKEN = "{secret}"\n')
                planted.append({"commit_index": c, "path": path, "kind": "github-personal-access-token"})
            elif c and c % 1000 == 500:
                secret = "shpat_" + tok(hexd, 32)
                lines.append(f'SHOPIFY = "{secret}"\n')
                planted.append({"commit_index": c, "path": path, "kind": "shopify-access-token"})
            # Secrets are removed some commits later: the trimming above drops old lines.
            blob_inline(path, "".join(lines))
        w.write(b"\n")
    w.close()
    if p.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=out, check=True)
    with open(out.rstrip("/") + ".planted.jsonl", "w") as f:
        for x in planted:
            f.write(json.dumps(x) + "\n")
    print(f"{n} commits, {len(planted)} planted secrets in {out}", file=sys.stderr)

main()
