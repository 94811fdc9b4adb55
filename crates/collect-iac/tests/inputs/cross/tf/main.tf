# The account of ../snapshot.json as Terraform: access points and launch templates.
resource "aws_s3_account_public_access_block" "account" {
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket" "exports" {
  bucket = "cross-exports"
}

resource "aws_s3_access_point" "partner" {
  bucket = aws_s3_bucket.exports.id
  name   = "partner"
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
      Resource  = "arn:aws:s3:us-east-1:123456789012:accesspoint/partner/object/*"
    }]
  })
}

resource "aws_s3_bucket_policy" "exports" {
  bucket = aws_s3_bucket.exports.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "*"
      Resource  = ["arn:aws:s3:::cross-exports", "arn:aws:s3:::cross-exports/*"]
      Condition = { StringEquals = { "s3:DataAccessPointAccount" = "123456789012" } }
    }]
  })
}

resource "aws_s3_access_point" "internal" {
  bucket = aws_s3_bucket.exports.id
  name   = "internal"
}

resource "aws_launch_template" "web" {
  name     = "web"
  image_id = "ami-12345678"
}

resource "aws_launch_template" "worker" {
  name     = "worker"
  image_id = "ami-12345678"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_autoscaling_group" "web" {
  name     = "web-asg"
  min_size = 1
  max_size = 2
  launch_template {
    name    = aws_launch_template.web.name
    version = "$Latest"
  }
}
