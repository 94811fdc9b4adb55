locals {
  log_groups = {
    "cloudtrail/shop-main"           = 90
    "/ecs/shop-api"                  = null
    "/aws/lambda/shop-webhooks"      = 30
    "/aws/lambda/shop-order-export"  = null
    "/vpc/flow-logs/prod"            = 365
  }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each          = local.log_groups
  name              = each.key
  retention_in_days = each.value
}
