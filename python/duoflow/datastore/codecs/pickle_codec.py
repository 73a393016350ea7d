"""cloudpickle: the encoding of last resort, for Python-only objects."""

from __future__ import annotations

from typing import Any, Optional

from .base import Buffer, Codec, Encoded, python_type_name


class CloudpickleCodec(Codec):
    """Any picklable Python object, including classes and functions defined in a flow file.

    Readable from Python only; the first encoding duoflow ever wrote, so it must keep loading.
    """

    encoding = "cloudpickle"
    version = 1

    def accepts(self, value: Any) -> bool:
        return True

    def encode(self, value: Any) -> Encoded:
        import pickle

        import cloudpickle  # delayed: only tasks that store Python-only objects pay for it

        payload = cloudpickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return Encoded(self.encoding, self.version, python_type_name(value), payload=payload)

    def decode(self, payload: Optional[Buffer], entry: dict) -> Any:
        import pickle  # delayed like cloudpickle: most runs and reads never unpickle

        return pickle.loads(payload)
