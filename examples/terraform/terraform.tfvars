environment = "prod"

buckets = {
  artifacts = { versioning = true }
  reports   = { versioning = false }
}

# Deliberate finding: SSH open to the whole internet.
admin_cidrs = ["0.0.0.0/0"]
