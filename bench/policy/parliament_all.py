"""Lints every policy of a directory with Parliament's library in one process.

Parliament's own `--directory` mode stops at the first policy its analysis raises on (one of the
1,641 AWS managed policies makes it raise), so this driver calls `analyze_policy_string` per file,
counts the failures and keeps going. Prints: files, findings, crashes, seconds.
"""

import json
import pathlib
import sys
import time

from parliament import analyze_policy_string

directory = pathlib.Path(sys.argv[1])
files = sorted(directory.glob("*.json"))
texts = [f.read_text() for f in files]
start = time.perf_counter()
findings = crashes = 0
for text in texts:
    try:
        policy = analyze_policy_string(text)
        findings += len(policy.findings)
    except Exception:  # noqa: BLE001 - a crash is counted, not fatal
        crashes += 1
elapsed = time.perf_counter() - start
print(json.dumps({"files": len(files), "findings": findings, "crashes": crashes, "seconds": elapsed}))
