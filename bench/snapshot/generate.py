#!/usr/bin/env python3
"""Generates a large synthetic account snapshot for the scan benchmark.

usage: generate.py N OUT.json   (N: approximate number of resources)

The estate is a mix of the resource kinds every check family reads (IAM users and roles with
policies, security groups with rules, instances, volumes, buckets, log groups, Lambda functions,
KMS keys, trails…) spread over four regions, with a deterministic share of insecure settings so
that the checks have real work (failures and evidence), not only passes.
"""
import json
import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
rng = random.Random(42)
ACCOUNT = "123456789012"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
TS = "2026-11-01T00:00:00Z"


def meta(arn, name, tags=None):
    m = {"arn": arn, "name": name, "origin": {"api": "generated"}}
    if tags:
        m["tags"] = tags
    return m


def tags(i):
    t = {"environment": rng.choice(["prod", "staging"]), "service": f"svc{i % 50}"}
    if i % 3:
        t["owner"] = "team-a"
    return t


def date(days_ago):
    return f"202{5 if days_ago > 300 else 6}-0{1 + days_ago % 9}-1{days_ago % 9}T00:00:00Z"


share = {  # fraction of n per kind
    "users": 0.05, "roles": 0.05, "policies": 0.03, "buckets": 0.07, "security_groups": 0.12,
    "instances": 0.12, "network_interfaces": 0.12, "volumes": 0.1, "log_groups": 0.08,
    "lambda_functions": 0.06, "kms_keys": 0.03, "db_instances": 0.03, "dynamodb_tables": 0.03,
    "secrets": 0.03, "ssm_parameters": 0.04,
}
count = {k: max(1, int(n * v)) for k, v in share.items()}

doc_admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def doc(i):
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::bucket-{i}/*"},
        {"Effect": "Allow", "Action": "dynamodb:*" if i % 7 == 0 else "dynamodb:GetItem", "Resource": "*"},
    ]}


iam = {
    "root": {"meta": meta(f"arn:aws:iam::{ACCOUNT}:root", "<root_account>"), "mfa_active": True,
             "active_access_keys": 0},
    "password_policy": {"meta": meta(f"arn:aws:iam::{ACCOUNT}:account-password-policy", "password-policy"),
                        "minimum_length": 8, "require_symbols": False, "require_numbers": True,
                        "require_uppercase": True, "require_lowercase": True, "allow_users_to_change": True},
    "policies": [], "users": [], "roles": [], "groups": [],
}
for i in range(count["policies"]):
    iam["policies"].append({"meta": meta(f"arn:aws:iam::{ACCOUNT}:policy/p{i}", f"p{i}"), "aws_managed": False,
                            "document": doc_admin if i % 50 == 0 else doc(i), "attachment_count": 1})
for i in range(count["users"]):
    keys = [{"id": f"AKIA{i:016d}", "active": True, "created": date(rng.randint(1, 800)),
             "last_used": date(rng.randint(1, 400)) if i % 4 else None}]
    keys = [{k: v for k, v in key.items() if v is not None} for key in keys]
    iam["users"].append({"meta": meta(f"arn:aws:iam::{ACCOUNT}:user/u{i}", f"u{i}", tags(i)),
                         "console_password": i % 2 == 0,
                         "mfa_devices": [] if i % 5 == 0 else [{"serial": f"arn:aws:iam::{ACCOUNT}:mfa/u{i}", "is_virtual": True}],
                         "access_keys": keys,
                         "attached_policies": [f"arn:aws:iam::{ACCOUNT}:policy/p{i % count['policies']}"],
                         "inline_policies": [{"name": "inline", "document": doc(i)}] if i % 10 == 0 else []})
for i in range(count["roles"]):
    iam["roles"].append({"meta": meta(f"arn:aws:iam::{ACCOUNT}:role/r{i}", f"r{i}", tags(i)),
                         "assume_role_policy": {"Version": "2012-10-17", "Statement": [
                             {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                         "attached_policies": [f"arn:aws:iam::{ACCOUNT}:policy/p{(i * 7) % count['policies']}"],
                         "inline_policies": []})

buckets = []
for i in range(count["buckets"]):
    b = {"meta": meta(f"arn:aws:s3:::bucket-{i}", f"bucket-{i}", tags(i)), "region": REGIONS[i % 4],
         "versioning": "enabled" if i % 3 else "disabled"}
    if i % 4:
        b["encryption"] = {"algorithm": "aws:kms" if i % 2 else "AES256"}
    if i % 5:
        b["public_access_block"] = {"block_public_acls": True, "ignore_public_acls": True,
                                    "block_public_policy": True, "restrict_public_buckets": True}
    buckets.append(b)

regions = {r: {"name": r, "ebs_encryption_by_default": r != "us-west-2"} for r in REGIONS}


def reg(i):
    return regions[REGIONS[i % 4]]


for r in REGIONS:
    reg_vpc = f"vpc-{REGIONS.index(r):017x}"
    regions[r]["vpcs"] = [{"meta": meta(f"arn:aws:ec2:{r}:{ACCOUNT}:vpc/{reg_vpc}", reg_vpc), "id": reg_vpc,
                           "cidr_blocks": ["10.0.0.0/16"]}]
    regions[r]["trails"] = [{"meta": meta(f"arn:aws:cloudtrail:{r}:{ACCOUNT}:trail/t-{r}", f"t-{r}"),
                             "home_region": r, "multi_region": r == "us-east-1", "include_global_service_events": True,
                             "log_file_validation": r == "us-east-1", "is_logging": True, "s3_bucket": "bucket-0"}]
for k in ["security_groups", "instances", "network_interfaces", "volumes", "log_groups", "lambda_functions",
          "kms_keys", "db_instances", "dynamodb_tables", "secrets", "ssm_parameters"]:
    for r in REGIONS:
        regions[r][k] = []

for i in range(count["security_groups"]):
    r = REGIONS[i % 4]
    sg = f"sg-{i:017x}"
    rules = [{"protocol": "tcp", "from_port": 443, "to_port": 443, "peer": {"kind": "cidr4", "value": "0.0.0.0/0"}}]
    if i % 10 == 0:
        rules.append({"protocol": "tcp", "from_port": 22, "to_port": 22, "peer": {"kind": "cidr4", "value": "0.0.0.0/0"}})
    if i % 25 == 0:
        rules.append({"protocol": "-1", "peer": {"kind": "cidr4", "value": "0.0.0.0/0"}})
    rules.append({"protocol": "tcp", "from_port": 5432, "to_port": 5432,
                  "peer": {"kind": "security_group", "value": f"sg-{(i + 1):017x}"}})
    reg(i)["security_groups"].append({"meta": meta(f"arn:aws:ec2:{r}:{ACCOUNT}:security-group/{sg}", sg, tags(i)),
                                      "id": sg, "group_name": "default" if i < 4 else f"g{i}",
                                      "vpc_id": f"vpc-{REGIONS.index(r):017x}", "ingress": rules,
                                      "egress": [{"protocol": "-1", "peer": {"kind": "cidr4", "value": "0.0.0.0/0"}}]})
for i in range(count["instances"]):
    r = REGIONS[i % 4]
    iid = f"i-{i:017x}"
    inst = {"meta": meta(f"arn:aws:ec2:{r}:{ACCOUNT}:instance/{iid}", iid, tags(i)), "id": iid, "state": "running",
            "vpc_id": f"vpc-{REGIONS.index(r):017x}", "security_groups": [f"sg-{(i % count['security_groups']):017x}"],
            "user_data": "#!/bin/bash\nyum install -y nginx\n"}
    if i % 6:
        inst["instance_profile"] = f"arn:aws:iam::{ACCOUNT}:instance-profile/r{i % count['roles']}"
    reg(i)["instances"].append(inst)
for i in range(count["network_interfaces"]):
    r = REGIONS[i % 4]
    eni = f"eni-{i:017x}"
    reg(i)["network_interfaces"].append({"meta": meta(f"arn:aws:ec2:{r}:{ACCOUNT}:network-interface/{eni}", eni), "id": eni,
                                         "subnet_id": f"subnet-{i % 100:017x}", "vpc_id": f"vpc-{REGIONS.index(r):017x}",
                                         "security_groups": [f"sg-{(i % count['security_groups']):017x}"],
                                         "private_ips": [f"10.0.{(i // 250) % 256}.{i % 250}"]})
for i in range(count["volumes"]):
    r = REGIONS[i % 4]
    v = f"vol-{i:017x}"
    reg(i)["volumes"].append({"meta": meta(f"arn:aws:ec2:{r}:{ACCOUNT}:volume/{v}", v, tags(i)), "id": v,
                              "encrypted": i % 5 != 0, "size_gib": 20})
for i in range(count["log_groups"]):
    r = REGIONS[i % 4]
    lg = {"meta": meta(f"arn:aws:logs:{r}:{ACCOUNT}:log-group:/app/{i}", f"/app/{i}")}
    if i % 3:
        lg["retention_days"] = 30
    reg(i)["log_groups"].append(lg)
for i in range(count["lambda_functions"]):
    r = REGIONS[i % 4]
    reg(i)["lambda_functions"].append({"meta": meta(f"arn:aws:lambda:{r}:{ACCOUNT}:function:f{i}", f"f{i}", tags(i)),
                                       "runtime": "python3.7" if i % 8 == 0 else "python3.12",
                                       "role": f"arn:aws:iam::{ACCOUNT}:role/r{i % count['roles']}",
                                       "environment": {"LOG_LEVEL": "info", "TABLE": f"t{i}"}})
for i in range(count["kms_keys"]):
    r = REGIONS[i % 4]
    kid = f"{i:08x}-0000-4000-8000-000000000000"
    reg(i)["kms_keys"].append({"meta": meta(f"arn:aws:kms:{r}:{ACCOUNT}:key/{kid}", kid), "id": kid,
                               "manager": "customer" if i % 2 else "aws", "rotation_enabled": i % 3 != 0})
for i in range(count["db_instances"]):
    r = REGIONS[i % 4]
    reg(i)["db_instances"].append({"meta": meta(f"arn:aws:rds:{r}:{ACCOUNT}:db:db{i}", f"db{i}", tags(i)), "id": f"db{i}",
                                   "engine": "postgres", "storage_encrypted": i % 4 != 0,
                                   "publicly_accessible": i % 9 == 0, "port": 5432})
for i in range(count["dynamodb_tables"]):
    r = REGIONS[i % 4]
    reg(i)["dynamodb_tables"].append({"meta": meta(f"arn:aws:dynamodb:{r}:{ACCOUNT}:table/t{i}", f"t{i}", tags(i)),
                                      "key_kind": "customer_managed" if i % 2 else "aws_owned"})
for i in range(count["secrets"]):
    r = REGIONS[i % 4]
    reg(i)["secrets"].append({"meta": meta(f"arn:aws:secretsmanager:{r}:{ACCOUNT}:secret:s{i}", f"s{i}"),
                              "rotation_enabled": i % 2 == 0, "rotation_days": 30 if i % 2 == 0 else None,
                              "last_rotated": date(rng.randint(1, 200))})
    reg(i)["secrets"][-1] = {k: v for k, v in reg(i)["secrets"][-1].items() if v is not None}
for i in range(count["ssm_parameters"]):
    r = REGIONS[i % 4]
    name = f"/app/{i}/DB_PASSWORD" if i % 10 == 0 else f"/app/{i}/feature_flag"
    reg(i)["ssm_parameters"].append({"meta": meta(f"arn:aws:ssm:{r}:{ACCOUNT}:parameter{name}", name),
                                     "kind": "String" if i % 3 else "SecureString"})

inventory = {
    "collected_at": TS,
    "inputs": [{"kind": "generated", "source": f"bench/snapshot/generate.py {n}"}],
    "accounts": [{"id": ACCOUNT, "partition": "aws", "aliases": [], "iam": iam, "buckets": buckets,
                  "regions": list(regions.values())}],
    "gaps": [],
}
total = sum(count.values()) + 4 * 2
with open(out, "w") as f:
    json.dump({"format": "rampart-snapshot", "version": 1, "created_by": "bench/snapshot/generate.py",
               "inventory": inventory}, f)
print(f"{out}: ~{total} resources", file=sys.stderr)
