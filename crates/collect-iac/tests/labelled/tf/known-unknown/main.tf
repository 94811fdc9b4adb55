# Known, unknown and absent. A reference to a resource declared here is what that resource is
# (a key declared here is a customer-managed key); a variable without a default is known only at
# apply (that resource alone is not assessed); an argument not written is the provider's default.
variable "trail_key" {
  type = string
}

variable "rotate" {
  type = bool
}

variable "encrypted" {
  type = bool
}

variable "retention" {
  type = number
}

resource "aws_kms_key" "logs" {
  description         = "trail and volume key"
  enable_key_rotation = true
}

resource "aws_kms_key" "no_rotation" {
  description = "rotation defaults to false"
}

resource "aws_kms_key" "rotation_unknown" {
  description         = "rotation given at apply"
  enable_key_rotation = var.rotate
}

resource "aws_cloudtrail" "with_key" {
  name                       = "with-key"
  s3_bucket_name             = "trail-bucket"
  kms_key_id                 = aws_kms_key.logs.arn
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "without_key" {
  name                       = "without-key"
  s3_bucket_name             = "trail-bucket"
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "key_at_apply" {
  name                       = "key-at-apply"
  s3_bucket_name             = "trail-bucket"
  kms_key_id                 = var.trail_key
  is_multi_region_trail      = true
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "no_validation" {
  name           = "no-validation"
  s3_bucket_name = "trail-bucket"
  kms_key_id     = aws_kms_key.logs.key_id
}

resource "aws_ebs_volume" "encrypted_with_key" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = true
  kms_key_id        = aws_kms_key.logs.arn
}

resource "aws_ebs_volume" "plain" {
  availability_zone = "us-east-1a"
  size              = 10
}

resource "aws_ebs_volume" "encryption_at_apply" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = var.encrypted
}

resource "aws_db_instance" "encrypted" {
  identifier        = "lab-encrypted"
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  storage_encrypted = true
}

resource "aws_db_instance" "plain" {
  identifier     = "lab-plain"
  engine         = "postgres"
  instance_class = "db.t3.micro"
}

resource "aws_db_instance" "encryption_at_apply" {
  identifier        = "lab-at-apply"
  engine            = "mysql"
  instance_class    = "db.t3.micro"
  storage_encrypted = var.encrypted
}

resource "aws_cloudwatch_log_group" "kept" {
  name              = "/lab/kept"
  retention_in_days = 90
}

resource "aws_cloudwatch_log_group" "forever" {
  name = "/lab/forever"
}

resource "aws_cloudwatch_log_group" "retention_at_apply" {
  name              = "/lab/at-apply"
  retention_in_days = var.retention
}
