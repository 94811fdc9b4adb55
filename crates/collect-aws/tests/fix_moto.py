"""Between the two scans of `moto_history.rs`: the account's engineers fix five of the problems
`seed_moto.py` seeded and introduce two new ones. This harness mutates moto; the collector never
does (it is read-only by construction).

    python fix_moto.py http://127.0.0.1:PORT MANIFEST.json

Fixed (each resolves exactly one failing result):
1. LOGS-001   the log group `bad-no-retention-use1` gets a 400-day retention;
2. KMS-001    the us-east-1 key `bad-no-rotation` gets automatic rotation;
3. BACKUP-003 the vault `bad-unlocked-use1` gets a vault lock;
4. LAMBDA-002 the function `bad-fn-euw1` moves from python3.7 to python3.12;
5. EC2-055    the launch template `bad-lt-use1` gets a new default version whose network
              interface takes no public IP (everything else as before: the collector judges the
              default version).
Added (each one failing result, on a resource that passed that check before):
6. KMS-001    the eu-west-1 key `good-rotated` has its rotation turned off;
7. LOGS-001   the log group `good-retained-euw1` loses its retention (events never expire).
"""

import json
import sys

import boto3

ENDPOINT = sys.argv[1]
manifest = json.load(open(sys.argv[2]))


def client(service, region="us-east-1"):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


use1 = manifest["per_region"]["us-east-1"]
euw1 = manifest["per_region"]["eu-west-1"]
client("logs").put_retention_policy(logGroupName="bad-no-retention-use1", retentionInDays=400)
client("kms").enable_key_rotation(KeyId=use1["keys"]["no_rotation"])
client("backup").put_backup_vault_lock_configuration(BackupVaultName="bad-unlocked-use1", MinRetentionDays=30)
client("lambda", "eu-west-1").update_function_configuration(FunctionName="bad-fn-euw1", Runtime="python3.12")
ec2 = client("ec2")
data = ec2.describe_launch_template_versions(LaunchTemplateId=use1["bad_lt"], Versions=["$Default"])[
    "LaunchTemplateVersions"
][0]["LaunchTemplateData"]
for ni in data["NetworkInterfaces"]:
    ni["AssociatePublicIpAddress"] = False
version = ec2.create_launch_template_version(LaunchTemplateId=use1["bad_lt"], LaunchTemplateData=data)[
    "LaunchTemplateVersion"
]["VersionNumber"]
ec2.modify_launch_template(LaunchTemplateId=use1["bad_lt"], DefaultVersion=str(version))

client("kms", "eu-west-1").disable_key_rotation(KeyId=euw1["keys"]["rotated"])
client("logs", "eu-west-1").delete_retention_policy(logGroupName="good-retained-euw1")

json.dump({"bad_lt_default_version": version}, sys.stdout)
