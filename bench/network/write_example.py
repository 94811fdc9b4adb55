"""Writes examples/shopify-backend/network.json: the network part of the bundled example account.

A production VPC in us-east-1 (public, app, db, a mis-routed "private" legacy subnet, an integration
subnet behind the seed 000 deny-first NACL, a management subnet with an SSH-open bastion) and a
staging VPC in eu-west-1. Instances, RDS and Lambda functions are described in the identity-compute
part; here are their network interfaces. Run from the repository root."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from inv import *  # noqa: E402,F403

ACC = "123456789012"
E1, W1 = "us-east-1", "eu-west-1"
PROD, STG = "vpc-0a1b2c3d4e5f60001", "vpc-0a1b2c3d4e5f60002"


def n(prefix, k):
    return f"{prefix}-0a1b2c3d4e5f{k}"


def T(name, **tags):
    d = {"Name": name, "environment": "production", "service": "shop", "owner": "platform-team"}
    d.update(tags)
    return d


def S(name, **tags):
    d = {"Name": name, "environment": "staging", "service": "shop", "owner": "platform-team"}
    d.update(tags)
    return d


kw = dict(region=E1, account=ACC)
PUB_A, PUB_B = n("subnet", 61001), n("subnet", 61002)
APP_A, APP_B = n("subnet", 61011), n("subnet", 61012)
DB_A, DB_B = n("subnet", 61021), n("subnet", 61022)
LEGACY, INTEG, MGMT = n("subnet", 61031), n("subnet", 61041), n("subnet", 61051)
IGW, NAT, VPCE = n("igw", 62001), n("nat", 63001), n("vpce", 65001)
RTB_PUB, RTB_PRIV, RTB_DB = n("rtb", 64001), n("rtb", 64002), n("rtb", 64003)
S3_PL = "pl-63a5400a"
SG = {k: n("sg", 67000 + i) for i, k in enumerate(
    ["default", "alb", "app", "bastion", "orders_db", "legacy_mysql", "legacy_worker", "shopify_backend", "qa_open",
     "webhooks"])}

SHOPIFY = "23.227.38.0/23"
ADMIN_IP = "203.0.113.10/32"

seed_000 = [
    entry(100, False, "-1", "deny", "0.0.0.0/0"), entry(200, False, "6", "allow", SHOPIFY, 443, 443),
    entry(300, False, "6", "allow", ADMIN_IP, 22, 22), entry(400, False, "17", "allow", "0.0.0.0/0", 53, 53),
    entry(410, False, "6", "allow", "0.0.0.0/0", 1024, 65535), entry(32767, False, "-1", "deny", "0.0.0.0/0"),
    entry(100, True, "-1", "deny", "0.0.0.0/0"), entry(200, True, "6", "allow", SHOPIFY, 443, 443),
    entry(300, True, "6", "allow", SHOPIFY, 80, 80), entry(400, True, "17", "allow", "0.0.0.0/0", 53, 53),
    entry(410, True, "6", "allow", "0.0.0.0/0", 1024, 65535), entry(32767, True, "-1", "deny", "0.0.0.0/0"),
]
db_acl = [
    entry(100, False, "6", "allow", "10.10.10.0/23", 5432, 5432),
    entry(32767, False, "-1", "deny", "0.0.0.0/0"),
    # Replies only to app-a: app-b (10.10.11.0/24) was added later and never got its return rule.
    entry(100, True, "6", "allow", "10.10.10.0/24", 1024, 65535),
    entry(32767, True, "-1", "deny", "0.0.0.0/0"),
]


def vpc_t(vid, cidr, tags, region):
    v = vpc(vid, cidr, name=tags["Name"], tags=tags, region=region, account=ACC)
    return v


def sub(sid, vid, cidr, name, az, tagger, public=False, region=E1, **tags):
    return subnet(sid, vid, cidr, name=name, tags=tagger(name, **tags), public_ip=public, region=region, account=ACC,
                  az=az)


def sgt(key, name, ingress, egress=None, desc="", tagger=T, region=E1, vid=PROD, gid=None, **tags):
    g = sg(gid or SG[key], name, vid, ingress, egress, description=desc or name, region=region, account=ACC,
           tags=tagger(name, **tags))
    return g


def eni_t(eid, sid, vid, sgs, name, public=None, inst=None, private="10.10.0.10", kind="interface", desc="",
          region=E1, tags=None):
    e = eni(eid, sid, vid, sgs, public_ip=public, instance=inst, kind=kind, description=desc, private_ip=private,
            region=region, account=ACC)
    e["meta"]["name"] = name
    if tags:
        e["meta"]["tags"] = tags
    return e


east = region(
    E1,
    vpcs=[vpc_t(PROD, "10.10.0.0/16", T("shop-prod"), E1)],
    subnets=[
        sub(PUB_A, PROD, "10.10.0.0/24", "prod-public-a", "us-east-1a", T, public=True, tier="public"),
        sub(PUB_B, PROD, "10.10.1.0/24", "prod-public-b", "us-east-1b", T, public=True, tier="public"),
        sub(APP_A, PROD, "10.10.10.0/24", "prod-app-a", "us-east-1a", T, tier="app"),
        sub(APP_B, PROD, "10.10.11.0/24", "prod-app-b", "us-east-1b", T, tier="app"),
        sub(DB_A, PROD, "10.10.20.0/24", "prod-db-a", "us-east-1a", T, tier="db"),
        sub(DB_B, PROD, "10.10.21.0/24", "prod-db-b", "us-east-1b", T, tier="db"),
        sub(LEGACY, PROD, "10.10.30.0/24", "prod-legacy-private", "us-east-1a", T, tier="private"),
        sub(INTEG, PROD, "10.10.40.0/24", "prod-shopify-integration", "us-east-1a", T, tier="public"),
        sub(MGMT, PROD, "10.10.50.0/24", "prod-mgmt", "us-east-1a", T, public=True, tier="management"),
    ],
    internet_gateways=[igw(IGW, PROD, region=E1, account=ACC, name="shop-prod-igw")],
    nat_gateways=[nat(NAT, PROD, PUB_A, region=E1, account=ACC, name="shop-prod-nat-a")],
    route_tables=[
        rtb(RTB_PUB, PROD, [route("10.10.0.0/16", "local", "local"), route("0.0.0.0/0", "internet_gateway", IGW)],
            subnets=[PUB_A, PUB_B, LEGACY, INTEG, MGMT], name="prod-public", region=E1, account=ACC),
        rtb(RTB_PRIV, PROD, [route("10.10.0.0/16", "local", "local"), route("0.0.0.0/0", "nat_gateway", NAT),
                             route(S3_PL, "vpc_endpoint", VPCE)],
            subnets=[APP_A, APP_B], main=True, name="prod-private", region=E1, account=ACC),
        rtb(RTB_DB, PROD, [route("10.10.0.0/16", "local", "local"), route(S3_PL, "vpc_endpoint", VPCE)],
            subnets=[DB_A, DB_B], name="prod-db", region=E1, account=ACC),
    ],
    vpc_endpoints=[{"meta": meta("vpc-endpoint", VPCE, E1, ACC, "shop-prod-s3"), "id": VPCE, "vpc_id": PROD,
                    "service_name": "com.amazonaws.us-east-1.s3", "endpoint_type": "Gateway",
                    "route_table_ids": [RTB_PRIV, RTB_DB]}],
    network_acls=[
        nacl(n("acl", 66001), PROD, [PUB_A, PUB_B, APP_A, APP_B, LEGACY, MGMT], default_entries(), default=True,
             name="shop-prod-default", region=E1, account=ACC),
        nacl(n("acl", 66002), PROD, [DB_A, DB_B], db_acl, name="prod-db-acl", region=E1, account=ACC),
        nacl(n("acl", 66003), PROD, [INTEG], seed_000, name="shopify-backend-subnet-acl", region=E1, account=ACC),
    ],
    security_groups=[
        sgt("default", "default", [rule("-1", None, None, SG["default"])], desc="default VPC security group"),
        sgt("alb", "prod-storefront-alb",
            [rule("tcp", 443, 443, "0.0.0.0/0"), rule("tcp", 443, 443, "::/0"), rule("tcp", 80, 80, "0.0.0.0/0")],
            [rule("tcp", 8080, 8080, SG["app"])], desc="storefront load balancer"),
        sgt("app", "prod-storefront-app",
            [rule("tcp", 8080, 8080, SG["alb"], "from the ALB"), rule("tcp", 22, 22, SG["bastion"], "ssh from bastion")],
            desc="storefront application tier"),
        sgt("bastion", "prod-bastion", [rule("tcp", 22, 22, "0.0.0.0/0", "ssh from anywhere")],
            [rule("tcp", 22, 22, "10.10.0.0/16")], desc="bastion host", role="bastion"),
        sgt("orders_db", "prod-orders-db", [rule("tcp", 5432, 5432, SG["app"])], [], desc="orders database"),
        sgt("legacy_mysql", "legacy-mysql", [rule("tcp", 3306, 3306, "0.0.0.0/0", "temporary: vendor access")],
            desc="legacy MySQL"),
        sgt("legacy_worker", "legacy-order-worker",
            [rule("tcp", 22, 22, "0.0.0.0/0"), rule("tcp", 22, 22, ADMIN_IP, "admin"),
             rule("tcp", 8000, 9999, "0.0.0.0/0", "worker admin UI and metrics")],
            desc="legacy order worker"),
        # The seed 000 "Shopify backend server" group, as written there.
        sgt("shopify_backend", "shopify-backend-server",
            [rule("tcp", 443, 443, SHOPIFY, "HTTPS from Shopify"), rule("tcp", 22, 22, SG["bastion"], "SSH from bastion")],
            [rule("tcp", 443, 443, "0.0.0.0/0", "Shopify API"), rule("udp", 53, 53, "0.0.0.0/0", "DNS")],
            desc="Shopify backend server (seed 000)"),
        # A forgotten temporary group: open to the world and without an owner tag (TAG-002).
        sgt("qa_open", "qa-temp-open", [rule("-1", None, None, "0.0.0.0/0")], desc="temporary QA access",
            tagger=lambda n, **t: {k: v for k, v in T(n, **t).items() if k != "owner"}),
        sgt("webhooks", "shop-webhooks-lambda", [], [rule("tcp", 443, 443, "0.0.0.0/0")], desc="webhooks Lambda"),
    ],
    network_interfaces=[
        eni_t(n("eni", 68001), APP_A, PROD, [SG["app"]], "storefront-web-1 primary", inst="i-0a1f3c5e7b9d20001",
              private="10.10.10.21"),
        eni_t(n("eni", 68002), LEGACY, PROD, [SG["legacy_worker"]], "legacy-order-worker primary",
              public="3.215.80.44", inst="i-0a1f3c5e7b9d20002", private="10.10.30.12"),
        eni_t(n("eni", 68003), MGMT, PROD, [SG["bastion"]], "prod-bastion", public="3.215.80.10",
              inst="i-0a1f3c5e7b9d2000b", private="10.10.50.5", tags=T("prod-bastion", role="bastion")),
        eni_t(n("eni", 68004), PUB_A, PROD, [SG["alb"]], "ELB shop-storefront-alb (a)", public="3.215.80.20",
              desc="ELB app/shop-storefront-alb/5f2c1a9e0b7d4c31", private="10.10.0.31"),
        eni_t(n("eni", 68005), PUB_B, PROD, [SG["alb"]], "ELB shop-storefront-alb (b)", public="3.215.80.21",
              desc="ELB app/shop-storefront-alb/5f2c1a9e0b7d4c31", private="10.10.1.31"),
        eni_t(n("eni", 68006), DB_A, PROD, [SG["orders_db"]], "RDS shop-orders", desc="RDSNetworkInterface",
              kind="interface", private="10.10.20.15"),
        eni_t(n("eni", 68007), LEGACY, PROD, [SG["legacy_mysql"]], "RDS shop-legacy-mysql", public="3.215.80.30",
              desc="RDSNetworkInterface", private="10.10.30.40"),
        eni_t(n("eni", 68008), APP_B, PROD, [SG["webhooks"]], "Lambda shop-webhooks", kind="lambda",
              desc="AWS Lambda VPC ENI-shop-webhooks-6c1d2e3f", private="10.10.11.77"),
        eni_t(n("eni", 68009), INTEG, PROD, [SG["shopify_backend"]], "shopify-sync", public="3.215.80.50",
              inst="i-0a1f3c5e7b9d2000c", private="10.10.40.8", tags=T("shopify-sync", role="integration")),
    ],
)

# ---------------------------------------------------------------- eu-west-1: staging
SPUB, SPRIV = "subnet-0a1b2c3d4e5f71001", "subnet-0a1b2c3d4e5f71011"
SIGW, SRTB_PUB, SRTB_PRIV = "igw-0a1b2c3d4e5f72001", "rtb-0a1b2c3d4e5f74001", "rtb-0a1b2c3d4e5f74002"
SSG = {"default": "sg-0a1b2c3d4e5f77000", "web": "sg-0a1b2c3d4e5f77001", "jump": "sg-0a1b2c3d4e5f77002"}
OFFICE = "198.51.100.0/24"
west = region(
    W1,
    vpcs=[vpc_t(STG, "10.20.0.0/16", S("shop-staging"), W1)],
    subnets=[sub(SPUB, STG, "10.20.0.0/24", "staging-public-a", "eu-west-1a", S, public=True, region=W1, tier="public"),
             sub(SPRIV, STG, "10.20.10.0/24", "staging-private-a", "eu-west-1a", S, region=W1, tier="private")],
    internet_gateways=[igw(SIGW, STG, region=W1, account=ACC, name="shop-staging-igw")],
    route_tables=[
        rtb(SRTB_PUB, STG, [route("10.20.0.0/16", "local", "local"), route("0.0.0.0/0", "internet_gateway", SIGW)],
            subnets=[SPUB], name="staging-public", region=W1, account=ACC),
        rtb(SRTB_PRIV, STG, [route("10.20.0.0/16", "local", "local")], main=True, name="staging-private",
            region=W1, account=ACC),
    ],
    network_acls=[nacl("acl-0a1b2c3d4e5f76001", STG, [SPUB, SPRIV], default_entries(), default=True,
                       name="shop-staging-default", region=W1, account=ACC)],
    security_groups=[
        sgt(None, "default", [], [], desc="default VPC security group", tagger=S, region=W1, vid=STG,
            gid=SSG["default"]),
        sgt(None, "staging-web", [rule("tcp", 443, 443, "0.0.0.0/0"), rule("tcp", 22, 22, OFFICE, "office")],
            desc="staging storefront", tagger=S, region=W1, vid=STG, gid=SSG["web"]),
        sgt(None, "staging-jump", [rule("tcp", 22, 22, OFFICE, "office")], [rule("tcp", 22, 22, "10.20.0.0/16")],
            desc="staging jump host", tagger=S, region=W1, vid=STG, gid=SSG["jump"], role="jump"),
    ],
    network_interfaces=[
        eni_t("eni-0a1b2c3d4e5f78001", SPUB, STG, [SSG["web"]], "storefront-web-eu-1 primary", public="34.240.12.8",
              inst="i-0b2e4d6f8a0c30001", private="10.20.0.21", region=W1),
        eni_t("eni-0a1b2c3d4e5f78002", SPUB, STG, [SSG["jump"]], "staging-jumpbox", public="34.240.12.9",
              inst="i-0b2e4d6f8a0c3000b", private="10.20.0.5", region=W1, tags=S("staging-jumpbox", role="jump")),
    ],
)

snapshot = {
    "format": "rampart-snapshot",
    "version": 1,
    "created_by": "hand-written",
    "inventory": {
        "collected_at": "2026-11-01T00:00:00Z",
        "inputs": [{"kind": "snapshot", "source": "examples/shopify-backend/network.json"}],
        "accounts": [{"id": ACC, "regions": [east, west]}],
    },
}
with open("examples/shopify-backend/network.json", "w") as f:
    json.dump(snapshot, f, indent=1)
    f.write("\n")
print("wrote examples/shopify-backend/network.json")
