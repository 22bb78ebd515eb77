"""Files: chunked upload from disk (optionally gzip, optionally parallel) and streaming download.

Upload: `POST files/{id} {"chunkCount": n}` then `PUT files/{id}/chunks/{i}` for i in 0..n-1. Each
chunk is read from disk when it is sent, so memory holds at most one chunk per worker. The same file
id is overwritten every time (never a new private file: Anaplan creates one for an unknown id).
Download: list `files/{id}/chunks`, stream each chunk to a temporary file, rename it into place.
"""

from __future__ import annotations

import gc
import gzip
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from ml_connector.errors import ApiError, ConfigurationError, UnavailableError
from ml_connector.systems.anaplan.api import AnaplanApi
from ml_connector.systems.anaplan.discovery import ModelRef
from ml_connector.systems.anaplan.ids import check_object_id

MIN_CHUNK_BYTES = 1000 * 1000
MAX_CHUNK_BYTES = 50 * 1000 * 1000
MAX_CHUNKS = 1000
DOWNLOAD_ATTEMPTS = 3


def chunk_plan(size: int, chunk_bytes: int) -> list[tuple[int, int]]:
    """(offset, length) of each chunk of a file of `size` bytes; an empty file is one empty chunk."""
    if chunk_bytes < 1:
        raise ValueError("chunk_bytes must be positive")
    if size == 0:
        return [(0, 0)]
    return [(start, min(chunk_bytes, size - start)) for start in range(0, size, chunk_bytes)]


@dataclass(frozen=True)
class UploadResult:
    file_id: str
    chunks: int
    bytes_read: int
    bytes_sent: int


class ChunkedUpload:
    """Uploads one file from disk to one Anaplan file id."""

    def __init__(self, api: AnaplanApi, *, chunk_bytes: int, compress: bool = True, parallel: int = 1) -> None:
        if not MIN_CHUNK_BYTES <= chunk_bytes <= MAX_CHUNK_BYTES:
            raise ConfigurationError(
                f"chunk size {chunk_bytes} bytes is outside Anaplan's 1 to 50 MB",
                hint="Set chunk_size_mb between 1 and 50.",
            )
        self.api = api
        self.chunk_bytes = chunk_bytes
        self.compress = compress
        self.parallel = max(1, parallel)

    def upload(self, ref: ModelRef, file_id: str, path: Path) -> UploadResult:
        check_object_id("file", file_id)
        size = path.stat().st_size
        plan = chunk_plan(size, self.chunk_bytes)
        if len(plan) > MAX_CHUNKS:
            raise ConfigurationError(
                f"{path} needs {len(plan)} chunks of {self.chunk_bytes} bytes; Anaplan takes at most {MAX_CHUNKS}",
                hint="Raise chunk_size_mb (up to 50).",
            )
        base = f"{ref.path}/files/{file_id}"
        answer = self.api.json(
            "POST",
            base,
            f"setting the chunk count of file {file_id}",
            json={"chunkCount": len(plan)},
            safe_to_repeat=True,
        )
        got = answer.get("file", {}).get("id") if isinstance(answer.get("file"), dict) else None
        if got is not None and str(got) != file_id:
            # Anaplan made a new private file: the import would not read it.
            raise ApiError(f"Anaplan answered file {got} when file {file_id} was set up for upload")

        def send(number: int) -> int:
            offset, length = plan[number]
            with path.open("rb") as handle:
                handle.seek(offset)
                data = handle.read(length)
            if self.compress:
                body, content_type = gzip.compress(data, compresslevel=6), "application/x-gzip"
            else:
                body, content_type = data, "application/octet-stream"
            self.api.call(
                "PUT",
                f"{base}/chunks/{number}",
                f"uploading chunk {number} of file {file_id}",
                content=body,
                headers={"Content-Type": content_type},
            )
            sent = len(body)
            del data, body
            # An httpx response and its stream refer to each other, so the request body (up to 50 MB)
            # waits for the cycle collector; collecting the young generation keeps one chunk per worker.
            gc.collect(0)
            return sent

        if self.parallel > 1 and len(plan) > 1:
            with ThreadPoolExecutor(
                max_workers=min(self.parallel, len(plan)), thread_name_prefix="anaplan-upload"
            ) as pool:
                sent = sum(pool.map(send, range(len(plan))))
        else:
            sent = sum(send(n) for n in range(len(plan)))
        return UploadResult(file_id=file_id, chunks=len(plan), bytes_read=size, bytes_sent=sent)


def download(api: AnaplanApi, ref: ModelRef, file_id: str, dest: Path) -> Path:
    """Stream file `file_id` (chunk by chunk) into `dest`; a partial download never replaces `dest`."""
    listing = api.get(f"{ref.path}/files/{file_id}/chunks", f"listing the chunks of file {file_id}")
    chunk_ids = [str(c.get("id")) for c in listing.get("chunks") or []]
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    try:
        with partial.open("wb") as out:
            for chunk_id in chunk_ids:
                download_chunk(
                    api, f"{ref.path}/files/{file_id}/chunks/{chunk_id}", out, f"chunk {chunk_id} of file {file_id}"
                )
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def download_chunk(api: AnaplanApi, path: str, out: IO[bytes], what: str) -> None:
    """Stream one chunk (`what` names it, e.g. "chunk 0 of file 116000000001") into `out`, from its first
    byte again when the answer breaks off mid-body; `UnavailableError` after `DOWNLOAD_ATTEMPTS`."""
    start = out.tell()
    for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
        try:
            with api.stream(path, f"downloading {what}") as blocks:
                for block in blocks:
                    out.write(block)
            return
        except httpx.TransportError as exc:
            # The answer broke off mid-body: start this chunk again from its first byte.
            out.seek(start)
            out.truncate()
            if attempt == DOWNLOAD_ATTEMPTS:
                raise UnavailableError(f"Anaplan broke off the download of {what} ({type(exc).__name__})") from exc
