"""The forums of the CIO-stelsel, each owning its meeting, queue and decisions.

The model builds them and wires them into a `cio_sim.flow.Flow`, through which they hand
items on; `CIOModel.step` calls them in order once a week."""

from .base import Forum, count_positions, dilute
from .cio_beraad import REDISCUSSED, CIOBeraad
from .closure import CommunityClosure, DepartmentalClosure, ScaleUp
from .icbr import ICBR
from .voorportaal import Voorportaal
from .working_group import WorkingGroup

__all__ = ["ICBR", "REDISCUSSED", "CIOBeraad", "CommunityClosure", "DepartmentalClosure",
           "Forum", "ScaleUp", "Voorportaal", "WorkingGroup", "count_positions", "dilute"]
