# S3 access points (aws_s3_access_point, aws_s3control_access_point_policy). For a request
# through an access point S3 checks the Block Public Access settings of the access point, its
# bucket and the account, and refuses it when any blocks it; an access point's four settings
# default to true; a VPC network origin is not reachable from the internet; what an access
# point's policy grants takes effect only when the bucket's policy grants it too (directly or by
# delegating to the account's access points with s3:DataAccessPointAccount) — S3 User Guide,
# "Managing public access to access points", "Configuring IAM policies for using access points".
variable "other_bucket" {
  type = string
}

resource "aws_s3_account_public_access_block" "account" {
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket" "data" {
  bucket = "lab-ap-data"
}

resource "aws_s3_bucket_policy" "delegate" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "*"
      Resource  = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
      Condition = { StringEquals = { "s3:DataAccessPointAccount" = "123456789012" } }
    }]
  })
}

resource "aws_s3_bucket" "private" {
  bucket = "lab-ap-private"
}

# Every setting turned off and a policy granting anyone: public.
resource "aws_s3_access_point" "public" {
  bucket = aws_s3_bucket.data.id
  name   = "public"
  public_access_block_configuration {
    block_public_acls       = false
    block_public_policy     = false
    ignore_public_acls      = false
    restrict_public_buckets = false
  }
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:us-east-1:123456789012:accesspoint/public/object/*"
    }]
  })
}

# The defaults: all four settings on.
resource "aws_s3_access_point" "defaults" {
  bucket = aws_s3_bucket.data.id
  name   = "defaults"
}

# Settings off but restricted to a VPC.
resource "aws_s3_access_point" "vpc" {
  bucket = aws_s3_bucket.data.id
  name   = "vpc"
  public_access_block_configuration {
    block_public_acls       = false
    block_public_policy     = false
    ignore_public_acls      = false
    restrict_public_buckets = false
  }
  vpc_configuration {
    vpc_id = "vpc-0abc"
  }
}

# Settings off, no policy yet. Its bucket declares no Block Public Access, so it has S3's default
# for a new bucket (all four on), and S3 refuses a public request through any access point when
# the bucket's settings block it: it cannot be made public.
resource "aws_s3_access_point" "open_settings" {
  bucket = aws_s3_bucket.private.id
  name   = "open-settings"
  public_access_block_configuration {
    block_public_acls       = false
    block_public_policy     = false
    ignore_public_acls      = false
    restrict_public_buckets = false
  }
}

# Its policy set apart, granting anyone.
resource "aws_s3_access_point" "separate_policy" {
  bucket = aws_s3_bucket.data.id
  name   = "separate-policy"
  public_access_block_configuration {
    block_public_acls       = true
    block_public_policy     = false
    ignore_public_acls      = true
    restrict_public_buckets = false
  }
}

resource "aws_s3control_access_point_policy" "separate" {
  access_point_arn = aws_s3_access_point.separate_policy.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:us-east-1:123456789012:accesspoint/separate-policy/object/*"
    }]
  })
}

# On a bucket of another configuration: whether its policy grants the same is not known.
resource "aws_s3_access_point" "other" {
  bucket = var.other_bucket
  name   = "other"
  public_access_block_configuration {
    block_public_acls       = false
    block_public_policy     = false
    ignore_public_acls      = false
    restrict_public_buckets = false
  }
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:us-east-1:123456789012:accesspoint/other/object/*"
    }]
  })
}

# A policy for an access point of another configuration.
resource "aws_s3control_access_point_policy" "elsewhere" {
  access_point_arn = "arn:aws:s3:us-east-1:123456789012:accesspoint/elsewhere"
  policy           = jsonencode({ Version = "2012-10-17", Statement = [] })
}
