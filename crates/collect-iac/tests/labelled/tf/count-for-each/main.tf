# count and for_each as Terraform documents them ("The count Meta-Argument", "The for_each
# Meta-Argument", "Resource addressing"): a count or for_each known before apply expands to its
# instances, addressed NAME[0], NAME[1]… and NAME["key"]; one whose value is known only after
# apply (a variable without a default, a data source, another resource's attribute) gives one
# resource standing for all its instances, NAME[*], of which nothing is established: whether
# any instance is created is decided on apply.
variable "create" {
  type    = bool
  default = true
}

variable "replicas" {
  type = number
}

variable "enable_ssh" {
  type = bool
}

variable "buckets" {
  type = set(string)
}

variable "ports" {
  type    = map(number)
  default = { https = 443, rdp = 3389 }
}

data "aws_availability_zones" "zones" {}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

# A known default: one instance, NAME[0].
resource "aws_security_group" "toggled" {
  count  = var.create ? 1 : 0
  name   = "toggled"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# A count from a variable without a value: NAME[*], not assessed (open if created).
resource "aws_security_group" "replicas" {
  count  = var.replicas
  name   = "replica-${count.index}"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# A count from a data source: known only after apply.
resource "aws_security_group" "per_zone" {
  count  = length(data.aws_availability_zones.zones.names)
  name   = "zone-${count.index}"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# A for_each over a map with a default: NAME["https"], NAME["rdp"].
resource "aws_security_group" "per_port" {
  for_each = var.ports
  name     = "port-${each.key}"
  vpc_id   = aws_vpc.main.id
  ingress {
    from_port   = each.value
    to_port     = each.value
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# A for_each over a variable without a value: NAME[*].
resource "aws_s3_bucket" "unknown_set" {
  for_each = var.buckets
  bucket   = "lab-${each.key}"
  acl      = "public-read"
}

# A known for_each over a literal set.
resource "aws_s3_bucket" "known_set" {
  for_each = toset(["logs", "assets"])
  bucket   = "lab-known-${each.key}"
  acl      = each.key == "assets" ? "public-read" : "private"
}

# A rule that exists only when a variable without a value says so, on a declared group that
# is otherwise closed: the group may or may not be open.
resource "aws_security_group" "maybe_open" {
  name   = "maybe-open"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group_rule" "maybe_ssh" {
  count             = var.enable_ssh ? 1 : 0
  type              = "ingress"
  security_group_id = aws_security_group.maybe_open.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

# The same group with a certain opening besides the uncertain one still fails.
resource "aws_security_group" "open_anyway" {
  name   = "open-anyway"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "maybe_ssh_too" {
  count             = var.enable_ssh ? 1 : 0
  type              = "ingress"
  security_group_id = aws_security_group.open_anyway.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

# Modules: a known count expands the module's resources per instance; an unknown one gives
# module.NAME[*].
module "web" {
  source = "./modules/web"
  count  = 2
  name   = "web-${count.index}"
}

module "maybe" {
  source = "./modules/web"
  count  = var.replicas
  name   = "maybe"
}
