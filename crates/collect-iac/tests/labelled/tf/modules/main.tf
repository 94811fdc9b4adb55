# Local modules: each call is an instance of the module (`module.NAME.` before every address);
# the module's directory is not a root of its own, so nothing in it exists twice.
module "alice" {
  source = "./modules/user"
  name   = "alice"
  admin  = true
}

module "bob" {
  source = "./modules/user"
  name   = "bob"
}

module "net" {
  source     = "./modules/net"
  open_ports = [22]
}

module "net_private" {
  source     = "./modules/net"
  open_ports = []
}

# Two roles with the same name in different modules would be distinct resources; here a root
# role has the same name as nothing else and an admin managed policy attached.
resource "aws_iam_policy" "admin" {
  name = "lab-admin"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "reader" {
  name = "lab-reader"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::reports/*" }]
  })
}
