output "bucket_names" {
  value = { for k, m in module.buckets : k => m.bucket }
}
