# A module that calls itself: Terraform refuses it; rampart reports it at the call and still
# audits what the directory declares, once.
module "self" {
  source = "./"
}

resource "aws_security_group" "ssh" {
  name = "ssh"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
