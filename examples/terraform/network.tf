locals {
  vpc_id  = "vpc-0a1b2c3d4e5f60001"
  sg_tags = { environment = "production", service = "shop", owner = "platform-team" }
  ssh     = 22
  # The ALB listens on both address families.
  alb_ingress = [
    { port = 443, cidr = "0.0.0.0/0", cidr6 = null },
    { port = 443, cidr = null, cidr6 = "::/0" },
    { port = 80, cidr = "0.0.0.0/0", cidr6 = null },
  ]
}

resource "aws_security_group" "alb" {
  name   = "prod-storefront-alb"
  vpc_id = local.vpc_id
  tags   = merge(local.sg_tags, { Name = "prod-storefront-alb" })
  dynamic "ingress" {
    for_each = local.alb_ingress
    content {
      from_port        = ingress.value.port
      to_port          = ingress.value.port
      protocol         = "tcp"
      cidr_blocks      = ingress.value.cidr == null ? [] : [ingress.value.cidr]
      ipv6_cidr_blocks = ingress.value.cidr6 == null ? [] : [ingress.value.cidr6]
    }
  }
  egress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}

resource "aws_security_group" "app" {
  name   = "prod-storefront-app"
  vpc_id = local.vpc_id
  tags   = merge(local.sg_tags, { Name = "prod-storefront-app" })
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "app_from_alb" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  from_port                = 8080
  to_port                  = 8080
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.alb.id
}

resource "aws_security_group_rule" "app_from_bastion" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  from_port                = local.ssh
  to_port                  = local.ssh
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.bastion.id
}

resource "aws_security_group" "bastion" {
  name   = "prod-bastion"
  vpc_id = local.vpc_id
  tags   = merge(local.sg_tags, { Name = "prod-bastion", role = "bastion" })
  ingress {
    from_port   = local.ssh
    to_port     = local.ssh
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = local.ssh
    to_port     = local.ssh
    protocol    = "tcp"
    cidr_blocks = ["10.10.0.0/16"]
  }
}

resource "aws_security_group" "orders_db" {
  name   = "prod-orders-db"
  vpc_id = local.vpc_id
  tags   = merge(local.sg_tags, { Name = "prod-orders-db" })
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}

resource "aws_security_group" "legacy_mysql" {
  name   = "legacy-mysql"
  vpc_id = local.vpc_id
  tags   = merge(local.sg_tags, { Name = "legacy-mysql" })
  ingress {
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "legacy_worker" {
  name   = "legacy-order-worker"
  vpc_id = local.vpc_id
  tags   = merge(local.sg_tags, { Name = "legacy-order-worker" })
  ingress {
    from_port   = local.ssh
    to_port     = local.ssh
    protocol    = "tcp"
    cidr_blocks = concat(["0.0.0.0/0"], var.admin_cidrs)
  }
  ingress {
    from_port   = 8000
    to_port     = 9999
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "shopify_backend" {
  name   = "shopify-backend-server"
  vpc_id = local.vpc_id
  tags   = merge(local.sg_tags, { Name = "shopify-backend-server" })
  ingress {
    description = "Shopify webhooks"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["23.227.38.0/23"]
  }
  ingress {
    from_port       = local.ssh
    to_port         = local.ssh
    protocol        = "tcp"
    security_groups = [aws_security_group.bastion.id]
  }
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 53
    to_port     = 53
    protocol    = "udp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "qa_temp_open" {
  name   = "qa-temp-open"
  vpc_id = local.vpc_id
  tags   = merge(local.sg_tags, { Name = "qa-temp-open" })
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "webhooks_lambda" {
  name   = "shop-webhooks-lambda"
  vpc_id = local.vpc_id
  tags   = merge(local.sg_tags, { Name = "shop-webhooks-lambda" })
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
