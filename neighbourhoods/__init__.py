"""Split an area into neighbourhoods of about 200 care recipients on the road network."""

from __future__ import annotations
