# Security groups as the AWS provider declares them: inline ingress blocks, dynamic blocks,
# count, aws_security_group_rule and aws_vpc_security_group_ingress_rule on declared groups, and
# rules whose group is declared elsewhere (a literal id, a variable).
variable "admin_cidr" {
  type    = string
  default = "203.0.113.0/24"
}

variable "unknown_cidr" {
  type = string
}

variable "external_sg" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

# SSH open to the world, inline.
resource "aws_security_group" "ssh_world" {
  name   = "ssh-world"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# SSH restricted to an office range, one group per count index.
resource "aws_security_group" "ssh_office" {
  count  = 2
  name   = "ssh-office-${count.index}"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}

# Dynamic ingress blocks over a list of ports, one of them RDP.
resource "aws_security_group" "dynamic_ports" {
  name   = "dynamic-ports"
  vpc_id = aws_vpc.main.id
  dynamic "ingress" {
    for_each = [443, 3389]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

# HTTPS only from the internet.
resource "aws_security_group" "https_only" {
  name   = "https-only"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

# A database group opened by a separate rule resource.
resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group_rule" "db_world" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.db.id
}

# The newer per-rule resource, IPv6 SSH.
resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "bastion_ssh6" {
  security_group_id = aws_security_group.bastion.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv6         = "::/0"
}

# A group whose only rule's source is not known before apply: that group alone cannot be judged.
resource "aws_security_group" "unknown_source" {
  name   = "unknown-source"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.unknown_cidr]
  }
}

# Rules on groups declared in another configuration: judged on their own settings.
resource "aws_security_group_rule" "literal_parent" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = "sg-0123456789abcdef0"
}

resource "aws_security_group_rule" "variable_parent" {
  type              = "ingress"
  from_port         = 3306
  to_port           = 3306
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = var.external_sg
}

resource "aws_security_group_rule" "variable_parent_private" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = var.external_sg
}

resource "aws_vpc_security_group_ingress_rule" "outside_mysql" {
  security_group_id = "sg-0fedcba9876543210"
  ip_protocol       = "tcp"
  from_port         = 3306
  to_port           = 3306
  cidr_ipv4         = "0.0.0.0/0"
}

# Members reach each other on every port; nothing from the internet.
resource "aws_security_group" "cluster" {
  name   = "cluster"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }
}

# Every port open to the world.
resource "aws_security_group" "wide_open" {
  name   = "wide-open"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
