# IAM as the AWS provider declares it: roles with trust policies, inline policies on declared and
# undeclared principals, customer managed policies written with aws_iam_policy_document, for_each
# over users, and an IAM Identity Center permission set's inline policy.
data "aws_iam_policy_document" "ec2_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "read_reports" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::reports/*"]
  }
}

data "aws_iam_policy_document" "s3_everything" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }
}

# Anyone may assume it.
resource "aws_iam_role" "open_trust" {
  name = "open-trust"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role" "ec2" {
  name               = "ec2-app"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_iam_role_policy" "ec2_admin" {
  name   = "admin"
  role   = aws_iam_role.ec2.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "aws_iam_role" "reader" {
  name               = "reader"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_iam_role_policy" "reader" {
  name   = "read"
  role   = aws_iam_role.reader.name
  policy = data.aws_iam_policy_document.read_reports.json
}

# A role created by another stack: its policy is judged on its own.
resource "aws_iam_role_policy" "legacy" {
  name   = "legacy-admin"
  role   = "legacy-role"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })
}

resource "aws_iam_policy" "s3_everything" {
  name   = "s3-everything"
  policy = data.aws_iam_policy_document.s3_everything.json
}

resource "aws_iam_policy" "read_reports" {
  name   = "read-reports"
  policy = data.aws_iam_policy_document.read_reports.json
}

resource "aws_iam_user" "team" {
  for_each = toset(["carol", "dave"])
  name     = each.key
}

resource "aws_iam_user_policy" "team" {
  for_each = aws_iam_user.team
  name     = "${each.key}-policy"
  user     = each.value.name
  policy   = each.key == "carol" ? data.aws_iam_policy_document.s3_everything.json : data.aws_iam_policy_document.read_reports.json
}

resource "aws_iam_group" "ops" {
  name = "ops"
}

resource "aws_iam_group_policy" "ops" {
  name   = "ops"
  group  = aws_iam_group.ops.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:Describe*", Resource = "*" }] })
}

resource "aws_ssoadmin_permission_set_inline_policy" "admins" {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
  permission_set_arn = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef"
  inline_policy      = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
