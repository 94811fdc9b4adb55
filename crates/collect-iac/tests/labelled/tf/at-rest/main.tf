# Encryption at rest of EFS, ElastiCache and OpenSearch (ENC-3): off unless declared.
variable "encrypt" {
  type = bool
}

resource "aws_efs_file_system" "plain" {
  creation_token = "plain"
}

resource "aws_efs_file_system" "encrypted" {
  creation_token = "encrypted"
  encrypted      = true
}

resource "aws_efs_file_system" "at_apply" {
  creation_token = "at-apply"
  encrypted      = var.encrypt
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "sessions"
  description          = "sessions"
  engine               = "redis"
  node_type            = "cache.t4g.micro"
}

resource "aws_elasticache_replication_group" "encrypted" {
  replication_group_id       = "encrypted"
  description                = "encrypted"
  engine                     = "redis"
  node_type                  = "cache.t4g.micro"
  at_rest_encryption_enabled = true
}

resource "aws_opensearch_domain" "logs" {
  domain_name = "logs"
}

resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  encrypt_at_rest {
    enabled = true
  }
}
