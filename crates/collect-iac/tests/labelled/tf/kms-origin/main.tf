# Which keys automatic rotation applies to. KMS API reference, EnableKeyRotation: "You cannot enable
# automatic rotation of asymmetric KMS keys, HMAC KMS keys, KMS keys with imported key material, or
# KMS keys in a custom key store." Only the two keys KMS makes material for get a KMS-001 verdict.

resource "aws_kms_key" "app" {
  description = "made by KMS, rotation never turned on"
}

resource "aws_kms_key" "rotated" {
  description         = "made by KMS, rotating"
  enable_key_rotation = true
}

resource "aws_kms_external_key" "imported" {
  description = "material imported later: rotation is manual"
}

resource "aws_kms_key" "hsm" {
  description         = "in a CloudHSM key store"
  custom_key_store_id = "cks-1234567890abcdef0"
}

resource "aws_kms_key" "xks" {
  description         = "in an external key store"
  custom_key_store_id = "cks-0fedcba0987654321"
  xks_key_id          = "bb8562717f809024"
}
