"""Seeds a moto server with a deliberately insecure AWS account, and compliant resources beside
each insecure one, across two regions, plus a second account in an organization.

    python seed_moto.py http://127.0.0.1:PORT  > manifest.json

Prints a JSON manifest of what it created (names, ids, ARNs) for the test to assert on. Every
resource whose name starts with `bad-` is meant to fail a check; `good-` ones to pass it.

moto quirks met here (they shape what the tests can assert):
- IAM timestamps cannot be back-dated: keys are created "now", so "old/unused key" checks cannot
  fail on moto; the test asserts the keys' presence and last-use fields in the Inventory instead.
- The credential report has no root row; GetAccountSummary still reports root MFA/keys.
- GetAccountAuthorizationDetails leaves out AWS managed policies (the collector reads the attached
  ones with GetPolicy/GetPolicyVersion).
- CloudWatch alarms are seeded (boto3 speaks JSON), but the Rust SDK reads them with the Smithy
  RPCv2 CBOR protocol, which moto answers with 404: alarm data is a gap.
"""

import json
import sys

import boto3

ENDPOINT = sys.argv[1]
REGIONS = ["us-east-1", "eu-west-1"]
FAKE_KEY = "AKIA" + "Q3EGRIWKTFX7NOPE"  # matches the access-key-id pattern, is not a real key
FAKE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEYNOPE1"

manifest = {"regions": REGIONS}


def client(service, region="us-east-1", **creds):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id=creds.get("key", "testing"),
        aws_secret_access_key=creds.get("secret", "testing"),
        aws_session_token=creds.get("token"),
    )


def tag_list(**kv):
    return [{"Key": k, "Value": v} for k, v in kv.items()]


GOOD_TAGS = {"Owner": "platform", "Environment": "prod", "CostCenter": "cc-42"}

# ---------------------------------------------------------------- identity (global)
iam = client("iam")
iam.update_account_password_policy(
    MinimumPasswordLength=6,
    RequireSymbols=False,
    RequireNumbers=False,
    RequireUppercaseCharacters=False,
    RequireLowercaseCharacters=True,
    AllowUsersToChangePassword=True,
)
iam.create_account_alias(AccountAlias="rampart-test")

# A console user without MFA, and one with a virtual MFA device.
iam.create_user(UserName="bad-console-no-mfa")
iam.create_login_profile(UserName="bad-console-no-mfa", Password="Passw0rd!Passw0rd")
iam.create_user(UserName="good-console-mfa", Tags=tag_list(**GOOD_TAGS))
iam.create_login_profile(UserName="good-console-mfa", Password="Passw0rd!Passw0rd")
device = iam.create_virtual_mfa_device(VirtualMFADeviceName="good-console-mfa")["VirtualMFADevice"]
iam.enable_mfa_device(
    UserName="good-console-mfa",
    SerialNumber=device["SerialNumber"],
    AuthenticationCode1="123456",
    AuthenticationCode2="654321",
)

# An administrator with access keys (two active), and a programmatic user with one key.
iam.create_user(UserName="bad-admin-with-keys")
iam.attach_user_policy(UserName="bad-admin-with-keys", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
keys = [iam.create_access_key(UserName="bad-admin-with-keys")["AccessKey"]["AccessKeyId"] for _ in range(2)]
iam.create_user(UserName="good-ci-deployer", Tags=tag_list(**GOOD_TAGS))
good_key = iam.create_access_key(UserName="good-ci-deployer")["AccessKey"]["AccessKeyId"]
manifest["admin_keys"] = keys
manifest["good_key"] = good_key

# Over-broad and self-cancelling customer managed policies, and a scoped one.
star = iam.create_policy(
    PolicyName="bad-star-star",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
)["Policy"]["Arn"]
cancel = iam.create_policy(
    PolicyName="bad-cancelling",
    PolicyDocument=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
            ],
        }
    ),
)["Policy"]["Arn"]
scoped = iam.create_policy(
    PolicyName="good-scoped",
    PolicyDocument=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::good-app-data/*"}],
        }
    ),
)["Policy"]["Arn"]
iam.create_group(GroupName="bad-power-group")
iam.attach_group_policy(GroupName="bad-power-group", PolicyArn=star)
iam.add_user_to_group(GroupName="bad-power-group", UserName="bad-console-no-mfa")
iam.attach_user_policy(UserName="good-ci-deployer", PolicyArn=scoped)
iam.put_user_policy(
    UserName="good-ci-deployer",
    PolicyName="inline-cancelling",
    PolicyDocument=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"},
                {"Effect": "Deny", "Action": "ec2:Describe*", "Resource": "*"},
            ],
        }
    ),
)
trust = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)
role = iam.create_role(RoleName="good-app-role", AssumeRolePolicyDocument=trust, Tags=tag_list(**GOOD_TAGS))["Role"]["Arn"]
iam.attach_role_policy(RoleName="good-app-role", PolicyArn=scoped)
iam.create_role(
    RoleName="bad-open-trust",
    AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    ),
)
iam.attach_role_policy(RoleName="bad-open-trust", PolicyArn=cancel)
iam.create_instance_profile(InstanceProfileName="good-app-profile")
iam.add_role_to_instance_profile(InstanceProfileName="good-app-profile", RoleName="good-app-role")
profile_arn = iam.get_instance_profile(InstanceProfileName="good-app-profile")["InstanceProfile"]["Arn"]
lambda_role = iam.create_role(
    RoleName="lambda-exec",
    AssumeRolePolicyDocument=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }
    ),
)["Role"]["Arn"]
manifest["policies"] = {"star": star, "cancel": cancel, "scoped": scoped}

# ---------------------------------------------------------------- per region
manifest["per_region"] = {}
for region in REGIONS:
    short = "use1" if region == "us-east-1" else "euw1"
    out = {}
    ec2 = client("ec2", region)
    kms = client("kms", region)
    logs = client("logs", region)

    # Keys: one customer key without rotation, one with rotation, one whose policy opens it to all.
    no_rot = kms.create_key(Description="bad-no-rotation", Tags=[])["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/bad-no-rotation-{short}", TargetKeyId=no_rot)
    rot = kms.create_key(
        Description="good-rotated", Tags=[{"TagKey": k, "TagValue": v} for k, v in GOOD_TAGS.items()]
    )["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rot["KeyId"])
    kms.create_alias(AliasName=f"alias/good-rotated-{short}", TargetKeyId=rot["KeyId"])
    open_policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}],
        }
    )
    open_key = kms.create_key(Description="bad-open-to-all", Policy=open_policy)["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=open_key)
    out["keys"] = {"no_rotation": no_rot, "rotated": rot["KeyId"], "rotated_arn": rot["Arn"], "open": open_key}

    # Network: open and restricted security groups, a deny-first NACL, a VPC with flow logs.
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    open_sg = ec2.create_security_group(GroupName="bad-open-ssh", Description="ssh from anywhere", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=open_sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
            {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        ],
    )
    good_sg = ec2.create_security_group(
        GroupName="good-internal-https",
        Description="https from the VPC",
        VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": tag_list(**GOOD_TAGS)}],
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=good_sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
    )
    nacl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=nacl, RuleNumber=100, Protocol="-1", RuleAction="deny", Egress=False, CidrBlock="0.0.0.0/0"
    )
    ec2.create_network_acl_entry(
        NetworkAclId=nacl,
        RuleNumber=200,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 22, "To": 22},
    )
    logged_vpc = ec2.create_vpc(
        CidrBlock="10.20.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": tag_list(Name="good-logged", **GOOD_TAGS)}]
    )["Vpc"]["VpcId"]
    logs.create_log_group(logGroupName=f"/vpc/flow-{short}")
    logs.put_retention_policy(logGroupName=f"/vpc/flow-{short}", retentionInDays=365)
    ec2.create_flow_logs(
        ResourceIds=[logged_vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogGroupName=f"/vpc/flow-{short}",
        DeliverLogsPermissionArn=role,
    )
    out.update(vpc=vpc, logged_vpc=logged_vpc, open_sg=open_sg, good_sg=good_sg, nacl=nacl)

    # Compute and block storage.
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    bad_instance = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        UserData=f"#!/bin/bash\nexport AWS_ACCESS_KEY_ID={FAKE_KEY}\nexport AWS_SECRET_ACCESS_KEY={FAKE_SECRET}\n",
        SecurityGroupIds=[open_sg],
    )["Instances"][0]["InstanceId"]
    good_instance = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        UserData="#!/bin/bash\necho hello\n",
        IamInstanceProfile={"Arn": profile_arn},
        SecurityGroupIds=[good_sg],
        TagSpecifications=[{"ResourceType": "instance", "Tags": tag_list(**GOOD_TAGS)}],
    )["Instances"][0]["InstanceId"]
    az = f"{region}a"
    bad_vol = ec2.create_volume(AvailabilityZone=az, Size=8)["VolumeId"]
    good_vol = ec2.create_volume(
        AvailabilityZone=az,
        Size=8,
        Encrypted=True,
        KmsKeyId=rot["Arn"],
        TagSpecifications=[{"ResourceType": "volume", "Tags": tag_list(**GOOD_TAGS)}],
    )["VolumeId"]
    if region == "eu-west-1":
        ec2.enable_ebs_encryption_by_default()
    out.update(bad_instance=bad_instance, good_instance=good_instance, bad_volume=bad_vol, good_volume=good_vol)

    # Launch templates: one allowing IMDSv1, giving a public IP and an unencrypted volume (in
    # eu-west-1, EBS encryption by default encrypts that volume anyway), and a compliant one.
    bad_lt = ec2.create_launch_template(
        LaunchTemplateName=f"bad-lt-{short}",
        LaunchTemplateData={
            "ImageId": image,
            "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "enabled"},
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True, "Groups": [open_sg]}],
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": False}}],
        },
    )["LaunchTemplate"]["LaunchTemplateId"]
    good_lt = ec2.create_launch_template(
        LaunchTemplateName=f"good-lt-{short}",
        LaunchTemplateData={
            "ImageId": image,
            "IamInstanceProfile": {"Arn": profile_arn},
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": False, "Groups": [good_sg]}],
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True, "KmsKeyId": rot["Arn"]}}
            ],
        },
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": tag_list(**GOOD_TAGS)}],
    )["LaunchTemplate"]["LaunchTemplateId"]
    out.update(bad_lt=bad_lt, good_lt=good_lt)

    # Databases.
    rds = client("rds", region)
    rds.create_db_instance(
        DBInstanceIdentifier=f"bad-db-{short}",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword="Passw0rd!Passw0rd",
        AllocatedStorage=20,
        StorageEncrypted=False,
    )
    rds.create_db_instance(
        DBInstanceIdentifier=f"good-db-{short}",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword="Passw0rd!Passw0rd",
        AllocatedStorage=20,
        StorageEncrypted=True,
        KmsKeyId=rot["Arn"],
        Tags=tag_list(**GOOD_TAGS),
    )
    # Neptune clusters, read through RDS DescribeDBClusters like Aurora ones (DocumentDB too, on
    # AWS; moto's RDS refuses the `docdb` engine, so it is not seeded here).
    rds.create_db_cluster(DBClusterIdentifier=f"bad-neptune-{short}", Engine="neptune", StorageEncrypted=False)
    rds.create_db_cluster(
        DBClusterIdentifier=f"good-neptune-{short}",
        Engine="neptune",
        StorageEncrypted=True,
        KmsKeyId=rot["Arn"],
        Tags=tag_list(**GOOD_TAGS),
    )
    ddb = client("dynamodb", region)
    table_args = dict(
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.create_table(TableName=f"bad-table-{short}", **table_args)
    ddb.create_table(
        TableName=f"good-table-{short}",
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": rot["Arn"]},
        Tags=tag_list(**GOOD_TAGS),
        **table_args,
    )

    # Secrets and parameters.
    sm = client("secretsmanager", region)
    sm.create_secret(Name=f"bad-unrotated-{short}", SecretString="s3cr3t-value")
    good_secret = sm.create_secret(Name=f"good-rotated-{short}", SecretString="s3cr3t-value", Tags=tag_list(**GOOD_TAGS))
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return 1\n")
    code = buf.getvalue()
    lam = client("lambda", region)
    rotator = lam.create_function(
        FunctionName=f"rotator-{short}",
        Runtime="python3.12",
        Role=lambda_role,
        Handler="index.handler",
        Code={"ZipFile": code},
        Tags=GOOD_TAGS,
    )["FunctionArn"]
    try:
        sm.rotate_secret(
            SecretId=good_secret["ARN"],
            RotationLambdaARN=rotator,
            RotationRules={"AutomaticallyAfterDays": 30},
            RotateImmediately=False,
        )
        out["secret_rotation_seeded"] = True
    except Exception as e:  # moto may insist on a real rotation function
        out["secret_rotation_seeded"] = False
        out["secret_rotation_error"] = str(e)[:200]
    ssm = client("ssm", region)
    ssm.put_parameter(Name=f"/bad/{short}/db_password", Value="Tr0ub4dor&3-hunter2", Type="String")
    ssm.put_parameter(Name=f"/good/{short}/db_password", Value="Tr0ub4dor&3-hunter2", Type="SecureString")
    ssm.put_parameter(Name=f"/good/{short}/log_level", Value="info", Type="String")

    # Lambda: secrets in the environment and a deprecated runtime; a clean current one.
    lam.create_function(
        FunctionName=f"bad-fn-{short}",
        Runtime="python3.7",
        Role=lambda_role,
        Handler="index.handler",
        Code={"ZipFile": code},
        Environment={"Variables": {"AWS_ACCESS_KEY_ID": FAKE_KEY, "AWS_SECRET_ACCESS_KEY": FAKE_SECRET}},
    )
    lam.create_function(
        FunctionName=f"good-fn-{short}",
        Runtime="python3.12",
        Role=lambda_role,
        Handler="index.handler",
        Code={"ZipFile": code},
        Environment={"Variables": {"LOG_LEVEL": "info"}},
        Tags=GOOD_TAGS,
    )

    # Logs and monitoring: a log group without retention, metric filter, an alarm without actions.
    logs.create_log_group(logGroupName=f"bad-no-retention-{short}")
    logs.create_log_group(logGroupName=f"good-retained-{short}", tags=GOOD_TAGS)
    logs.put_retention_policy(logGroupName=f"good-retained-{short}", retentionInDays=400)
    logs.put_metric_filter(
        logGroupName=f"good-retained-{short}",
        filterName="unauthorized-api-calls",
        filterPattern='{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
        metricTransformations=[{"metricName": "UnauthorizedAPICalls", "metricNamespace": "CISBenchmark", "metricValue": "1"}],
    )
    sns = client("sns", region)
    topic = sns.create_topic(Name=f"security-alerts-{short}", Tags=tag_list(**GOOD_TAGS))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    cw = client("cloudwatch", region)
    cw.put_metric_alarm(
        AlarmName=f"bad-no-actions-{short}",
        MetricName="UnauthorizedAPICalls",
        Namespace="CISBenchmark",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        ActionsEnabled=False,
    )

    # Backup vaults: one unlocked, one locked.
    backup = client("backup", region)
    backup.create_backup_vault(BackupVaultName=f"bad-unlocked-{short}")
    backup.create_backup_vault(BackupVaultName=f"good-locked-{short}", BackupVaultTags=GOOD_TAGS)
    try:
        backup.put_backup_vault_lock_configuration(BackupVaultName=f"good-locked-{short}", MinRetentionDays=30)
        out["vault_lock_seeded"] = True
    except Exception as e:
        out["vault_lock_seeded"] = False
        out["vault_lock_error"] = str(e)[:200]
    out["topic"] = topic

    # A classic load balancer, internet-facing, plain HTTP, no access logs.
    elb = client("elb", region)
    elb.create_load_balancer(
        LoadBalancerName=f"bad-classic-{short}",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        AvailabilityZones=[az],
    )
    out["classic_elb"] = f"bad-classic-{short}"

    # Auto Scaling. Launch configurations: one giving public addresses, allowing IMDSv1, with
    # credentials in its user data and an unencrypted volume; a compliant one.
    asg = client("autoscaling", region)
    asg.create_launch_configuration(
        LaunchConfigurationName=f"bad-lc-{short}",
        ImageId=image,
        InstanceType="t3.micro",
        AssociatePublicIpAddress=True,
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
        UserData=f"#!/bin/bash\nexport AWS_ACCESS_KEY_ID={FAKE_KEY}\nexport AWS_SECRET_ACCESS_KEY={FAKE_SECRET}\n",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": False}}],
    )
    asg.create_launch_configuration(
        LaunchConfigurationName=f"good-lc-{short}",
        ImageId=image,
        InstanceType="t3.micro",
        AssociatePublicIpAddress=False,
        IamInstanceProfile=profile_arn,
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        UserData="#!/bin/bash\necho hello\n",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True}}],
    )
    # A template that leaves public addresses to the subnet (no network interface), otherwise
    # compliant: launched into the default VPC's subnets, which map public addresses on launch,
    # its instances get one.
    subnet_lt = ec2.create_launch_template(
        LaunchTemplateName=f"bad-subnet-lt-{short}",
        LaunchTemplateData={
            "ImageId": image,
            "IamInstanceProfile": {"Arn": profile_arn},
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
        },
    )["LaunchTemplate"]["LaunchTemplateId"]
    public_subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    private_subnet = ec2.create_subnet(VpcId=logged_vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName=f"bad-public-asg-{short}",
        LaunchTemplate={"LaunchTemplateId": subnet_lt, "Version": "$Default"},
        MinSize=0,
        MaxSize=1,
        DesiredCapacity=0,
        VPCZoneIdentifier=public_subnet,
        Tags=[{"Key": "Name", "Value": f"bad-public-asg-{short}", "PropagateAtLaunch": True}],
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName=f"bad-lc-asg-{short}",
        LaunchConfigurationName=f"bad-lc-{short}",
        MinSize=0,
        MaxSize=1,
        DesiredCapacity=0,
        VPCZoneIdentifier=private_subnet,
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName=f"good-asg-{short}",
        LaunchTemplate={"LaunchTemplateId": good_lt, "Version": "$Default"},
        MinSize=0,
        MaxSize=1,
        DesiredCapacity=0,
        VPCZoneIdentifier=private_subnet,
    )
    # A group asking for `$Latest` of a template whose latest version is not its default: what
    # it launches is not what the collector reads.
    ec2.create_launch_template_version(
        LaunchTemplateId=good_lt,
        SourceVersion="1",
        LaunchTemplateData={"MetadataOptions": {"HttpTokens": "optional"}},
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName=f"latest-asg-{short}",
        LaunchTemplate={"LaunchTemplateId": good_lt, "Version": "$Latest"},
        MinSize=0,
        MaxSize=1,
        DesiredCapacity=0,
        VPCZoneIdentifier=private_subnet,
    )
    out.update(subnet_lt=subnet_lt, public_subnet=public_subnet, private_subnet=private_subnet)

    # Data stores judged on encryption at rest: EFS, ElastiCache, OpenSearch.
    efs = client("efs", region)
    out["bad_efs"] = efs.create_file_system(
        CreationToken=f"bad-efs-{short}", Encrypted=False, Tags=[{"Key": "Name", "Value": f"bad-efs-{short}"}]
    )["FileSystemId"]
    out["good_efs"] = efs.create_file_system(
        CreationToken=f"good-efs-{short}",
        Encrypted=True,
        KmsKeyId=rot["Arn"],
        Tags=[{"Key": "Name", "Value": f"good-efs-{short}"}],
    )["FileSystemId"]
    cache = client("elasticache", region)
    for name, encrypted in ((f"bad-cache-{short}", False), (f"good-cache-{short}", True)):
        cache.create_replication_group(
            ReplicationGroupId=name,
            ReplicationGroupDescription=name,
            Engine="redis",
            CacheNodeType="cache.t3.micro",
            NumCacheClusters=1,
            AtRestEncryptionEnabled=encrypted,
            TransitEncryptionEnabled=encrypted,
        )
    # A Redis cluster outside any replication group (never encrypted at rest), and a Memcached
    # one (no data at rest: not judged).
    cache.create_cache_cluster(
        CacheClusterId=f"bad-solo-{short}", Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1
    )
    cache.create_cache_cluster(
        CacheClusterId=f"memcached-{short}", Engine="memcached", CacheNodeType="cache.t3.micro", NumCacheNodes=1
    )
    search = client("opensearch", region)
    for name, encrypted in ((f"bad-search-{short}", False), (f"good-search-{short}", True)):
        search.create_domain(
            DomainName=name,
            EncryptionAtRestOptions={"Enabled": encrypted},
            NodeToNodeEncryptionOptions={"Enabled": encrypted},
        )
    manifest["per_region"][region] = out

# ---------------------------------------------------------------- S3 and CloudTrail
s3 = client("s3")
s3.create_bucket(Bucket="bad-plain-bucket")
s3.create_bucket(Bucket="bad-aes-only-bucket")
s3.put_bucket_encryption(
    Bucket="bad-aes-only-bucket",
    ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
)
s3.create_bucket(Bucket="bad-public-policy-bucket")
s3.put_bucket_policy(
    Bucket="bad-public-policy-bucket",
    Policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bad-public-policy-bucket/*"}
            ],
        }
    ),
)
# S3 access points on a bucket without Block Public Access: one open to everyone (its own Block
# Public Access turned off at creation, a policy granting `*`), one restricted to a VPC.
# boto3's endpoint rules put the account id in front of S3 Control's host name
# (`123456789012.127.0.0.1`), which an endpoint addressed by IP cannot serve: the prefix is taken
# off before each request is sent.
s3control = client("s3control")
s3control.meta.events.register(
    "before-send", lambda request, **_: setattr(request, "url", request.url.replace("://123456789012.", "://"))
)
s3control.create_access_point(
    AccountId="123456789012",
    Name="bad-public-ap",
    Bucket="bad-plain-bucket",
    PublicAccessBlockConfiguration={
        "BlockPublicAcls": False,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    },
)
s3control.put_access_point_policy(
    AccountId="123456789012",
    Name="bad-public-ap",
    Policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:us-east-1:123456789012:accesspoint/bad-public-ap/object/*",
                }
            ],
        }
    ),
)
s3control.create_access_point(
    AccountId="123456789012",
    Name="good-vpc-ap",
    Bucket="bad-plain-bucket",
    VpcConfiguration={"VpcId": manifest["per_region"]["us-east-1"]["vpc"]},
)
good_key_arn = manifest["per_region"]["us-east-1"]["keys"]["rotated_arn"]
for name, region in [("good-app-data", "us-east-1"), ("good-eu-data", "eu-west-1")]:
    s3r = client("s3", region)
    if region == "us-east-1":
        s3r.create_bucket(Bucket=name)
    else:
        s3r.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    key_arn = manifest["per_region"][region]["keys"]["rotated_arn"]
    s3r.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, "BucketKeyEnabled": True}]
        },
    )
    s3r.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3r.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3r.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(**GOOD_TAGS)})
s3.create_bucket(Bucket="trail-logs-bucket")
s3.put_bucket_policy(
    Bucket="trail-logs-bucket",
    Policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": "arn:aws:s3:::trail-logs-bucket/AWSLogs/*",
                }
            ],
        }
    ),
)
ct = client("cloudtrail")
ct.create_trail(Name="bad-single-region", S3BucketName="trail-logs-bucket", IsMultiRegionTrail=False, EnableLogFileValidation=False)
ct.start_logging(Name="bad-single-region")
ct.create_trail(
    Name="good-multi-region",
    S3BucketName="trail-logs-bucket",
    IsMultiRegionTrail=True,
    EnableLogFileValidation=True,
    IncludeGlobalServiceEvents=True,
    KmsKeyId=good_key_arn,
)
ct.start_logging(Name="good-multi-region")

# ---------------------------------------------------------------- organization, second account
org = client("organizations")
org.create_organization(FeatureSet="ALL")
status = org.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]
member = status.get("AccountId") or org.describe_create_account_status(CreateAccountRequestId=status["Id"])[
    "CreateAccountStatus"
]["AccountId"]
# The member sits in an OU under a service control policy; SCPs and RCPs are enabled on the root
# (moto, like AWS, attaches FullAWSAccess / RCPFullAWSAccess to every new OU and account).
root_id = org.list_roots()["Roots"][0]["Id"]
org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
org.enable_policy_type(RootId=root_id, PolicyType="RESOURCE_CONTROL_POLICY")
ou_id = org.create_organizational_unit(ParentId=root_id, Name="workloads")["OrganizationalUnit"]["Id"]
org.move_account(AccountId=member, SourceParentId=root_id, DestinationParentId=ou_id)
scp_id = org.create_policy(
    Name="deny-iam-users",
    Description="no IAM users or access keys in workload accounts",
    Type="SERVICE_CONTROL_POLICY",
    Content=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "NoIamUsers", "Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"}
            ],
        }
    ),
)["Policy"]["PolicySummary"]["Id"]
org.attach_policy(PolicyId=scp_id, TargetId=ou_id)
manifest["org_root"] = root_id
manifest["org_ou"] = ou_id
manifest["org_scp"] = scp_id
creds = client("sts").assume_role(
    RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="seed"
)["Credentials"]
mcreds = {"key": creds["AccessKeyId"], "secret": creds["SecretAccessKey"], "token": creds["SessionToken"]}
member_id = client("sts", **mcreds).get_caller_identity()["Account"]
client("iam", **mcreds).create_user(UserName="member-console-user")
client("s3", **mcreds).create_bucket(Bucket="member-account-bucket")
manifest["member_account"] = member
manifest["member_identity"] = member_id

json.dump(manifest, sys.stdout, indent=1)
