variable "open_ports" {
  type = list(number)
}

resource "aws_security_group" "web" {
  count = 1
  name  = "web"
  dynamic "ingress" {
    for_each = var.open_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
