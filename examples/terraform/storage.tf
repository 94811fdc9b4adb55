provider "aws" {
  region = "us-east-1"
}

locals {
  buckets = {
    "assets"         = { service = "storefront", versioning = "Suspended", sse = "AES256", logs = false }
    "uploads"        = { service = "storefront", versioning = "Enabled", sse = "aws:kms", logs = true }
    "db-backups"     = { service = "orders", versioning = "Enabled", sse = "aws:kms", logs = true }
    "cloudtrail"     = { service = "security", versioning = "Suspended", sse = "AES256", logs = false }
    "audit-archive"  = { service = "security", versioning = "Enabled", sse = "aws:kms", logs = true }
    "access-logs"    = { service = "security", versioning = "Enabled", sse = "AES256", logs = false }
    "exports-legacy" = { service = null, versioning = null, sse = null, logs = false }
  }
  # Buckets whose Block Public Access is fully on (the trail bucket and the legacy exports have none).
  blocked = toset([for k, v in local.buckets : k if !contains(["cloudtrail", "exports-legacy"], k)])
}

resource "aws_s3_bucket" "this" {
  for_each = local.buckets
  bucket   = "shopify-backend-${each.key}"
  tags     = each.value.service == null ? { environment = var.environment } : merge(local.tags, { service = each.value.service })
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = { for k, v in local.buckets : k => v if v.versioning != null }
  bucket   = aws_s3_bucket.this[each.key].id
  versioning_configuration {
    status = each.value.versioning
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = { for k, v in local.buckets : k => v if v.sse != null }
  bucket   = aws_s3_bucket.this[each.key].bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = each.value.sse
      kms_master_key_id = each.value.sse == "aws:kms" ? local.cms_key : null
    }
    bucket_key_enabled = each.value.sse == "aws:kms"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each                = local.blocked
  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_logging" "this" {
  for_each      = { for k, v in local.buckets : k => v if v.logs }
  bucket        = aws_s3_bucket.this[each.key].id
  target_bucket = local.access_logs
  target_prefix = "${each.key}/"
}

locals {
  # Lifecycle rules: bucket => (rule id, transition days and class, expiration, noncurrent expiration).
  lifecycle = {
    "uploads"       = { id = "abort-and-age", days = 90, class = "STANDARD_IA", expire = null, noncurrent = 30 }
    "db-backups"    = { id = "to-glacier", days = 30, class = "GLACIER", expire = null, noncurrent = null }
    "cloudtrail"    = { id = "cost-cleanup", days = null, class = null, expire = 30, noncurrent = null }
    "audit-archive" = { id = "archive", days = 90, class = "GLACIER", expire = 2555, noncurrent = 2555 }
    "access-logs"   = { id = "expire-access-logs", days = 30, class = "STANDARD_IA", expire = 365, noncurrent = 30 }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.lifecycle
  bucket   = aws_s3_bucket.this[each.key].id
  rule {
    id     = each.value.id
    status = "Enabled"
    dynamic "transition" {
      for_each = each.value.days == null ? [] : [each.value]
      content {
        days          = transition.value.days
        storage_class = transition.value.class
      }
    }
    dynamic "expiration" {
      for_each = each.value.expire == null ? [] : [each.value.expire]
      content {
        days = expiration.value
      }
    }
    dynamic "noncurrent_version_expiration" {
      for_each = each.value.noncurrent == null ? [] : [each.value.noncurrent]
      content {
        noncurrent_days = noncurrent_version_expiration.value
      }
    }
  }
}

resource "aws_s3_bucket_object_lock_configuration" "audit_archive" {
  bucket = aws_s3_bucket.this["audit-archive"].id
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = 365
    }
  }
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.this["assets"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudFrontRead"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.this["assets"].arn}/*"
      Condition = { StringEquals = { "AWS:SourceArn" = "arn:aws:cloudfront::123456789012:distribution/E2QWRUHEXAMPLE" } }
    }]
  })
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.this["access-logs"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "S3ServerAccessLogs"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${aws_s3_bucket.this["access-logs"].arn}/*"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }]
  })
}

data "aws_iam_policy_document" "cloudtrail" {
  statement {
    sid       = "AWSCloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.this["cloudtrail"].arn}/AWSLogs/123456789012/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
  statement {
    sid       = "AWSCloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.this["cloudtrail"].arn]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
  statement {
    sid       = "LegacySiemRead"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this["cloudtrail"].arn, "${aws_s3_bucket.this["cloudtrail"].arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::999988887777:role/siem-log-reader"]
    }
  }
  statement {
    sid       = "LogViewerDashboard"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.this["cloudtrail"].arn, "${aws_s3_bucket.this["cloudtrail"].arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "cloudtrail" {
  bucket = aws_s3_bucket.this["cloudtrail"].id
  policy = data.aws_iam_policy_document.cloudtrail.json
}

resource "aws_s3_bucket_policy" "audit_archive" {
  bucket = aws_s3_bucket.this["audit-archive"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.this["audit-archive"].arn, "${aws_s3_bucket.this["audit-archive"].arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
