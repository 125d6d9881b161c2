variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type = string
}

variable "buckets" {
  description = "Buckets of the estate and whether they keep old versions."
  type = map(object({
    versioning = bool
  }))
}

variable "admin_cidrs" {
  description = "Networks allowed to reach the bastion over SSH."
  type        = list(string)
}

variable "app_ports" {
  type    = list(number)
  default = [443]
}
