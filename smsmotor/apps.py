from django.contrib.admin.apps import AdminConfig


class SmsMotorAdminConfig(AdminConfig):
    default_site = "smsmotor.admin.AdminSite"
