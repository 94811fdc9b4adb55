#!/usr/bin/env python3
"""Writes a batch of mixed authorization requests for `rampart policy eval --requests`.

    python3 bench/policy/gen_requests.py N OUT.json [SEED] [--inline]

The mix: same-account and cross-account callers (users, role sessions, root), anonymous callers
and service principals; identity policies with conditions, NotAction Denies and variables;
bucket, queue, KMS key and trust policies (account, user, role, session, `*` and service
principals, NotPrincipal); boundaries, session policies, two or three SCP levels, RCPs and VPC
endpoint policies on a share of the requests. Policies come from a pool, as in an estate where
many principals share policies: by default the batch declares the pool once
(`{"policies": {NAME: doc}, "requests": [...]}`, requests naming policies with `{"ref": NAME}`);
with --inline every request carries its own copies (the plain array form).
"""
import json
import random
import sys

INLINE = "--inline" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--inline"]
N = int(ARGS[0]) if len(ARGS) > 0 else 100_000
OUT = ARGS[1] if len(ARGS) > 1 else "requests.json"
rnd = random.Random(int(ARGS[2]) if len(ARGS) > 2 else 7)

A, B = "111111111111", "222222222222"
SERVICES = ["s3", "sqs", "kms", "dynamodb", "ec2", "iam", "sts", "lambda", "sns", "secretsmanager"]
VERBS = ["Get", "Put", "List", "Describe", "Delete", "Create", "Update", "Send", "Decrypt", "Query"]


def doc(stmts):
    return {"Version": "2012-10-17", "Statement": stmts}


def action():
    s = rnd.choice(SERVICES)
    v = rnd.choice(VERBS)
    return f"{s}:{v}{rnd.choice(['Object', 'Item', 'Message', 'Key', 'Function', 'Role', ''])}"


def action_pattern():
    r = rnd.random()
    if r < 0.1:
        return "*"
    s = rnd.choice(SERVICES)
    if r < 0.35:
        return f"{s}:*"
    if r < 0.6:
        return f"{s}:{rnd.choice(VERBS)}*"
    return action()


def resource(service, acct=A):
    if service == "s3":
        return f"arn:aws:s3:::bucket-{rnd.randrange(20)}/k/{rnd.randrange(1000)}"
    if service == "kms":
        return f"arn:aws:kms:eu-west-1:{acct}:key/k-{rnd.randrange(20)}"
    if service == "iam":
        return f"arn:aws:iam::{acct}:role/r-{rnd.randrange(20)}"
    return f"arn:aws:{service}:eu-west-1:{acct}:thing/t-{rnd.randrange(50)}"


def resource_pattern():
    r = rnd.random()
    if r < 0.3:
        return "*"
    if r < 0.6:
        return f"arn:aws:s3:::bucket-{rnd.randrange(20)}/*"
    if r < 0.8:
        return f"arn:aws:{rnd.choice(SERVICES)}:*:{A}:*"
    return f"arn:aws:s3:::bucket-*/k/${{aws:username}}/*"


CONDITIONS = [
    None, None, None,
    {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}},
    {"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}},
    {"Null": {"aws:ResourceTag/owner": "false"}},
    {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
    {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/app-*"}},
]


def statement(effect=None, principal=None):
    s = {"Effect": effect or ("Allow" if rnd.random() < 0.8 else "Deny")}
    if rnd.random() < 0.1:
        s["NotAction"] = [action_pattern()]
    else:
        s["Action"] = [action_pattern() for _ in range(rnd.randint(1, 4))]
    s["Resource"] = [resource_pattern() for _ in range(rnd.randint(1, 3))]
    c = rnd.choice(CONDITIONS)
    if c:
        s["Condition"] = c
    if principal is not None:
        s["Principal"] = principal
    if rnd.random() < 0.5:
        s["Sid"] = f"S{rnd.randrange(10000)}"
    return s


PRINCIPALS = [
    "*", {"AWS": A}, {"AWS": f"arn:aws:iam::{A}:root"}, {"AWS": B},
    {"AWS": f"arn:aws:iam::{A}:user/u-1"}, {"AWS": f"arn:aws:iam::{A}:role/app-1"},
    {"AWS": f"arn:aws:sts::{A}:assumed-role/app-1/s"}, {"Service": "cloudtrail.amazonaws.com"},
]

IDENTITY = [doc([statement() for _ in range(rnd.randint(1, 8))]) for _ in range(400)]
RESOURCE = [doc([statement(principal=rnd.choice(PRINCIPALS)) for _ in range(rnd.randint(1, 5))])
            for _ in range(200)]
BOUNDARY = [doc([statement("Allow") for _ in range(rnd.randint(1, 3))]) for _ in range(20)]
FULL = doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}])
SCPS = [doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}, statement("Deny")]) for _ in range(20)]
RCPS = [doc([{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
             statement("Deny", principal="*")]) for _ in range(10)]
ENDPOINTS = [doc([statement("Allow", principal="*")]) for _ in range(10)]
CALLERS = [
    f"arn:aws:iam::{A}:user/u-{i}" for i in range(5)
] + [f"arn:aws:sts::{A}:assumed-role/app-{i}/s" for i in range(5)] + [
    f"arn:aws:iam::{B}:user/p-1", f"arn:aws:sts::{B}:assumed-role/ops/s", f"arn:aws:iam::{A}:root",
    None, "cloudtrail.amazonaws.com",
]

POOL = {}


def ref(name, pool, i=None):
    """A policy of a pool: its document (inline) or a reference to the shared copy."""
    if i is None:
        i = rnd.randrange(len(pool))
    if INLINE:
        return pool[i]
    key = f"{name}-{i}"
    POOL[key] = pool[i]
    return {"ref": key}


def pick(name, pool, k):
    return [ref(name, pool, i) for i in rnd.sample(range(len(pool)), k)]


FULLS = [FULL]
reqs = []
for i in range(N):
    svc = rnd.choice(SERVICES)
    r = {
        "id": i,
        "principal": rnd.choice(CALLERS),
        "action": f"{svc}:{rnd.choice(VERBS)}{rnd.choice(['Object', 'Item', ''])}",
        "resource": resource(svc),
        "resource_account": A,
        "context": {"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "true",
                    "aws:SourceIp": "10.1.2.3", "aws:username": "u-1",
                    "aws:TagKeys": ["team"]},
        "identity": pick("identity", IDENTITY, rnd.randint(1, 4)),
        "resource_policy": ref("resource", RESOURCE) if rnd.random() < 0.6 else None,
        "boundary": [ref("boundary", BOUNDARY)] if rnd.random() < 0.2 else None,
        "session": ref("boundary", BOUNDARY) if rnd.random() < 0.1 else None,
        "scps": [[ref("full", FULLS)], [ref("scp", SCPS)]]
        + ([[ref("scp", SCPS)]] if rnd.random() < 0.5 else [])
        if rnd.random() < 0.5 else [],
        "rcps": [[ref("rcp", RCPS)]] if rnd.random() < 0.3 else [],
        "endpoint": ref("endpoint", ENDPOINTS) if rnd.random() < 0.1 else None,
    }
    reqs.append(r)

with open(OUT, "w") as f:
    json.dump(reqs if INLINE else {"policies": POOL, "requests": reqs}, f)
