# Resources that configure another one declared in a different configuration (a literal id, a
# variable without a default). None may vanish: each is judged on its own settings where they
# decide alone, and otherwise reported as configuring a parent outside this input.
variable "acl_id" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

# SSH from anywhere on an ACL of another configuration: its lower-numbered entries decide.
resource "aws_network_acl_rule" "ssh" {
  network_acl_id = "acl-0abc"
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 22
  to_port        = 22
}

# Another rule on the same undeclared ACL joins the first.
resource "aws_network_acl_rule" "rdp" {
  network_acl_id = "acl-0abc"
  rule_number    = 110
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 3389
  to_port        = 3389
}

resource "aws_network_acl_rule" "from_var" {
  network_acl_id = var.acl_id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl_association" "app" {
  network_acl_id = "acl-0abc"
  subnet_id      = aws_subnet.app.id
}

resource "aws_route" "internet" {
  route_table_id         = "rtb-0pub"
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-0abc"
}

resource "aws_route_table_association" "app" {
  route_table_id = "rtb-0pub"
  subnet_id      = aws_subnet.app.id
}

resource "aws_main_route_table_association" "main" {
  vpc_id         = aws_vpc.main.id
  route_table_id = "rtb-0main"
}

resource "aws_internet_gateway_attachment" "igw" {
  internet_gateway_id = "igw-0abc"
  vpc_id              = aws_vpc.main.id
}

# Administrator access attached to a role of another stack: the attachment is the finding.
resource "aws_iam_role_policy_attachment" "admin" {
  role       = "deploy"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user_login_profile" "alice" {
  user = "alice"
}

resource "aws_iam_access_key" "alice" {
  user = "alice"
}

resource "aws_iam_user_group_membership" "bob" {
  user   = "bob"
  groups = ["admins"]
}

resource "aws_kms_alias" "data" {
  name          = "alias/data"
  target_key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
}

resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"
  rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_sns_topic_subscription" "alerts" {
  topic_arn = "arn:aws:sns:us-east-1:123456789012:alerts"
  protocol  = "email"
  endpoint  = "ops@example.com"
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = "arn:aws:sns:us-east-1:123456789012:alerts"
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_backup_vault_lock_configuration" "vault" {
  backup_vault_name   = "central"
  min_retention_days  = 7
  max_retention_days  = 365
  changeable_for_days = 3
}

resource "aws_backup_selection" "all" {
  name         = "all"
  plan_id      = "plan-0abc"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  resources    = ["*"]
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "fixed-response"
  }
}
