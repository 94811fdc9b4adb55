//! The CHECKLIST controls (from `CHECKLIST.md`): ids, sections, short titles and kinds.
//!
//! Kept as data so the coverage table can list every control, covered or not.

/// How a control can be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Decided from configuration alone.
    Auto,
    /// Partly decidable; the report says which part was not.
    Partial,
    /// No configuration can decide it.
    Manual,
}

/// One CHECKLIST control.
#[derive(Debug, Clone, Copy)]
pub struct Control {
    /// `IAM-3`.
    pub id: &'static str,
    /// The CHECKLIST section.
    pub section: &'static str,
    /// A short title.
    pub title: &'static str,
    /// Auto, partial or manual.
    pub kind: Kind,
    /// The inputs (L S T C P F).
    pub inputs: &'static str,
}

/// Every control, in CHECKLIST order.
pub const CONTROLS: &[Control] = &[
    Control { id: "IAM-1", section: "Identity and access (IAM)", title: "No Allow statement grants every action (\"*\") or every action of a service (\"s3:*\"), including through NotAction", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "IAM-2", section: "Identity and access (IAM)", title: "No Allow statement uses a wildcard Resource where the actions support resource-level permissions (\"*\", arn:aws:s3:::*)", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "IAM-3", section: "Identity and access (IAM)", title: "Explicit Deny guardrails are present for the services a workload uses, and they do not cancel the policy's own Allows", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "IAM-4", section: "Identity and access (IAM)", title: "A principal's effective permissions reach no service it is not meant to use (services reachable are listed per principal; unexpected ones flagged…", kind: Kind::Partial, inputs: "L S T C P" },
    Control { id: "IAM-5", section: "Identity and access (IAM)", title: "Few full administrators (* on *); administrators are console-only: no access keys", kind: Kind::Auto, inputs: "L S" },
    Control { id: "IAM-6", section: "Identity and access (IAM)", title: "Every IAM user with a console password has MFA", kind: Kind::Auto, inputs: "L S" },
    Control { id: "IAM-7", section: "Identity and access (IAM)", title: "The password policy meets a configurable baseline (length ≥ 14, reuse prevention, expiry or none per policy)", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "IAM-8", section: "Identity and access (IAM)", title: "No unused access keys (not used in 90 days, configurable) and no key older than 90 days; users have at most one active key", kind: Kind::Auto, inputs: "L S" },
    Control { id: "IAM-9", section: "Identity and access (IAM)", title: "Compute uses roles (instance profiles, task roles, execution roles), not long-lived user keys; no access keys in instance user data or environment", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "IAM-10", section: "Identity and access (IAM)", title: "Application principals cannot destroy history: no s3:DeleteObjectVersion, s3:PutBucketVersioning, s3:PutLifecycleConfiguration,…", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "IAM-11", section: "Identity and access (IAM)", title: "Application credentials that may delete data are separate from those that read and write (a principal with both Put/Get and Delete on the same…", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "IAM-12", section: "Identity and access (IAM)", title: "Long-lived application credentials are bound to the workload's network: a Deny with NotIpAddress aws:SourceIp (and aws:ViaAWSService false) or…", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "IAM-13", section: "Identity and access (IAM)", title: "Secrets are read with the narrowest grant: secretsmanager:GetSecretValue / ssm:GetParameter(s) only on named secrets or parameter paths", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "IAM-14", section: "Identity and access (IAM)", title: "No principal can escalate its own privileges (known escalation combinations such as iam:PassRole on * with a compute create action,…", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "IAM-15", section: "Identity and access (IAM)", title: "One identity per application per environment and per third-party service: a user whose name or tags say one environment but whose permissions…", kind: Kind::Partial, inputs: "L S" },
    Control { id: "IAM-16", section: "Identity and access (IAM)", title: "Policies are valid: parse errors (the seed 002 S3 policy has a trailing comma) are reported with line and column; unknown services, actions,…", kind: Kind::Auto, inputs: "P T C L S" },
    Control { id: "ROOT-1", section: "The account root", title: "The root user has no access keys", kind: Kind::Auto, inputs: "L S" },
    Control { id: "ROOT-2", section: "The account root", title: "The root user has MFA (hardware MFA reported as stronger)", kind: Kind::Auto, inputs: "L S" },
    Control { id: "ROOT-3", section: "The account root", title: "The root user is not used for daily work (last use within 90 days reported)", kind: Kind::Auto, inputs: "L S" },
    Control { id: "ROOT-4", section: "The account root", title: "The account has an alias", kind: Kind::Auto, inputs: "L S" },
    Control { id: "NET-1", section: "Network", title: "No security group allows ingress from 0.0.0.0/0 or ::/0 to all ports or to a broad range", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-2", section: "Network", title: "SSH (22) and RDP (3389) are reachable only from a bastion's security group or named admin ranges, never from the internet", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-3", section: "Network", title: "Database and cache ports (3306, 5432, 1433, 1521, 5439, 27017, 6379, 11211, 9200, …) are reachable only from the application tier, never from the…", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-4", section: "Network", title: "Internal application ports (8080, 8443, …) accept traffic only from the load balancer's security group", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-5", section: "Network", title: "Egress is restricted: unrestricted egress to 0.0.0.0/0 on all ports is reported", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-6", section: "Network", title: "Network ACL rules are evaluated in order: a DENY with a lower number than an ALLOW it covers makes that ALLOW dead", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-7", section: "Network", title: "Network ACLs are stateless: where inbound traffic is allowed, the outbound ephemeral range (1024–65535) back to its source is allowed too, and the…", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-8", section: "Network", title: "The default security group of every VPC allows no traffic", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-9", section: "Network", title: "Tiers are segmented: databases sit in subnets without a route to an internet gateway; internet ingress reaches only load balancers; egress from…", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-10", section: "Network", title: "End to end: which resources are reachable from the internet on which ports, through route table, NACL (both directions) and security group…", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "NET-11", section: "Network", title: "Unused security groups and security groups open wider than any rule needs are reported", kind: Kind::Auto, inputs: "L S" },
    Control { id: "NET-12", section: "Network", title: "Private buckets are reached through a VPC endpoint (aws:SourceVpce in the bucket policy)", kind: Kind::Partial, inputs: "L S T C" },
    Control { id: "NET-13", section: "Network", title: "Production is isolated: no direct SSH/database access from outside the production VPC (bastion or VPN only); management hosts live in a separate…", kind: Kind::Partial, inputs: "L S T C" },
    Control { id: "NET-14", section: "Network", title: "No network ACL allows ingress from 0.0.0.0/0 or ::/0 to administration ports (22, 3389) or to all ports, once rule order is taken into account", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "ENC-1", section: "Encryption at rest and keys", title: "Every S3 bucket has default encryption, with SSE-KMS (aws:kms) rather than SSE-S3 (AES256)", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "ENC-2", section: "Encryption at rest and keys", title: "DynamoDB tables use a customer-managed KMS key", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "ENC-3", section: "Encryption at rest and keys", title: "RDS instances and clusters, EBS volumes and Redshift clusters are encrypted; EBS encryption by default is on in every region", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "ENC-4", section: "Encryption at rest and keys", title: "Customer-managed keys are used rather than AWS-managed keys for sensitive stores, and their rotation is on", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "ENC-5", section: "Encryption at rest and keys", title: "KMS key policies are restrictive: no Principal: \"*\" without a limiting condition, no kms:* to non-administrators", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "ENC-6", section: "Encryption at rest and keys", title: "Sensitive fields (PII, payment tokens) are also encrypted in the application", kind: Kind::Manual, inputs: "—" },
    Control { id: "SEC-1", section: "Secrets", title: "No secrets in source code, configuration files, or git history (AWS key pairs, Shopify tokens, database URLs with passwords, private keys, generic…", kind: Kind::Auto, inputs: "F" },
    Control { id: "SEC-2", section: "Secrets", title: "No secrets in Lambda environment variables, EC2 user data, ECS task definitions, CloudFormation parameter defaults or Terraform variable defaults", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "SEC-3", section: "Secrets", title: "Secret-looking SSM parameters are SecureString, not String", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "SEC-4", section: "Secrets", title: "Secrets Manager secrets have rotation enabled and rotated within their schedule", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "SEC-5", section: "Secrets", title: "One secret per credential (no secret bundling unrelated credentials)", kind: Kind::Partial, inputs: "L S" },
    Control { id: "LOG-1", section: "Logging and monitoring", title: "A CloudTrail trail is multi-region, logging, records management events and global service events", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-2", section: "Logging and monitoring", title: "Log file validation is on", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-3", section: "Logging and monitoring", title: "Data events are recorded for S3 objects (and Lambda invocations) of the buckets that hold data", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-4", section: "Logging and monitoring", title: "The trail's bucket is not public, has a restrictive policy, versioning or object lock, access logging, and a lifecycle that keeps logs for the…", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-5", section: "Logging and monitoring", title: "Trail logs are encrypted with a KMS key", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-6", section: "Logging and monitoring", title: "Metric filters with alarms exist for security events: unauthorized API calls, console sign-in failures and sign-in without MFA, root use, IAM…", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-7", section: "Logging and monitoring", title: "Every alarm has an action that reaches someone (SNS topic with a confirmed subscription)", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-8", section: "Logging and monitoring", title: "Every CloudWatch log group has a retention period", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-9", section: "Logging and monitoring", title: "VPC flow logs are on for every VPC (or every subnet) and capture ALL traffic", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-10", section: "Logging and monitoring", title: "Load balancer access logs and S3 server access logs are on", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "LOG-11", section: "Logging and monitoring", title: "Security events are logged by the application (authentication, authorization failures, sensitive access), without sensitive data in the logs", kind: Kind::Manual, inputs: "—" },
    Control { id: "DATA-1", section: "Data protection and backups", title: "S3 buckets that are not meant to be public block public access (account and bucket level) and grant nothing to everyone in ACLs or policies", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "DATA-2", section: "Data protection and backups", title: "S3 versioning is on for data and backup buckets (MFA delete reported as stronger)", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "DATA-3", section: "Data protection and backups", title: "Backup buckets have lifecycle rules (transition to cold storage, expiry of old versions)", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "DATA-4", section: "Data protection and backups", title: "AWS Backup protects the data stores (S3, DynamoDB, RDS, EBS) with a plan, in a vault encrypted with a KMS key and locked so that backups cannot be…", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "DATA-5", section: "Data protection and backups", title: "Bucket policies require TLS (aws:SecureTransport)", kind: Kind::Auto, inputs: "L S T C P" },
    Control { id: "APP-1", section: "Applications and governance", title: "Dependencies have no known vulnerabilities (lock files checked against OSV advisories available offline)", kind: Kind::Auto, inputs: "F" },
    Control { id: "APP-2", section: "Applications and governance", title: "Runtimes are supported: Lambda functions and lock files name no deprecated runtime (python3.7, nodejs14.x, …)", kind: Kind::Auto, inputs: "L S T C F" },
    Control { id: "APP-3", section: "Applications and governance", title: "Database queries are parameterized; user input is validated; output is encoded", kind: Kind::Manual, inputs: "F" },
    Control { id: "GOV-1", section: "Applications and governance", title: "Resources carry the tags of the tagging policy (configurable: e.g", kind: Kind::Auto, inputs: "L S T C" },
    Control { id: "GOV-2", section: "Applications and governance", title: "Changes to security groups, IAM and CloudTrail are monitored (see LOG-6) and reported in the audit as a control status", kind: Kind::Auto, inputs: "L S" },
];
