"""The store's views: documents and their parts over HTTP, with ETags against lost updates.

    PUT    /store/users            create or replace the document `users` (201 or 200)
    GET    /store/users/0/name     one part of it, by JSON Pointer
    PUT    /store/users/0/name     replace (or add) that part
    PATCH  /store/users/0          apply a JSON Merge Patch to that part
    DELETE /store/users/0/name     remove that part; DELETE /store/users removes the document

Every answer carries the document's ETag. A write sent with `If-Match: "<etag>"` is
refused with 412 when the document changed since that ETag was read, so two clients
editing the same document cannot overwrite each other's changes unseen.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from webob.exc import HTTPPreconditionFailed, HTTPUnsupportedMediaType

from core.conf import settings
from core.csrf import csrf_exempt
from core.exceptions import BadRequest, RequestDataTooBig
from core.http import (
    HTTPBadRequest,
    HTTPError,
    HTTPNotFound,
    HTTPRequestEntityTooLarge,
    JsonResponse,
    Request,
    Response,
)
from core.views import View
from jsonstore import pointer
from jsonstore.models import NAME_LENGTH, Document
from orm import atomic

JSON_TYPES = frozenset({"application/json"})
MERGE_PATCH_TYPES = frozenset({"application/merge-patch+json", "application/json"})


def error(status: type[HTTPError], message: str, **headers: str) -> HTTPError:
    """Return the HTTP error `status` with a JSON body `{"error": message}`, to raise."""
    return status(json_body={"error": message}, headers=list(headers.items()))


def quoted(etag: str) -> str:
    """Return an ETag as the header spells it: in double quotes."""
    return f'"{etag}"'


@csrf_exempt
class DocumentView(View):
    """Read and write a JSON document, or the part of it that the URL's pointer names.

    The API is for programs, not browsers: writes must be sent as JSON, which an HTML
    form on another site cannot do without CORS, so the view is exempt from CSRF tokens.
    """

    http_method_names: ClassVar[tuple[str, ...]] = (
        "get",
        "put",
        "patch",
        "delete",
        "head",
        "options",
    )
    # Deeper documents are refused: writing them out again would exhaust the stack.
    max_depth = 100

    def get(self, request: Request, name: str, pointer_path: str = "") -> Response:
        """Answer the document or one part of it, or 304 if the client's copy is current."""
        document = self.get_document(request.db, name)
        if document is None:
            raise error(HTTPNotFound, f"No document named {name!r}.")
        value = self.resolve(document, pointer_path)
        if document.etag in request.if_none_match:
            return Response(status=304, headerlist=[("ETag", quoted(document.etag))])
        return self.json_response(value, document)

    def put(self, request: Request, name: str, pointer_path: str = "") -> Response:
        """Store the body as the whole document (201 if new) or as one part of it."""
        value = self.read_json(request, JSON_TYPES)
        tokens = self.parse(pointer_path)
        document, created = self.get_document_for_update(request.db, name, create=not tokens)
        self.check_preconditions(request, None if created else document)
        if document is None:
            raise error(HTTPNotFound, f"No document named {name!r}: PUT the whole of it first.")
        try:
            body, added = pointer.set_part(copy.deepcopy(document.body), tokens, value)
        except pointer.PointerError as exc:
            raise error(HTTPNotFound, f"{name}{exc}") from None
        self.save(request.db, document, body)
        status = 201 if created or added else 200
        return self.json_response(value, document, status=status)

    def patch(self, request: Request, name: str, pointer_path: str = "") -> Response:
        """Merge the body (a JSON Merge Patch, RFC 7396) into the document or one part."""
        patch = self.read_json(request, MERGE_PATCH_TYPES)
        tokens = self.parse(pointer_path)
        document, _ = self.get_document_for_update(request.db, name, create=False)
        self.check_preconditions(request, document)
        if document is None:
            raise error(HTTPNotFound, f"No document named {name!r}.")
        body = copy.deepcopy(document.body)
        try:
            merged = pointer.merge_patch(pointer.resolve(body, tokens), patch)
        except pointer.PointerError as exc:
            raise error(HTTPNotFound, f"{name}{exc}") from None
        body, _ = pointer.set_part(body, tokens, merged)
        self.save(request.db, document, body)
        return self.json_response(merged, document)

    def delete(self, request: Request, name: str, pointer_path: str = "") -> Response:
        """Remove the document, or one part of it; 204 with the document's new ETag."""
        tokens = self.parse(pointer_path)
        document, _ = self.get_document_for_update(request.db, name, create=False)
        self.check_preconditions(request, document)
        if document is None:
            raise error(HTTPNotFound, f"No document named {name!r}.")
        if not tokens:
            request.db.delete(document)
            return Response(status=204)
        try:
            body = pointer.remove_part(copy.deepcopy(document.body), tokens)
        except pointer.PointerError as exc:
            raise error(HTTPNotFound, f"{name}{exc}") from None
        self.save(request.db, document, body)
        return Response(status=204, headerlist=[("ETag", quoted(document.etag))])

    def get_document(self, db: Session, name: str) -> Document | None:
        """Return the document named `name`, or None."""
        query = select(Document).where(Document.name == name)
        return db.scalars(query).one_or_none()

    def get_document_for_update(
        self, db: Session, name: str, *, create: bool
    ) -> tuple[Document | None, bool]:
        """Return the document locked until the request ends, and whether it was created now.

        The lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's writers take the database
        lock when they begin) makes reading the ETag, checking If-Match and writing one
        step: a second writer waits, then sees the first one's ETag. With `create`, a
        missing document is inserted; when another request inserts it first, that row
        is locked and used instead.
        """
        query = select(Document).where(Document.name == name).with_for_update()
        document = db.scalars(query).one_or_none()
        if document is not None or not create:
            return document, False
        if len(name) > NAME_LENGTH:
            raise error(HTTPBadRequest, f"A document name has at most {NAME_LENGTH} characters.")
        try:
            with atomic(db):
                document = Document(name=name, body=None, etag="")
                db.add(document)
                db.flush()
        except IntegrityError:
            return db.scalars(query).one(), False
        return document, True

    def check_preconditions(self, request: Request, document: Document | None) -> None:
        """Raise 412 when If-Match or If-None-Match does not hold for `document`."""
        etag = document.etag if document is not None else None
        current = {"ETag": quoted(etag)} if etag is not None else {}
        if "If-Match" in request.headers and (etag is None or etag not in request.if_match):
            message = (
                "The document does not exist."
                if etag is None
                else f"The document changed: its ETag is now {quoted(etag)}. GET it and retry."
            )
            raise error(HTTPPreconditionFailed, f"If-Match failed. {message}", **current)
        if (
            "If-None-Match" in request.headers
            and etag is not None
            and etag in request.if_none_match
        ):
            raise error(
                HTTPPreconditionFailed,
                f"If-None-Match failed: the document exists with the ETag {quoted(etag)}.",
                **current,
            )

    def read_json(self, request: Request, content_types: frozenset[str]) -> Any:
        """Return the request body parsed as JSON; 415, 400 or 413 with the reason if not."""
        if request.content_type not in content_types:
            raise error(
                HTTPUnsupportedMediaType,
                f"Send JSON with Content-Type: {' or '.join(sorted(content_types))}.",
            )
        try:
            value = request.json
        except BadRequest as exc:
            raise error(HTTPBadRequest, str(exc)) from None
        except RequestDataTooBig as exc:
            raise error(HTTPRequestEntityTooLarge, str(exc)) from None
        try:
            pointer.check_value(value, self.max_depth)
        except pointer.InvalidValue as exc:
            raise error(HTTPBadRequest, str(exc)) from None
        return value

    def save(self, db: Session, document: Document, body: Any) -> None:
        """Store `body` as the document's content, with its new ETag; 413 or 400 if too big."""
        try:
            pointer.check_value(body, self.max_depth)
        except pointer.InvalidValue as exc:
            raise error(HTTPBadRequest, str(exc)) from None
        encoded = canonical(body)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and len(encoded) > limit:
            raise error(
                HTTPRequestEntityTooLarge,
                f"The document would be {len(encoded)} bytes; the limit is {limit} "
                f"(DATA_UPLOAD_MAX_MEMORY_SIZE).",
            )
        document.body = body
        document.etag = hashlib.sha256(encoded).hexdigest()[:32]
        flag_modified(document, "body")
        db.flush()

    def parse(self, pointer_path: str) -> list[str]:
        """Return the tokens of the URL's pointer; 404 if it is malformed."""
        try:
            return pointer.parse(pointer_path)
        except pointer.PointerError as exc:
            raise error(HTTPNotFound, str(exc)) from None

    def resolve(self, document: Document, pointer_path: str) -> Any:
        """Return the part of `document` the pointer names; 404 if there is none."""
        try:
            return pointer.resolve(document.body, pointer.parse(pointer_path))
        except pointer.PointerError as exc:
            raise error(HTTPNotFound, f"{document.name}{exc}") from None

    def json_response(self, value: Any, document: Document, status: int = 200) -> Response:
        """Answer `value` as JSON with the document's ETag."""
        return JsonResponse(
            value, status=status, safe=False, headers={"ETag": quoted(document.etag)}
        )


class StoreIndex(View):
    """List the documents: their names, ETags and URLs."""

    def get(self, request: Request) -> Response:
        """Answer `{"documents": [{"name", "etag", "url"}, ...]}`, sorted by name."""
        rows = request.db.execute(select(Document.name, Document.etag).order_by(Document.name))
        documents = [
            {"name": name, "etag": quoted(etag), "url": f"/store/{name}"} for name, etag in rows
        ]
        return JsonResponse({"documents": documents})


def canonical(value: Any) -> bytes:
    """Encode `value` the one way the ETag is computed from: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
