//! The escalation method catalogue as documented in `docs/escalation-methods.md`: the page is
//! rendered from the catalogue itself, so it cannot drift (`RAMPART_WRITE_DOCS=1` rewrites it).
//! Also pins what each method needs, where the publicly documented methods need more than one
//! permission (a Lambda function must be invoked or triggered, a pipeline activated).

use std::fmt::Write as _;

use rampart_policy::escalate::{GROUP_METHODS, Method, POLICY_METHODS, ROLE_METHODS, USER_METHODS};

fn render() -> String {
    let mut out = String::from(
        "# Privilege escalation methods\n\n\
         <!-- Generated from crates/policy/src/escalate.rs by `RAMPART_WRITE_DOCS=1 cargo test -p rampart-policy --test escalation_catalogue`; do not edit. -->\n\n\
         IAM-109 and `rampart access` build a graph whose nodes are the account's users, roles and groups. \
         Each method below is an edge from a principal (the caller) to a target. The caller's policies, \
         permissions boundary, the organization's SCPs and RCPs decide every permission of the method with \
         the policy engine: the first permission on the target (its ARN, or a managed policy attached to it), \
         the others on any resource the caller's grants name. A method of a compute or orchestration service \
         also needs the target role's trust policy to admit that service.\n\n\
         - **act as**: the caller gets the target's permissions (its credentials, or code running as it).\n\
         - **empowers**: the caller gives the target an administrator policy. It counts only when the target's \
         permissions boundary (if any) allows everything: a boundary still holds back what a new policy grants.\n\
         - **lifts boundary**: the caller deletes or replaces the target's permissions boundary. It counts only when \
         the target's identity policies already allow everything.\n\n\
         A principal escalates itself when it can act as an administrator, or empower itself, a group it belongs to \
         (as a member without a restraining boundary) or a principal it can act as. It only grants to others when \
         it can empower other principals alone.\n\n\
         Each request carries what AWS would put in it: `iam:PassedToService` (the method's service), \
         `iam:PolicyARN` and `iam:PermissionsBoundary` (AdministratorAccess, what an attacker attaches), the caller's \
         tags as `aws:PrincipalTag/…` and the target's as `aws:ResourceTag/…` and `iam:ResourceTag/…`, and for the keys \
         a caller chooses by where it calls from (`aws:RequestedRegion`, `aws:SourceIp`, `aws:SourceVpc`, \
         `aws:SourceVpce`) a value its policies, boundary or SCPs ask for. EC2 runs a role only through an instance \
         profile: the EC2 methods need the role in one, except the one that makes it. A service action is tried on \
         `*` and on the resources the caller's grants name that can be its own.\n",
    );
    for (title, target, methods) in [
        ("Against a role", "the role", ROLE_METHODS),
        ("Against a user", "the user", USER_METHODS),
        ("Against a group", "the group", GROUP_METHODS),
        (
            "Through a managed policy attached to the target",
            "a customer managed policy attached to the target (AWS managed policies cannot be changed by anyone)",
            POLICY_METHODS,
        ),
    ] {
        let _ = write!(
            out,
            "\n## {title}\n\nFirst permission on: {target}.\n\n| method | permissions | edge | role must trust | how |\n|---|---|---|---|---|\n"
        );
        for m in methods {
            let edge = if m.lifts_boundary {
                "lifts boundary"
            } else if m.act_as {
                "act as"
            } else {
                "empowers"
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {edge} | {} | {} |",
                m.name,
                m.actions
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                m.service.map_or("—".to_owned(), |s| format!("`{s}`")),
                m.how
            );
        }
    }
    out
}

#[test]
fn the_documented_catalogue_is_the_catalogue() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/escalation-methods.md"
    );
    let text = render();
    if std::env::var_os("RAMPART_WRITE_DOCS").is_some() {
        std::fs::write(path, &text).expect("write docs/escalation-methods.md");
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == text,
        "docs/escalation-methods.md is stale: RAMPART_WRITE_DOCS=1 cargo test -p rampart-policy --test escalation_catalogue"
    );
}

fn method(name: &str) -> &'static Method {
    ROLE_METHODS
        .iter()
        .chain(USER_METHODS)
        .chain(GROUP_METHODS)
        .chain(POLICY_METHODS)
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("{name} is not in the catalogue"))
}

/// Every method the issue and the public lists (Rhino Security Labs' methods, Bishop Fox's
/// iam-vulnerable scenarios, pmapper's edges) name is there, with its whole set of permissions.
#[test]
fn the_catalogue_holds_each_method_with_what_it_needs() {
    for (name, actions) in [
        ("create-access-key", &["iam:CreateAccessKey"][..]),
        ("create-login-profile", &["iam:CreateLoginProfile"]),
        ("update-login-profile", &["iam:UpdateLoginProfile"]),
        ("attach-user-policy", &["iam:AttachUserPolicy"]),
        ("attach-group-policy", &["iam:AttachGroupPolicy"]),
        ("attach-role-policy", &["iam:AttachRolePolicy"]),
        ("put-user-policy", &["iam:PutUserPolicy"]),
        ("put-group-policy", &["iam:PutGroupPolicy"]),
        ("put-role-policy", &["iam:PutRolePolicy"]),
        ("create-policy-version", &["iam:CreatePolicyVersion"]),
        (
            "set-default-policy-version",
            &["iam:SetDefaultPolicyVersion"],
        ),
        ("add-user-to-group", &["iam:AddUserToGroup"]),
        (
            "update-assume-role-policy",
            &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
        ),
        ("pass-role-ec2", &["iam:PassRole", "ec2:RunInstances"]),
        // A new function runs only when invoked or triggered.
        (
            "pass-role-lambda",
            &[
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:InvokeFunction",
            ],
        ),
        (
            "pass-role-lambda-event-source",
            &[
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:CreateEventSourceMapping",
            ],
        ),
        (
            "pass-role-cloudformation",
            &["iam:PassRole", "cloudformation:CreateStack"],
        ),
        // An existing stack runs as its own role: no role is passed.
        (
            "cloudformation-update-stack",
            &["cloudformation:UpdateStack"],
        ),
        (
            "cloudformation-set-stack-policy",
            &[
                "cloudformation:SetStackPolicy",
                "cloudformation:UpdateStack",
            ],
        ),
        (
            "cloudformation-change-set",
            &[
                "cloudformation:CreateChangeSet",
                "cloudformation:ExecuteChangeSet",
            ],
        ),
        (
            "pass-role-codebuild",
            &[
                "iam:PassRole",
                "codebuild:CreateProject",
                "codebuild:StartBuild",
            ],
        ),
        ("codebuild-start-build", &["codebuild:StartBuild"]),
        (
            "pass-role-sagemaker-notebook",
            &[
                "iam:PassRole",
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreatePresignedNotebookInstanceUrl",
            ],
        ),
        (
            "sagemaker-presigned-url",
            &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        ),
        (
            "pass-role-sagemaker-training",
            &["iam:PassRole", "sagemaker:CreateTrainingJob"],
        ),
        (
            "pass-role-sagemaker-processing",
            &["iam:PassRole", "sagemaker:CreateProcessingJob"],
        ),
        (
            "pass-role-glue-dev-endpoint",
            &["iam:PassRole", "glue:CreateDevEndpoint"],
        ),
        ("glue-update-dev-endpoint", &["glue:UpdateDevEndpoint"]),
        (
            "pass-role-glue-job",
            &["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"],
        ),
        // A pipeline runs once activated.
        (
            "pass-role-datapipeline",
            &[
                "iam:PassRole",
                "datapipeline:CreatePipeline",
                "datapipeline:PutPipelineDefinition",
                "datapipeline:ActivatePipeline",
            ],
        ),
        (
            "pass-role-ecs",
            &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
        ),
        ("ssm-send-command", &["ssm:SendCommand"]),
        ("ssm-start-session", &["ssm:StartSession"]),
        (
            "ec2-instance-connect",
            &["ec2-instance-connect:SendSSHPublicKey"],
        ),
        (
            "lambda-update-function-code",
            &["lambda:UpdateFunctionCode"],
        ),
        (
            "lambda-update-function-configuration",
            &["lambda:UpdateFunctionConfiguration"],
        ),
        (
            "delete-user-permissions-boundary",
            &["iam:DeleteUserPermissionsBoundary"],
        ),
        (
            "put-user-permissions-boundary",
            &["iam:PutUserPermissionsBoundary"],
        ),
        (
            "delete-role-permissions-boundary",
            &["iam:DeleteRolePermissionsBoundary"],
        ),
        (
            "put-role-permissions-boundary",
            &["iam:PutRolePermissionsBoundary"],
        ),
    ] {
        assert_eq!(method(name).actions, actions, "{name}");
    }
    // Every action of every method is one the catalogue knows (a misspelt action is never
    // allowed, so its method would silently never apply).
    let c = rampart_policy::catalogue::global();
    for m in ROLE_METHODS
        .iter()
        .chain(USER_METHODS)
        .chain(GROUP_METHODS)
        .chain(POLICY_METHODS)
    {
        for a in m.actions {
            assert!(c.action_index(a).is_some(), "{}: {a}", m.name);
        }
        // Passing a role is only a way up when a service then runs as it.
        if m.actions.contains(&"iam:PassRole") {
            assert!(m.service.is_some() && m.actions.len() > 1, "{}", m.name);
        }
    }
}
