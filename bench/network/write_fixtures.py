"""Writes crates/checks/fixtures/<CODE>/{fail,pass}.json for the network checks (EC2-001..009,
VPC-001..012). Run from the repository root: python3 bench/network/write_fixtures.py"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from inv import *  # noqa: E402,F403

OUT = "crates/checks/fixtures"
V = "vpc-1"


def base(**extra):
    """A VPC with a public and a private subnet, an IGW, a NAT gateway, allow-all default NACL."""
    lists = dict(
        vpcs=[vpc(V, name="shop")],
        subnets=[subnet("subnet-pub", V, "10.0.1.0/24", name="public-a", public_ip=True),
                 subnet("subnet-priv", V, "10.0.2.0/24", name="private-a")],
        route_tables=[rtb("rtb-pub", V, [route("10.0.0.0/16", "local", "local"),
                                         route("0.0.0.0/0", "internet_gateway", "igw-1")], subnets=["subnet-pub"]),
                      rtb("rtb-priv", V, [route("10.0.0.0/16", "local", "local"),
                                          route("0.0.0.0/0", "nat_gateway", "nat-1")], main=True)],
        internet_gateways=[igw("igw-1", V)],
        nat_gateways=[nat("nat-1", V, "subnet-pub")],
        network_acls=[nacl("acl-default", V, ["subnet-pub", "subnet-priv"], default_entries(), default=True)],
    )
    for k, v in extra.items():
        lists[k] = lists.get(k, []) + v
    return lists


def write(code, fail, passing):
    d = os.path.join(OUT, code)
    os.makedirs(d, exist_ok=True)
    for name, inv_ in (("fail", fail), ("pass", passing)):
        with open(os.path.join(d, f"{name}.json"), "w") as f:
            json.dump(inv_, f, indent=1)
            f.write("\n")


def just_sgs(*groups, **extra):
    return inventory(region(security_groups=list(groups), **extra))


def web_host(sg_rules, nacl_entries=None, public_ip="198.51.100.10", sid="subnet-pub", name="web-1"):
    """One instance with one interface in `sid`, behind security group sg-web."""
    lists = base(
        security_groups=[sg("sg-web", "web", V, sg_rules)],
        network_interfaces=[eni("eni-web", sid, V, ["sg-web"], public_ip=public_ip, instance="i-web")],
        instances=[instance("i-web", sid, V, ["sg-web"], public_ip=public_ip, enis=["eni-web"], name=name)],
    )
    if nacl_entries is not None:
        lists["network_acls"] = [nacl("acl-web", V, ["subnet-pub", "subnet-priv"], nacl_entries)]
    return inventory(region(**lists))


# EC2-001: all ports from the internet, split into two halves to show the union at work.
write("EC2-001",
      just_sgs(sg("sg-1", "wide-open", V, [rule("tcp", 0, 65535, "0.0.0.0/1"), rule("tcp", 0, 65535, "128.0.0.0/1")])),
      just_sgs(sg("sg-1", "https", V, [rule("tcp", 443, 443, "0.0.0.0/0"), rule("-1", None, None, "10.0.0.0/16")])))

write("EC2-002",
      just_sgs(sg("sg-1", "games", V, [rule("tcp", 1000, 5000, "0.0.0.0/0")])),
      just_sgs(sg("sg-1", "games", V, [rule("tcp", 443, 443, "0.0.0.0/0"), rule("tcp", 1000, 5000, "10.0.0.0/8")])))

write("EC2-003",
      just_sgs(sg("sg-1", "ssh-anywhere", V, [rule("tcp", 22, 22, "::/0")])),
      just_sgs(sg("sg-1", "ssh-from-bastion", V, [rule("tcp", 22, 22, "sg-bastion"), rule("tcp", 3389, 3389, "203.0.113.10/32")])))

write("EC2-004",
      just_sgs(sg("sg-1", "db-open", V, [rule("tcp", 5432, 5432, "0.0.0.0/0")])),
      just_sgs(sg("sg-1", "db", V, [rule("tcp", 5432, 5432, "sg-app")])))

write("EC2-005",
      inventory(region(**base(
          security_groups=[sg("sg-alb", "alb", V, [rule("tcp", 443, 443, "0.0.0.0/0")]),
                           sg("sg-app", "app", V, [rule("tcp", 8080, 8080, "10.0.0.0/16")])],
          load_balancers=[lb("shop-alb", V, ["subnet-pub"], ["sg-alb"])],
          instances=[instance("i-app", "subnet-priv", V, ["sg-app"])]))),
      inventory(region(**base(
          security_groups=[sg("sg-alb", "alb", V, [rule("tcp", 443, 443, "0.0.0.0/0")]),
                           sg("sg-app", "app", V, [rule("tcp", 8080, 8080, "sg-alb"), rule("-1", None, None, "sg-app")])],
          load_balancers=[lb("shop-alb", V, ["subnet-pub"], ["sg-alb"])],
          instances=[instance("i-app", "subnet-priv", V, ["sg-app"])]))))

write("EC2-006",
      just_sgs(sg("sg-1", "app", V, [])),
      just_sgs(sg("sg-1", "app", V, [], egress=[rule("tcp", 443, 443, "0.0.0.0/0"), rule("udp", 53, 53, "10.0.0.2/32")])))

write("EC2-007",
      just_sgs(sg("sg-d", "default", V, [rule("-1", None, None, "sg-d")])),
      just_sgs(sg("sg-d", "default", V, [], egress=[])))

write("EC2-008",
      inventory(region(security_groups=[sg("sg-old", "old-test", V, [rule("tcp", 22, 22, "0.0.0.0/0")])],
                       network_interfaces=[eni("eni-1", "subnet-priv", V, ["sg-app"])],
                       instances=[])),
      inventory(region(security_groups=[sg("sg-app", "app", V, [])],
                       network_interfaces=[eni("eni-1", "subnet-priv", V, ["sg-app"])])))

write("EC2-009",
      just_sgs(sg("sg-1", "web", V, [rule("tcp", 400, 500, "0.0.0.0/0"), rule("tcp", 443, 443, "203.0.113.0/24")])),
      just_sgs(sg("sg-1", "web", V, [rule("tcp", 443, 443, "0.0.0.0/0"), rule("tcp", 80, 80, "0.0.0.0/0")])))

# VPC-001: the seed 000 ACL.
SHOP = "23.227.38.0/23"
SEED_000 = [
    entry(100, False, "-1", "deny", "0.0.0.0/0"), entry(200, False, "6", "allow", SHOP, 443, 443),
    entry(300, False, "6", "allow", "203.0.113.10/32", 22, 22), entry(400, False, "17", "allow", "0.0.0.0/0", 53, 53),
    entry(410, False, "6", "allow", "0.0.0.0/0", 1024, 65535), entry(32767, False, "-1", "deny", "0.0.0.0/0"),
    entry(100, True, "-1", "deny", "0.0.0.0/0"), entry(200, True, "6", "allow", SHOP, 443, 443),
    entry(300, True, "6", "allow", SHOP, 80, 80), entry(400, True, "17", "allow", "0.0.0.0/0", 53, 53),
    entry(410, True, "6", "allow", "0.0.0.0/0", 1024, 65535), entry(32767, True, "-1", "deny", "0.0.0.0/0"),
]
SEED_000_FIXED = [dict(e, rule_number=500) if e["rule_number"] == 100 else e for e in SEED_000]
write("VPC-001",
      inventory(region(network_acls=[nacl("acl-seed", V, ["subnet-priv"], SEED_000)])),
      inventory(region(network_acls=[nacl("acl-seed", V, ["subnet-priv"], SEED_000_FIXED)])))

write("VPC-002",
      inventory(region(network_acls=[nacl("acl-1", V, ["subnet-pub"], [
          entry(100, False, "6", "allow", "0.0.0.0/0", 443, 443),
          entry(100, True, "6", "allow", "0.0.0.0/0", 443, 443)])])),
      inventory(region(network_acls=[nacl("acl-1", V, ["subnet-pub"], [
          entry(100, False, "6", "allow", "0.0.0.0/0", 443, 443),
          entry(110, False, "6", "allow", "0.0.0.0/0", 1024, 65535),
          entry(100, True, "6", "allow", "0.0.0.0/0", 443, 443),
          entry(110, True, "6", "allow", "0.0.0.0/0", 1024, 65535)])])))

write("VPC-003",
      inventory(region(network_acls=[nacl("acl-default", V, ["subnet-pub"], default_entries(), default=True)])),
      inventory(region(network_acls=[nacl("acl-1", V, ["subnet-pub"], [
          entry(90, False, "6", "allow", "203.0.113.0/24", 22, 22),
          entry(100, False, "6", "deny", "0.0.0.0/0", 22, 22),
          entry(110, False, "6", "deny", "0.0.0.0/0", 3389, 3389),
          entry(120, False, "-1", "allow", "0.0.0.0/0"),
          entry(100, True, "-1", "allow", "0.0.0.0/0")])])))

write("VPC-004",
      inventory(region(**base(db_instances=[db("orders", V, ["subnet-pub", "subnet-priv"], ["sg-db"])]))),
      inventory(region(**base(db_instances=[db("orders", V, ["subnet-priv"], ["sg-db"])]))))

write("VPC-005",
      web_host([rule("tcp", 22, 22, "0.0.0.0/0")]),
      inventory(region(**base(
          security_groups=[sg("sg-alb", "alb", V, [rule("tcp", 443, 443, "0.0.0.0/0")]),
                           sg("sg-app", "app", V, [rule("tcp", 8080, 8080, "sg-alb")])],
          load_balancers=[lb("shop-alb", V, ["subnet-pub"], ["sg-alb"])],
          network_interfaces=[eni("eni-app", "subnet-priv", V, ["sg-app"], instance="i-app")],
          instances=[instance("i-app", "subnet-priv", V, ["sg-app"], enis=["eni-app"])]))))

write("VPC-006",
      inventory(region(**dict(base(), route_tables=[
          rtb("rtb-pub", V, [route("10.0.0.0/16", "local", "local"), route("0.0.0.0/0", "internet_gateway", "igw-1")],
              subnets=["subnet-pub", "subnet-priv"], main=True)]))),
      inventory(region(**base())))

# VPC-007: in the passing estate the security group opens SSH, but the NACL denies it: not reachable.
NACL_NO_SSH = [entry(100, False, "6", "deny", "0.0.0.0/0", 22, 22), entry(200, False, "-1", "allow", "0.0.0.0/0"),
               entry(100, True, "-1", "allow", "0.0.0.0/0")]
write("VPC-007",
      web_host([rule("tcp", 5432, 5432, "0.0.0.0/0"), rule("tcp", 443, 443, "0.0.0.0/0")]),
      web_host([rule("tcp", 22, 22, "0.0.0.0/0"), rule("tcp", 443, 443, "0.0.0.0/0")], nacl_entries=NACL_NO_SSH))

write("VPC-008",
      inventory(region(db_instances=[db("orders", V, ["subnet-priv"], ["sg-db"], public=True)])),
      inventory(region(db_instances=[db("orders", V, ["subnet-priv"], ["sg-db"], public=False)])))


def bucket(name, policy=None):
    b = {"meta": {"arn": f"arn:aws:s3:::{name}", "name": name}, "region": "us-east-1", "versioning": "enabled"}
    if policy:
        b["policy"] = policy
    return b


VPCE_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "OnlyThroughTheEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::shop-uploads", "arn:aws:s3:::shop-uploads/*"],
    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}}]}
write("VPC-009",
      inventory(region(), buckets=[bucket("shop-uploads")]),
      inventory(region(), buckets=[bucket("shop-uploads", VPCE_POLICY)]))

write("VPC-010",
      inventory(region(vpcs=[vpc(V, name="shop")])),
      inventory(region(vpcs=[vpc(V, name="shop")], vpc_endpoints=[{
          "meta": meta("vpc-endpoint", "vpce-1"), "id": "vpce-1", "vpc_id": V,
          "service_name": "com.amazonaws.us-east-1.s3", "endpoint_type": "Gateway", "route_table_ids": ["rtb-priv"]}])))

PROD = {"environment": "production"}
write("VPC-011",
      inventory(region(vpcs=[vpc(V, name="shop-prod", tags=PROD)],
                       security_groups=[sg("sg-1", "app", V, [rule("tcp", 22, 22, "198.51.100.0/24")])])),
      inventory(region(vpcs=[vpc(V, name="shop-prod", tags=PROD)],
                       security_groups=[sg("sg-1", "app", V, [rule("tcp", 22, 22, "sg-bastion"),
                                                               rule("tcp", 5432, 5432, "10.0.0.0/16")])])))

write("VPC-012",
      inventory(region(instances=[instance("i-bastion", "subnet-priv", V, ["sg-b"], name="bastion"),
                                  instance("i-app", "subnet-priv", V, ["sg-app"], name="app-1")])),
      inventory(region(instances=[instance("i-bastion", "subnet-mgmt", V, ["sg-b"], name="bastion"),
                                  instance("i-app", "subnet-priv", V, ["sg-app"], name="app-1")])))
print("fixtures written")
