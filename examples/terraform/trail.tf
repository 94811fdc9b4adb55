# The main trail: multi-region with global service events (CloudTrail refuses a multi-region
# trail without them: InvalidParameterCombinationException), but it records write management
# events only (read calls such as reconnaissance go unlogged) and has no log file validation.
resource "aws_cloudtrail" "main" {
  name                          = "shop-main-trail"
  s3_bucket_name                = aws_s3_bucket.this["cloudtrail"].id
  is_multi_region_trail         = true
  include_global_service_events = true
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.this["cloudtrail/shop-main"].arn}:*"

  advanced_event_selector {
    name = "Management events (write only)"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
    field_selector {
      field  = "readOnly"
      equals = ["false"]
    }
  }
  advanced_event_selector {
    name = "Uploads object events"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
    field_selector {
      field       = "resources.ARN"
      starts_with = ["${aws_s3_bucket.this["uploads"].arn}/"]
    }
  }
}
