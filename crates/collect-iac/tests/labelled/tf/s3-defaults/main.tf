# What S3 gives a bucket by itself. Since April 2023 a new bucket has all four bucket-level Block
# Public Access settings on and Object Ownership BucketOwnerEnforced (ACLs disabled) unless the
# request says otherwise (S3 User Guide, "Blocking public access to your Amazon S3 storage";
# "Controlling ownership of objects and disabling ACLs for your bucket"). The account-level Block
# Public Access is not declared here: it is outside this input.

# No aws_s3_bucket_public_access_block: S3's default, all four on.
resource "aws_s3_bucket" "no_pab" {
  bucket = "lab-defaults-no-pab"
}

# Block Public Access declared with every setting false: the bucket gives up S3's default.
resource "aws_s3_bucket" "pab_off" {
  bucket = "lab-defaults-pab-off"
}

resource "aws_s3_bucket_public_access_block" "pab_off" {
  bucket                  = aws_s3_bucket.pab_off.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

# ACLs enabled (ObjectWriter) and a public-read ACL: the configuration asks for a public bucket
# (S3's default Block Public Access would still reject the ACL).
resource "aws_s3_bucket" "writer_public" {
  bucket = "lab-defaults-writer-public"
}

resource "aws_s3_bucket_ownership_controls" "writer_public" {
  bucket = aws_s3_bucket.writer_public.id
  rule {
    object_ownership = "ObjectWriter"
  }
}

resource "aws_s3_bucket_acl" "writer_public" {
  depends_on = [aws_s3_bucket_ownership_controls.writer_public]
  bucket     = aws_s3_bucket.writer_public.id
  acl        = "public-read"
}

# BucketOwnerEnforced and a public-read ACL: S3 rejects the ACL (AccessControlListNotSupported),
# but the configuration still asks for a public bucket.
resource "aws_s3_bucket" "enforced_public" {
  bucket = "lab-defaults-enforced-public"
}

resource "aws_s3_bucket_ownership_controls" "enforced_public" {
  bucket = aws_s3_bucket.enforced_public.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_acl" "enforced_public" {
  bucket = aws_s3_bucket.enforced_public.id
  acl    = "public-read"
}
