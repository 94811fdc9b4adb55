# Parameters, secrets, functions and task definitions (SEC-2, SEC-3, SEC-4, IAM-9).
variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_ssm_parameter" "db_password_plain" {
  name  = "/app/db_password"
  type  = "String"
  value = var.db_password
}

resource "aws_ssm_parameter" "db_password_secure" {
  name  = "/app/db_password_secure"
  type  = "SecureString"
  value = var.db_password
}

resource "aws_ssm_parameter" "feature_flag" {
  name  = "/app/feature_flag"
  type  = "String"
  value = "on"
}

resource "aws_secretsmanager_secret" "rotated" {
  name = "rotated"
}

resource "aws_secretsmanager_secret_rotation" "rotated" {
  secret_id           = aws_secretsmanager_secret.rotated.id
  rotation_lambda_arn = "arn:aws:lambda:us-east-1:111122223333:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_secretsmanager_secret" "never_rotated" {
  name = "never-rotated"
}

resource "aws_lambda_function" "with_key" {
  function_name = "with-key"
  role          = "arn:aws:iam::111122223333:role/lambda"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  environment {
    variables = {
      AWS_ACCESS_KEY_ID = "AKIAZ7QWERTYUIOP2XYZ"
    }
  }
}

resource "aws_lambda_function" "clean" {
  function_name = "clean"
  role          = "arn:aws:iam::111122223333:role/lambda"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  environment {
    variables = {
      LOG_LEVEL = "info"
    }
  }
}

resource "aws_ecs_task_definition" "no_role" {
  family = "no-role"
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx:1.27"
  }])
}

resource "aws_ecs_task_definition" "with_role" {
  family        = "with-role"
  task_role_arn = "arn:aws:iam::111122223333:role/task"
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx:1.27"
  }])
}
