"""The workspace catalog: datastores and versioned data assets, with ``azureml://`` URIs.

Azure ML users name data by datastore and by registered asset.  tablekit keeps
both in an embedded catalog (SQLite in the tablekit home, ``TABLEKIT_HOME``),
so those names and URIs work offline; see docs/catalog.md.

Modules: ``uris`` (parsing), ``store`` (the SQLite catalog), ``secrets``
(credentials), ``workspace`` and ``datastore`` (the Python API), ``transfer``
(upload/download), ``resolve`` (URI -> storage), ``source`` (the ``azureml``
scheme for tablekit's readers), ``filesystem`` (the fsspec ``azureml``
protocol), ``ml_client`` (resolving through a real Azure ML workspace),
``cli`` (``tablekit datastore|asset ...``).
"""
from tablekit.catalog.datastore import DataReference, Datastore
from tablekit.catalog.workspace import DataAsset, Workspace

__all__ = ["Workspace", "Datastore", "DataReference", "DataAsset"]
