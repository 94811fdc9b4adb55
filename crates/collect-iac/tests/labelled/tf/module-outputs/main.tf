# Rules declared at the root on groups a module creates, found through the module's outputs,
# with module calls expanded by for_each.
module "web" {
  source = "./modules/sg"
  name   = "web"
}

resource "aws_security_group_rule" "web_ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = module.web.id
}

module "app" {
  for_each = toset(["a", "b"])
  source   = "./modules/sg"
  name     = "app-${each.key}"
}

resource "aws_security_group_rule" "app_rdp" {
  type              = "ingress"
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = module.app["a"].id
}

resource "aws_security_group_rule" "app_https" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = module.app["b"].id
}
