from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bruecken.demo"
    label = "demo"
    verbose_name = "Demo"
