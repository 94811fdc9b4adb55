"""Generates a synthetic VPC estate as a rampart snapshot, for the network benchmark.

At scale 1: 10,000 security groups (50,000 rules), 1,000 network ACLs (one per subnet, ~12
entries each, some deny-first or shadowed), 20,000 network interfaces (a third with public
addresses), 200 route tables, 100 VPCs; plus 100 load balancers and 200 DB instances. Everything
sits in one region (the worst case for per-region indexes). Deterministic for a given scale.

usage: gen_estate.py SCALE OUT.json      (SCALE: 1, 0.1, 0.01, 0.001)"""

import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))
from inv import *  # noqa: E402,F403

ACC = "210987654321"
R = "us-east-1"


def main():
    scale = float(sys.argv[1])
    out = sys.argv[2]
    rnd = random.Random(42)
    n_sg = max(10, int(10_000 * scale))
    n_acl = max(1, int(1_000 * scale))
    n_eni = max(20, int(20_000 * scale))
    n_vpc = max(1, int(100 * scale))
    subnets_per_vpc = max(1, n_acl // n_vpc)
    sgs_per_vpc = max(1, n_sg // n_vpc)
    enis_per_vpc = max(1, n_eni // n_vpc)

    vpcs, subnets, tables, igws, nats, acls, groups, enis, lbs, dbs = ([] for _ in range(10))
    for v in range(n_vpc):
        vid = f"vpc-{v:017x}"
        second = v % 250
        base = f"10.{second}"
        vpcs.append(vpc(vid, f"{base}.0.0/16", name=f"vpc-{v}", region=R, account=ACC,
                        tags={"environment": "production" if v % 3 == 0 else "staging"}))
        gw = f"igw-{v:017x}"
        igws.append(igw(gw, vid, region=R, account=ACC))
        sids = [f"subnet-{v:08x}{s:09x}" for s in range(subnets_per_vpc)]
        public = sids[: max(1, len(sids) // 3)]
        for s, sid in enumerate(sids):
            kind = "public" if sid in public else ("db" if s % 3 == 2 else "app")
            subnets.append(subnet(sid, vid, f"{base}.{s % 256}.0/24", name=f"{kind}-{s}", region=R, account=ACC,
                                  public_ip=kind == "public", tags={"tier": kind}))
        natid = f"nat-{v:017x}"
        nats.append(nat(natid, vid, public[0], region=R, account=ACC))
        tables.append(rtb(f"rtb-{v:08x}000000001", vid, [route(f"{base}.0.0/16", "local", "local"),
                                                          route("0.0.0.0/0", "internet_gateway", gw),
                                                          route("::/0", "internet_gateway", gw)],
                          subnets=public, region=R, account=ACC))
        tables.append(rtb(f"rtb-{v:08x}000000002", vid, [route(f"{base}.0.0/16", "local", "local"),
                                                          route("0.0.0.0/0", "nat_gateway", natid),
                                                          route("pl-63a5400a", "vpc_endpoint", f"vpce-{v:017x}")],
                          main=True, region=R, account=ACC))
        for s, sid in enumerate(sids):
            entries = []
            if rnd.random() < 0.05:
                entries.append(entry(50, False, "-1", "deny", "0.0.0.0/0"))  # the seed 000 mistake
            entries += [
                entry(100, False, "6", "allow", "0.0.0.0/0", 443, 443),
                entry(110, False, "6", "allow", "0.0.0.0/0", 80, 80),
                entry(120, False, "6", rnd.choice(["allow", "deny"]), f"203.0.{rnd.randrange(256)}.0/24", 22, 22),
                entry(130, False, "6", "allow", f"{base}.0.0/16", 0, 65535),
                entry(140, False, "6", "allow", "0.0.0.0/0", 1024, 65535),
                entry(150, False, "17", "allow", "0.0.0.0/0", 1024, 65535),
                entry(200, False, "6", "allow", "0.0.0.0/0", 443, 443),  # shadowed by 100
                entry(32767, False, "-1", "deny", "0.0.0.0/0"),
                entry(100, True, "6", "allow", "0.0.0.0/0", 443, 443),
                entry(110, True, "6", "allow", "0.0.0.0/0", 1024, 65535),
                entry(120, True, "-1", "allow", f"{base}.0.0/16"),
                entry(32767, True, "-1", "deny", "0.0.0.0/0"),
            ]
            acls.append(nacl(f"acl-{v:08x}{s:09x}", vid, [sid], entries, region=R, account=ACC))
        gids = [f"sg-{v:08x}{g:09x}" for g in range(sgs_per_vpc)]
        for g, gid in enumerate(gids):
            peer_sg = gids[rnd.randrange(len(gids))]
            menu = [
                rule("tcp", 443, 443, "0.0.0.0/0"), rule("tcp", 443, 443, "::/0"), rule("tcp", 80, 80, "0.0.0.0/0"),
                rule("tcp", 22, 22, f"203.0.{rnd.randrange(256)}.{rnd.randrange(256)}/32"),
                rule("tcp", 8080, 8080, peer_sg), rule("tcp", 5432, 5432, peer_sg),
                rule("tcp", 3306, 3306, f"{base}.0.0/16"), rule("udp", 53, 53, f"{base}.0.2/32"),
                rule("icmp", 8, -1, "0.0.0.0/0"), rule("tcp", 1000 + g % 50, 2000 + g % 50, "10.0.0.0/8"),
            ]
            ingress = rnd.sample(menu, 5)
            if rnd.random() < 0.02:
                ingress[0] = rule("tcp", 22, 22, "0.0.0.0/0")
            if rnd.random() < 0.01:
                ingress[1] = rule("-1", None, None, "0.0.0.0/0")
            name = "default" if g == 0 else f"sg-{v}-{g}"
            groups.append(sg(gid, name, vid, ingress, region=R, account=ACC))
        vsubnets = [s for s in subnets if s["vpc_id"] == vid]
        for e in range(enis_per_vpc):
            sub = vsubnets[rnd.randrange(len(vsubnets))]
            is_public = sub["map_public_ip_on_launch"] and rnd.random() < 0.9
            eid = f"eni-{v:08x}{e:09x}"
            k = rnd.randrange(1, 4)
            enis.append(eni(eid, sub["id"], vid, rnd.sample(gids, min(k, len(gids))),
                            public_ip=f"54.{v % 256}.{e // 256 % 256}.{e % 256}" if is_public else None,
                            instance=f"i-{v:08x}{e:09x}", private_ip=f"{base}.{e // 256 % 256}.{e % 256}",
                            region=R, account=ACC))
        for i in range(max(1, round(100 * scale / n_vpc))):
            lbs.append(lb(f"lb-{v}-{i}", vid, public[:2], [gids[rnd.randrange(len(gids))]],
                          listeners=((443, "HTTPS"), (80, "HTTP")), region=R, account=ACC))
        for i in range(max(1, round(200 * scale / n_vpc))):
            dsub = [s["id"] for s in vsubnets if s["meta"]["tags"]["tier"] == "db"] or [vsubnets[-1]["id"]]
            dbs.append(db(f"db-{v}-{i}", vid, dsub, [gids[rnd.randrange(len(gids))]], public=rnd.random() < 0.05,
                          region=R, account=ACC))

    inventory = {
        "collected_at": "2026-11-01T00:00:00Z",
        "accounts": [{"id": ACC, "regions": [region(R, vpcs=vpcs, subnets=subnets, route_tables=tables,
                                                      internet_gateways=igws, nat_gateways=nats, network_acls=acls,
                                                      security_groups=groups, network_interfaces=enis,
                                                      load_balancers=lbs, db_instances=dbs)]}],
    }
    snap = {"format": "rampart-snapshot", "version": 1, "created_by": "bench/network/gen_estate.py",
            "inventory": inventory}
    with open(out, "w") as f:
        json.dump(snap, f, separators=(",", ":"))
    rules = sum(len(g["ingress"]) + len(g["egress"]) for g in groups)
    print(f"scale {scale}: {len(groups)} security groups ({rules} rules), {len(acls)} NACLs, {len(enis)} interfaces, "
          f"{len(subnets)} subnets, {len(tables)} route tables, {len(lbs)} load balancers, {len(dbs)} DB instances "
          f"-> {out} ({os.path.getsize(out) // 1024} KiB)")


main()
