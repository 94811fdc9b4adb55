# IMDSv2 (EC2.8, EC2.170): metadata_options.http_tokens defaults to "optional" on aws_instance,
# aws_launch_template and aws_launch_configuration (AWS provider documentation; EC2's default
# unless the AMI or the account's metadata defaults say otherwise); only "required" enforces
# IMDSv2. A value known only after apply is not assessed.
variable "tokens" {
  type = string
}

resource "aws_instance" "no_options" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}

resource "aws_instance" "required" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
}

resource "aws_instance" "optional" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "optional"
  }
}

resource "aws_instance" "from_variable" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = var.tokens
  }
}

resource "aws_launch_template" "required" {
  name_prefix   = "web-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_launch_template" "default" {
  name_prefix   = "worker-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  # EC2.25: every instance launched from it gets a public address.
  network_interfaces {
    associate_public_ip_address = "true"
  }
}

resource "aws_launch_configuration" "legacy" {
  name_prefix   = "legacy-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
}

resource "aws_launch_configuration" "legacy_required" {
  name_prefix   = "legacy-req-"
  image_id      = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {
    http_tokens = "required"
  }
}
