# A bucket setting resource that names its bucket through another setting resource's id: the
# AWS provider gives `aws_s3_bucket_policy` (and the other bucket-level resources) the bucket's
# name as `id`, and terraform-aws-s3-bucket writes
# `bucket = local.attach_policy ? aws_s3_bucket_policy.this[0].id : aws_s3_bucket.this[0].id`
# to order its calls. It configures the same bucket, not one outside this input.
resource "aws_s3_bucket" "this" {
  bucket = "lab-part-chain"
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyPlainHttp"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket_policy.this.id
  rule {
    object_ownership = "ObjectWriter"
  }
}

resource "aws_s3_bucket_acl" "this" {
  depends_on = [aws_s3_bucket_ownership_controls.this]
  bucket     = aws_s3_bucket_policy.this.id
  acl        = "public-read"
}
