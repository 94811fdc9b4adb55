variable "name" {
  type = string
}

variable "admin" {
  type    = bool
  default = false
}

resource "aws_iam_user" "this" {
  name = var.name
}

resource "aws_iam_user_policy" "this" {
  name = "${var.name}-inline"
  user = aws_iam_user.this.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = var.admin ? "*" : "s3:GetObject"
      Resource = var.admin ? "*" : "arn:aws:s3:::reports/*"
    }]
  })
}
