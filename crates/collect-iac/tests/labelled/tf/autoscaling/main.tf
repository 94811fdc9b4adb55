# Auto Scaling groups (AWS provider, aws_autoscaling_group): a group launches its instances from
# a launch template (`launch_template { id | name, version }`, or the
# `launch_template_specification` of a `mixed_instances_policy`) or a launch configuration
# (`launch_configuration`, a name). Every instance gets what the template says, so IMDSv1
# (EC2.8 / EC2.170) and public addresses (EC2.25) are judged on the template, which names the
# groups that launch it; a template no group uses is judged all the same.
#
# Public addresses (EC2 User Guide, "Amazon EC2 instance IP addressing"): an interface that sets
# associate_public_ip_address decides; when the template leaves it unset, the subnet's
# map_public_ip_on_launch decides, so a template launched into such a subnet gives every
# instance a public address.
#
# A group whose template is not declared in this input launches instances nobody here can see:
# their settings are not assessed, on the group.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}

# IMDSv1 allowed (http_tokens defaults to "optional"), no interface: the subnet decides. Its
# data volume is not encrypted (`encrypted` defaults to false in the provider).
resource "aws_launch_template" "web" {
  name_prefix   = "web-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  block_device_mappings {
    device_name = "/dev/sdf"
    ebs {
      volume_size = 20
    }
  }
}

resource "aws_launch_template" "api" {
  name          = "api"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
  block_device_mappings {
    device_name = "/dev/sdf"
    ebs {
      volume_size = 20
      encrypted   = true
    }
  }
}

# Used by no group: still judged.
resource "aws_launch_template" "unused" {
  name_prefix   = "spare-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
}

# Launched into a public subnet, but its interface says no public address.
resource "aws_launch_template" "explicit_private" {
  name_prefix   = "batch-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
  network_interfaces {
    device_index                = 0
    associate_public_ip_address = false
  }
}

# Used only through a mixed instances policy, in a public subnet.
resource "aws_launch_template" "mixed" {
  name_prefix   = "spot-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_launch_configuration" "legacy" {
  name_prefix   = "legacy-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
}

resource "aws_autoscaling_group" "web" {
  min_size            = 1
  max_size            = 4
  vpc_zone_identifier = [aws_subnet.public.id]
  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}

resource "aws_autoscaling_group" "api" {
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = [aws_subnet.private.id]
  launch_template {
    name = aws_launch_template.api.name
  }
}

resource "aws_autoscaling_group" "explicit" {
  min_size            = 1
  max_size            = 2
  vpc_zone_identifier = [aws_subnet.public.id]
  launch_template {
    id = aws_launch_template.explicit_private.id
  }
}

resource "aws_autoscaling_group" "mixed" {
  min_size            = 1
  max_size            = 10
  vpc_zone_identifier = [aws_subnet.public.id, aws_subnet.private.id]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.mixed.id
        version            = "$Default"
      }
      override {
        instance_type = "t3.large"
      }
    }
  }
}

resource "aws_autoscaling_group" "legacy" {
  min_size             = 1
  max_size             = 2
  vpc_zone_identifier  = [aws_subnet.private.id]
  launch_configuration = aws_launch_configuration.legacy.name
}

# A template of another configuration, by name.
resource "aws_autoscaling_group" "elsewhere" {
  min_size            = 1
  max_size            = 2
  vpc_zone_identifier = ["subnet-0abc1234"]
  launch_template {
    name    = "shared-template"
    version = "3"
  }
}

# A launch configuration's own associate_public_ip_address (aws_launch_configuration; the same
# effect as a launch template's interface setting, EC2.25): true gives every instance a public
# address whatever the subnet; false leaves none.
resource "aws_launch_configuration" "public_lc" {
  name_prefix                 = "public-"
  image_id                    = "ami-12345678"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_launch_configuration" "private_lc" {
  name_prefix                 = "private-"
  image_id                    = "ami-12345678"
  instance_type               = "t3.micro"
  associate_public_ip_address = false
  metadata_options {
    http_tokens = "required"
  }
}
