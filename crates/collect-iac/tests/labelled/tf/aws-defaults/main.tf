# What AWS creates by itself with a VPC: a default network ACL that allows all traffic in and
# out, a default security group (members reach each other, everything may leave), and a main
# route table with only the local route. Subnets not associated with another ACL or route table
# use them. Resources taking them over (aws_default_network_acl, aws_default_security_group,
# aws_default_route_table) replace them.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# Not associated with any route table: the main one, local route only.
resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}

# Routed to the internet, but its own network ACL denies SSH.
resource "aws_subnet" "locked" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.3.0/24"
}

resource "aws_route_table_association" "locked" {
  subnet_id      = aws_subnet.locked.id
  route_table_id = aws_route_table.public.id
}

resource "aws_network_acl" "locked" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.locked.id]
  ingress {
    rule_no    = 100
    action     = "deny"
    protocol   = "tcp"
    from_port  = 22
    to_port    = 22
    cidr_block = "0.0.0.0/0"
  }
  ingress {
    rule_no    = 200
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}

resource "aws_security_group" "ssh" {
  name   = "ssh"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Public address, internet route, default network ACL: reachable on 22.
resource "aws_instance" "bastion" {
  ami                         = "ami-12345678"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.ssh.id]
  associate_public_ip_address = true
}

# Public address but no route to the internet gateway.
resource "aws_instance" "internal" {
  ami                         = "ami-12345678"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.private.id
  vpc_security_group_ids      = [aws_security_group.ssh.id]
  associate_public_ip_address = true
}

# Public address and route, but the subnet's ACL denies SSH.
resource "aws_instance" "behind_acl" {
  ami                         = "ami-12345678"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.locked.id
  vpc_security_group_ids      = [aws_security_group.ssh.id]
  associate_public_ip_address = true
}

# A second VPC whose default security group is taken over with no rules at all.
resource "aws_vpc" "managed" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_default_security_group" "managed" {
  vpc_id = aws_vpc.managed.id
}
