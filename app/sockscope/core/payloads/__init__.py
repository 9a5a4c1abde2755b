"""Payload decoders usable under any protocol: MessagePack, CBOR, zlib/gzip/deflate and
zlib streams, protobuf's wire format without a schema, and base64 inside JSON.

:mod:`~sockscope.core.payloads.catalog` names them and says which fit a payload;
:mod:`~sockscope.core.payloads.rows` reads a stored row, with a connection's zlib stream.
"""
