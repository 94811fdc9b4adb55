# An unclosed block: this file cannot be parsed; it is reported at its position and every other
# file of the directory is still audited.
resource "aws_security_group" "lost" {
  name = "lost"

resource "aws_s3_bucket" "also_lost" {
  bucket = "lost"
}
