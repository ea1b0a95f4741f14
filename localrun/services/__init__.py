"""A faithful double of the two conversion-task services, plugged into moto.

See ``double.ConversionTaskDouble`` and the README section on the service double.
"""

from localrun.services.double import ConversionTaskDouble, DoubleInstallError
from localrun.services.faults import FaultConfigError, FaultPlan, ServiceFault
from localrun.services.scenario import ScenarioError
from localrun.services.shapes import ResponseShapeError

__all__ = [
    "ConversionTaskDouble",
    "DoubleInstallError",
    "FaultConfigError",
    "FaultPlan",
    "ResponseShapeError",
    "ScenarioError",
    "ServiceFault",
]
