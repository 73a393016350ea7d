"""Datastore backends: :mod:`.protocol` (the contract every backend keeps), :mod:`.local` (files),
:mod:`.s3` (with :mod:`.s3_cache`, its local read cache), and :mod:`.factory` (the backend of a
root: ``open_storage``)."""
