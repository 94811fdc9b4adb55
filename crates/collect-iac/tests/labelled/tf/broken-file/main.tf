resource "aws_security_group" "still_read" {
  name = "still-read"
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_cloudwatch_log_group" "still_read" {
  name              = "/still/read"
  retention_in_days = 14
}
