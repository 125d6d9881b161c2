locals {
  name = "shop-${var.environment}"
}

module "buckets" {
  source   = "./modules/bucket"
  for_each = var.buckets

  name        = "${local.name}-${each.key}"
  versioning  = each.value.versioning
  kms_key_arn = aws_kms_key.data.arn
  log_bucket  = aws_s3_bucket.logs.id
}

resource "aws_kms_key" "data" {
  description             = "Data at rest for ${local.name}"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "${local.name}-access-logs"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyPlainHttp"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_flow_log" "main" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.logs.arn
}

resource "aws_security_group" "bastion" {
  name        = "${local.name}-bastion"
  description = "SSH to the bastion host"
  vpc_id      = aws_vpc.main.id

  dynamic "ingress" {
    for_each = var.admin_cidrs
    content {
      description = "SSH from ${ingress.value}"
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }

  dynamic "ingress" {
    for_each = var.app_ports
    iterator = port
    content {
      description = "App traffic on ${port.value}"
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = ["10.20.0.0/16"]
    }
  }
}

resource "aws_db_instance" "orders" {
  identifier                          = "${local.name}-orders"
  engine                              = "postgres"
  instance_class                      = "db.t4g.medium"
  allocated_storage                   = 50
  username                            = "orders"
  manage_master_user_password         = true
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.data.arn
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  # Deliberate finding: a public endpoint for the orders database.
  publicly_accessible     = true
  backup_retention_period = 14
  deletion_protection     = true
  multi_az                = true
  skip_final_snapshot     = false
}

# opsdeck:ignore OPS-AWS-EC2-001 reason="scratch space for batch jobs, holds no customer data" until=2099-12-31
resource "aws_ebs_volume" "scratch" {
  availability_zone = "${var.region}a"
  size              = 100
  encrypted         = false
}
