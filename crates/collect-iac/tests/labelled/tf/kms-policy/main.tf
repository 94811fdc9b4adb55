# Key policies set apart from their key (aws_kms_key_policy), on a key declared here and on a key
# declared elsewhere (a literal key id).
resource "aws_kms_key" "shared" {
  description         = "shared"
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "shared" {
  key_id = aws_kms_key.shared.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Everyone"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

data "aws_caller_identity" "current" {}

# The key policy AWS itself writes by default: the account's own IAM decides.
resource "aws_kms_key" "scoped" {
  description         = "scoped"
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "scoped" {
  key_id = aws_kms_key.scoped.key_id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Account"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_key_policy" "elsewhere" {
  key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Everyone"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["kms:Decrypt", "kms:Encrypt"]
      Resource  = "*"
    }]
  })
}
