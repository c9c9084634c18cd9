"""The Python client of tailored's REST API, on httpx: `Client` (blocking) and
`AsyncClient`, with the resources and method names of the in-process `Engine`
(`client.items.upsert`, `client.events.record_many`, `client.recommendations.for_user`,
`client.orders.reorder`, ...), typed results, and the engine's error classes.

It needs only httpx and tailored's pure modules (errors, types, domain): no server,
database or web framework code is imported.

>>> from tailored.client import Client
>>> with Client("http://127.0.0.1:8000", api_key="tk_example") as client:
...     client.base_url
'http://127.0.0.1:8000'
"""

from tailored.client.client import AsyncClient, Client
from tailored.client.designs import Reorder, SavedDesign
from tailored.client.health import Liveness, Readiness
from tailored.client.lists import ListEntry, SavedEntry, SavedList, SharedList
from tailored.client.orders import LineIn, OrderLine, Receipt, SavedOrder
from tailored.client.paging import aiterate, iterate
from tailored.client.preferences import Question
from tailored.client.training import ModelVersion, TrainingJob

__all__ = [
    "AsyncClient",
    "Client",
    "LineIn",
    "ListEntry",
    "Liveness",
    "ModelVersion",
    "OrderLine",
    "Question",
    "Readiness",
    "Receipt",
    "Reorder",
    "SavedDesign",
    "SavedEntry",
    "SavedList",
    "SavedOrder",
    "SharedList",
    "TrainingJob",
    "aiterate",
    "iterate",
]
