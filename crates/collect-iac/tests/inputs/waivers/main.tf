# rampart:ignore S3-003 the build cache is disposable
resource "aws_s3_bucket" "cache" {
  bucket = "acme-cache"
}

resource "aws_s3_bucket" "scratch" { # rampart:ignore S3-003
  bucket = "acme-scratch"
}
