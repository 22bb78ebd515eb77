"""Files of a model: import data sources (113…) and export outputs (id = export id), uploaded in chunks.

Limits from the docs: a chunk holds at most 50 MB of uncompressed data and a file at most 1,000
chunks; `application/x-gzip` chunks are decompressed on arrival; a single-file PUT may not be
compressed.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field
from typing import Any

from ml_connector.emulators.anaplan.exceptions import BadRequest, NotFound

MAX_CHUNK_BYTES = 50 * 1000 * 1000
MAX_CHUNKS = 1000
DUMP_CHUNK_BYTES = 10 * 1000 * 1000


@dataclass
class ModelFile:
    """One file object; `chunks` holds the uploaded (uncompressed) content by chunk number."""

    id: str
    name: str
    chunk_count: int = 0
    chunks: dict[int, bytes] = field(default_factory=dict)
    is_export: bool = False

    def as_json(self) -> dict[str, Any]:
        if self.is_export:
            return {"id": self.id, "name": self.name, "chunkCount": self.chunk_count, "firstDataRow": 0, "headerRow": 0}
        return {
            "id": self.id,
            "name": self.name,
            "chunkCount": self.chunk_count,
            "delimiter": '"',
            # ASSUMPTION: new import files describe themselves as UTF-8, comma-separated, '"'-delimited; all three
            # values are in the confirmed enums, the choice is ours.
            "encoding": "UTF-8",
            "firstDataRow": 2,
            "format": "txt",
            "headerRow": 1,
            "separator": ",",
        }

    def content(self) -> bytes:
        return b"".join(self.chunks[n] for n in sorted(self.chunks))

    def set_content(self, data: bytes, chunk_bytes: int = MAX_CHUNK_BYTES) -> None:
        """Replace the content (exports), split into chunks of at most `chunk_bytes`."""
        parts = [data[i : i + chunk_bytes] for i in range(0, len(data), chunk_bytes)] or [b""]
        self.chunks = dict(enumerate(parts))
        self.chunk_count = len(parts)

    def start_upload(self, chunk_count: int) -> None:
        if chunk_count == 0 or chunk_count < -1 or chunk_count > MAX_CHUNKS:
            # ASSUMPTION: chunkCount 0, below -1 or above the documented 1,000-chunk cap answers 400; the wording is
            # ours.
            raise BadRequest(f"chunkCount must be -1 or between 1 and {MAX_CHUNKS}")
        self.chunk_count = chunk_count
        self.chunks = {}

    def put_chunk(self, number: int, body: bytes, gzipped: bool) -> None:
        if number < 0 or number >= MAX_CHUNKS:
            # ASSUMPTION: chunk numbers outside 0..999 (the documented 1,000-chunk cap) answer 400 with our wording.
            raise BadRequest(f"Chunk number must be between 0 and {MAX_CHUNKS - 1}")
        if self.chunk_count > 0 and number >= self.chunk_count:
            # ASSUMPTION: a chunk beyond the announced chunkCount is refused.
            raise BadRequest(f"Chunk {number} is beyond the file's chunkCount {self.chunk_count}")
        data = _gunzip(body) if gzipped else body
        if len(data) > MAX_CHUNK_BYTES:
            # ASSUMPTION: the exact wording for an oversize chunk is undocumented.
            raise BadRequest("Chunk size exceeds the maximum of 50 MB of uncompressed data")
        self.chunks[number] = data

    def put_whole(self, body: bytes, gzipped: bool) -> None:
        if gzipped:
            # ASSUMPTION: a 400 with our wording; the refusal itself is documented ("You cannot compress a file
            # that you are uploading as a single file").
            raise BadRequest("A file uploaded as a single file cannot be compressed; upload it in chunks")
        # ASSUMPTION: a single-file PUT is held to the 50 MB chunk limit; the docs only say small files (< 1 MB) go as
        # one PUT.
        if len(body) > MAX_CHUNK_BYTES:
            raise BadRequest("File exceeds 50 MB; upload it in chunks")
        self.chunks = {0: body}
        self.chunk_count = 1

    def complete(self) -> None:
        # ASSUMPTION: /complete fixes chunkCount at the number of chunks received (the docs only say it ends a
        # chunkCount -1 upload).
        self.chunk_count = len(self.chunks)

    def chunk(self, number: int) -> bytes:
        if number not in self.chunks:
            raise NotFound()
        return self.chunks[number]


def _gunzip(body: bytes) -> bytes:
    try:
        return gzip.decompress(body)
    except (OSError, EOFError, zlib.error):
        # ASSUMPTION: an x-gzip chunk that does not decompress answers 400 (the docs require gzip format but show no
        # error).
        raise BadRequest("The chunk is not in gzip format") from None


def chunk_list(count: int) -> list[dict[str, str]]:
    """`[{"id": "0", "name": "Chunk 0"}, ...]`."""
    return [{"id": str(n), "name": f"Chunk {n}"} for n in range(count)]


def split_dump(dump: bytes) -> list[bytes]:
    """A failure dump in chunks of at most 10 MB."""
    return [dump[i : i + DUMP_CHUNK_BYTES] for i in range(0, len(dump), DUMP_CHUNK_BYTES)] or [b""]
