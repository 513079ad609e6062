"""Publish gold to MongoDB (run.py: publish_mongodb): the server (config), documents
encoded to BSON with a content hash (encode), the collection lock (lock), the atomic swap and
incremental writes (publish), and the ledger of what was exported (ledger)."""
