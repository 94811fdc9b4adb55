variable "environment" {
  description = "Environment tag value"
  default     = "prod"
}

variable "admin_cidrs" {
  description = "Where SSH to the legacy worker is allowed from (besides its old open rule)"
  type        = list(string)
  default     = ["203.0.113.10/32"]
}

locals {
  tags = {
    environment = var.environment
    owner       = "platform"
  }
  access_logs = aws_s3_bucket.this["access-logs"].id
  cms_key     = "arn:aws:kms:us-east-1:123456789012:key/5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a51"
}
