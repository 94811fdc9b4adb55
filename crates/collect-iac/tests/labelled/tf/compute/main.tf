# Instances, launch templates and configurations (the controls every instance launched from them
# inherits: instance profile, user data, EBS encryption), and database clusters whose encryption
# defaults to off (DocumentDB, Neptune).
resource "aws_iam_instance_profile" "app" {
  name = "app"
  role = "app-role"
}

# Root volume encrypted; the extra volume is not.
resource "aws_instance" "declared_volumes" {
  ami                  = "ami-12345678"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.app.name
  root_block_device {
    encrypted = true
  }
  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 20
  }
}

# No root_block_device: the root volume follows the AMI and the account default.
resource "aws_instance" "implicit_root" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}

resource "aws_launch_template" "web" {
  name_prefix   = "web-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  user_data     = "IyEvYmluL2Jhc2gKZXhwb3J0IEFXU19BQ0NFU1NfS0VZX0lEPUFLSUFaN1FXRVJUWVVJT1AyWFlaCmV4cG9ydCBBV1NfU0VDUkVUX0FDQ0VTU19LRVk9WnE4djNMazFSdDZZcDJXbjlYYzRCbTdIZDVGZzBKczFLYTNRZThUdQo="
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
      encrypted   = false
    }
  }
}

resource "aws_launch_template" "worker" {
  name_prefix   = "worker-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  user_data     = base64encode("#!/bin/bash\necho starting worker\n")
  iam_instance_profile {
    name = aws_iam_instance_profile.app.name
  }
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
      encrypted   = true
    }
  }
}

resource "aws_launch_configuration" "legacy" {
  name_prefix   = "legacy-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = false
  }
}

resource "aws_autoscaling_group" "web" {
  min_size = 1
  max_size = 2
  launch_template {
    id = aws_launch_template.web.id
  }
}

resource "aws_docdb_cluster" "plain" {
  cluster_identifier = "docs-plain"
  master_username    = "admin"
}

resource "aws_docdb_cluster" "encrypted" {
  cluster_identifier = "docs-encrypted"
  master_username    = "admin"
  storage_encrypted  = true
}

resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
}

resource "aws_rds_cluster" "aurora" {
  cluster_identifier = "aurora"
  engine             = "aurora-postgresql"
  storage_encrypted  = true
}
