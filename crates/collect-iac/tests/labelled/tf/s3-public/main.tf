# S3 public access, as the AWS provider declares it (aws_s3_bucket, aws_s3_bucket_acl,
# aws_s3_bucket_policy, aws_s3_bucket_public_access_block). The account-level Block Public Access
# is declared off, so each bucket's own settings decide.
resource "aws_s3_account_public_access_block" "account" {
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

locals {
  blocked = {
    block_public_acls       = true
    block_public_policy     = true
    ignore_public_acls      = true
    restrict_public_buckets = true
  }
}

# Legacy inline canned ACL: public-read grants READ to AllUsers.
resource "aws_s3_bucket" "inline_acl" {
  bucket = "lab-inline-acl"
  acl    = "public-read"
}

# Separate ACL resource (provider v4+).
resource "aws_s3_bucket" "acl_resource" {
  bucket = "lab-acl-resource"
}

resource "aws_s3_bucket_acl" "acl_resource" {
  bucket = aws_s3_bucket.acl_resource.id
  acl    = "public-read-write"
}

# A policy granting s3:GetObject to Principal "*".
resource "aws_s3_bucket" "star_policy" {
  bucket = "lab-star-policy"
}

resource "aws_s3_bucket_policy" "star_policy" {
  bucket = aws_s3_bucket.star_policy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.star_policy.arn}/*"
    }]
  })
}

# A public ACL that the bucket's own Block Public Access would reject or ignore once applied: the
# configuration still asks for a public bucket.
resource "aws_s3_bucket" "blocked" {
  bucket = "lab-blocked"
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "blocked" {
  bucket                  = aws_s3_bucket.blocked.id
  block_public_acls       = local.blocked.block_public_acls
  block_public_policy     = local.blocked.block_public_policy
  ignore_public_acls      = local.blocked.ignore_public_acls
  restrict_public_buckets = local.blocked.restrict_public_buckets
}

# Private buckets, one per for_each key, each fully blocked.
resource "aws_s3_bucket" "private" {
  for_each = toset(["a", "b"])
  bucket   = "lab-private-${each.key}"
}

resource "aws_s3_bucket_public_access_block" "private" {
  for_each                = aws_s3_bucket.private
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# An ACL and a policy on buckets another configuration declares: judged on their own settings.
resource "aws_s3_bucket_acl" "other_stack" {
  bucket = "bucket-of-another-stack"
  acl    = "public-read"
}

variable "shared_bucket" {
  type = string
}

resource "aws_s3_bucket_policy" "other_stack" {
  bucket = var.shared_bucket
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["s3:GetObject", "s3:ListBucket"]
      Resource  = ["arn:aws:s3:::shared", "arn:aws:s3:::shared/*"]
    }]
  })
}
