"""Development helpers, run from the repository root and never shipped: the private test
servers (``python -m tools.services``, ``tools.local_mariadb``, ``tools.local_ferretdb``,
the FerretDB build in ``tools/ferretdb/``) and `make demo`'s MongoDB step (``tools.mongo_demo``).
The ``aethermart`` package never imports this one."""
