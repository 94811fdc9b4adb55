#!/usr/bin/env python3
"""Writes a snapshot of one account with many principals and policies, for `rampart access`.

    python3 bench/access/gen_estate.py PRINCIPALS POLICIES OUT.json [SEED]

Half users, half roles; 1/20 as many groups. Each principal has managed policies attached
(drawn from the pool of customer managed policies) and some inline ones, so that the estate
holds POLICIES policy documents in all. A few principals hold IAM writes, PassRole or
sts:AssumeRole on `*`, a few roles are administrators, so that escalation paths exist.
"""
import json
import random
import sys

P = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
N_POL = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
OUT = sys.argv[3] if len(sys.argv) > 3 else "estate.json"
rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 11)
A = "111111111111"
SERVICES = ["s3", "sqs", "dynamodb", "ec2", "lambda", "sns", "logs", "kms", "secretsmanager", "ssm"]
VERBS = ["Get*", "Put*", "List*", "Describe*", "Delete*", "Create*", "Update*"]
RISKY = [["iam:PassRole", "ec2:RunInstances"], ["sts:AssumeRole"], ["iam:AttachRolePolicy"],
         ["iam:CreateAccessKey"], ["lambda:UpdateFunctionCode"], ["ssm:SendCommand"]]


def arn(kind, name):
    return f"arn:aws:iam::{A}:{kind}/{name}"


def statement():
    s = {"Effect": "Allow" if rnd.random() < 0.9 else "Deny",
         "Action": [f"{rnd.choice(SERVICES)}:{rnd.choice(VERBS)}" for _ in range(rnd.randint(1, 5))],
         "Resource": rnd.choice(["*", f"arn:aws:s3:::b-{rnd.randrange(500)}/*",
                                 f"arn:aws:dynamodb:eu-west-1:{A}:table/t-{rnd.randrange(500)}"])}
    if rnd.random() < 0.2:
        s["Condition"] = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    return s


def doc(stmts):
    return {"Version": "2012-10-17", "Statement": stmts}


n_managed = N_POL // 2
managed = []
for i in range(n_managed):
    managed.append({"meta": {"arn": arn("policy", f"p-{i}"), "name": f"p-{i}"}, "aws_managed": False,
                    "document": doc([statement() for _ in range(rnd.randint(1, 4))]), "attachment_count": 1})
ADMIN = arn("policy", "admin")
managed.append({"meta": {"arn": ADMIN, "name": "admin"}, "aws_managed": False,
                "document": doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}]), "attachment_count": 1})

inline_left = N_POL - n_managed
per_principal_inline = max(1, inline_left // P)
users, roles = [], []
n_groups = max(1, P // 20)
groups = [{"meta": {"arn": arn("group", f"g-{i}"), "name": f"g-{i}"},
           "attached_policies": [managed[rnd.randrange(n_managed)]["meta"]["arn"]], "inline_policies": []}
          for i in range(n_groups)]
for i in range(P):
    inline = [{"name": f"i-{k}", "document": doc([statement() for _ in range(rnd.randint(1, 3))])}
              for k in range(per_principal_inline)]
    if rnd.random() < 0.02:
        inline.append({"name": "risky", "document": doc([{"Effect": "Allow", "Action": rnd.choice(RISKY), "Resource": "*"}])})
    attached = [managed[rnd.randrange(n_managed)]["meta"]["arn"] for _ in range(rnd.randint(0, 3))]
    if i % 2 == 0:
        users.append({"meta": {"arn": arn("user", f"u-{i}"), "name": f"u-{i}"}, "console_password": False,
                      "groups": [f"g-{rnd.randrange(n_groups)}"], "attached_policies": attached,
                      "inline_policies": inline})
    else:
        if rnd.random() < 0.005:
            attached = [ADMIN]
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                 "Principal": rnd.choice([{"Service": "ec2.amazonaws.com"}, {"Service": "lambda.amazonaws.com"},
                                          {"AWS": A}, {"AWS": arn("user", f"u-{rnd.randrange(0, P, 2)}")}])}]}
        roles.append({"meta": {"arn": arn("role", f"r-{i}"), "name": f"r-{i}"}, "assume_role_policy": trust,
                      "attached_policies": attached, "inline_policies": inline})

# EC2 runs a role only through an instance profile: one per role that trusts EC2 (no random draw,
# so the rest of the estate is as before).
profiles = [{"meta": {"arn": arn("instance-profile", r["meta"]["name"]), "name": r["meta"]["name"]},
             "roles": [r["meta"]["arn"]]}
            for r in roles
            if r["assume_role_policy"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}]

snap = {"format": "rampart-snapshot", "version": 1, "created_by": "bench/access/gen_estate.py",
        "inventory": {"collected_at": "2026-11-01T00:00:00Z",
                      "accounts": [{"id": A, "iam": {"users": users, "roles": roles, "groups": groups,
                                                     "policies": managed,
                                                     "instance_profiles": profiles}}]}}
with open(OUT, "w") as f:
    json.dump(snap, f)
