from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulatorsConfig(AppConfig):
    """The simulated devices and the commands that start them (simulate_modem, demo_modem): the
    demo, the tests and the benchmarks use them; no production code path imports this package."""

    name = "simulators"
    verbose_name = _("Simulated devices")
