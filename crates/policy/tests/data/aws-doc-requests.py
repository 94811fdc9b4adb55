#!/usr/bin/env python3
"""Writes aws-doc-requests.json: the request table of issue 14, one row per documented rule.

Each row is a request of the batch contract (docs/policy-eval.md) whose `id` carries the row's
name, the AWS documentation page it is written from, and the expected `decision` and
`blocked_by`. The file is itself a batch: `rampart policy eval --requests aws-doc-requests.json
--format json` decides it, and tests/aws_doc_table.rs compares each answer with its id.
Run: python3 aws-doc-requests.py > aws-doc-requests.json
"""
import json

A, B, M = "111111111111", "222222222222", "999999999999"
ALICE = f"arn:aws:iam::{A}:user/alice"
BOB = f"arn:aws:iam::{A}:user/bob"
ROLE = f"arn:aws:iam::{A}:role/app"
ROLE_PATH = f"arn:aws:iam::{A}:role/team/app"
SESSION = f"arn:aws:sts::{A}:assumed-role/app/s1"
CAROL = f"arn:aws:iam::{B}:user/carol"
B_SESSION = f"arn:aws:sts::{B}:assumed-role/ops/s2"
B_ROLE = f"arn:aws:iam::{B}:role/ops"
ROOT_A = f"arn:aws:iam::{A}:root"
ROOT_B = f"arn:aws:iam::{B}:root"
FED = f"arn:aws:sts::{A}:federated-user/dana"
SLR_SESSION = f"arn:aws:sts::{A}:assumed-role/AWSServiceRoleForECS/ecs"
MGMT_USER = f"arn:aws:iam::{M}:user/admin"
OBJ = "arn:aws:s3:::shop/k"
KEY = f"arn:aws:kms:eu-west-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TARGET = f"arn:aws:iam::{A}:role/target"
QUEUE = f"arn:aws:sqs:eu-west-1:{A}:orders"
INSTANCE = f"arn:aws:ec2:eu-west-1:{A}:instance/i-0abc"

EVAL = "IAM User Guide: Policy evaluation logic"
SINGLE = "IAM User Guide: Policy evaluation for requests within a single account"
CROSS = "IAM User Guide: Cross-account policy evaluation logic"
BOUND = "IAM User Guide: Permissions boundaries for IAM entities"
SESS = "IAM User Guide: Policies and permissions in IAM, Session policies"
SCP = "AWS Organizations User Guide: SCP evaluation / Service control policies"
RCP = "AWS Organizations User Guide: Resource control policies (RCPs)"
VPCE = "AWS PrivateLink Guide: Control access to VPC endpoints using endpoint policies"
KMS = "AWS KMS Developer Guide: Key policies in AWS KMS"
TRUST = "IAM User Guide: IAM roles, trust policies; STS AssumeRole"
OPS = "IAM User Guide: IAM JSON policy elements: Condition operators"
VARS = "IAM User Guide: IAM policy elements: Variables and tags"
ACTION = "IAM User Guide: IAM JSON policy elements: Action / NotAction"
RES = "IAM User Guide: IAM JSON policy elements: Resource / NotResource"
PRIN = "IAM User Guide: AWS JSON policy elements: Principal"
NOTP = "IAM User Guide: AWS JSON policy elements: NotPrincipal"
VER = "IAM User Guide: IAM JSON policy elements: Version"
KEYS = "IAM User Guide: AWS global condition context keys"
FACTS = "IAM User Guide: AWS managed policies; Service-linked roles; KMS: Aliases; STS GetCallerIdentity"
COND = "IAM User Guide: IAM JSON policy elements: Condition (multiple keys and values)"

def st(effect, action, resource="*", principal=None, condition=None, sid=None, not_action=False,
       not_resource=False, not_principal=False):
    s = {}
    if sid:
        s["Sid"] = sid
    s["Effect"] = effect
    if principal is not None:
        s["NotPrincipal" if not_principal else "Principal"] = principal
    s["NotAction" if not_action else "Action"] = action
    if resource is not None:
        s["NotResource" if not_resource else "Resource"] = resource
    if condition:
        s["Condition"] = condition
    return s

def doc(*stmts, version="2012-10-17"):
    d = {}
    if version:
        d["Version"] = version
    d["Statement"] = list(stmts)
    return d

def allow(action, resource="*", **kw):
    return doc(st("Allow", action, resource, sid=kw.pop("sid", "Allow"), **kw))

def deny(action, resource="*", **kw):
    return doc(st("Deny", action, resource, sid=kw.pop("sid", "Deny"), **kw))

def grant(principal, action, resource="*", **kw):
    return doc(st("Allow", action, resource, principal=principal, sid=kw.pop("sid", "Grant"), **kw))

def refuse(principal, action, resource="*", **kw):
    return doc(st("Deny", action, resource, principal=principal, sid=kw.pop("sid", "Refuse"), **kw))

POLICIES = {
    "get-shop": allow("s3:GetObject", "arn:aws:s3:::shop/*", sid="GetShop"),
    "all": allow("*", "*", sid="All"),
    "deny-all": deny("*", "*", sid="DenyAll"),
    "bnd-ec2": allow("ec2:*", "*", sid="Ec2Only"),
    "bnd-s3": allow("s3:*", "*", sid="S3Only"),
    "rp-alice": grant({"AWS": ALICE}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="Alice"),
    "rp-account-a": grant({"AWS": A}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="AccountA"),
    "rp-root-a": grant({"AWS": ROOT_A}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="RootA"),
    "rp-role": grant({"AWS": ROLE}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="Role"),
    "rp-role-path": grant({"AWS": ROLE_PATH}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="RolePath"),
    "rp-session": grant({"AWS": SESSION}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="Session"),
    "rp-star": grant("*", "s3:GetObject", "arn:aws:s3:::shop/*", sid="Everyone"),
    "rp-aws-star": grant({"AWS": "*"}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="AwsStar"),
    "rp-account-b": grant({"AWS": B}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="AccountB"),
    "rp-root-b": grant({"AWS": ROOT_B}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="RootB"),
    "rp-carol": grant({"AWS": CAROL}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="Carol"),
    "rp-b-session": grant({"AWS": B_SESSION}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="BSession"),
    "rp-b-role": grant({"AWS": B_ROLE}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="BRole"),
    "rp-fed": grant({"AWS": FED}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="Fed"),
    "rp-cloudtrail": grant({"Service": "cloudtrail.amazonaws.com"}, "s3:PutObject", "arn:aws:s3:::shop/*", sid="Trail"),
    "rp-deny-account-a": refuse({"AWS": A}, "s3:GetObject", "arn:aws:s3:::shop/*", sid="NoAccountA"),
    "rp-deny-star": refuse("*", "s3:GetObject", "arn:aws:s3:::shop/*", sid="NoOne"),
    "scp-full": allow("*", "*", sid="FullAWSAccess"),
    "scp-deny-s3": deny("s3:*", "*", sid="NoS3"),
    "scp-ec2": allow("ec2:*", "*", sid="Ec2"),
    "rcp-full": grant("*", "*", "*", sid="RCPFullAWSAccess"),
    "rcp-deny-outside": refuse("*", ["s3:*", "sqs:*", "kms:*"], "*", sid="OrgOnly",
        condition={"StringNotEqualsIfExists": {"aws:PrincipalAccount": [A, B]},
                   "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}),
    "rcp-deny-all": refuse("*", "*", "*", sid="RcpDenyAll"),
    "vpce-shop": grant("*", "s3:GetObject", "arn:aws:s3:::shop/*", sid="ShopOnly"),
    "key-root-a": grant({"AWS": ROOT_A}, "kms:*", "*", sid="EnableIAM"),
    "key-alice": grant({"AWS": ALICE}, "kms:Decrypt", "*", sid="AliceDecrypt"),
    "key-carol": grant({"AWS": CAROL}, "kms:Decrypt", "*", sid="CarolDecrypt"),
    "key-root-b": grant({"AWS": ROOT_B}, "kms:Decrypt", "*", sid="AccountBDecrypt"),
    "id-kms": allow("kms:Decrypt", "*", sid="IdDecrypt"),
    "trust-alice": doc(st("Allow", "sts:AssumeRole", None, principal={"AWS": ALICE}, sid="TrustAlice")),
    "trust-account-a": doc(st("Allow", "sts:AssumeRole", None, principal={"AWS": A}, sid="TrustAccount")),
    "trust-account-b": doc(st("Allow", "sts:AssumeRole", None, principal={"AWS": ROOT_B}, sid="TrustB")),
    "trust-ec2": doc(st("Allow", "sts:AssumeRole", None, principal={"Service": "ec2.amazonaws.com"}, sid="TrustEc2")),
    "trust-saml": doc(st("Allow", "sts:AssumeRoleWithSAML", None,
        principal={"Federated": f"arn:aws:iam::{A}:saml-provider/corp"}, sid="TrustSaml",
        condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}})),
    "id-assume": allow("sts:AssumeRole", TARGET, sid="IdAssume"),
}

def ref(name):
    return {"ref": name}

rows = []

ABSENT = object()  # a request without `principal`: an IAM principal not named

def row(name, page, decision, blocked, **req):
    req.setdefault("principal", ALICE)
    if req["principal"] is ABSENT:
        del req["principal"]
    req.setdefault("action", "s3:GetObject")
    req.setdefault("resource", OBJ)
    req.setdefault("resource_account", A)
    out = {"id": {"row": name, "doc": page, "decision": decision, "blocked_by": blocked}}
    out.update(req)
    rows.append(out)

# An identity policy with one condition, for the operator rows.
def cond(op, key, value, effect="Allow", action="s3:GetObject"):
    return [doc(st(effect, action, "*", sid="Cond", condition={op: {key: value}}))]

def op_row(name, op, key, pvalue, context, decision, page=OPS):
    row(name, page, decision, [] if decision == "allow" else ["identity"],
        identity=cond(op, key, pvalue), context=context)

ID = [ref("get-shop")]

# ---------------------------------------------------------------- evaluation basics
row("default deny: no policy at all", EVAL, "implicit_deny", ["identity"])
row("identity Allow suffices in one account", SINGLE, "allow", [], identity=ID)
row("explicit Deny in the same identity policy overrides its Allow", EVAL, "explicit_deny", ["identity"],
    identity=[doc(st("Allow", "s3:*", "*", sid="A"), st("Deny", "s3:GetObject", OBJ, sid="D"))])
row("explicit Deny in a second identity policy (a group's) overrides", EVAL, "explicit_deny", ["identity"],
    identity=[ref("all"), ref("deny-all")])
row("a Deny whose condition does not hold does not deny", EVAL, "allow", [],
    identity=[ref("all"), doc(st("Deny", "*", "*", sid="D", condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))],
    context={"aws:MultiFactorAuthPresent": "true"})
row("a Deny for another action does not deny", EVAL, "allow", [], identity=[ref("all"), deny("s3:PutObject")])
row("a Deny for another resource does not deny", EVAL, "allow", [], identity=[ref("all"), deny("s3:*", "arn:aws:s3:::other/*")])
row("Allow for another action: implicit deny", EVAL, "implicit_deny", ["identity"], identity=[allow("s3:PutObject", "*")])
row("resource-policy Deny overrides an identity Allow", EVAL, "explicit_deny", ["resource"],
    identity=[ref("all")], resource_policy=ref("rp-deny-star"))
row("identity Deny and resource Deny both reported", EVAL, "explicit_deny", ["identity", "resource"],
    identity=[ref("deny-all")], resource_policy=ref("rp-deny-star"))
row("resource-policy Deny naming the account applies to its users", PRIN, "explicit_deny", ["resource"],
    identity=[ref("all")], resource_policy=ref("rp-deny-account-a"))

# ---------------------------------------------------------------- actions
row("action names are case-insensitive (request)", ACTION, "allow", [], identity=ID, action="S3:GETOBJECT")
row("action names are case-insensitive (policy)", ACTION, "allow", [], identity=[allow("S3:getobject", "arn:aws:s3:::shop/*")])
row("`*` in an action matches any run", ACTION, "allow", [], identity=[allow("s3:Get*", "*")], action="s3:GetObjectAcl")
row("`*` in the middle of an action", ACTION, "allow", [], identity=[allow("s3:*Object", "*")], action="s3:PutObject")
row("`?` in an action matches one character", ACTION, "allow", [], identity=[allow("s3:?etObject", "*")])
row("`?` does not match two characters", ACTION, "implicit_deny", ["identity"], identity=[allow("s3:?tObject", "*")])
row("an action prefix does not match another service", ACTION, "implicit_deny", ["identity"],
    identity=[allow("s3:*", "*")], action="s3express:CreateSession", resource="*")
row("`*` alone matches every action", ACTION, "allow", [], identity=[allow("*", "*")], action="dynamodb:Query", resource="*")
row("NotAction with Allow allows every other action", ACTION, "allow", [],
    identity=[allow("iam:*", "*", not_action=True)])
row("NotAction with Allow does not allow the listed actions", ACTION, "implicit_deny", ["identity"],
    identity=[allow("iam:*", "*", not_action=True)], action="iam:CreateUser", resource="*")
row("NotAction with Deny denies every other action", ACTION, "explicit_deny", ["identity"],
    identity=[ref("all"), deny("iam:*", "*", not_action=True)])
row("NotAction with Deny spares the listed actions", ACTION, "allow", [],
    identity=[ref("all"), deny("s3:Get*", "*", not_action=True)])
row("NotAction is case-insensitive too", ACTION, "allow", [],
    identity=[ref("all"), deny("S3:GETOBJECT", "*", not_action=True)])

# ---------------------------------------------------------------- resources
row("resource ARNs are case-sensitive", RES, "implicit_deny", ["identity"], identity=[allow("s3:GetObject", "arn:aws:s3:::Shop/*")])
row("`*` in a resource crosses `/`", RES, "allow", [], identity=ID, resource="arn:aws:s3:::shop/a/b/c.txt")
row("`?` in a resource matches one character", RES, "allow", [], identity=[allow("s3:GetObject", "arn:aws:s3:::sho?/k")])
row("`?` does not match an empty run", RES, "implicit_deny", ["identity"], identity=[allow("s3:GetObject", "arn:aws:s3:::shop?/k")])
row("`*` in the region and account segments", RES, "allow", [],
    identity=[allow("ec2:StopInstances", "arn:aws:ec2:*:*:instance/*")], action="ec2:StopInstances", resource=INSTANCE)
row("a segment pattern does not match another segment's value", RES, "implicit_deny", ["identity"],
    identity=[allow("ec2:StopInstances", "arn:aws:ec2:us-*:*:instance/*")], action="ec2:StopInstances", resource=INSTANCE)
row("a trailing `*` of a segment matches beyond the colons", RES, "allow", [],
    identity=[allow("ec2:StopInstances", "arn:aws:ec2:*")], action="ec2:StopInstances", resource=INSTANCE)
row("a trailing `*` of the account segment matches the resource too", RES, "allow", [],
    identity=[allow("sqs:SendMessage", f"arn:aws:sqs:eu-west-1:{A}*")], action="sqs:SendMessage", resource=QUEUE)
row("an ARN pattern with fewer segments and no trailing `*` does not match", RES, "implicit_deny", ["identity"],
    identity=[allow("sqs:SendMessage", "arn:aws:sqs:eu-west-1")], action="sqs:SendMessage", resource=QUEUE)
row("the partition must match", RES, "implicit_deny", ["identity"],
    identity=[allow("s3:GetObject", "arn:aws-cn:s3:::shop/*")])
row("Resource `*` covers actions without resource types", RES, "allow", [],
    identity=[allow("ec2:DescribeInstances", "*")], action="ec2:DescribeInstances", resource="*")
row("a resource ARN does not cover a request for `*`", RES, "implicit_deny", ["identity"],
    identity=[allow("ec2:DescribeInstances", INSTANCE)], action="ec2:DescribeInstances", resource="*")
row("NotResource with Allow allows other resources", RES, "allow", [],
    identity=[allow("s3:GetObject", "arn:aws:s3:::secret/*", not_resource=True)])
row("NotResource with Allow does not allow the listed ones", RES, "implicit_deny", ["identity"],
    identity=[allow("s3:GetObject", "arn:aws:s3:::shop/*", not_resource=True)])
row("NotResource with Deny denies every other resource", RES, "explicit_deny", ["identity"],
    identity=[ref("all"), deny("s3:*", "arn:aws:s3:::other/*", not_resource=True)])
row("NotResource with Deny spares the listed resources", RES, "allow", [],
    identity=[ref("all"), deny("s3:*", ["arn:aws:s3:::shop", "arn:aws:s3:::shop/*"], not_resource=True)])
row("a list of resources matches any of them", RES, "allow", [],
    identity=[allow("s3:GetObject", ["arn:aws:s3:::a/*", "arn:aws:s3:::shop/*"])])

# ---------------------------------------------------------------- policy variables
row("${aws:username} in a resource is the user's name", VARS, "allow", [],
    identity=[allow("s3:GetObject", "arn:aws:s3:::shop/home/${aws:username}/*")], resource="arn:aws:s3:::shop/home/alice/x")
row("${aws:username} does not reach another user's folder", VARS, "implicit_deny", ["identity"],
    identity=[allow("s3:GetObject", "arn:aws:s3:::shop/home/${aws:username}/*")], resource="arn:aws:s3:::shop/home/bob/x")
row("a variable without a value: the resource matches nothing (a role session has no aws:username)", VARS, "implicit_deny", ["identity"],
    principal=SESSION, identity=[allow("s3:GetObject", "arn:aws:s3:::shop/home/${aws:username}/*")],
    resource="arn:aws:s3:::shop/home/s1/x")
row("${aws:PrincipalTag/team} from the request context", VARS, "allow", [],
    identity=[allow("s3:GetObject", "arn:aws:s3:::shop-${aws:PrincipalTag/team}/*")],
    resource="arn:aws:s3:::shop-red/k", context={"aws:PrincipalTag/team": "red"})
row("a default value stands for a missing variable", VARS, "allow", [],
    identity=[allow("s3:GetObject", "arn:aws:s3:::shop-${aws:PrincipalTag/team, 'company-wide'}/*")],
    resource="arn:aws:s3:::shop-company-wide/k")
row("${*} is a literal asterisk, not a wildcard", VARS, "implicit_deny", ["identity"],
    identity=[allow("s3:GetObject", "arn:aws:s3:::shop/${*}")], resource="arn:aws:s3:::shop/anything")
row("${*} matches a literal asterisk", VARS, "allow", [],
    identity=[allow("s3:GetObject", "arn:aws:s3:::shop/${*}")], resource="arn:aws:s3:::shop/*")
row("${?} is a literal question mark", VARS, "implicit_deny", ["identity"],
    identity=[allow("s3:GetObject", "arn:aws:s3:::shop/a${?}")], resource="arn:aws:s3:::shop/ab")
row("${$} is a literal dollar sign", VARS, "allow", [],
    identity=[allow("s3:GetObject", "arn:aws:s3:::shop/${$}x")], resource="arn:aws:s3:::shop/$x")
row("${*} in a StringLike value is literal", VARS, "implicit_deny", ["identity"],
    identity=cond("StringLike", "s3:prefix", "home/${*}"), context={"s3:prefix": "home/alice"})
row("variables in a condition value", VARS, "allow", [],
    identity=cond("StringLike", "s3:prefix", "home/${aws:username}/*"), context={"s3:prefix": "home/alice/docs"})
row("a variable without a value: a positive operator does not match", VARS, "implicit_deny", ["identity"],
    identity=cond("StringEquals", "s3:ExistingObjectTag/team", "${aws:PrincipalTag/team}"),
    context={"s3:ExistingObjectTag/team": "red"})
row("a variable without a value: an inverted operator matches", VARS, "explicit_deny", ["identity"],
    identity=[ref("all"), doc(st("Deny", "s3:GetObject", "*", sid="D",
        condition={"StringNotEquals": {"s3:ExistingObjectTag/team": "${aws:PrincipalTag/team}"}}))],
    context={"s3:ExistingObjectTag/team": "red"})
row("Version 2008-10-17 takes ${aws:username} literally", VER, "implicit_deny", ["identity"],
    identity=[doc(st("Allow", "s3:GetObject", "arn:aws:s3:::shop/home/${aws:username}/*", sid="Old"), version="2008-10-17")],
    resource="arn:aws:s3:::shop/home/alice/x")
row("a policy without Version takes variables literally", VER, "implicit_deny", ["identity"],
    identity=[doc(st("Allow", "s3:GetObject", "arn:aws:s3:::shop/home/${aws:username}/*", sid="Old"), version=None)],
    resource="arn:aws:s3:::shop/home/alice/x")
row("Version 2008-10-17 matches the variable's literal text", VER, "allow", [],
    identity=[doc(st("Allow", "s3:GetObject", "arn:aws:s3:::shop/home/${aws:username}/*", sid="Old"), version="2008-10-17")],
    resource="arn:aws:s3:::shop/home/${aws:username}/x")

# ---------------------------------------------------------------- condition operators
op_row("StringEquals is case-sensitive", "StringEquals", "aws:PrincipalTag/team", "Red", {"aws:PrincipalTag/team": "red"}, "implicit_deny")
op_row("StringEquals matches exactly", "StringEquals", "aws:PrincipalTag/team", "red", {"aws:PrincipalTag/team": "red"}, "allow")
op_row("StringEqualsIgnoreCase ignores case", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", "RED", {"aws:PrincipalTag/team": "red"}, "allow")
op_row("StringNotEqualsIgnoreCase ignores case", "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "RED", {"aws:PrincipalTag/team": "red"}, "implicit_deny")
op_row("StringEquals does not take wildcards", "StringEquals", "aws:PrincipalTag/team", "r*", {"aws:PrincipalTag/team": "red"}, "implicit_deny")
op_row("StringLike takes `*`", "StringLike", "aws:PrincipalTag/team", "r*", {"aws:PrincipalTag/team": "red"}, "allow")
op_row("StringLike takes `?`", "StringLike", "aws:PrincipalTag/team", "r?d", {"aws:PrincipalTag/team": "red"}, "allow")
op_row("StringLike is case-sensitive", "StringLike", "aws:PrincipalTag/team", "R*", {"aws:PrincipalTag/team": "red"}, "implicit_deny")
op_row("StringNotLike: value like the pattern", "StringNotLike", "aws:PrincipalTag/team", "r*", {"aws:PrincipalTag/team": "red"}, "implicit_deny")
op_row("StringNotLike: value not like the pattern", "StringNotLike", "aws:PrincipalTag/team", "b*", {"aws:PrincipalTag/team": "red"}, "allow")
op_row("several values of one key are ORed", "StringEquals", "aws:RequestedRegion", ["us-east-1", "eu-west-1"], {"aws:RequestedRegion": "eu-west-1"}, "allow", COND)
op_row("StringNotEquals with several values: none may equal", "StringNotEquals", "aws:RequestedRegion", ["us-east-1", "eu-west-1"], {"aws:RequestedRegion": "eu-west-1"}, "implicit_deny", COND)
op_row("StringNotEquals with several values: different from all", "StringNotEquals", "aws:RequestedRegion", ["us-east-1", "eu-west-1"], {"aws:RequestedRegion": "ap-south-1"}, "allow", COND)
row("several keys of one operator are ANDed", COND, "implicit_deny", ["identity"],
    identity=[doc(st("Allow", "s3:GetObject", "*", sid="Both", condition={"StringEquals": {"aws:PrincipalTag/team": "red", "aws:RequestedRegion": "eu-west-1"}}))],
    context={"aws:PrincipalTag/team": "red", "aws:RequestedRegion": "us-east-1"})
row("several operators are ANDed", COND, "allow", [],
    identity=[doc(st("Allow", "s3:GetObject", "*", sid="Both", condition={"StringEquals": {"aws:PrincipalTag/team": "red"}, "Bool": {"aws:SecureTransport": "true"}}))],
    context={"aws:PrincipalTag/team": "red", "aws:SecureTransport": "true"})
row("condition key names are case-insensitive", COND, "allow", [],
    identity=cond("StringEquals", "AWS:PrincipalTag/team", "red"), context={"aws:principaltag/team": "red"})
op_row("a missing key: StringEquals is false", "StringEquals", "aws:PrincipalTag/team", "red", {}, "implicit_deny")
op_row("a missing key: StringNotEquals is true", "StringNotEquals", "aws:PrincipalTag/team", "red", {}, "allow")
op_row("a missing key: StringLike is false", "StringLike", "aws:PrincipalTag/team", "*", {}, "implicit_deny")
op_row("a missing key: ArnNotLike is true", "ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:*:t", {}, "allow")
op_row("a missing key: NumericLessThan is false", "NumericLessThan", "s3:max-keys", "10", {}, "implicit_deny")
op_row("a missing key: NotIpAddress is true", "NotIpAddress", "aws:SourceIp", "203.0.113.0/24", {}, "allow")
op_row("a missing key: Bool is false", "Bool", "aws:MultiFactorAuthPresent", "true", {}, "implicit_deny")
op_row("IfExists: a missing key is true", "StringEqualsIfExists", "aws:SourceVpce", "vpce-1", {}, "allow")
op_row("IfExists: a present key is tested", "StringEqualsIfExists", "aws:SourceVpce", "vpce-1", {"aws:SourceVpce": "vpce-2"}, "implicit_deny")
op_row("IfExists on a negated operator: missing is true", "StringNotEqualsIfExists", "aws:SourceVpce", "vpce-1", {}, "allow")
op_row("BoolIfExists: missing is true", "BoolIfExists", "aws:MultiFactorAuthPresent", "true", {}, "allow")
op_row("NumericLessThanIfExists: present and too big", "NumericLessThanIfExists", "s3:max-keys", "10", {"s3:max-keys": "20"}, "implicit_deny")
op_row("Null true: key absent", "Null", "aws:ResourceTag/owner", "true", {}, "allow")
op_row("Null true: key present", "Null", "aws:ResourceTag/owner", "true", {"aws:ResourceTag/owner": "x"}, "implicit_deny")
op_row("Null false: key present", "Null", "aws:ResourceTag/owner", "false", {"aws:ResourceTag/owner": "x"}, "allow")
op_row("Null false: key absent", "Null", "aws:ResourceTag/owner", "false", {}, "implicit_deny")
op_row("Null with a JSON boolean value", "Null", "aws:ResourceTag/owner", True, {}, "allow")
op_row("NumericEquals compares numbers, not text", "NumericEquals", "s3:max-keys", "10", {"s3:max-keys": "10.0"}, "allow")
op_row("NumericLessThan: less", "NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "9"}, "allow")
op_row("NumericLessThan: equal is not less", "NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "10"}, "implicit_deny")
op_row("NumericLessThanEquals: equal", "NumericLessThanEquals", "s3:max-keys", "10", {"s3:max-keys": "10"}, "allow")
op_row("NumericGreaterThan: greater", "NumericGreaterThan", "s3:max-keys", "10", {"s3:max-keys": "11"}, "allow")
op_row("NumericGreaterThanEquals: less", "NumericGreaterThanEquals", "s3:max-keys", "10", {"s3:max-keys": "9"}, "implicit_deny")
op_row("NumericNotEquals: different", "NumericNotEquals", "s3:max-keys", "10", {"s3:max-keys": "9"}, "allow")
op_row("a numeric operator on a non-number is false", "NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "ten"}, "implicit_deny")
op_row("DateLessThan with ISO 8601 dates", "DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", {"aws:CurrentTime": "2026-12-05T02:00:00Z"}, "allow")
op_row("DateLessThan: later is not less", "DateLessThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", {"aws:CurrentTime": "2026-12-05T02:00:00Z"}, "implicit_deny")
op_row("DateLessThan with an epoch in the policy", "DateLessThan", "aws:CurrentTime", "1893456000", {"aws:CurrentTime": "2026-12-05T02:00:00Z"}, "allow")
op_row("DateGreaterThan with an epoch in the request", "DateGreaterThan", "aws:EpochTime", "2020-01-01T00:00:00Z", {"aws:EpochTime": "1764900000"}, "allow")
op_row("DateEquals with a date only", "DateEquals", "aws:CurrentTime", "2026-12-05", {"aws:CurrentTime": "2026-12-05T00:00:00Z"}, "allow")
op_row("DateLessThan with a time-zone offset", "DateLessThan", "aws:CurrentTime", "2026-12-05T03:00:00+02:00", {"aws:CurrentTime": "2026-12-05T02:00:00Z"}, "implicit_deny")
op_row("DateGreaterThanEquals with milliseconds", "DateGreaterThanEquals", "aws:CurrentTime", "2026-12-05T02:00:00.000Z", {"aws:CurrentTime": "2026-12-05T02:00:00Z"}, "allow")
op_row("DateNotEquals: different dates", "DateNotEquals", "aws:CurrentTime", "2020-01-01T00:00:00Z", {"aws:CurrentTime": "2026-12-05T02:00:00Z"}, "allow")
op_row("a date operator on a non-date is false", "DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", {"aws:CurrentTime": "tomorrow"}, "implicit_deny")
op_row("an impossible condition: TokenIssueTime before 2020", "DateLessThan", "aws:TokenIssueTime", "2020-01-01T00:00:00Z", {"aws:TokenIssueTime": "2026-12-05T01:00:00Z"}, "implicit_deny")
op_row("Bool with the string \"true\"", "Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "true"}, "allow")
op_row("Bool with a JSON true", "Bool", "aws:SecureTransport", True, {"aws:SecureTransport": "true"}, "allow")
op_row("Bool: false is not true", "Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "false"}, "implicit_deny")
op_row("BinaryEquals compares base-64 values", "BinaryEquals", "aws:PrincipalTag/blob", "QmluYXJ5VmFsdWU=", {"aws:PrincipalTag/blob": "QmluYXJ5VmFsdWU="}, "allow")
op_row("BinaryEquals: different values", "BinaryEquals", "aws:PrincipalTag/blob", "QmluYXJ5VmFsdWU=", {"aws:PrincipalTag/blob": "T3RoZXI="}, "implicit_deny")
op_row("IpAddress: inside an IPv4 CIDR", "IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.113.9"}, "allow")
op_row("IpAddress: outside an IPv4 CIDR", "IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "198.51.100.9"}, "implicit_deny")
op_row("IpAddress: a single address", "IpAddress", "aws:SourceIp", "203.0.113.9", {"aws:SourceIp": "203.0.113.9"}, "allow")
op_row("IpAddress: IPv6 CIDR", "IpAddress", "aws:SourceIp", "2001:db8:1234::/48", {"aws:SourceIp": "2001:db8:1234:5::1"}, "allow")
op_row("IpAddress: outside an IPv6 CIDR", "IpAddress", "aws:SourceIp", "2001:db8:1234::/48", {"aws:SourceIp": "2001:db8:9999::1"}, "implicit_deny")
op_row("IpAddress: an IPv4 range does not hold an IPv6 caller", "IpAddress", "aws:SourceIp", "0.0.0.0/0", {"aws:SourceIp": "2001:db8::1"}, "implicit_deny")
op_row("NotIpAddress: an IPv6 caller is outside an IPv4-only list", "NotIpAddress", "aws:SourceIp", ["203.0.113.0/24"], {"aws:SourceIp": "2001:db8::1"}, "allow")
op_row("IpAddress: a list of ranges is ORed", "IpAddress", "aws:SourceIp", ["10.0.0.0/8", "2001:db8::/32"], {"aws:SourceIp": "2001:db8::1"}, "allow")
op_row("ArnLike: `*` per segment", "ArnLike", "aws:SourceArn", "arn:aws:sns:*:111111111111:*", {"aws:SourceArn": "arn:aws:sns:eu-west-1:111111111111:topic"}, "allow")
op_row("ArnLike: a segment pattern does not cross segments", "ArnLike", "aws:SourceArn", "arn:aws:sns:eu-west-1:*:topic", {"aws:SourceArn": "arn:aws:sns:eu-west-1:111111111111:other"}, "implicit_deny")
op_row("ArnEquals takes wildcards like ArnLike", "ArnEquals", "aws:SourceArn", "arn:aws:sns:*:111111111111:topic", {"aws:SourceArn": "arn:aws:sns:eu-west-1:111111111111:topic"}, "allow")
op_row("ArnLike is case-sensitive", "ArnLike", "aws:SourceArn", "arn:aws:sns:*:111111111111:Topic", {"aws:SourceArn": "arn:aws:sns:eu-west-1:111111111111:topic"}, "implicit_deny")
op_row("ArnLike on a value that is not an ARN is false", "ArnLike", "aws:SourceArn", "arn:aws:sns:*:*:*", {"aws:SourceArn": "topic"}, "implicit_deny")
op_row("ArnNotLike: a different ARN", "ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111111111111:*", {"aws:SourceArn": "arn:aws:sns:eu-west-1:222222222222:t"}, "allow")
op_row("ArnLike: the resource part is one segment, `*` crosses `/` and `:`", "ArnLike", "aws:SourceArn", "arn:aws:logs:*:111111111111:log-group:*", {"aws:SourceArn": "arn:aws:logs:eu-west-1:111111111111:log-group:app:log-stream:x"}, "allow")

# ---------------------------------------------------------------- set operators and multivalued keys
op_row("ForAllValues: every request value is allowed", "ForAllValues:StringEquals", "aws:TagKeys", ["team", "env"], {"aws:TagKeys": ["team", "env"]}, "allow")
op_row("ForAllValues: one request value is not", "ForAllValues:StringEquals", "aws:TagKeys", ["team", "env"], {"aws:TagKeys": ["team", "cost"]}, "implicit_deny")
op_row("ForAllValues: an absent key is true", "ForAllValues:StringEquals", "aws:TagKeys", ["team"], {}, "allow")
op_row("ForAllValues: an empty list is true", "ForAllValues:StringEquals", "aws:TagKeys", ["team"], {"aws:TagKeys": []}, "allow")
op_row("ForAnyValue: one request value matches", "ForAnyValue:StringEquals", "aws:TagKeys", ["team"], {"aws:TagKeys": ["team", "cost"]}, "allow")
op_row("ForAnyValue: an absent key is false", "ForAnyValue:StringEquals", "aws:TagKeys", ["team"], {}, "implicit_deny")
op_row("ForAnyValue: an empty list is false", "ForAnyValue:StringEquals", "aws:TagKeys", ["team"], {"aws:TagKeys": []}, "implicit_deny")
op_row("ForAnyValue:StringNotEquals: one value differs", "ForAnyValue:StringNotEquals", "aws:TagKeys", ["team"], {"aws:TagKeys": ["team", "cost"]}, "allow")
op_row("ForAllValues:StringNotEquals: one value equals", "ForAllValues:StringNotEquals", "aws:TagKeys", ["team"], {"aws:TagKeys": ["team", "cost"]}, "implicit_deny")
op_row("ForAllValues:StringLike with patterns", "ForAllValues:StringLike", "aws:TagKeys", ["app-*"], {"aws:TagKeys": ["app-a", "app-b"]}, "allow")
op_row("ForAnyValue:StringEqualsIgnoreCase", "ForAnyValue:StringEqualsIgnoreCase", "aws:TagKeys", ["TEAM"], {"aws:TagKeys": ["team"]}, "allow")
op_row("ForAllValues with IfExists on an absent key", "ForAllValues:StringEqualsIfExists", "aws:TagKeys", ["team"], {}, "allow")
op_row("ForAnyValue with IfExists on an absent key", "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", ["team"], {}, "allow")
op_row("a plain operator on a multivalued key: any value matches", "StringEquals", "aws:PrincipalOrgPaths", "o-a/r-b/ou-c/", {"aws:PrincipalOrgPaths": ["o-a/r-b/ou-x/", "o-a/r-b/ou-c/"]}, "allow")
op_row("ForAnyValue:StringLike on org paths", "ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-a/r-b/ou-c/*", {"aws:PrincipalOrgPaths": ["o-a/r-b/ou-c/ou-d/"]}, "allow")

# ---------------------------------------------------------------- keys AWS sets from the caller
row("aws:PrincipalArn of a user is its ARN", KEYS, "allow", [],
    identity=cond("ArnEquals", "aws:PrincipalArn", ALICE))
row("aws:PrincipalArn of a session is its role's ARN", KEYS, "allow", [], principal=SESSION,
    identity=cond("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{A}:role/app"))
row("aws:PrincipalAccount is the caller's account", KEYS, "allow", [],
    resource_policy=grant("*", "s3:GetObject", "*", sid="Org", condition={"StringEquals": {"aws:PrincipalAccount": A}}))
row("aws:username is not set for a role session", KEYS, "implicit_deny", ["identity"], principal=SESSION,
    identity=cond("StringLike", "aws:username", "*"))
row("aws:PrincipalType of a user is User", VARS, "allow", [],
    identity=cond("StringEquals", "aws:PrincipalType", "User"))
row("aws:PrincipalType of a role session is AssumedRole", VARS, "allow", [], principal=SESSION,
    identity=cond("StringEquals", "aws:PrincipalType", "AssumedRole"))
row("aws:PrincipalIsAWSService is false for an IAM user", KEYS, "allow", [],
    identity=cond("Bool", "aws:PrincipalIsAWSService", "false"))
row("aws:PrincipalIsAWSService is true for a service principal", KEYS, "allow", [], principal="cloudtrail.amazonaws.com",
    action="s3:PutObject", resource_policy=grant("*", "s3:PutObject", "*", sid="Services", condition={"Bool": {"aws:PrincipalIsAWSService": "true"}}))

# ---------------------------------------------------------------- resource policies in one account
row("a resource-policy grant to the user allows without an identity policy", SINGLE, "allow", [], resource_policy=ref("rp-alice"))
row("a grant to another user does not reach this one", SINGLE, "implicit_deny", ["identity", "resource"],
    principal=BOB, resource_policy=ref("rp-alice"))
row("identity OR resource: identity allows, resource names someone else", SINGLE, "allow", [],
    principal=BOB, identity=ID, resource_policy=ref("rp-alice"))
# Within one account either an identity Allow or a resource-policy grant would do, so both are
# named as blocking when neither is there (a delegation to the account is not a grant).
row("the account id as principal delegates: identity must allow", PRIN, "implicit_deny", ["identity", "resource"],
    resource_policy=ref("rp-account-a"))
row("the account id as principal with an identity Allow", PRIN, "allow", [], identity=ID, resource_policy=ref("rp-account-a"))
row("the account root ARN as principal delegates too", PRIN, "implicit_deny", ["identity", "resource"], resource_policy=ref("rp-root-a"))
row("the root ARN with an identity Allow", PRIN, "allow", [], identity=ID, resource_policy=ref("rp-root-a"))
row("`Principal: *` grants everyone", PRIN, "allow", [], resource_policy=ref("rp-star"))
row("`AWS: *` grants every principal too", PRIN, "allow", [], resource_policy=ref("rp-aws-star"))
row("a statement without Principal in a resource policy grants no one", PRIN, "implicit_deny", ["identity", "resource"],
    resource_policy=doc(st("Allow", "s3:GetObject", "arn:aws:s3:::shop/*", sid="NoPrincipal")))
row("a grant to the role's ARN reaches its sessions", PRIN, "allow", [], principal=SESSION, resource_policy=ref("rp-role"))
row("a grant to a role ARN with a path reaches its sessions", PRIN, "allow", [], principal=SESSION, resource_policy=ref("rp-role-path"))
row("a grant to the session ARN", PRIN, "allow", [], principal=SESSION, resource_policy=ref("rp-session"))
row("a grant to another session of the role does not reach this one", PRIN, "implicit_deny", ["identity", "resource"],
    principal=f"arn:aws:sts::{A}:assumed-role/app/s9", resource_policy=ref("rp-session"))
row("a grant to the federated user session", PRIN, "allow", [], principal=FED, resource_policy=ref("rp-fed"))
row("a service principal is granted by a Service entry", PRIN, "allow", [], principal="cloudtrail.amazonaws.com",
    action="s3:PutObject", resource_policy=ref("rp-cloudtrail"))
row("a service principal is not granted by another service's entry", PRIN, "implicit_deny", ["resource"],
    principal="config.amazonaws.com", action="s3:PutObject", resource_policy=ref("rp-cloudtrail"))
row("a service principal has no identity side", PRIN, "implicit_deny", ["resource"], principal="cloudtrail.amazonaws.com",
    action="s3:PutObject", identity=[ref("all")])
row("anonymous: granted by `Principal: *`", PRIN, "allow", [], principal=None, resource_policy=ref("rp-star"))
row("anonymous: not granted by an account principal", PRIN, "implicit_deny", ["resource"], principal=None, resource_policy=ref("rp-account-a"))
row("anonymous: identity policies do not apply", PRIN, "implicit_deny", ["resource"], principal=None, identity=[ref("all")])
row("anonymous: a Deny to `*` applies", PRIN, "explicit_deny", ["resource"], principal=None,
    resource_policy=doc(st("Allow", "s3:GetObject", "*", principal="*", sid="G"), st("Deny", "s3:GetObject", "*", principal="*", sid="D")))
row("CanonicalUser principal names a canonical user", PRIN, "allow", [], principal="79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
    resource_policy=grant({"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "s3:GetObject", "*"))

# ---------------------------------------------------------------- NotPrincipal
row("Deny with NotPrincipal denies everyone not listed", NOTP, "explicit_deny", ["resource"],
    principal=BOB, identity=ID, resource_policy=doc(st("Deny", "s3:*", "*", principal={"AWS": [ALICE, ROOT_A]}, not_principal=True, sid="OnlyAlice")))
row("Deny with NotPrincipal spares the user listed with its account", NOTP, "allow", [],
    identity=ID, resource_policy=doc(st("Deny", "s3:*", "*", principal={"AWS": [ALICE, ROOT_A]}, not_principal=True, sid="OnlyAlice")))
row("Deny with NotPrincipal listing the user without its account still denies", NOTP, "explicit_deny", ["resource"],
    identity=ID, resource_policy=doc(st("Deny", "s3:*", "*", principal={"AWS": [ALICE]}, not_principal=True, sid="OnlyAlice")))
row("Deny with NotPrincipal: a session is spared only with its role and account listed", NOTP, "allow", [], principal=SESSION,
    identity=ID, resource_policy=doc(st("Deny", "s3:*", "*", principal={"AWS": [SESSION, ROLE, ROOT_A]}, not_principal=True, sid="OnlyS1")))
row("Deny with NotPrincipal: the session and account without the role still deny", NOTP, "explicit_deny", ["resource"], principal=SESSION,
    identity=ID, resource_policy=doc(st("Deny", "s3:*", "*", principal={"AWS": [SESSION, ROOT_A]}, not_principal=True, sid="OnlyS1")))
row("Deny with NotPrincipal always denies a principal with a permissions boundary", BOUND, "explicit_deny", ["resource"],
    identity=ID, boundary=[ref("bnd-s3")], resource_policy=doc(st("Deny", "s3:*", "*", principal={"AWS": [ALICE, ROOT_A]}, not_principal=True, sid="OnlyAlice")))
row("Allow with NotPrincipal grants everyone else", NOTP, "allow", [], principal=BOB,
    resource_policy=doc(st("Allow", "s3:GetObject", "*", principal={"AWS": [ALICE, ROOT_A]}, not_principal=True, sid="AllButAlice")))

# ---------------------------------------------------------------- cross-account
row("cross-account: identity alone is not enough", CROSS, "implicit_deny", ["resource"], principal=CAROL, identity=ID)
row("cross-account: resource alone is not enough", CROSS, "implicit_deny", ["identity"], principal=CAROL, resource_policy=ref("rp-carol"))
row("cross-account: both sides allow", CROSS, "allow", [], principal=CAROL, identity=ID, resource_policy=ref("rp-carol"))
row("cross-account: the resource policy names the account", CROSS, "allow", [], principal=CAROL, identity=ID, resource_policy=ref("rp-account-b"))
row("cross-account: the resource policy names the account's root ARN", CROSS, "allow", [], principal=CAROL, identity=ID, resource_policy=ref("rp-root-b"))
row("cross-account: a grant to another account does not reach", CROSS, "implicit_deny", ["resource"], principal=CAROL, identity=ID, resource_policy=ref("rp-account-a"))
row("cross-account: a session granted by session ARN still needs its identity side", CROSS, "implicit_deny", ["identity"],
    principal=B_SESSION, resource_policy=ref("rp-b-session"))
row("cross-account: a role ARN grant plus the role's identity Allow", CROSS, "allow", [], principal=B_SESSION, identity=ID, resource_policy=ref("rp-b-role"))
row("cross-account: the boundary limits the caller's side", CROSS, "implicit_deny", ["boundary"],
    principal=CAROL, identity=ID, boundary=[ref("bnd-ec2")], resource_policy=ref("rp-carol"))
row("cross-account: the caller's SCPs apply", CROSS, "implicit_deny", ["scp"],
    principal=CAROL, identity=ID, resource_policy=ref("rp-carol"), scps=[[ref("scp-full")], [ref("scp-ec2")]])
row("cross-account: the resource account from `resource_account`", CROSS, "implicit_deny", ["resource"],
    principal=ALICE, identity=ID, resource_account=B)
row("cross-account: the account's root user with a grant to its account", CROSS, "allow", [], principal=ROOT_B, resource_policy=ref("rp-account-b"))
row("cross-account: an explicit Deny on the caller's side wins", CROSS, "explicit_deny", ["identity"],
    principal=CAROL, identity=[ref("get-shop"), ref("deny-all")], resource_policy=ref("rp-carol"))
row("cross-account: `Principal: *` plus the caller's identity Allow", CROSS, "allow", [], principal=CAROL, identity=ID, resource_policy=ref("rp-star"))

# ---------------------------------------------------------------- root user
row("the root user has every permission of its account", SINGLE, "allow", [], principal=ROOT_A, action="ec2:StopInstances", resource=INSTANCE)
row("the bare account id is the root user", SINGLE, "allow", [], principal=A, action="ec2:StopInstances", resource=INSTANCE)
row("SCPs limit a member account's root user", SCP, "implicit_deny", ["scp"], principal=ROOT_A, scps=[[ref("scp-full")], [ref("scp-ec2")]])
row("an explicit Deny in a resource policy applies to the root user", EVAL, "explicit_deny", ["resource"], principal=ROOT_A, resource_policy=ref("rp-deny-account-a"))

# ---------------------------------------------------------------- boundaries
row("boundary and identity both allow", BOUND, "allow", [], identity=ID, boundary=[ref("bnd-s3")])
row("the boundary does not allow: implicit deny", BOUND, "implicit_deny", ["boundary"], identity=ID, boundary=[ref("bnd-ec2")])
row("the boundary alone grants nothing", BOUND, "implicit_deny", ["identity"], boundary=[ref("bnd-s3")])
row("a Deny in the boundary", BOUND, "explicit_deny", ["boundary"], identity=ID, boundary=[ref("deny-all")])
row("a resource grant to the user's ARN is not limited by the boundary", BOUND, "allow", [], boundary=[ref("bnd-ec2")], resource_policy=ref("rp-alice"))
row("a resource grant to the role's ARN is limited by the boundary", BOUND, "implicit_deny", ["boundary"], principal=SESSION,
    boundary=[ref("bnd-ec2")], resource_policy=ref("rp-role"))
row("a resource grant to the session's ARN is not limited by the boundary", BOUND, "allow", [], principal=SESSION,
    boundary=[ref("bnd-ec2")], resource_policy=ref("rp-session"))
row("a resource grant to the account is limited by the boundary", BOUND, "implicit_deny", ["boundary"],
    identity=ID, boundary=[ref("bnd-ec2")], resource_policy=ref("rp-account-a"))
row("an empty-handed boundary with a resource grant to the user: still a Deny in the boundary wins", BOUND, "explicit_deny", ["boundary"],
    boundary=[ref("deny-all")], resource_policy=ref("rp-alice"))

# ---------------------------------------------------------------- session policies
row("session policy and identity both allow", SESS, "allow", [], principal=SESSION, identity=ID, session=ref("bnd-s3"))
row("the session policy does not allow", SESS, "implicit_deny", ["session"], principal=SESSION, identity=ID, session=ref("bnd-ec2"))
row("a session policy grants nothing by itself", SESS, "implicit_deny", ["identity"], principal=SESSION, session=ref("bnd-s3"))
row("a resource grant to the session ARN is not limited by the session policy", SESS, "allow", [], principal=SESSION,
    session=ref("bnd-ec2"), resource_policy=ref("rp-session"))
row("a resource grant to the role ARN is limited by the session policy", SESS, "implicit_deny", ["session"], principal=SESSION,
    session=ref("bnd-ec2"), resource_policy=ref("rp-role"))
row("a Deny in the session policy wins over a session-ARN grant", SESS, "explicit_deny", ["session"], principal=SESSION,
    session=ref("deny-all"), resource_policy=ref("rp-session"))
row("boundary and session policy both limit the identity Allow", SESS, "implicit_deny", ["boundary", "session"], principal=SESSION,
    identity=ID, boundary=[ref("bnd-ec2")], session=ref("bnd-ec2"))

# ---------------------------------------------------------------- SCPs
row("SCP levels all allow", SCP, "allow", [], identity=ID, scps=[[ref("scp-full")], [ref("scp-full")]])
row("an SCP level that allows nothing blocks", SCP, "implicit_deny", ["scp"], identity=ID, scps=[[ref("scp-full")], [ref("scp-ec2")]])
row("an SCP Deny at the root", SCP, "explicit_deny", ["scp"], identity=ID, scps=[[ref("scp-full"), ref("scp-deny-s3")], [ref("scp-full")]])
row("two SCPs at one level: either may allow", SCP, "allow", [], identity=ID, scps=[[ref("scp-ec2"), ref("scp-full")]])
row("an SCP grants nothing by itself", SCP, "implicit_deny", ["identity"], scps=[[ref("scp-full")]])
row("SCPs do not apply to the management account", SCP, "allow", [], principal=MGMT_USER, resource_account=M,
    management_account=M, identity=ID, scps=[[ref("scp-deny-s3")]])
row("SCPs do not apply to service-linked roles", SCP, "allow", [], principal=SLR_SESSION, identity=ID, scps=[[ref("scp-deny-s3")]])
row("SCPs do not limit a resource-policy grant to another account's principal", SCP, "allow", [],
    principal="cloudtrail.amazonaws.com", action="s3:PutObject", resource_policy=ref("rp-cloudtrail"), scps=[[ref("scp-deny-s3")]])
row("SCPs apply to a same-account resource grant to the user", SCP, "implicit_deny", ["scp"], resource_policy=ref("rp-alice"), scps=[[ref("scp-ec2")]])

# ---------------------------------------------------------------- RCPs
row("RCP levels all allow", RCP, "allow", [], identity=ID, rcps=[[ref("rcp-full")]])
row("an RCP Deny for principals outside the organization", RCP, "explicit_deny", ["rcp"], principal=f"arn:aws:iam::333333333333:user/eve",
    identity=ID, resource_policy=ref("rp-star"), rcps=[[ref("rcp-full"), ref("rcp-deny-outside")]])
row("the same RCP spares a principal of the organization", RCP, "allow", [], identity=ID, rcps=[[ref("rcp-full"), ref("rcp-deny-outside")]])
row("the same RCP spares AWS services", RCP, "allow", [], principal="cloudtrail.amazonaws.com", action="s3:PutObject",
    resource_policy=ref("rp-cloudtrail"), rcps=[[ref("rcp-full"), ref("rcp-deny-outside")]])
row("an RCP applies to anonymous requests", RCP, "explicit_deny", ["rcp"], principal=None,
    resource_policy=ref("rp-star"), rcps=[[ref("rcp-full"), ref("rcp-deny-all")]])
row("an RCP level without an Allow blocks", RCP, "implicit_deny", ["rcp"], identity=ID, rcps=[[ref("rcp-full")], []])
row("RCPs do not apply to a service that does not support them", RCP, "allow", [], action="ec2:StopInstances", resource=INSTANCE,
    identity=[ref("all")], rcps=[[ref("rcp-deny-all")]])
row("RCPs do not apply to resources of the management account", RCP, "allow", [], principal=MGMT_USER, resource_account=M,
    management_account=M, identity=ID, rcps=[[ref("rcp-deny-all")]])
row("RCPs do not apply to service-linked roles", RCP, "allow", [], principal=SLR_SESSION, identity=ID, rcps=[[ref("rcp-deny-all")]])
row("an RCP grants nothing by itself", RCP, "implicit_deny", ["identity"], rcps=[[ref("rcp-full")]])

# ---------------------------------------------------------------- VPC endpoint policies
row("the endpoint policy allows", VPCE, "allow", [], identity=ID, endpoint=ref("vpce-shop"))
row("the endpoint policy does not allow", VPCE, "implicit_deny", ["endpoint"], identity=[ref("all")], endpoint=ref("vpce-shop"), action="s3:PutObject")
row("an endpoint policy Deny", VPCE, "explicit_deny", ["endpoint"], identity=ID,
    endpoint=doc(st("Allow", "*", "*", principal="*", sid="All"), st("Deny", "s3:GetObject", "*", principal="*", sid="NoGet")))
row("the endpoint policy grants nothing by itself", VPCE, "implicit_deny", ["identity"], endpoint=ref("vpce-shop"))
row("an endpoint policy naming another principal", VPCE, "implicit_deny", ["endpoint"], identity=ID,
    endpoint=grant({"AWS": BOB}, "s3:GetObject", "*", sid="BobOnly"))

# ---------------------------------------------------------------- KMS key policies
row("KMS: an identity Allow without the key policy allowing", KMS, "implicit_deny", ["resource"], action="kms:Decrypt", resource=KEY,
    identity=[ref("id-kms")], resource_policy=ref("key-carol"))
row("KMS: the key policy delegates to the account, identity allows", KMS, "allow", [], action="kms:Decrypt", resource=KEY,
    identity=[ref("id-kms")], resource_policy=ref("key-root-a"))
row("KMS: the key policy delegates, no identity Allow", KMS, "implicit_deny", ["identity"], action="kms:Decrypt", resource=KEY,
    resource_policy=ref("key-root-a"))
row("KMS: the key policy names the user, no identity policy needed", KMS, "allow", [], action="kms:Decrypt", resource=KEY,
    resource_policy=ref("key-alice"))
row("KMS: cross-account needs the key policy and the caller's identity policy", KMS, "allow", [], principal=CAROL, action="kms:Decrypt",
    resource=KEY, identity=[ref("id-kms")], resource_policy=ref("key-root-b"))
row("KMS: cross-account without the caller's identity policy", KMS, "implicit_deny", ["identity"], principal=CAROL, action="kms:Decrypt",
    resource=KEY, resource_policy=ref("key-carol"))
row("KMS: the key policy's Deny wins", KMS, "explicit_deny", ["resource"], action="kms:Decrypt", resource=KEY, identity=[ref("id-kms")],
    resource_policy=doc(st("Allow", "kms:*", "*", principal={"AWS": ROOT_A}, sid="EnableIAM"),
                        st("Deny", "kms:Decrypt", "*", principal="*", sid="NoDecrypt")))
row("KMS: a boundary still limits a key-policy delegation", KMS, "implicit_deny", ["boundary"], action="kms:Decrypt", resource=KEY,
    identity=[ref("id-kms")], boundary=[ref("bnd-s3")], resource_policy=ref("key-root-a"))

# ---------------------------------------------------------------- role trust policies
row("trust: the trust policy names the user in the same account", TRUST, "allow", [], action="sts:AssumeRole", resource=TARGET,
    resource_policy=ref("trust-alice"))
row("trust: the trust policy names another user, the caller's identity allows", TRUST, "implicit_deny", ["resource"], principal=BOB, action="sts:AssumeRole",
    resource=TARGET, identity=[ref("id-assume")], resource_policy=ref("trust-alice"))
row("trust: the account is trusted and the identity allows", TRUST, "allow", [], principal=BOB, action="sts:AssumeRole", resource=TARGET,
    identity=[ref("id-assume")], resource_policy=ref("trust-account-a"))
row("trust: the account is trusted but no identity Allow", TRUST, "implicit_deny", ["identity"], principal=BOB, action="sts:AssumeRole",
    resource=TARGET, resource_policy=ref("trust-account-a"))
row("trust: an identity Allow without trust", TRUST, "implicit_deny", ["resource"], principal=BOB, action="sts:AssumeRole", resource=TARGET,
    identity=[ref("id-assume")], resource_policy=doc(st("Allow", "sts:AssumeRole", None, principal={"Service": "ec2.amazonaws.com"}, sid="Ec2")))
row("trust: another account trusted and the caller's identity allows", TRUST, "allow", [], principal=CAROL, action="sts:AssumeRole",
    resource=TARGET, identity=[allow("sts:AssumeRole", "*")], resource_policy=ref("trust-account-b"))
row("trust: another account trusted without the caller's identity Allow", TRUST, "implicit_deny", ["identity"], principal=CAROL,
    action="sts:AssumeRole", resource=TARGET, resource_policy=ref("trust-account-b"))
row("trust: a service principal", TRUST, "allow", [], principal="ec2.amazonaws.com", action="sts:AssumeRole", resource=TARGET,
    resource_policy=ref("trust-ec2"))
row("trust: AssumeRole is not AssumeRoleWithSAML", TRUST, "implicit_deny", ["identity", "resource"], action="sts:AssumeRole", resource=TARGET,
    resource_policy=ref("trust-saml"))
row("trust: a SAML provider with its audience", TRUST, "allow", [], principal=f"arn:aws:iam::{A}:saml-provider/corp",
    action="sts:AssumeRoleWithSAML", resource=TARGET, resource_policy=ref("trust-saml"),
    context={"SAML:aud": "https://signin.aws.amazon.com/saml"})
row("trust: a SAML provider without the audience", TRUST, "implicit_deny", ["resource"], principal=f"arn:aws:iam::{A}:saml-provider/corp",
    action="sts:AssumeRoleWithSAML", resource=TARGET, resource_policy=ref("trust-saml"))
row("trust: a Deny in the trust policy", TRUST, "explicit_deny", ["resource"], action="sts:AssumeRole", resource=TARGET,
    identity=[ref("id-assume")], resource_policy=doc(st("Allow", "sts:AssumeRole", None, principal={"AWS": A}, sid="T"),
                                                    st("Deny", "sts:AssumeRole", None, principal={"AWS": ALICE}, sid="NotAlice")))

row("trust: session tags need sts:TagSession in the trust policy", TRUST, "implicit_deny", ["resource"], principal=BOB,
    action="sts:TagSession", resource=TARGET, identity=[allow("sts:*", TARGET)], resource_policy=ref("trust-account-a"))
row("trust: sts:TagSession allowed by the trust policy and the identity", TRUST, "allow", [], principal=BOB,
    action="sts:TagSession", resource=TARGET, identity=[allow("sts:*", TARGET)],
    resource_policy=doc(st("Allow", ["sts:AssumeRole", "sts:TagSession"], None, principal={"AWS": A}, sid="TrustTags")))
row("trust: a role session assuming a role trusted by its role's ARN", TRUST, "allow", [], principal=SESSION,
    action="sts:AssumeRole", resource=TARGET,
    resource_policy=doc(st("Allow", "sts:AssumeRole", None, principal={"AWS": ROLE}, sid="Chain")))
row("trust: role chaining is limited by the session's boundary", TRUST, "implicit_deny", ["boundary"], principal=SESSION,
    action="sts:AssumeRole", resource=TARGET, boundary=[ref("bnd-s3")],
    resource_policy=doc(st("Allow", "sts:AssumeRole", None, principal={"AWS": ROLE}, sid="Chain")))

GH = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"
TRUST_GH = doc(st("Allow", "sts:AssumeRoleWithWebIdentity", None, principal={"Federated": GH}, sid="GitHub",
    condition={"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
               "StringLike": {"token.actions.githubusercontent.com:sub": "repo:shop/api:*"}}))
row("trust: an OIDC provider with the audience and subject the trust policy names", TRUST, "allow", [], principal=GH,
    action="sts:AssumeRoleWithWebIdentity", resource=TARGET, resource_policy=TRUST_GH,
    context={"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
             "token.actions.githubusercontent.com:sub": "repo:shop/api:ref:refs/heads/main"})
row("trust: an OIDC token of another repository", TRUST, "implicit_deny", ["resource"], principal=GH,
    action="sts:AssumeRoleWithWebIdentity", resource=TARGET, resource_policy=TRUST_GH,
    context={"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
             "token.actions.githubusercontent.com:sub": "repo:evil/api:ref:refs/heads/main"})
row("trust: an OIDC token without a subject", TRUST, "implicit_deny", ["resource"], principal=GH,
    action="sts:AssumeRoleWithWebIdentity", resource=TARGET, resource_policy=TRUST_GH,
    context={"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"})
row("trust: another identity provider", TRUST, "implicit_deny", ["resource"],
    principal=f"arn:aws:iam::{A}:oidc-provider/accounts.google.com", action="sts:AssumeRoleWithWebIdentity",
    resource=TARGET, resource_policy=TRUST_GH,
    context={"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
             "token.actions.githubusercontent.com:sub": "repo:shop/api:ref:refs/heads/main"})
row("aws:PrincipalType of the root user is Account", VARS, "allow", [], principal=ROOT_A,
    resource_policy=grant("*", "s3:GetObject", "*", sid="Root", condition={"StringEquals": {"aws:PrincipalType": "Account"}}))
row("aws:PrincipalType of a federated user session is FederatedUser", VARS, "allow", [], principal=FED,
    identity=cond("StringEquals", "aws:PrincipalType", "FederatedUser"))
row("aws:PrincipalType of an anonymous caller is Anonymous", VARS, "explicit_deny", ["resource"], principal=None,
    resource_policy=doc(st("Allow", "s3:GetObject", "*", principal="*", sid="Public"),
                        st("Deny", "s3:GetObject", "*", principal="*", sid="NoAnonymous",
                           condition={"StringEquals": {"aws:PrincipalType": "Anonymous"}})))

# ---------------------------------------------------------------- facts no policy states
row("GetCallerIdentity needs no permission", FACTS, "allow", [], action="sts:GetCallerIdentity", resource="*")
row("GetCallerIdentity cannot be denied", FACTS, "allow", [], action="sts:GetCallerIdentity", resource="*", identity=[ref("deny-all")],
    scps=[[ref("deny-all")]])
row("an AWS managed policy cannot be versioned", FACTS, "implicit_deny", ["service"], action="iam:CreatePolicyVersion",
    resource="arn:aws:iam::aws:policy/AdministratorAccess", identity=[ref("all")])
row("an AWS managed policy cannot be deleted", FACTS, "implicit_deny", ["service"], action="iam:DeletePolicy",
    resource="arn:aws:iam::aws:policy/ReadOnlyAccess", identity=[ref("all")])
row("a customer managed policy can be versioned", FACTS, "allow", [], action="iam:CreatePolicyVersion",
    resource=f"arn:aws:iam::{A}:policy/mine", identity=[ref("all")])
row("an AWS managed policy can be attached", FACTS, "allow", [], action="iam:AttachRolePolicy",
    resource=TARGET, identity=[ref("all")])
row("a service-linked role cannot be passed", FACTS, "implicit_deny", ["service"], action="iam:PassRole",
    resource=f"arn:aws:iam::{A}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS", identity=[ref("all")])
row("a service-linked role's policies cannot be changed", FACTS, "implicit_deny", ["service"], action="iam:AttachRolePolicy",
    resource=f"arn:aws:iam::{A}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS", identity=[ref("all")])
row("an /aws-reserved/ role cannot be changed", FACTS, "implicit_deny", ["service"], action="iam:PutRolePolicy",
    resource=f"arn:aws:iam::{A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1", identity=[ref("all")])
row("an alias/aws/ alias cannot be created", FACTS, "implicit_deny", ["service"], action="kms:CreateAlias",
    resource=f"arn:aws:kms:eu-west-1:{A}:alias/aws/mine", identity=[ref("all")])
row("a customer alias can be created", FACTS, "allow", [], action="kms:CreateAlias",
    resource=f"arn:aws:kms:eu-west-1:{A}:alias/mine", identity=[ref("all")])

# ---------------------------------------------------------------- callers not named, more guardrails
row("an unnamed caller is a principal of the resource's account: a key policy delegating to it", KMS, "allow", [],
    principal=ABSENT, action="kms:Decrypt", resource=KEY, identity=[ref("id-kms")], resource_policy=ref("key-root-a"))
row("an unnamed caller is not a principal of another account", KMS, "implicit_deny", ["resource"],
    principal=ABSENT, action="kms:Decrypt", resource=KEY, identity=[ref("id-kms")], resource_policy=ref("key-root-b"))
row("an unnamed caller's identity Allow within one account", SINGLE, "allow", [], principal=ABSENT, identity=ID)
row("SCPs do not apply to anonymous requests", SCP, "allow", [], principal=None, resource_policy=ref("rp-star"),
    scps=[[ref("scp-deny-s3")]])
row("an endpoint policy applies to anonymous requests", VPCE, "implicit_deny", ["endpoint"], principal=None,
    resource_policy=ref("rp-star"), endpoint=grant({"AWS": BOB}, "s3:GetObject", "*", sid="BobOnly"))
row("an RCP Deny on a KMS key", RCP, "explicit_deny", ["rcp"], action="kms:Decrypt", resource=KEY, identity=[ref("id-kms")],
    resource_policy=ref("key-root-a"), rcps=[[ref("rcp-full"), ref("rcp-deny-all")]])
row("SCP and RCP denies are both reported", RCP, "explicit_deny", ["scp", "rcp"], identity=ID,
    scps=[[ref("scp-deny-s3")]], rcps=[[ref("rcp-deny-all")]])
row("the management account's principal is still bound by RCPs on a member account's resource", RCP, "explicit_deny", ["rcp"],
    principal=MGMT_USER, management_account=M, identity=ID, resource_policy=ref("rp-star"), rcps=[[ref("rcp-deny-all")]])
row("a member account's principal is still bound by its SCPs on a management account resource", SCP, "implicit_deny", ["scp"],
    principal=ALICE, resource_account=M, management_account=M, identity=ID, resource_policy=ref("rp-star"), scps=[[ref("scp-ec2")]])
row("a `*` ending the bucket name spans the key", RES, "allow", [], identity=[allow("s3:GetObject", "arn:aws:s3:::sho*")])
row("`s3:*` covers every S3 action and no other", ACTION, "implicit_deny", ["identity"], identity=[allow("s3:*", "*")],
    action="sqs:SendMessage", resource=QUEUE)

# ---------------------------------------------------------------- statement shape
row("a statement's deciding Allow is found among several", EVAL, "allow", [],
    identity=[doc(st("Allow", "ec2:*", "*", sid="Ec2"), st("Allow", "s3:GetObject", "*", sid="S3"))])
row("Allow and Deny in one statement list: Deny wins whatever the order", EVAL, "explicit_deny", ["identity"],
    identity=[doc(st("Deny", "s3:GetObject", "*", sid="D"), st("Allow", "s3:*", "*", sid="A"))])
row("a single Statement object instead of a list", EVAL, "allow", [],
    identity=[{"Version": "2012-10-17", "Statement": st("Allow", "s3:GetObject", "*", sid="One")}])

print(json.dumps({"policies": POLICIES, "requests": rows}, indent=None, separators=(",", ":")).replace('},{"id"', '},\n{"id"'))
import sys
print(len(rows), file=sys.stderr)
