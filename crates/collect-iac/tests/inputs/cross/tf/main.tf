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

# Launch configurations: the configuration's own associate_public_ip_address (EC2.25), and the
# group launching one.
resource "aws_launch_configuration" "legacy" {
  name                        = "legacy"
  image_id                    = "ami-12345678"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_launch_configuration" "legacy_private" {
  name          = "legacy-private"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
}

resource "aws_autoscaling_group" "legacy" {
  name                 = "legacy-asg"
  min_size             = 1
  max_size             = 2
  launch_configuration = aws_launch_configuration.legacy.name
}

# Encryption at rest (ENC-3): EFS, ElastiCache, OpenSearch.
resource "aws_efs_file_system" "files" {
  creation_token = "files"
  encrypted      = true
}

resource "aws_efs_file_system" "scratch" {
  creation_token = "scratch"
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "sessions"
  description          = "sessions"
  engine               = "redis"
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  encrypt_at_rest {
    enabled = true
  }
}
