"""Small builders for Inventory JSON (the snapshot's `inventory` object), shared by the fixture
writer and the estate generator. Field names follow crates/model."""

ACCOUNT = "111122223333"


def meta(kind, rid, region="us-east-1", account=ACCOUNT, name=None, tags=None):
    m = {"arn": f"arn:aws:ec2:{region}:{account}:{kind}/{rid}", "name": name or rid}
    if tags:
        m["tags"] = tags
    return m


def vpc(vid, cidr="10.0.0.0/16", name=None, tags=None, region="us-east-1", account=ACCOUNT):
    return {"meta": meta("vpc", vid, region, account, name, tags), "id": vid, "cidr_blocks": [cidr]}


def subnet(sid, vid, cidr, name=None, tags=None, public_ip=False, region="us-east-1", account=ACCOUNT, az=None):
    s = {"meta": meta("subnet", sid, region, account, name, tags), "id": sid, "vpc_id": vid, "cidr": cidr,
         "map_public_ip_on_launch": public_ip}
    if az:
        s["availability_zone"] = az
    return s


def route(dest, kind, target, blackhole=False):
    r = {"destination": dest, "target_kind": kind, "target": target}
    if blackhole:
        r["blackhole"] = True
    return r


def rtb(rid, vid, routes, subnets=(), main=False, name=None, region="us-east-1", account=ACCOUNT):
    return {"meta": meta("route-table", rid, region, account, name), "id": rid, "vpc_id": vid, "main": main,
            "subnet_ids": list(subnets), "routes": routes}


def igw(gid, vid, region="us-east-1", account=ACCOUNT, name=None):
    return {"meta": meta("internet-gateway", gid, region, account, name), "id": gid, "vpc_ids": [vid]}


def nat(nid, vid, sid, region="us-east-1", account=ACCOUNT, name=None):
    return {"meta": meta("natgateway", nid, region, account, name), "id": nid, "vpc_id": vid, "subnet_id": sid}


def peer(value):
    if value.startswith("sg-"):
        return {"kind": "security_group", "value": value}
    if value.startswith("pl-"):
        return {"kind": "prefix_list", "value": value}
    if ":" in value:
        return {"kind": "cidr6", "value": value}
    return {"kind": "cidr4", "value": value}


def rule(proto, frm, to, source, description=None):
    r = {"protocol": proto, "peer": peer(source)}
    if frm is not None:
        r["from_port"] = frm
        r["to_port"] = to
    if description:
        r["description"] = description
    return r


ALL_OUT = [rule("-1", None, None, "0.0.0.0/0")]


def sg(gid, name, vid, ingress=(), egress=None, description="", tags=None, region="us-east-1", account=ACCOUNT):
    return {"meta": meta("security-group", gid, region, account, name, tags), "id": gid, "group_name": name,
            "description": description or name, "vpc_id": vid, "ingress": list(ingress),
            "egress": list(ALL_OUT if egress is None else egress)}


def entry(n, egress, proto, action, cidr, frm=None, to=None):
    e = {"rule_number": n, "egress": egress, "protocol": proto, "action": action}
    if ":" in cidr:
        e["ipv6_cidr"] = cidr
    else:
        e["cidr"] = cidr
    if frm is not None:
        e["from_port"] = frm
        e["to_port"] = to
    return e


def default_entries():
    return [entry(100, False, "-1", "allow", "0.0.0.0/0"), entry(32767, False, "-1", "deny", "0.0.0.0/0"),
            entry(100, True, "-1", "allow", "0.0.0.0/0"), entry(32767, True, "-1", "deny", "0.0.0.0/0")]


def nacl(aid, vid, subnets, entries, default=False, name=None, region="us-east-1", account=ACCOUNT):
    return {"meta": meta("network-acl", aid, region, account, name), "id": aid, "vpc_id": vid,
            "is_default": default, "subnet_ids": list(subnets), "entries": entries}


def eni(eid, sid, vid, sgs, public_ip=None, instance=None, kind="interface", description="", private_ip="10.0.1.10",
        region="us-east-1", account=ACCOUNT, ipv6=()):
    e = {"meta": meta("network-interface", eid, region, account), "id": eid, "subnet_id": sid, "vpc_id": vid,
         "security_groups": list(sgs), "private_ips": [private_ip], "interface_type": kind, "description": description}
    if public_ip:
        e["public_ip"] = public_ip
    if instance:
        e["instance_id"] = instance
    if ipv6:
        e["ipv6_addresses"] = list(ipv6)
    return e


def instance(iid, sid, vid, sgs, public_ip=None, enis=(), name=None, tags=None, state="running",
             region="us-east-1", account=ACCOUNT):
    i = {"meta": meta("instance", iid, region, account, name, tags), "id": iid, "state": state, "vpc_id": vid,
         "subnet_id": sid, "security_groups": list(sgs), "network_interfaces": list(enis)}
    if public_ip:
        i["public_ip"] = public_ip
    return i


def lb(name, vid, subnets, sgs, listeners=((443, "HTTPS"),), internet_facing=True, kind="application",
       region="us-east-1", account=ACCOUNT):
    return {"meta": {"arn": f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/0123456789abcdef",
                     "name": name},
            "kind": kind, "internet_facing": internet_facing, "vpc_id": vid, "subnet_ids": list(subnets),
            "security_groups": list(sgs), "listeners": [{"port": p, "protocol": pr} for p, pr in listeners]}


def db(did, vid, subnets, sgs, port=5432, public=False, engine="postgres", region="us-east-1", account=ACCOUNT):
    return {"meta": {"arn": f"arn:aws:rds:{region}:{account}:db:{did}", "name": did}, "id": did, "engine": engine,
            "storage_encrypted": True, "publicly_accessible": public, "vpc_id": vid, "subnet_ids": list(subnets),
            "security_groups": list(sgs), "port": port}


def inventory(region, account=ACCOUNT, buckets=None):
    acc = {"id": account, "regions": [region]}
    if buckets is not None:
        acc["buckets"] = buckets
    return {"collected_at": "2026-11-01T00:00:00Z", "accounts": [acc]}


def region(name="us-east-1", **lists):
    r = {"name": name}
    r.update({k: v for k, v in lists.items() if v})
    return r
