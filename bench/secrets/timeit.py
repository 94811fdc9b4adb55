#!/usr/bin/env python3
"""Runs a command N times (default 3) and prints the best wall-clock time and its CPU time.

usage: timeit.py [-n N] [--out FILE] -- CMD...   (stdout of the command goes to FILE or /dev/null)
prints one JSON line: {"wall": s, "cpu": s, "runs": [...], "rc": code}
"""
import json, os, resource, subprocess, sys, time

def main():
    args = sys.argv[1:]
    n, out = 3, os.devnull
    while args and args[0] != "--":
        if args[0] == "-n":
            n = int(args[1]); args = args[2:]
        elif args[0] == "--out":
            out = args[1]; args = args[2:]
        else:
            sys.exit(f"unknown option {args[0]}")
    cmd = args[1:]
    runs = []
    rc = 0
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        with open(out, "wb") as f:
            rc = subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL).returncode
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        runs.append({"wall": round(wall, 3), "cpu": round(cpu, 3)})
    best = min(runs, key=lambda r: r["wall"])
    print(json.dumps({"wall": best["wall"], "cpu": best["cpu"], "runs": runs, "rc": rc}))

main()
